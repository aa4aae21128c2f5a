package org.iceshare.core.internal.peer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.iceshare.api.icet.Announce;
import org.iceshare.api.icet.Assign;
import org.iceshare.api.icet.BadPiece;
import org.iceshare.api.icet.Cancel;
import org.iceshare.api.icet.FetchFailed;
import org.iceshare.api.icet.Metadata;
import org.iceshare.api.icet.Request;
import org.iceshare.api.icet.Seek;
import org.iceshare.api.icet.Verified;
import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.peer.SwarmStatus.State;
import org.iceshare.api.scheduler.PieceScheduler;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.swarm.PieceInfo;
import org.iceshare.api.verify.PieceVerifier;
import org.iceshare.core.internal.storage.LiveWindow;
import org.iceshare.core.internal.storage.PieceGoneException;
import org.iceshare.core.internal.storage.Pieces;
import org.iceshare.core.internal.swarm.SwarmState;
import org.iceshare.core.internal.swarm.SwarmState.InFlight;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One content at one peer: its store, its swarm state, and the logic that moves pieces: placing
 * requests through the scheduler, taking in pieces (verify, store, report), and handling refusals,
 * timeouts and liars.
 *
 * <p><b>Threading:</b> confined to the engine's executor, except the fields documented otherwise.
 */
final class Swarm implements UploadQueue.Held {
    private static final Logger LOG = LoggerFactory.getLogger(Swarm.class);

    /** Live: capacity of the index window, in pieces (30 s at 100 ms pieces, with room to spare). */
    static final int LIVE_CAPACITY = 1024;

    private final PeerEngine engine;
    final Manifest manifest;
    final Pieces store;
    /** The live window (the same object as {@link #store}), or null for a file. */
    final LiveWindow window;
    final SwarmState state;
    final IcetUrl url;
    final boolean source;
    final boolean live;
    final PieceVerifier verifier;
    TrackerLink tracker;
    volatile State status;
    volatile String error = "";
    volatile long uploaded;
    volatile long downloaded;
    long badPieces;
    private final Map<Integer, List<CompletableFuture<Void>>> waiters = new HashMap<>();
    /** Live players waiting for a first start point. */
    private final List<CompletableFuture<Integer>> startWaiters = new ArrayList<>();
    /** Live players with a start burst waiting for the first announcement. */
    private final List<BurstWaiter> burstWaiters = new ArrayList<>();
    private final Set<PeerId> partners = new HashSet<>();
    /**
     * Pieces a Seek was sent for because a player waits and no source was assigned, and when (nanos): the
     * tracker assigns only from a holder with a free slot, so a Seek that found none is sent again after
     * {@link #SEEK_AGAIN_NANOS}.
     */
    private final Map<Integer, Long> seekAsked = new HashMap<>();
    static final long SEEK_AGAIN_NANOS = 250_000_000L;
    private boolean scheduleQueued;
    /** Live playback figures of a following peer; null for a file or a source. */
    Playback playback;
    /** Live: the first piece players may still be given (where the peer last skipped to), for the endpoint. */
    volatile int liveFloor = -1;
    /** Live: the deepest start burst a player here asked for (µs), which the catch-up's lag allows on top. */
    long burstMicros;
    /** Live: the oldest start point a burst player here was given, or MAX_VALUE: the window keeps it. */
    int burstFloor = Integer.MAX_VALUE;
    volatile boolean onAir = true;
    /** The feed of a live stream this peer is the source of, or null. */
    LiveSourceFeed feed;

    Swarm(PeerEngine engine, Pieces store, IcetUrl url, boolean source, PieceVerifier verifier, int slotsPerPeer) {
        this.engine = engine;
        this.manifest = store.manifest();
        this.store = store;
        this.url = url;
        this.source = source;
        this.verifier = verifier;
        this.live = manifest.live();
        if (live) {
            this.window = (LiveWindow) store;
            this.state = new SwarmState(manifest.id(), LIVE_CAPACITY, window.end(), p -> {
                PieceInfo i = window.info(p);
                return i == null ? 0 : i.length();
            }, store::has, slotsPerPeer, true);
            this.playback = source ? null : new Playback(window, window::hasHeaders, System.nanoTime());
            if (playback != null) {
                state.deadlines(p -> playback.deadlineMillis(p, System.nanoTime()));
            }
            this.status = source ? State.LIVE : State.JOINING;
        } else {
            this.window = null;
            this.playback = null;
            this.state = new SwarmState(manifest, store::has, slotsPerPeer);
            this.status = store.isComplete() ? State.COMPLETE : State.JOINING;
        }
    }

    /** The scheduler for this swarm now: the streaming one while something plays as it arrives. */
    PieceScheduler scheduler() {
        return live || playback != null ? engine.plugins().streamingScheduler() : engine.plugins().scheduler();
    }

    /** True while the swarm fetches pieces (a file being downloaded, a live stream being followed). */
    private boolean fetching() {
        return status == State.DOWNLOADING || live && !source && status == State.LIVE;
    }

    /** Runs the scheduler once at the end of the current burst of events. */
    void scheduleSoon() {
        if (scheduleQueued || status == State.STOPPED || status == State.FAILED) {
            return;
        }
        scheduleQueued = true;
        engine.execute(() -> {
            scheduleQueued = false;
            schedule();
        });
    }

    private void schedule() {
        if (!fetching()) {
            return;
        }
        PieceScheduler scheduler = scheduler();
        if (scheduler == null) {
            return;
        }
        long now = System.nanoTime();
        List<InFlight> urgent = urgent(now);
        List<InFlight> placed = new ArrayList<>(urgent);
        try {
            placed.addAll(state.schedule(scheduler, now));
        } catch (RuntimeException e) {
            LOG.error("scheduler {} failed on {}; no requests placed this round", scheduler.name(), manifest, e);
        }
        for (InFlight r : placed) {
            LOG.trace("{}: {} requests piece {} from {}", manifest.name(), r.scheduler(), r.piece(), r.peer());
            int priority = urgent.contains(r) ? Request.URGENT : priority(r.piece(), now);
            if (!engine.sendToPeer(r.peer(), new Request(manifest.id(), r.piece(), priority))) {
                fetchFailed(r.piece(), r.peer(), "no address known for " + r.peer());
            }
        }
    }

    /**
     * How urgently a requested piece is needed, for the serving peer's queue: a file's header pieces (no
     * player starts without them) are {@link Request#URGENT}, and while a player streams it the file's
     * tail ({@link #PLAYER_TAIL_BYTES}); while something plays as it arrives, the
     * sooner a piece is due the higher (due within 1 s: 150, within 4 s: 100, later: 50); anything fetched
     * ahead of need is {@link Request#NORMAL}. Pieces a player is blocked on are URGENT (see
     * {@link #urgent}).
     */
    private int priority(int piece, long now) {
        if (!live && (piece < manifest.headerPieces() || playback != null && playerTail(piece))) {
            return Request.URGENT;
        }
        if (playback == null) {
            return Request.NORMAL;
        }
        long due = playback.deadlineMillis(piece, now);
        return due < 1000 ? 150 : due < 4000 ? 100 : due == Long.MAX_VALUE ? Request.NORMAL : 50;
    }

    /**
     * The tail a player reads right after the headers when it plays a file from the start (ffmpeg's Ogg
     * demuxer reads the last 64 KiB of a seekable input for the duration): it is needed before the first
     * data piece.
     */
    static final long PLAYER_TAIL_BYTES = 65_536;

    private boolean playerTail(int piece) {
        return manifest.piece(piece).end() > manifest.length() - PLAYER_TAIL_BYTES;
    }

    /**
     * Pieces players are blocked on come first, whatever the scheduler: each is requested from an
     * assigned source, and when the tracker assigned none yet it is asked for one (a Seek, once).
     */
    private List<InFlight> urgent(long now) {
        if (waiters.isEmpty()) {
            return List.of();
        }
        List<InFlight> placed = new ArrayList<>();
        for (int piece : waiters.keySet()) {
            if (store.has(piece) || !state.inWindow(piece)) {
                continue;
            }
            InFlight r = state.requestUrgent(piece, now);
            if (r != null) {
                placed.add(r);
            } else if (!state.hasSource(piece)) {
                Long asked = seekAsked.get(piece);
                if (asked == null || now - asked >= SEEK_AGAIN_NANOS) {
                    seekAsked.put(piece, now);
                    // live, with a burst player here: never move the tracker's start past the burst's
                    // (a start point above it would end the plan of the older pieces that player reads)
                    int at = live && burstFloor < piece ? burstFloor : piece;
                    tracker.send(Seek.toPiece(manifest.id(), at));
                    seekAgainLater();
                }
            }
        }
        return placed;
    }

    /** Looks at the waiting players again once a Seek may be sent again. */
    private void seekAgainLater() {
        try {
            engine.exec().schedule(this::scheduleSoon, SEEK_AGAIN_NANOS, java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the peer stops
        }
    }

    /** A player starts at a time: ask the tracker for that position's pieces, and play from there. */
    void seek(long micros, int piece) {
        tracker.send(Seek.toTime(manifest.id(), micros));
        state.playhead(piece);
        scheduleSoon();
    }

    void onAssign(Assign assign) {
        LOG.trace("{}: assigned {}", manifest.name(), assign.entries());
        for (Assign.Entry e : assign.entries()) {
            if (state.inWindow(e.piece())) {
                state.assign(e.piece(), e.source(), e.availability());
            }
        }
        scheduleSoon();
    }

    /** A piece arrived from {@code from}. Verifies it, stores it, reports it. */
    void onPiece(PeerId from, int piece, ByteBuffer data) {
        if (!state.inWindow(piece) || !state.isRequested(piece, from)) {
            LOG.debug("{}: unsolicited piece {} from {} ignored", manifest.name(), piece, from);
            return;
        }
        if (store.has(piece)) {
            state.fail(piece, from);
            return;
        }
        PieceInfo info = store.info(piece);
        byte[] digest = data.remaining() == info.length() ? verifier.digest(data) : null;
        if (digest == null || !MessageDigest.isEqual(digest, info.hash())) {
            badPieces++;
            String why = digest == null ? "length " + data.remaining() + " instead of " + info.length()
                    : "digest does not match the manifest";
            LOG.warn("{}: piece {} from {} is corrupt ({}); reporting the peer and fetching elsewhere",
                    manifest.name(), piece, from, why);
            state.fail(piece, from);
            for (InFlight r : state.revoke(from, true)) {
                engine.sendToPeer(r.peer(), new Cancel(manifest.id(), r.piece()));
            }
            tracker.send(new BadPiece(manifest.id(), piece, from, why));
            scheduleSoon();
            return;
        }
        try {
            store.write(piece, data);
        } catch (IOException e) {
            fail("cannot store piece " + piece + ": " + e.getMessage());
            return;
        }
        downloaded += info.length();
        engine.countDownload(info.length());
        partners.add(from);
        long now = System.nanoTime();
        for (InFlight other : state.settle(piece)) {
            if (other.peer().equals(from)) {
                state.delivered(other, now);
            } else {
                engine.sendToPeer(other.peer(), new Cancel(manifest.id(), piece));
            }
        }
        tracker.send(new Verified(manifest.id(), piece, from, digest));
        seekAsked.remove(piece);
        List<CompletableFuture<Void>> w = waiters.remove(piece);
        if (w != null) {
            w.forEach(f -> f.complete(null));
        }
        if (playback != null) {
            playback.arrived(piece, now, live ? window.cutMillis(piece) : -1);
        }
        if (live && playback != null) {
            if (info.startPoint() && !startWaiters.isEmpty() && window.hasHeaders(info.link())) {
                startWaiters.forEach(f -> f.complete(piece));
                startWaiters.clear();
            }
        }
        if (store.isComplete()) {
            status = State.COMPLETE;
            LOG.info("{}: complete ({} bytes, {} pieces)", manifest.name(), manifest.length(), manifest.pieceCount());
        } else {
            scheduleSoon();
        }
    }

    /**
     * Live: pieces and links announced by the tracker. The window grows; pieces that fell out of it
     * are dropped with their requests, and players waiting for them are told to skip ahead.
     */
    void onAnnounce(Announce a) {
        // IceT 4: only what the stream's publisher signed is used. The tracker passes the signatures on;
        // anything it made up or changed fails the check and is dropped before it is fetched or played.
        byte[] publisher = manifest.publisherKey();
        int forged = 0;
        for (Announce.Link l : a.links()) {
            if (!l.hasHeaders()) {
                continue; // "you have it": a link is only taken with its headers, whose digest it signs
            }
            if (l.signatureValid(manifest.id(), publisher)) {
                window.link(l.link(), l.headers());
            } else {
                forged++;
            }
        }
        int end = state.end();
        for (Announce.Entry e : a.entries()) {
            if (!e.signatureValid(manifest.id(), publisher)) {
                forged++;
            } else if (window.announce(e.piece(), e.cutMillis())) {
                end = Math.max(end, e.piece().index() + 1);
            }
        }
        if (forged > 0) {
            LOG.warn("{}: dropped {} announced piece(s)/link(s) from tracker {} whose signature is not the publisher's"
                    + " ({})", manifest.name(), forged, tracker == null ? "?" : tracker.key,
                    manifest.isSigned() ? manifest.publisher().toHex() : "unsigned manifest");
        }
        cancel(state.extend(end));
        if (playback != null && playback.startPiece() < 0) {
            int start = firstStartPoint(a);
            if (start >= 0) {
                playback.start(start);
                cancel(state.slide(start));
                if (status == State.JOINING) {
                    status = State.LIVE;
                }
            }
        }
        slideWindow();
        if (!burstWaiters.isEmpty()) {
            for (var it = burstWaiters.iterator(); it.hasNext();) {
                BurstWaiter w = it.next();
                int p = burstStart(w.burstMicros());
                if (p >= 0) {
                    it.remove();
                    w.start().complete(p);
                }
            }
        }
        boolean was = onAir;
        onAir = a.onAir();
        if (playback != null && !was && onAir) {
            playback.rebuffer();
        }
        scheduleSoon();
    }

    /**
     * Live: an out-of-band title change the tracker passed on (IceT 6). Kept with the window for the player
     * endpoint's metadata only when the stream's publisher signed it, as pieces are.
     */
    void onMetadata(Metadata m) {
        if (!m.signatureValid(manifest.publisherKey())) {
            LOG.warn("{}: dropped a title change from tracker {} whose signature is not the publisher's",
                    manifest.name(), tracker == null ? "?" : tracker.key);
            return;
        }
        window.titleChange(new LiveWindow.TitleChange(m.micros(), m.title(), m.artist()));
        LOG.debug("{}: title '{}' at {} us", manifest.name(), m.title(), m.micros());
    }

    /** The first start point of an announcement whose link headers are here. */
    private int firstStartPoint(Announce a) {
        for (Announce.Entry e : a.entries()) {
            if (e.piece().startPoint() && window.hasHeaders(e.piece().link())
                    && e.piece().equals(window.info(e.piece().index()))) {
                return e.piece().index();
            }
        }
        return -1;
    }

    /** Live: drops what left the window (its time span), and players waiting for it skip ahead. */
    void slideWindow() {
        int first = window.evict();
        if (playback != null) {
            // not past the start of a player's burst: the window's time span drops those pieces in time
            first = Math.max(first, Math.min(Math.max(0, playback.floor()), burstFloor));
        }
        cancel(state.slide(first));
        for (var it = waiters.entrySet().iterator(); it.hasNext();) {
            var e = it.next();
            if (e.getKey() < first) {
                e.getValue().forEach(f -> f.completeExceptionally(new PieceGoneException(e.getKey())));
                it.remove();
            }
        }
    }

    private void cancel(List<InFlight> dropped) {
        for (InFlight r : dropped) {
            engine.sendToPeer(r.peer(), new Cancel(manifest.id(), r.piece()));
        }
    }

    /** Counts the pieces whose playback deadline passed; a file's playhead follows the clock. */
    void tickPlayback(long now) {
        if (playback == null) {
            return;
        }
        playback.count(now, state.end());
        // once playing (still waiting for the start point of a skip counts: it may fall behind again)
        if (live && playback.played()) {
            catchUp(now);
        }
        // until playback starts, the player's reads move the playhead (headers, the tail, the first data
        // pieces, each asked for with a Seek while it waits): the clock would pull it back to the start
        if (!live && playback.started()) {
            int playing = Math.min(playback.playing(), manifest.pieceCount() - 1);
            if (playing >= 0 && playing != state.playhead()) {
                state.playhead(playing);
                tracker.send(Seek.toPiece(manifest.id(), playing));
                scheduleSoon();
            }
        }
    }

    /**
     * Live: a peer that fell more than the max lag behind the live edge skips ahead to the newest start
     * point, as a late joiner would start, instead of fetching every stale piece in order (it would never
     * catch up). Its requests below the point are cancelled, players waiting there skip ahead too, and
     * the tracker hears the new start (a Seek to the piece) so it plans from there.
     */
    private void catchUp(long now) {
        long maxLag = maxLagMicros();
        int target = Playback.catchUpTarget(window, state.firstPiece(), state.end(), window::hasHeaders, maxLag);
        if (target < 0) {
            return;
        }
        LOG.info("{}: fell more than {} ms behind the live edge at piece {}; skipping ahead to start point {}",
                manifest.name(), maxLag / 1000, state.firstPiece(), target);
        playback.skipTo(target, now);
        liveFloor = target;
        burstFloor = Integer.MAX_VALUE; // a burst player here skips ahead with the peer
        slideWindow();
        if (tracker != null) {
            tracker.send(Seek.toPiece(manifest.id(), target));
        }
        scheduleSoon();
    }

    /**
     * The catch-up's lag: the peer's max lag ({@link PeerSettings#liveMaxLag}) on top of the deepest burst a
     * player here plays with, so that a listener who asked for a 20 s burst is not skipped ahead at 8 s; 0
     * (skipping off) when the max lag is 0.
     */
    long maxLagMicros() {
        long lag = engine.settings().liveMaxLag().toNanos() / 1000;
        return lag <= 0 ? 0 : lag + burstMicros;
    }

    /**
     * A player plays this file from its start in real time (as an HTTP player streaming it does): keep
     * a playback clock, so the deadline scheduler knows what is needed when, the tracker hears where the
     * playhead is, and the figures say what startup delay the player needed.
     */
    void play() {
        if (live || playback != null) {
            return;
        }
        playback = new Playback(store, this::fileHeadersHere, System.nanoTime());
        int first = manifest.headerPieces() < manifest.pieceCount() ? manifest.headerPieces() : 0;
        playback.start(first);
        // the tail is due at once: the player reads it before its first data piece
        state.deadlines(p -> playerTail(p) ? 0 : playback.deadlineMillis(p, System.nanoTime()));
        state.playhead(first);
        long now = System.nanoTime();
        for (int i = first; i < manifest.pieceCount(); i++) {
            if (store.has(i)) {
                playback.arrived(i, now, -1);
            }
        }
        if (tracker != null) {
            tracker.send(Seek.toPiece(manifest.id(), first));
        }
        scheduleSoon();
    }

    /**
     * A player reads this file from its start over the player endpoint: it plays the file as it arrives,
     * so the clock runs ({@link #play}) unless the file is complete here or this peer published it.
     */
    void playerStarts() {
        if (!source && !store.isComplete()) {
            play();
        }
    }

    private boolean fileHeadersHere(int link) {
        var l = manifest.links().get(link);
        for (int i = l.firstPiece(); i < l.firstPiece() + l.headerPieces(); i++) {
            if (!store.has(i)) {
                return false;
            }
        }
        return true;
    }

    /** A peer refused or could not serve a request: drop that source for the piece and tell the tracker. */
    void fetchFailed(int piece, PeerId from, String reason) {
        InFlight r = state.fail(piece, from);
        state.dropSource(piece, from);
        if (r != null || !store.has(piece)) {
            tracker.send(new FetchFailed(manifest.id(), piece, from, reason));
        }
        scheduleSoon();
    }

    /**
     * The link to a peer closed: its requests failed, unless either side closed it as having no use for it
     * ({@code goingAway}): then the peer stays the source of what it was assigned, the requests are asked again
     * (over a new connection), and nobody is reported.
     */
    void peerGone(PeerId peer, String reason, boolean goingAway) {
        if (goingAway) {
            // nothing wrong with it: what it was assigned to serve here stays assigned, asked again on a new link
            state.requeue(peer);
        } else {
            for (InFlight r : state.revoke(peer, false)) {
                tracker.send(new FetchFailed(manifest.id(), r.piece(), peer, reason));
            }
        }
        scheduleSoon();
    }

    /** The tracker told us to drop a source. */
    void revoke(PeerId peer) {
        for (InFlight r : state.revoke(peer, false)) {
            engine.sendToPeer(peer, new Cancel(manifest.id(), r.piece()));
        }
        scheduleSoon();
    }

    /** Gives up requests older than the timeout. */
    void expire(long nowNanos, long timeoutNanos) {
        for (InFlight r : state.placedBefore(nowNanos - timeoutNanos)) {
            engine.sendToPeer(r.peer(), new Cancel(manifest.id(), r.piece()));
            fetchFailed(r.piece(), r.peer(), "no answer within " + (timeoutNanos / 1_000_000) + " ms");
        }
    }

    /**
     * Completes when the piece is verified here (now, if it is already). For a live stream it fails
     * with {@link PieceGoneException} when the piece leaves the window first.
     */
    CompletableFuture<Void> await(int piece) {
        if (store.has(piece)) {
            return CompletableFuture.completedFuture(null);
        }
        if (live && piece < state.firstPiece()) {
            return CompletableFuture.failedFuture(new PieceGoneException(piece));
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        waiters.computeIfAbsent(piece, k -> new ArrayList<>()).add(f);
        scheduleSoon();
        return f;
    }

    /**
     * Live: completes with the start point a player begins at. Without a burst, a verified one (the
     * newest now, or the next to arrive). With one, the newest start point at least {@code burstMicros}
     * behind the newest piece announced here ({@link #burstStart}), once something is announced: the
     * window reaches back there again, and the tracker hears it (a Seek to that start point) so that it
     * plans those older pieces for this peer; the player's waits fetch them first.
     */
    CompletableFuture<Integer> awaitStart(long burstMicros) {
        if (burstMicros > 0) {
            int p = burstStart(burstMicros);
            if (p < 0) {
                CompletableFuture<Integer> f = new CompletableFuture<>();
                burstWaiters.add(new BurstWaiter(f, burstMicros));
                return f;
            }
            return CompletableFuture.completedFuture(p);
        }
        return awaitStart();
    }

    /** A player waiting for the first announcement to find its burst's start point. */
    private record BurstWaiter(CompletableFuture<Integer> start, long burstMicros) {
    }

    /**
     * Live: the newest start point (its link's headers here) that starts at least {@code burstMicros}
     * before the end of the newest announced piece, or the oldest one when the window does not reach
     * back that far yet (a young stream); -1 when none is announced. Moves the window, the catch-up's
     * lag and the tracker's start for this peer back to it. Swarm executor.
     */
    int burstStart(long burstMicros) {
        int end = window.end();
        PieceInfo newest = end > 0 ? window.info(end - 1) : null;
        if (newest == null || newest.endMicros() < 0) {
            return -1;
        }
        long target = newest.endMicros() - burstMicros;
        int start = -1;
        for (int p = end - 1; p >= window.firstPiece(); p--) {
            PieceInfo i = window.info(p);
            if (i == null || !i.startPoint() || i.startMicros() < 0 || !window.hasHeaders(i.link())) {
                continue;
            }
            if (start >= 0 && state.end() - p > LIVE_CAPACITY) {
                break; // the peer's window (SwarmState's ring) cannot reach further back
            }
            start = p;
            if (i.startMicros() <= target) {
                break;
            }
        }
        if (start < 0) {
            return -1;
        }
        this.burstMicros = Math.max(this.burstMicros, burstMicros);
        if (start < state.firstPiece() && state.rewind(start)) {
            burstFloor = Math.min(burstFloor, start);
            if (tracker != null) {
                tracker.send(Seek.toPiece(manifest.id(), start));
            }
        } else if (start >= state.firstPiece()) {
            burstFloor = Math.min(burstFloor, start);
        }
        scheduleSoon();
        return start;
    }

    /**
     * Live: the pieces of the window here or fetched here, for the status's piece count: the older pieces a
     * joiner hears of for start bursts count only once a player made the peer fetch them (or they arrived).
     */
    private int liveWanted() {
        int base = state.firstPiece();
        int n = 0;
        for (int p = window.firstPiece(); p < window.end(); p++) {
            if (p >= base ? window.info(p) != null : window.has(p)) {
                n++;
            }
        }
        return n;
    }

    /** Live: completes with a verified start point (the newest now, or the next to arrive). */
    CompletableFuture<Integer> awaitStart() {
        int newest = window.newestStartPoint();
        if (newest >= 0 && window.hasHeaders(window.info(newest).link())) {
            return CompletableFuture.completedFuture(newest);
        }
        CompletableFuture<Integer> f = new CompletableFuture<>();
        startWaiters.add(f);
        return f;
    }

    void fail(String reason) {
        status = State.FAILED;
        error = reason;
        LOG.error("{}: {}", manifest.name(), reason);
        failWaiters(reason);
    }

    void stop() {
        status = State.STOPPED;
        failWaiters("stopped");
        for (InFlight r : state.placedBefore(Long.MAX_VALUE)) {
            engine.sendToPeer(r.peer(), new Cancel(manifest.id(), r.piece()));
            state.fail(r.piece(), r.peer());
        }
    }

    private void failWaiters(String reason) {
        for (List<CompletableFuture<Void>> l : waiters.values()) {
            l.forEach(f -> f.completeExceptionally(new IOException(manifest.name() + ": " + reason)));
        }
        waiters.clear();
        startWaiters.forEach(f -> f.completeExceptionally(new IOException(manifest.name() + ": " + reason)));
        startWaiters.clear();
        burstWaiters.forEach(w -> w.start().completeExceptionally(new IOException(manifest.name() + ": " + reason)));
        burstWaiters.clear();
    }

    @Override
    public boolean has(int piece) {
        return store.has(piece);
    }

    @Override
    public java.nio.ByteBuffer read(int piece) throws java.io.IOException {
        return store.read(piece);
    }

    @Override
    public boolean inFile() {
        return store instanceof org.iceshare.core.internal.storage.PieceStore;
    }

    @Override
    public org.iceshare.core.internal.storage.PieceStore.Span span(int piece) {
        return ((org.iceshare.core.internal.storage.PieceStore) store).span(piece);
    }

    @Override
    public void uploaded(PeerId to, int bytes) {
        noteUpload(to, bytes);
    }

    void noteUpload(PeerId to, int bytes) {
        uploaded += bytes;
        engine.countUpload(bytes);
        partners.add(to);
    }

    SwarmStatus status() {
        PieceScheduler s = scheduler();
        String scheduler = s == null ? "(none)" : s.name();
        int links = 0;
        for (PeerId p : partners) {
            if (engine.isLinked(p)) {
                links++;
            }
        }
        if (live) {
            SwarmStatus.Quality q = playback == null ? new SwarmStatus.Quality(1.0, 0, 0, -1, -1, -1, onAir, -1)
                    : playback.quality(onAir);
            return new SwarmStatus(manifest.id(), url, engine.playerUrl(this), source, status, store.verifiedCount(),
                    liveWanted(), -1, links, uploaded, downloaded, scheduler, state.requestsByScheduler(), error,
                    true, q);
        }
        return new SwarmStatus(manifest.id(), url, engine.playerUrl(this), source, status, store.verifiedCount(),
                manifest.pieceCount(), manifest.length(), links, uploaded, downloaded, scheduler,
                state.requestsByScheduler(), error, false, playback == null ? SwarmStatus.Quality.NONE
                        : playback.quality(true));
    }
}
