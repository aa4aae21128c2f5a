#!/usr/bin/python3
"""The libtorrent baseline of the file swarm benchmark (SwarmBench --libtorrent).

Usage: /usr/bin/python3 libtorrent_swarm.py MEDIA PEERS [PIECE_KIB] [WORK_DIR] [--timeout S] [--utp]
                                            [--set NAME=VALUE ...] [--source-address A]
                                            [--peer-addresses A1,A2,...] [--join-at T1,T2,...]
                                            [--churn LEAVE:BACK:I,J,...;...]
                                            [--stream deadline|sequential --piece-due D0,D1,...]

For the shaped lab (bench/lab.sh), --source-address and --peer-addresses give the seeder and each
downloader an address of its own: each session listens there and makes its outgoing connections from
there (listen_interfaces and outgoing_interfaces), so that the kernel's per-address shaping sees all of
its traffic. --join-at starts downloader i T_i seconds after the clock starts (staggered joins); it
dials the seeder and every downloader that joined before it once its torrent is past checking.
--churn makes downloaders I, J, ... leave LEAVE seconds after the clock starts (their torrent is removed,
their files and session stay) and come back BACK seconds after it (the torrent is added again, checks
what it has, and dials the others anew).

--stream makes every downloader stream the file from its start, as a player on it would (the lab's
"streaming a file" scenario, bench/lab.sh --scenario stream): `deadline` sets a deadline on every piece,
its media time (--piece-due, seconds from the first frame, one per piece) after the downloader joins
(set_piece_deadline: libtorrent's time-critical picker, what streaming clients on libtorrent use);
`sequential` turns on set_sequential_download. Either way each downloader's piece arrival times
(piece_finished_alert, seconds from its join) are printed, one line per downloader:
  LIBTORRENT_PIECES I T0,T1,...
and the caller applies its player model to them.

Run it with the system /usr/bin/python3: the Debian python3-libtorrent module (libtorrent-rasterbar
2.0.8, installed by bench/baselines/install.sh) is not visible to a pyenv python3.

What it does, mirroring IceShare's SwarmBench run (1 source + N peers in one process, real loopback
sockets, the same media file, the same piece size):
- makes a BitTorrent v1 torrent of MEDIA with PIECE_KIB KiB pieces (default 256);
- starts 1 seeding session holding a copy of the file and N downloading sessions in this process,
  each session listening on its own 127.0.0.1 port (an ephemeral one: no clashes with other runs);
- the seeder hash-checks its copy BEFORE the clock starts (IceShare also publishes, i.e. hashes, the
  file before its clock starts);
- the clock starts when the downloaders' torrents are added, and stops when all N downloaders hold
  the whole file (each downloader's torrent_finished_alert, alerts polled every 50 ms);
- reports the seeder's payload upload (SUF = seeder upload / file size) and the payload all
  downloaders received (moved), then checks every copy byte for byte against MEDIA (untimed).

How peers find each other: connect_peer, not a tracker. Each downloader is told the seeder's
address and the address of every downloader started before it, so the swarm is a full mesh with
one dial per pair. A local opentracker would end in the same mesh (libtorrent asks a tracker for
num_want=200 peers, more than the swarm holds), but adds a daemon, its whitelist and chroot, and
announce timing to the measurement; connect_peer is simpler and no less fair: every peer knows
every other peer from the start, as IceShare's tracker knows every peer. PEX stays on (a default)
but has nothing to add to a full mesh.

Settings (everything else is libtorrent's default, in particular unchoke_slots_limit=8, the
rarest-first picker, round-robin seed choking, and NO super-seeding):
- enable_dht, enable_lsd, enable_upnp, enable_natpmp = False: no traffic or peers from outside the
  benchmark, no port-mapping delays;
- allow_multiple_connections_per_ip = True: every session is 127.0.0.1; without it libtorrent
  would accept only one peer per IP;
- upload_rate_limit = download_rate_limit = 0 (unlimited; that is also the default);
- enable_outgoing_utp = enable_incoming_utp = False, unless --utp: IceShare moves data over TCP,
  so both systems use TCP. uTP's LEDBAT congestion control aims at a queuing delay that loopback
  never shows and its user-space stack costs CPU on this 2-core machine: with --utp, 50 peers and
  64 MiB took 29 to 34 s against 19 to 22 s over TCP in the same period;
- listen_queue_size = 128 (default 5) and connection_speed = 500 (default 30 dials per second per
  session): a whole mesh dials at once, and a 5-deep accept backlog overflows (thousands of
  TcpExtListenOverflows per run, each a dropped SYN retried after 1 s), while 30 dials per second
  spread one peer's 50 dials over about 2 s. Both are set-up artefacts, not protocol properties.
  Measured effect (50 peers, 64 MiB, 4 interleaved rounds): means 15.7 s with both raised, 16.3 s
  with both at default, within the run-to-run noise (12.5 to 24 s); they stay raised because they
  can only help libtorrent;
- connections_limit stays 200 (default), enough for a full mesh of up to 200 downloaders; for
  bigger swarms it is raised to PEERS + 10 so the mesh is never cut;
- alert_mask = errors, status (torrent_finished_alert times the downloaders) and performance
  warnings (counted and shown in the summary); nothing chatty, so the alert queue never fills.
The torrents are added paused and non-auto-managed, then resumed together, so libtorrent's queueing
(active_downloads=3 per session) never holds one back; with one torrent per session it would not
anyway.

It prints one machine-readable line, e.g.
  LIBTORRENT peers=50 seconds=13.91 first=9.80 median=12.40 suf=5.620 moved=3355443200 redundant=0 piece_kib=256
(seconds = all N complete; suf = seeder payload upload / file size; moved = payload bytes the
downloaders received), plus a short human summary on the lines before it. It always exits: after
--timeout seconds (default 600) it reports failure with exit status 2, and a watchdog ends the
process if libtorrent's shutdown hangs. The work directory it made is always removed.
"""

import argparse
import os
import shutil
import signal
import sys
import tempfile
import threading
import time

import libtorrent as lt

POLL_S = 0.05


def session_settings(peers, utp, address='127.0.0.1', pieces=False):
    progress = lt.alert.category_t.piece_progress_notification if pieces else 0
    return {
        'listen_interfaces': f'{address}:0',
        # the source address of outgoing connections too: the lab shapes each address's upload
        'outgoing_interfaces': address,
        'enable_dht': False,
        'enable_lsd': False,
        'enable_upnp': False,
        'enable_natpmp': False,
        'allow_multiple_connections_per_ip': True,
        'upload_rate_limit': 0,
        'download_rate_limit': 0,
        'enable_outgoing_utp': utp,
        'enable_incoming_utp': utp,
        'listen_queue_size': 128,
        'connection_speed': 500,
        'connections_limit': max(200, peers + 10),
        'alert_mask': (lt.alert.category_t.error_notification | lt.alert.category_t.status_notification
                       | lt.alert.category_t.performance_warning | progress),
    }


def make_torrent(media, piece_kib):
    fs = lt.file_storage()
    lt.add_files(fs, media)
    ct = lt.create_torrent(fs, piece_kib * 1024, flags=lt.create_torrent.v1_only)
    ct.set_creator('iceshare bench')
    lt.set_piece_hashes(ct, os.path.dirname(os.path.abspath(media)))
    return lt.torrent_info(lt.bencode(ct.generate()))


def add(ses, info, save_path):
    p = lt.add_torrent_params()
    p.ti = info
    p.save_path = save_path
    # paused and not auto-managed: started by hand, never queued by libtorrent
    p.flags = (p.flags | lt.torrent_flags.paused) & ~lt.torrent_flags.auto_managed
    return ses.add_torrent(p)


def wait_state(handles, ok, deadline, what):
    while True:
        states = [h.status(0).state for h in handles]
        if all(ok(s) for s in states):
            return
        for h in handles:
            err = h.status(0).errc
            if err.value() != 0:
                raise RuntimeError(f'{what}: torrent error {err.message()}')
        if time.monotonic() > deadline:
            raise TimeoutError(f'{what}: not done in time (states {sorted(set(map(str, states)))})')
        time.sleep(POLL_S)


def same_bytes(a, b):
    with open(a, 'rb') as fa, open(b, 'rb') as fb:
        while True:
            x = fa.read(1 << 20)
            if x != fb.read(1 << 20):
                return False
            if not x:
                return True


def run(args, work):
    media = os.path.abspath(args.media)
    size = os.path.getsize(media)
    name = os.path.basename(media)
    t0 = time.monotonic()
    deadline = t0 + args.timeout
    info = make_torrent(media, args.piece_kib)
    warnings = {}

    def note(a):
        # performance warnings and errors, counted by kind
        if a.category() & (lt.alert.category_t.error_notification | lt.alert.category_t.performance_warning):
            kind = a.what() + ': ' + (a.message().split(': ', 1)[-1] if isinstance(a, lt.performance_alert)
                                      else a.message())
            warnings[kind] = warnings.get(kind, 0) + 1

    def settings_for(address):
        settings = session_settings(args.peers, args.utp, address, pieces=bool(args.stream))
        for kv in args.set:
            key, value = kv.split('=', 1)
            old = lt.default_settings()[key]
            settings[key] = value == 'true' if isinstance(old, bool) else type(old)(value)
        return settings

    addresses = args.peer_addresses.split(',') if args.peer_addresses else ['127.0.0.1'] * args.peers
    joins = [float(t) for t in args.join_at.split(',')] if args.join_at else [0.0] * args.peers
    if len(addresses) != args.peers or len(joins) != args.peers:
        raise RuntimeError(f'--peer-addresses and --join-at need {args.peers} entries each')
    seed_dir = os.path.join(work, 'seed')
    os.makedirs(seed_dir)
    shutil.copyfile(media, os.path.join(seed_dir, name))  # the seeder works on a copy, never the cache
    seeder = lt.session(settings_for(args.source_address))
    downloaders = [lt.session(settings_for(a)) for a in addresses]
    sessions = [seeder] + downloaders
    try:
        seed = add(seeder, info, seed_dir)
        seed.resume()
        wait_state([seed], lambda s: s == lt.torrent_status.seeding, deadline, 'seeder check')
        ports = [s.listen_port() for s in sessions]
        if 0 in ports:
            raise RuntimeError('a session is not listening')

        start = time.monotonic()
        print('LIBTORRENT_START', flush=True)  # for a caller sampling the links while the clock runs
        handles = [add(d, info, os.path.join(work, f'peer{i}')) for i, d in enumerate(downloaders)]
        due = [float(d) for d in args.piece_due.split(',')] if args.piece_due else []
        if args.stream == 'deadline' and len(due) != info.num_pieces():
            raise RuntimeError(f'--piece-due has {len(due)} entries for {info.num_pieces()} pieces')
        arrived = [[None] * info.num_pieces() for _ in handles]  # streaming: each piece's arrival, from the join
        joined_at = [None] * args.peers

        def stream(i, h):
            # a player starts on this downloader now: it wants the file in order, by media time
            joined_at[i] = time.monotonic()
            if args.stream == 'sequential':
                h.set_sequential_download(True)
            elif args.stream == 'deadline':
                for p, d in enumerate(due):
                    h.set_piece_deadline(p, int(d * 1000))
        started = [False] * args.peers
        dialled = []  # downloaders that joined, in order
        offline = set()  # downloaders that left and are not back yet
        events = []
        for part in (args.churn.split(';') if args.churn else []):
            leave, back, who = part.split(':')
            events.append([float(leave), float(back), [int(i) for i in who.split(',')], False, False])

        def churn_due(now):
            for e in events:
                leave, back, who, gone, returned = e
                if not gone and now - start >= leave:
                    for i in who:
                        if i not in offline and started[i]:
                            downloaders[i].remove_torrent(handles[i])  # keeps its files
                            offline.add(i)
                            if i in dialled:
                                dialled.remove(i)
                    e[3] = True
                    print(f'libtorrent churn at {now - start:.2f} s: downloaders {who} left', flush=True)
                elif gone and not returned and now - start >= back:
                    for i in who:
                        if i in offline:
                            handles[i] = add(downloaders[i], info, os.path.join(work, f'peer{i}'))
                            handles[i].resume()
                            offline.discard(i)
                    e[4] = True
                    print(f'libtorrent churn at {now - start:.2f} s: downloaders {who} came back', flush=True)

        def join_due(now):
            # a peer dialled while its torrent is still being checked would be refused and redialled
            # only after min_reconnect_time (60 s), so a joiner dials once it is past checking
            for i, h in enumerate(handles):
                if not started[i] and now - start >= joins[i]:
                    h.resume()
                    started[i] = True
                    if args.stream:
                        stream(i, h)
            for i, h in enumerate(handles):
                if started[i] and i not in dialled and i not in offline and h.status(0).state in (
                        lt.torrent_status.downloading, lt.torrent_status.seeding, lt.torrent_status.finished):
                    h.connect_peer((args.source_address, ports[0]))
                    for j in dialled:
                        h.connect_peer((addresses[j], ports[1 + j]))
                    dialled.append(i)

        if max(joins) == 0:
            # a flash crowd: all start at once and dial as soon as all are past checking, without asking
            # each torrent for its status again (status() waits for the session's network thread)
            for i, h in enumerate(handles):
                h.resume()
                if args.stream:
                    stream(i, h)
            started = [True] * args.peers
            wait_state(handles, lambda s: s in (lt.torrent_status.downloading, lt.torrent_status.seeding,
                                                lt.torrent_status.finished), deadline, 'downloader start')
            for i, h in enumerate(handles):
                h.connect_peer((args.source_address, ports[0]))
                for j in range(i):
                    h.connect_peer((addresses[j], ports[1 + j]))
                dialled.append(i)
        else:
            join_due(time.monotonic())

        # Completion is seen through torrent_finished_alert: pop_alerts() only swaps a queue, whereas
        # handle.status() waits for the session's network thread, which on 2 busy cores took up to
        # 7.5 s per poll round and so blurred the times.
        done = [None] * len(handles)
        while None in done:
            now = time.monotonic()
            if now > deadline:
                left = done.count(None)
                raise TimeoutError(f'{left} of {args.peers} downloaders not complete after {args.timeout:.0f} s')
            for i, d in enumerate(downloaders):
                for a in d.pop_alerts():
                    note(a)
                    if isinstance(a, lt.torrent_finished_alert) and done[i] is None:
                        done[i] = now - start
                    elif isinstance(a, lt.piece_finished_alert) and args.stream and arrived[i][a.piece_index] is None:
                        arrived[i][a.piece_index] = now - joined_at[i]
            for a in seeder.pop_alerts():
                note(a)
            if events:
                churn_due(now)
            if len(dialled) < args.peers:
                join_due(now)
            time.sleep(POLL_S)
        seconds = max(done)
        print('LIBTORRENT_DONE', flush=True)
        up = seed.status(0).total_payload_upload
        stats = [h.status(0) for h in handles if h.is_valid()]  # a peer that left and is not back has none
        moved = sum(s.total_payload_download for s in stats)
        redundant = sum(s.total_redundant_bytes for s in stats)
        failed = sum(s.total_failed_bytes for s in stats)
        peer_up = sum(s.total_payload_upload for s in stats)
        conns = seed.status(0).num_peers

        for s in sessions:
            s.pause()
        for i in range(args.peers):
            copy = os.path.join(work, f'peer{i}', name)
            if not same_bytes(media, copy):
                raise RuntimeError(f'copy at peer{i} differs from the file')

        if args.stream:
            # a piece's alert may come a poll after its torrent's finished alert
            settle = time.monotonic() + 2
            while any(None in a for a in arrived) and time.monotonic() < settle:
                for i, d in enumerate(downloaders):
                    for a in d.pop_alerts():
                        if isinstance(a, lt.piece_finished_alert) and arrived[i][a.piece_index] is None:
                            arrived[i][a.piece_index] = time.monotonic() - joined_at[i]
                time.sleep(POLL_S)
            for i, a in enumerate(arrived):
                if None in a:
                    raise RuntimeError(f'downloader {i}: no piece_finished_alert for piece {a.index(None)}')
                print(f'LIBTORRENT_PIECES {i} ' + ','.join(f'{t:.3f}' for t in a), flush=True)
        times = ','.join(f'{t:.2f}' for t in done)
        ups = ','.join(str(s.total_payload_upload) for s in stats)  # since each one's last (re)join
        done = sorted(done)
        median = done[len(done) // 2] if len(done) % 2 else (done[len(done) // 2 - 1] + done[len(done) // 2]) / 2
        suf = up / size
        print(f'libtorrent {lt.__version__}: 1 seeder + {args.peers} downloaders, {name} ({size} bytes), '
              f'pieces {args.piece_kib} KiB ({info.num_pieces()}), {"uTP+TCP" if args.utp else "TCP"}, '
              f'connect_peer full mesh{", " + " ".join(args.set) if args.set else ""}')
        print(f'libtorrent: all {args.peers} complete in {seconds:.2f} s (first {done[0]:.2f} s, median '
              f'{median:.2f} s); seeder upload factor {suf:.3f} (seeder sent {up} bytes, peers {peer_up}); '
              f'moved {moved} bytes ({moved / 2**30:.2f} GiB, {moved / 2**20 / seconds:.0f} MiB/s aggregate), '
              f'redundant {redundant}, failed {failed}; seeder connected to {conns} peers at the end')
        if warnings:
            print('libtorrent warnings: ' + '; '.join(f'{n} x {m}' for m, n in sorted(warnings.items())))
        print(f'LIBTORRENT peers={args.peers} seconds={seconds:.2f} first={done[0]:.2f} median={median:.2f} '
              f'suf={suf:.3f} moved={moved} redundant={redundant} piece_kib={args.piece_kib} seeder_up={up} '
              f'times={times} uploads={ups}', flush=True)
    finally:
        # destroys the sessions now (closing their sockets and threads); the watchdog covers a hang
        del sessions, seeder, downloaders


def main():
    ap = argparse.ArgumentParser(description='libtorrent 2.0 file swarm baseline: 1 seeder + N downloaders '
                                             'on loopback, in one process')
    ap.add_argument('media', help='the file to swarm')
    ap.add_argument('peers', type=int, help='number of downloaders')
    ap.add_argument('piece_kib', type=int, nargs='?', default=256, help='piece size in KiB (default 256)')
    ap.add_argument('work_dir', nargs='?', default=None,
                    help='where the copies go (default: the system temp dir); a fresh folder inside it '
                         'is made and removed, and the work dir itself too if this script made it')
    ap.add_argument('--timeout', type=float, default=600, help='give up after this many seconds (default 600)')
    ap.add_argument('--utp', action='store_true', help='allow uTP as well as TCP (libtorrent default)')
    ap.add_argument('--set', action='append', default=[], metavar='NAME=VALUE',
                    help='override one libtorrent setting in every session, for experiments (repeatable)')
    ap.add_argument('--source-address', default='127.0.0.1',
                    help="the seeder's own address, for listening and outgoing connections (default 127.0.0.1)")
    ap.add_argument('--peer-addresses', default=None, metavar='A1,A2,...',
                    help="each downloader's own address, comma-separated (default 127.0.0.1 for all)")
    ap.add_argument('--join-at', default=None, metavar='T1,T2,...',
                    help='seconds after the clock starts at which each downloader joins (default all at 0)')
    ap.add_argument('--churn', default=None, metavar='LEAVE:BACK:I,J,...;...',
                    help='downloaders I, J, ... leave at LEAVE and come back at BACK seconds after the clock starts')
    ap.add_argument('--stream', choices=['deadline', 'sequential'], default=None,
                    help='every downloader streams the file from its start (piece deadlines or sequential order) '
                         'and its piece arrival times are printed')
    ap.add_argument('--piece-due', default=None, metavar='D0,D1,...',
                    help='with --stream deadline: each piece\'s media time in seconds, its deadline after the join')
    args = ap.parse_args()
    if args.peers < 1 or args.piece_kib < 16 or args.piece_kib & (args.piece_kib - 1):
        ap.error('peers must be >= 1 and the piece size a power of two >= 16 KiB')

    made_work_dir = bool(args.work_dir) and not os.path.exists(args.work_dir)
    if args.work_dir:
        os.makedirs(args.work_dir, exist_ok=True)
    work = tempfile.mkdtemp(prefix='libtorrent-swarm-', dir=args.work_dir)

    def cleanup():
        shutil.rmtree(work, ignore_errors=True)
        if made_work_dir:
            shutil.rmtree(args.work_dir, ignore_errors=True)

    def watchdog():
        print(f'libtorrent_swarm: still running {args.timeout + 60:.0f} s after the start; exiting hard',
              file=sys.stderr, flush=True)
        cleanup()
        os._exit(3)

    dog = threading.Timer(args.timeout + 60, watchdog)
    dog.daemon = True
    dog.start()
    # a SIGTERM (e.g. from the Java side giving up) unwinds through the finally blocks below
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        run(args, work)
        return 0
    except (RuntimeError, TimeoutError) as e:
        print(f'LIBTORRENT_FAILED {e}', flush=True)
        return 2
    finally:
        cleanup()
        dog.cancel()


if __name__ == '__main__':
    sys.exit(main())
