package org.iceshare.bench.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.core.internal.peer.PeerEngine;
import org.iceshare.core.internal.storage.PieceStore;
import org.iceshare.itests.swarm.SwarmFixture;
import org.iceshare.itests.swarm.TestMedia;
import org.iceshare.media.ogg.internal.OggFormat;
import org.iceshare.tracker.internal.TrackerSettings;

/**
 * The shaped lab's "streaming a file" scenario, measured at real players: N peers join together, and
 * each starts a player at once on its own peer's HTTP player endpoint. The players are real ffmpeg
 * processes ({@link PlayerProbe}): the first decoded frame counts from the player's start (ffmpeg
 * cannot decode without the link headers, so they are in it), and a player that starts playing at its
 * first frame and then needs each frame at its media time stalls whenever a frame comes late.
 *
 * <p>The uplinks are scaled to the file's bitrate b: the heterogeneous profile puts 20% of the peers at
 * 4·b, 50% at 1.5·b and 30% at 0.5·b (below the bitrate), the source at 1.5·b. libtorrent runs under the
 * same shaping in the same sitting, in streaming mode, and the same player model is applied to the
 * piece arrival times it reports (see {@link #modelPlayer}).
 *
 * <p>Runs only inside a private network namespace: start it with {@code bench/lab.sh --scenario stream}.
 */
public final class LabStream {
    private static final String PYTHON = "/usr/bin/python3";

    private String profileName = "heterogeneous";
    private int peers = 25;
    private int runs = 1;
    private String mediaKind = "vorbis";
    private int seconds = 60;
    private int mbps = 4;
    private int pieceKiB = 256;
    // 500 ms pieces (at least 16 KiB): at 256 KiB a piece of the q10 Vorbis file is 5.5 s of media, which
    // a source at 1.5·b needs 3.7 s to send once
    private long pieceMillis = 500;
    private double sourceFactor = 1.5;
    private long seed = 1;
    private boolean iceshare = true;
    private boolean libtorrent = true;
    private String map = "0:a:0";
    private String planner = System.getProperty(SwarmFixture.PLANNER_PROPERTY, "rarest");
    private String libtorrentMode = "deadline";
    /** libtorrent's piece size, KiB (a power of two); 0: the closest to IceShare's pieces. */
    private int libtorrentPieceKiB = 0;
    private int timeoutSeconds = 600;
    /** lo's MTU in the lab's namespace (0: leave it at 65536). */
    private int mtu = 1500;
    private Path baselines = Path.of("bench/baselines");

    private LabProfile profile;
    private Shaper shaper;
    /** The file's bitrate, bytes per second (its size over its duration). */
    private double bitrate;
    private MediaIndex index;

    public static void main(String[] args) throws Exception {
        LabStream s = new LabStream();
        s.parse(args);
        s.run();
    }

    public static void usage() {
        System.out.println("       bench/lab.sh --scenario stream [--profile heterogeneous|homogeneous] [--peers N] [--runs R]");
        System.out.println("             [--media theora|vorbis] [--seconds S] [--mbps M] [--piece-kib K] [--piece-ms D]");
        System.out.println("             [--source-factor X] [--map FFMPEG_MAP|all] [--systems iceshare,libtorrent]");
        System.out.println("             [--libtorrent-mode deadline|sequential] [--planner rarest|capacity] [--seed N]"
                + " [--timeout S] [--mtu BYTES]");
        System.out.println("             (streaming a file: N players start together, each on its own peer; uplinks "
                + "in units of the bitrate)");
    }

    private void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--profile" -> profileName = args[++i];
                case "--peers" -> peers = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--media" -> mediaKind = args[++i];
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--mbps" -> mbps = Integer.parseInt(args[++i]);
                case "--piece-kib" -> pieceKiB = Integer.parseInt(args[++i]);
                case "--piece-ms" -> pieceMillis = Long.parseLong(args[++i]);
                case "--source-factor" -> sourceFactor = Double.parseDouble(args[++i]);
                case "--map" -> map = args[++i].equals("all") ? null : args[i];
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--systems" -> {
                    List<String> s = List.of(args[++i].split(","));
                    iceshare = s.contains("iceshare");
                    libtorrent = s.contains("libtorrent");
                }
                case "--libtorrent-mode" -> libtorrentMode = args[++i];
                case "--libtorrent-piece-kib" -> libtorrentPieceKiB = Integer.parseInt(args[++i]);
                case "--planner" -> planner = SwarmFixture.plannerNamed(args[++i]).name();
                case "--timeout" -> timeoutSeconds = Integer.parseInt(args[++i]);
                case "--mtu" -> mtu = Integer.parseInt(args[++i]);
                case "--baselines" -> baselines = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (runs < 1 || seconds < 5 || pieceKiB < 16 || !(iceshare || libtorrent)) {
            throw new IllegalArgumentException("runs >= 1, seconds >= 5, piece >= 16 KiB, and a system chosen");
        }
        if (!List.of("theora", "vorbis").contains(mediaKind)) {
            throw new IllegalArgumentException("--media must be theora or vorbis");
        }
        if (!List.of("deadline", "sequential").contains(libtorrentMode)) {
            throw new IllegalArgumentException("--libtorrent-mode must be deadline or sequential");
        }
    }

    private Path media() throws IOException {
        // theora: a 640x360 noisy test pattern at mbps Mbit/s with a Vorbis track; vorbis: oggenc at q10
        return mediaKind.equals("theora") ? TestMedia.theoraHeavy(seconds, mbps) : TestMedia.vorbis(seconds, 10);
    }

    private void run() throws Exception {
        Shaper.requirePrivateNamespace();
        Path script = libtorrent ? libtorrentScript() : null;
        Path media = media();
        long size = Files.size(media);
        index = MediaIndex.of(media, map);
        bitrate = size / index.duration();
        profile = scaled(LabProfile.of(profileName, peers, 0, sourceFactor, 0, seed), bitrate);
        if (mtu > 0) {
            // lo's 64 KiB packets are 1.4 s of a 0.5·b uplink: whatever a node sends (a request, a report
            // to the tracker) waits behind one; at an Ethernet MTU the HTB classes interleave as real
            // uplinks do
            TestMedia.run(List.of("ip", "link", "set", "lo", "mtu", Integer.toString(mtu)));
        }
        shaper = new Shaper(profile);
        shaper.install();
        double demand = peers * bitrate;
        System.out.printf(Locale.ROOT, "lab: streaming a file, %s (%d bytes, %.2f s, %.3f Mbit/s = %.1f KiB/s), "
                + "pieces %d KiB%s, 1 source + %d players, flash crowd, %d run(s), %d cores%n", media.getFileName(),
                size, index.duration(), bitrate * 8 / 1e6, bitrate / 1024, pieceKiB,
                pieceMillis > 0 ? " or " + pieceMillis + " ms" : "", peers, runs,
                Runtime.getRuntime().availableProcessors());
        System.out.println("lab: " + profile.describe());
        System.out.printf(Locale.ROOT, "lab: uplinks in units of the bitrate b: source %.2f·b; Σu/(N·b) = %.2f, "
                + "(u_s+Σu)/(N·b) = %.2f; T_min (whole file to all) %.2f s%n", profile.source().upload() / bitrate,
                (profile.capacity() - profile.source().upload()) / demand, profile.capacity() / demand,
                profile.fileBound(size));
        System.out.println("lab: players: ffmpeg on each peer's player URL, decoding "
                + (map == null ? "every stream" : "-map " + map + " only (the others are demuxed, not decoded)")
                + "; first decoded frame from the player's start; a frame later than its media time after the "
                + "first frame is a stall");
        System.out.println("lab: IceShare's tracker planner: " + planner + "; libtorrent in " + libtorrentMode
                + " streaming mode with " + libtorrentPiece() + " KiB pieces, the same player model applied to its "
                + "piece arrival times");
        System.out.println("lab: shaped by HTB on lo per address (tc), lo's MTU " + (mtu > 0 ? mtu : 65536)
                + "; no delay or loss emulated (no netem); the players read from their own peer over 127.0.0.1, "
                + "unshaped");
        Map<String, List<Outcome>> outcomes = new LinkedHashMap<>();
        try {
            for (int r = 1; r <= runs; r++) {
                List<String> order = new ArrayList<>();
                if (iceshare) {
                    order.add("iceshare");
                }
                if (libtorrent) {
                    order.add(r % 2 == 1 ? order.size() : 0, "libtorrent");
                }
                for (String system : order) {
                    Outcome o;
                    try {
                        o = system.equals("iceshare") ? iceshareRun(media, size) : libtorrentRun(script, media, size);
                    } catch (IllegalStateException e) {
                        // one system failing a run (not complete in --timeout) leaves the other's figures
                        System.out.printf(Locale.ROOT, "run %d %s: FAILED: %s%n", r, system, e.getMessage());
                        continue;
                    }
                    outcomes.computeIfAbsent(system, k -> new ArrayList<>()).add(o);
                    report(system, r, o, size);
                }
            }
        } finally {
            shaper.remove();
        }
        for (Map.Entry<String, List<Outcome>> e : outcomes.entrySet()) {
            List<Outcome> os = e.getValue();
            System.out.printf(Locale.ROOT, "LAB_STREAM system=%s profile=%s peers=%d media=%s bitrate=%.3fMbit/s "
                    + "piece=%dKiB/%dms lt_piece=%dKiB runs=%d first_frame_p50=%.3fs first_frame_p95=%.3fs first_frame_max=%.3fs "
                    + "from_join_p95=%.3fs stalled_players=%s stall_s_max=%.3f continuity_min=%.4f suf=%.3f "
                    + "complete=%.2fs (medians over runs; p95s per run: %s)%n", e.getKey(), profileName, peers,
                    mediaKind, bitrate * 8 / 1e6, pieceKiB, pieceMillis, libtorrentPiece(), os.size(),
                    median(os.stream().mapToDouble(o -> pct(o.firstFrames(), 50)).toArray()),
                    median(os.stream().mapToDouble(o -> pct(o.firstFrames(), 95)).toArray()),
                    median(os.stream().mapToDouble(o -> pct(o.firstFrames(), 100)).toArray()),
                    median(os.stream().mapToDouble(o -> pct(o.fromJoin(), 95)).toArray()),
                    os.stream().map(o -> Long.toString(o.players.stream().filter(p -> p.stalls > 0).count()))
                            .collect(Collectors.joining(",")),
                    median(os.stream().mapToDouble(o -> o.players.stream().mapToDouble(Player::stallSeconds).max()
                            .orElse(0)).toArray()),
                    median(os.stream().mapToDouble(o -> o.players.stream().mapToDouble(Player::continuity).min()
                            .orElse(0)).toArray()),
                    median(os.stream().mapToDouble(Outcome::suf).toArray()),
                    median(os.stream().mapToDouble(Outcome::seconds).toArray()),
                    os.stream().map(o -> String.format(Locale.ROOT, "%.3f", pct(o.firstFrames(), 95)))
                            .collect(Collectors.joining(",")));
        }
    }

    /** The profile's links with their uploads read as multiples of the bitrate instead of MiB/s. */
    static LabProfile scaled(LabProfile p, double bitrate) {
        UnaryOperator<LabProfile.Link> scale = l -> new LabProfile.Link(l.name(), l.address(),
                l.upload() / LabProfile.MIB * bitrate, 0, l.group().equals("source") ? "source"
                        : l.group().replace(" MiB/s", "·b"));
        return new LabProfile(p.name(), scale.apply(p.source()), p.peers().stream().map(scale).toList());
    }

    /**
     * What one player saw, seconds.
     *
     * @param joined from the clock's start to the peer's join returning (its player starts then)
     * @param firstFrame from the player's start to its first decoded frame (-1: none)
     * @param done from the clock's start to the peer holding the whole file
     */
    record Player(String name, String group, double joined, double firstFrame, int stalls, double stallSeconds,
            double continuity, double media, String problem) {
    }

    record Outcome(double seconds, double suf, List<Player> players, Shaper.Counters kernel, double[] done) {
        double[] firstFrames() {
            return players.stream().mapToDouble(p -> p.firstFrame < 0 ? Double.POSITIVE_INFINITY : p.firstFrame)
                    .toArray();
        }

        double[] fromJoin() {
            return players.stream().mapToDouble(p -> p.firstFrame < 0 ? Double.POSITIVE_INFINITY
                    : p.joined + p.firstFrame).toArray();
        }
    }

    private Outcome iceshareRun(Path media, long size) throws Exception {
        Path root = Files.createTempDirectory("iceshare-lab-stream");
        List<PlayerProbe> probes = new ArrayList<>();
        ExecutorService starter = Executors.newFixedThreadPool(4);
        OggFormat format = pieceMillis > 0 ? new OggFormat(pieceKiB * 1024, pieceMillis * 1000)
                : new OggFormat(pieceKiB * 1024);
        try (SwarmFixture swarm = new SwarmFixture(root, TrackerSettings.loopback(), List.of(format))) {
            swarm.planner(SwarmFixture.plannerNamed(planner));
            PeerEngine source = swarm.addPeerAt("source", profile.source().address(), UnaryOperator.identity());
            IcetUrl url = source.publish(media, media.getFileName().toString(), null).toCompletableFuture()
                    .get(5, TimeUnit.MINUTES);
            ContentId content = source.swarms().get(0).content();
            List<PeerEngine> ps = new ArrayList<>();
            for (LabProfile.Link l : profile.peers()) {
                ps.add(swarm.addPeerAt(l.name(), l.address(), UnaryOperator.identity()));
            }
            Shaper.Counters before = shaper.counters();
            long start = System.nanoTime();
            double[] joined = new double[peers];
            @SuppressWarnings("unchecked")
            CompletableFuture<PlayerProbe>[] players = new CompletableFuture[peers];
            for (int i = 0; i < peers; i++) {
                PeerEngine p = ps.get(i);
                int k = i;
                // each peer joins, and its player starts as soon as the join returns (a listener's get-and-play)
                players[i] = p.get(url).toCompletableFuture().thenApplyAsync(status -> {
                    joined[k] = (System.nanoTime() - start) / 1e9;
                    try {
                        PlayerProbe probe = PlayerProbe.start(playerUrl(p, content, media), map, 0, false, 0);
                        synchronized (probes) {
                            probes.add(probe);
                        }
                        return probe;
                    } catch (IOException e) {
                        throw new IllegalStateException("cannot start ffmpeg: " + e.getMessage(), e);
                    }
                }, starter);
            }
            double[] done = new double[peers];
            Arrays.fill(done, -1);
            int remaining = peers;
            long deadline = start + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            while (remaining > 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(remaining + " IceShare peers did not complete in "
                            + timeoutSeconds + " s");
                }
                for (int i = 0; i < peers; i++) {
                    if (done[i] < 0) {
                        PieceStore s = ps.get(i).store(content);
                        if (s != null && s.isComplete()) {
                            done[i] = (System.nanoTime() - start) / 1e9;
                            remaining--;
                        }
                    }
                }
                TimeUnit.MILLISECONDS.sleep(10);
            }
            Shaper.Counters kernel = shaper.counters().since(before);
            double suf = (double) source.swarms().get(0).uploaded() / size;
            // the players play on in real time after the download: wait for each to the end of the media
            List<Player> out = new ArrayList<>();
            for (int i = 0; i < peers; i++) {
                LabProfile.Link l = profile.peers().get(i);
                PlayerProbe probe = players[i].get(60, TimeUnit.SECONDS);
                PlayerProbe.Result r = probe.await(Duration.ofSeconds(
                        (long) Math.ceil(index.duration()) + 60));
                String problem = r.clean() ? "" : r.toString();
                out.add(new Player(l.name(), l.group(), joined[i], r.firstFrame(), r.stalls(), r.stallSeconds(),
                        r.continuity(), r.mediaSeconds(), problem));
            }
            for (LabProfile.Link l : profile.peers()) {
                Path copy = root.resolve(l.name()).resolve("contents").resolve(content.toHex()).resolve("data");
                if (!SwarmFixture.sameBytes(media, copy)) {
                    throw new IllegalStateException("copy at " + l.name() + " differs from the file");
                }
            }
            return new Outcome(Arrays.stream(done).max().orElse(0), suf, out, kernel, done);
        } finally {
            starter.shutdownNow();
            synchronized (probes) {
                probes.forEach(PlayerProbe::close);
            }
            org.iceshare.bench.SwarmBench.delete(root);
        }
    }

    private static URI playerUrl(PeerEngine p, ContentId content, Path media) {
        return p.httpBase().resolve("content/" + content.toHex() + "/" + media.getFileName());
    }

    private Path libtorrentScript() throws IOException, InterruptedException {
        Path script = baselines.resolve("libtorrent_swarm.py");
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException("no libtorrent baseline script at " + script.toAbsolutePath()
                    + " (run from the repository root, pass --baselines DIR, or --systems iceshare)");
        }
        Process p = new ProcessBuilder(PYTHON, "-c", "import libtorrent").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(PYTHON + " has no libtorrent module; run "
                    + baselines.resolve("install.sh") + " (" + out + ")");
        }
        return script;
    }

    private Outcome libtorrentRun(Path script, Path media, long size) throws Exception {
        Path work = Files.createTempDirectory("iceshare-lab-stream-libtorrent");
        int piece = libtorrentPiece() * 1024;
        int pieces = (int) ((size + piece - 1) / piece);
        // each piece's deadline: the media time of the first frame that needs it, from the first frame
        double[] due = new double[pieces];
        for (int i = 0; i < pieces; i++) {
            due[i] = index.neededAt((long) i * piece) - index.firstPts();
        }
        try {
            List<String> cmd = new ArrayList<>(List.of(PYTHON, script.toString(), media.toString(),
                    Integer.toString(peers), Integer.toString(piece / 1024), work.toString(), "--timeout",
                    Integer.toString(timeoutSeconds), "--source-address", profile.source().address().getHostAddress(),
                    "--peer-addresses", profile.peers().stream().map(l -> l.address().getHostAddress())
                            .collect(Collectors.joining(",")), "--stream", libtorrentMode, "--piece-due",
                    Arrays.stream(due).mapToObj(d -> String.format(Locale.ROOT, "%.3f", d))
                            .collect(Collectors.joining(","))));
            Shaper.Counters before = shaper.counters();
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            Map<String, String> result = null;
            Map<Integer, double[]> arrivals = new HashMap<>();
            try (BufferedReader out = p.inputReader()) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith("LIBTORRENT_PIECES ")) {
                        String[] f = line.split(" ");
                        arrivals.put(Integer.parseInt(f[1]), Arrays.stream(f[2].split(","))
                                .mapToDouble(Double::parseDouble).toArray());
                    } else if (line.startsWith("LIBTORRENT ")) {
                        result = new HashMap<>();
                        for (String field : line.substring("LIBTORRENT ".length()).split(" ")) {
                            String[] kv = field.split("=", 2);
                            result.put(kv[0], kv.length > 1 ? kv[1] : "");
                        }
                    } else if (!line.isBlank() && !line.equals("LIBTORRENT_START") && !line.equals("LIBTORRENT_DONE")) {
                        System.out.println("  " + line);
                    }
                }
            }
            int exit = p.waitFor();
            if (exit != 0 || result == null || arrivals.size() != peers) {
                throw new IllegalStateException("the libtorrent run failed (exit " + exit + ", piece times of "
                        + arrivals.size() + " downloaders); see its output above");
            }
            Shaper.Counters kernel = shaper.counters().since(before);
            double[] done = Arrays.stream(result.get("times").split(",")).mapToDouble(Double::parseDouble).toArray();
            List<Player> players = new ArrayList<>();
            for (int i = 0; i < peers; i++) {
                LabProfile.Link l = profile.peers().get(i);
                Player m = modelPlayer(l.name(), l.group(), arrivals.get(i), piece, index);
                players.add(m);
            }
            return new Outcome(Double.parseDouble(result.get("seconds")), Double.parseDouble(result.get("suf")),
                    players, kernel, done);
        } finally {
            org.iceshare.bench.SwarmBench.delete(work);
        }
    }

    /**
     * libtorrent's piece size in KiB: as given, else the power of two (16 KiB at least) closest to IceShare's
     * data pieces (the size target, or the duration target at the file's bitrate when that is smaller).
     */
    private int libtorrentPiece() {
        if (libtorrentPieceKiB > 0) {
            return libtorrentPieceKiB;
        }
        double kib = pieceMillis > 0 ? Math.min(pieceKiB, bitrate * pieceMillis / 1000 / 1024) : pieceKiB;
        int best = 16;
        for (int p = 16; p <= 16384; p *= 2) {
            if (Math.abs(Math.log(p / kib)) < Math.abs(Math.log(best / kib))) {
                best = p;
            }
        }
        return best;
    }

    /**
     * The player model applied to piece arrival times (libtorrent's, from each downloader's join): a
     * player reads the file in order, so a byte is readable once every piece up to it is in. The first
     * frame is decodable once the bytes up to the end of the first packet of the played stream are
     * readable (the link headers lie before it); playback starts then, and each later packet is needed
     * at that moment plus its media time after the first, plus the stalls so far; a packet readable
     * later stalls playback by the difference, as {@link PlayerProbe} counts a late frame.
     *
     * @param arrival seconds from the join to each piece's arrival, by piece index
     */
    static Player modelPlayer(String name, String group, double[] arrival, int pieceLength, MediaIndex index) {
        double[] readable = new double[arrival.length]; // every piece up to i is in
        double latest = 0;
        for (int i = 0; i < arrival.length; i++) {
            latest = Math.max(latest, arrival[i]);
            readable[i] = latest;
        }
        long[] ends = index.packetEnds();
        double[] pts = index.packetPts();
        int last = arrival.length - 1;
        double first = readable[(int) Math.min(last, (ends[0] - 1) / pieceLength)];
        int stalls = 0;
        double stalled = 0;
        for (int k = 1; k < ends.length; k++) {
            double at = readable[(int) Math.min(last, (ends[k] - 1) / pieceLength)];
            double needed = first + (pts[k] - pts[0]) + stalled;
            if (at > needed) {
                stalls++;
                stalled += at - needed;
            }
        }
        double media = index.duration();
        return new Player(name, group, 0, first, stalls, stalled, media / (media + stalled), media, "");
    }

    private void report(String system, int run, Outcome o, long size) {
        List<Player> ps = o.players;
        double[] ff = o.firstFrames();
        System.out.printf(Locale.ROOT, "run %d %s: first decoded frame (from the player's start) p50 %.3f / p95 %.3f "
                + "/ max %.3f s; from the peer's join p95 %.3f s; %d of %d players stalled (%d stalls, %.3f s in all, "
                + "worst %.3f s); continuity min %.4f; all complete in %.2f s (%.2f × T_min); SUF %.3f (kernel: "
                + "source sent %.3f × F)%n", run, system, pct(ff, 50), pct(ff, 95), pct(ff, 100),
                pct(o.fromJoin(), 95), ps.stream().filter(p -> p.stalls > 0).count(), ps.size(),
                ps.stream().mapToInt(Player::stalls).sum(), ps.stream().mapToDouble(Player::stallSeconds).sum(),
                ps.stream().mapToDouble(Player::stallSeconds).max().orElse(0),
                ps.stream().mapToDouble(Player::continuity).min().orElse(0), o.seconds,
                o.seconds / profile.fileBound(size), o.suf, o.kernel.sent(profile.source().address()) / (double) size);
        StringBuilder classes = new StringBuilder();
        for (String g : profile.groups()) {
            double[] v = ps.stream().filter(p -> p.group.equals(g)).mapToDouble(p -> p.firstFrame < 0
                    ? Double.POSITIVE_INFINITY : p.firstFrame).sorted().toArray();
            double[] d = new double[v.length];
            int j = 0;
            for (int i = 0; i < ps.size(); i++) {
                if (ps.get(i).group.equals(g)) {
                    d[j++] = o.done[i];
                }
            }
            classes.append(String.format(Locale.ROOT, "%s%s ×%d: first frame %.3f/%.3f/%.3f s, complete %.1f/%.1f s",
                    classes.length() == 0 ? "" : "; ", g, v.length, v[0], median(v), v[v.length - 1], median(d),
                    Arrays.stream(d).max().orElse(0)));
        }
        System.out.printf(Locale.ROOT, "run %d %s: per class (first frame first/median/last, completion median/last): "
                + "%s%n", run, system, classes);
        for (Player p : ps) {
            if (p.stalls > 0 || !p.problem.isEmpty() || p.firstFrame < 0) {
                System.out.printf(Locale.ROOT, "  %s %s (%s): joined %.3f s, first frame %.3f s, %d stalls %.3f s, "
                        + "continuity %.4f, media %.1f s %s%n", system, p.name, p.group, p.joined, p.firstFrame,
                        p.stalls, p.stallSeconds, p.continuity, p.media, p.problem);
            }
        }
    }

    /** The nearest-rank percentile (100: the maximum). */
    static double pct(double[] v, double q) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[Math.max(0, (int) Math.ceil(q / 100 * s.length) - 1)];
    }

    static double median(double[] v) {
        return LabBench.median(v);
    }

    /**
     * Where the packets of the played stream lie in the file and when they play, from ffprobe: what
     * the player model for piece arrival times needs.
     *
     * @param packetEnds each packet's end in the file (its page's position plus the packet's size, an
     *        upper bound on where its bytes end within the page), in decoding order
     * @param packetPts each packet's presentation time, seconds
     * @param duration the file's duration, seconds
     */
    record MediaIndex(long[] packetEnds, double[] packetPts, double duration) {

        static MediaIndex of(Path media, String map) throws IOException {
            String stream = map == null ? "a:0" : map.replaceFirst("^0:", "");
            String out = TestMedia.run(List.of("ffprobe", "-v", "error", "-select_streams", stream, "-show_entries",
                    "packet=pts_time,pos,size", "-of", "csv=p=0", media.toString()));
            List<long[]> ends = new ArrayList<>();
            List<Double> pts = new ArrayList<>();
            for (String line : out.split("\n")) {
                String[] f = line.trim().split(",");
                if (f.length < 3 || f[0].equals("N/A") || f[2].equals("N/A")) {
                    continue;
                }
                pts.add(Double.parseDouble(f[0]));
                ends.add(new long[] {Long.parseLong(f[2]) + Long.parseLong(f[1])});
            }
            if (pts.isEmpty()) {
                throw new IOException("ffprobe found no packets of stream " + stream + " in " + media);
            }
            String d = TestMedia.run(List.of("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of",
                    "csv=p=0", media.toString())).trim();
            return new MediaIndex(ends.stream().mapToLong(e -> e[0]).toArray(),
                    pts.stream().mapToDouble(Double::doubleValue).toArray(), Double.parseDouble(d));
        }

        double firstPts() {
            return packetPts[0];
        }

        /** The media time at which the byte at {@code offset} is first needed: the first packet ending after it. */
        double neededAt(long offset) {
            for (int k = 0; k < packetEnds.length; k++) {
                if (packetEnds[k] > offset) {
                    return packetPts[k];
                }
            }
            return packetPts[packetPts.length - 1];
        }
    }
}
