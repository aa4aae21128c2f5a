package org.iceshare.bench.lab;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.UnaryOperator;

import org.iceshare.api.peer.LiveFeed;
import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.core.internal.peer.PeerEngine;
import org.iceshare.itests.swarm.LiveFeeder;
import org.iceshare.itests.swarm.SwarmFixture;
import org.iceshare.itests.swarm.TestMedia;
import org.iceshare.media.ogg.internal.OggFormat;
import org.iceshare.tracker.internal.TrackerSettings;

/**
 * The shaped lab's live scenario: one source plays a real Ogg Vorbis stream out in real time to N peers,
 * every node on its own 127.0.0.x address whose upload the kernel caps ({@link Shaper}). The profile's
 * classes are the multiples of the stream's bitrate (heterogeneous: 20% at 4×, 50% at 1.5×, 30% at
 * 0.5×, below the bitrate), and the source's upload is set so that the stream sits at {@code --load} (0.9)
 * of the live bound r_max = min(u_s, (u_s+Σu)/N) (Kumar, Liu and Ross 2007): with those classes the bound
 * is the source, at bitrate / 0.9, so it can send each piece about 1.1 times.
 *
 * <p>Figures come from two places: the engine (every peer's continuity, startup and latency, the source's
 * upload factor) and real players ({@link PlayerProbe}: ffmpeg on the player URL of a sample of peers,
 * started when their peer has joined, stopped at the end): the first decoded frame from the player's start,
 * stalls and continuity of a player with a fixed playout delay, and how far behind the source's live edge
 * each frame was decoded. The kernel counts what each address sent.
 *
 * <p>Joins: a flash crowd (all peers join {@code --join-at} s after the stream started), or churn on top
 * of it (the file scenario's model: every period a third of the peers, drawn anew, leave and come back
 * later), where the figures that count are those of the peers that stay.
 */
public final class LabLive {

    private String profileName = "heterogeneous";
    private int peers = 100;
    private int runs = 1;
    private double load = 0.9;
    private int quality = 4;
    private String joins = "flash";
    private double joinAt = 5;
    private int seconds = -1;
    private double churnPeriod = 60;
    private double churnOff = 10;
    private int players = 10;
    private double playout = 1.0;
    private long seed = 1;
    private String planner = System.getProperty(SwarmFixture.PLANNER_PROPERTY, "rarest");
    private int neighbours = 0;
    /** lo's MTU in the lab's namespace: a real link's 1500, not loopback's 65536 (see run()). */
    private int mtu = 1500;
    /** Each node's engine paces its uploads at this share of its kernel cap (0: the kernel alone caps it). */
    private double declare = 0;

    private LabProfile profile;
    private Shaper shaper;
    private double bitrate; // bytes per second
    private List<LabBench.Churn> churn = List.of();

    public static void main(String[] args) throws Exception {
        LabLive l = new LabLive();
        l.parse(args);
        l.run();
    }

    public static void usage() {
        System.out.println("       bench/lab.sh --scenario live [--profile heterogeneous|homogeneous|smoke] [--peers N]"
                + " [--runs R]");
        System.out.println("             [--load L] [--quality Q] [--joins flash|churn]"
                + " [--join-at S] [--seconds S]");
        System.out.println("             [--churn-period S] [--churn-off S] [--players P] [--playout S] [--mtu B]"
                + " [--planner rarest|capacity] [--neighbours N] [--seed N]");
        System.out.println("             (live: a real Vorbis stream at L × r_max of the scaled profile; "
                + "ffmpeg players on P peers)");
    }

    private void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--profile" -> profileName = args[++i];
                case "--peers" -> peers = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--load" -> load = Double.parseDouble(args[++i]);
                case "--quality" -> quality = Integer.parseInt(args[++i]);
                case "--joins" -> joins = args[++i];
                case "--join-at" -> joinAt = Double.parseDouble(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--churn-period" -> churnPeriod = Double.parseDouble(args[++i]);
                case "--churn-off" -> churnOff = Double.parseDouble(args[++i]);
                case "--players" -> players = Integer.parseInt(args[++i]);
                case "--playout" -> playout = Double.parseDouble(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--planner" -> planner = SwarmFixture.plannerNamed(args[++i]).name();
                case "--neighbours" -> neighbours = Integer.parseInt(args[++i]);
                case "--mtu" -> mtu = Integer.parseInt(args[++i]);
                case "--declare" -> declare = Double.parseDouble(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + a + " (live scenario)");
            }
        }
        if (!List.of("flash", "churn").contains(joins)) {
            throw new IllegalArgumentException("--joins must be flash or churn in the live scenario");
        }
        if (seconds < 0) {
            seconds = joins.equals("churn") ? 150 : 60;
        }
        if (runs < 1 || peers < 1 || seconds < 10 || !(load > 0) || players < 0 || players > peers || playout < 0) {
            throw new IllegalArgumentException("need runs >= 1, seconds >= 10, load > 0, 0 <= players <= peers, "
                    + "playout >= 0");
        }
        if (joins.equals("churn")) {
            if (churnOff <= 0 || churnOff >= churnPeriod) {
                throw new IllegalArgumentException("churn needs 0 < --churn-off < --churn-period");
            }
            // the last event must be back before the end, so that the peers that left count as having come back
            churn = LabBench.churnEvents(peers, churnPeriod, churnOff, seconds - churnOff, seed);
            if (churn.isEmpty()) {
                throw new IllegalArgumentException("no churn event fits in --seconds " + seconds);
            }
        }
    }

    private void run() throws Exception {
        Shaper.requirePrivateNamespace();
        // one pass of the file covers the run: a loop would start a new chain link, and times would restart
        Path media = TestMedia.vorbis((int) Math.ceil(joinAt) + seconds + 30, quality);
        OggFormat format = new OggFormat(8 * 1024);
        long durationMicros = durationMicros(format, media);
        bitrate = Files.size(media) / (durationMicros / 1e6);
        // the classes in multiples of the stream: the profile's 1 MiB/s unit becomes the bitrate
        LabProfile shape = LabProfile.of(profileName, peers, 2, 0, 0, seed)
                .scaled(bitrate / LabProfile.MIB, up -> String.format(Locale.ROOT, "%.0f kbit/s", up * 8 / 1000));
        profile = new LabProfile(shape.name(), withUpload(shape.source(), sourceFor(shape)), shape.peers());
        double rMax = profile.liveBound();
        System.out.printf(Locale.ROOT, "lab: live, %s (%.0f s, Vorbis q%d), 1 source + %d peers, %s joins at %.1f s "
                + "after the stream started, %d s measured, %d run(s), %d cores%n", media.getFileName(),
                durationMicros / 1e6, quality, peers, joins, joinAt, seconds, runs,
                Runtime.getRuntime().availableProcessors());
        System.out.println("lab: " + profile.describe());
        System.out.printf(Locale.ROOT, "lab: r_max = min(u_s %.1f, (u_s+Σu)/N %.1f) = %.1f kbit/s; the stream %.1f "
                + "kbit/s (file bytes over its duration) = %.3f × r_max; the source at %.3f × the stream%n",
                profile.source().upload() * 8 / 1000, profile.capacity() / peers * 8 / 1000, rMax * 8 / 1000,
                bitrate * 8 / 1000, bitrate / rMax, profile.source().upload() / bitrate);
        for (String g : profile.groups()) {
            double up = profile.peers().stream().filter(l -> l.group().equals(g)).findFirst().orElseThrow().upload();
            System.out.printf(Locale.ROOT, "lab:   class %s = %.2f × the stream%n", g, up / bitrate);
        }
        System.out.println("lab: IceShare's tracker planner: " + planner + ", neighbours at most "
                + (neighbours > 0 ? neighbours : TrackerSettings.loopback().maxNeighbours()));
        System.out.println("lab: shaped by HTB on lo per address (tc); no delay or loss emulated (no netem); players "
                + "read their peer's HTTP endpoint on 127.0.0.1 (a local player: unshaped)");
        System.out.printf(Locale.ROOT, "lab: players: ffmpeg on %d peers, started when their peer has joined; playback "
                + "%.1f s after the first decoded frame; latency = decode time - when the source's live edge passed "
                + "the frame's end (its Ogg timestamp from the source's start)%n", players, playout);
        if (!churn.isEmpty()) {
            System.out.printf(Locale.ROOT, "lab: churn: every %.0f s from the join a third of the peers (%d) leave and "
                    + "come back %.0f s later with their storage; %d events%n", churnPeriod,
                    churn.get(0).who().length, churnOff, churn.size());
        }
        // At tens of kbit/s one 64 KiB loopback packet holds a class's link for seconds, and a slow peer's
        // queued pieces would leave in such bursts: a real uplink's packets are 1500 bytes. Only this
        // namespace's lo changes.
        Shaper.run(true, "ip", "link", "set", "lo", "mtu", Integer.toString(mtu));
        System.out.println("lab: lo's MTU " + mtu + " bytes");
        shaper = new Shaper(profile);
        shaper.install();
        List<Outcome> outcomes = new ArrayList<>();
        try {
            for (int r = 1; r <= runs; r++) {
                Outcome o = iceshareRun(media, format);
                outcomes.add(o);
                report(r, o);
            }
        } finally {
            shaper.remove();
        }
        System.out.printf(Locale.ROOT, "LAB_LIVE system=iceshare profile=%s peers=%d joins=%s runs=%d r_max=%.1fkbit/s "
                + "stream=%.1fkbit/s ratio=%.3f continuity_min_median=%.4f stayers_below_0.99_median=%.0f "
                + "player_first_frame_p50_median=%.3fs player_first_frame_p95_median=%.3fs "
                + "player_latency_p50_median=%.3fs player_latency_p95_median=%.3fs player_continuity_min_median=%.4f "
                + "suf_median=%.3f suf_kernel_median=%.3f%n", profileName, peers, joins, outcomes.size(),
                rMax * 8 / 1000, bitrate * 8 / 1000, bitrate / rMax, median(outcomes, o -> o.stayContinuity[0]),
                median(outcomes, o -> o.belowTarget), median(outcomes, o -> o.firstFrame[0]),
                median(outcomes, o -> o.firstFrame[1]), median(outcomes, o -> o.latency[0]),
                median(outcomes, o -> o.latency[1]), median(outcomes, o -> o.playerContinuityMin),
                median(outcomes, o -> o.suf), median(outcomes, o -> o.sufKernel));
    }

    /**
     * The source's upload that puts r_max = min(u_s, (u_s+Σu)/N) at bitrate / load: the peers' classes stay
     * at their multiples of the stream, so the source is the bound when the peers have the capacity to relay
     * (Σu >= (N-1)·R), else it makes up the swarm's shortfall.
     */
    private double sourceFor(LabProfile shape) {
        double target = bitrate / load;
        double sum = shape.peers().stream().mapToDouble(LabProfile.Link::upload).sum();
        return sum >= (peers - 1) * target ? target : peers * target - sum;
    }

    private static LabProfile.Link withUpload(LabProfile.Link l, double upload) {
        return new LabProfile.Link(l.name(), l.address(), upload, l.download(), l.group());
    }

    /** The media's duration, as the live cutter times its pieces (what the feeder plays out by). */
    private static long durationMicros(OggFormat format, Path media) throws IOException {
        var cutter = format.liveCutter(LiveFeeder.DEFAULT_TARGET_MICROS)
                .orElseThrow(() -> new IOException("the Ogg format cannot cut live streams"));
        List<org.iceshare.api.media.LivePiece> pieces = new ArrayList<>(
                cutter.accept(java.nio.ByteBuffer.wrap(Files.readAllBytes(media))).pieces());
        pieces.addAll(cutter.flush().pieces());
        return pieces.stream().mapToLong(org.iceshare.api.media.LivePiece::endMicros).max().orElseThrow();
    }

    /** One player's outcome: on which peer, its result, how long after its peer's get it started, and its lags. */
    record Played(int peer, PlayerProbe.Result result, double afterGet, double[] behind) {
    }

    /**
     * One run.
     *
     * @param quality the engine's figures of every peer at the end (a peer that churned: since its last return)
     * @param stayed which peers never left
     * @param stayContinuity the engine's continuity of the peers that stayed: min, p50
     * @param belowTarget peers that stayed with continuity below 0.99
     * @param played the players
     * @param firstFrame the players' first decoded frame from their start: p50, p95
     * @param latency how far behind the live edge the players decoded, over all their frames: p50, p95
     */
    record Outcome(SwarmStatus.Quality[] quality, boolean[] stayed, double[] stayContinuity, int belowTarget,
            List<Played> played, double[] firstFrame, double[] latency, double playerContinuityMin, double suf,
            double sufKernel, double streamedBytes, double seconds, Shaper.Counters kernel, Sampler.Summary idle) {
    }

    private Outcome iceshareRun(Path media, OggFormat format) throws Exception {
        Path root = Files.createTempDirectory("iceshare-lab-live");
        TrackerSettings settings = neighbours > 0 ? TrackerSettings.loopback().withMaxNeighbours(neighbours)
                : TrackerSettings.loopback();
        Set<Integer> churned = new HashSet<>();
        churn.forEach(c -> Arrays.stream(c.who()).forEach(churned::add));
        boolean[] stayed = new boolean[peers];
        for (int i = 0; i < peers; i++) {
            stayed[i] = !churned.contains(i);
        }
        Set<Integer> sample = playerSample(stayed);
        ExecutorService churner = Executors.newFixedThreadPool(4);
        Map<Integer, PlayerProbe> probes = new ConcurrentHashMap<>();
        Map<Integer, Double> probeAfterGet = new ConcurrentHashMap<>();
        try (SwarmFixture swarm = new SwarmFixture(root, settings, List.of(format))) {
            swarm.planner(SwarmFixture.plannerNamed(planner));
            PeerEngine source = swarm.addPeerAt("source", profile.source().address(), declared(profile.source()));
            LiveFeed feed = source.publishLive("radio.ogg", "audio/ogg", null, 30_000_000L).toCompletableFuture()
                    .get(60, TimeUnit.SECONDS);
            AtomicReferenceArray<PeerEngine> live = new AtomicReferenceArray<>(peers);
            for (int i = 0; i < peers; i++) {
                LabProfile.Link l = profile.peers().get(i);
                live.set(i, swarm.addPeerAt(l.name(), l.address(), declared(l)));
            }
            try (LiveFeeder feeder = new LiveFeeder(feed, media, format)) {
                feeder.start(1);
                Sampler sampler = new Sampler(shaper, profile);
                long t0 = System.nanoTime();
                TimeUnit.NANOSECONDS.sleep(t0 + (long) (joinAt * 1e9) - System.nanoTime());
                // the figures count from the join: before it the source had no one to send to
                Shaper.Counters before = shaper.counters();
                long streamedBefore = feed.streamed();
                long uploadedBefore = feed.uploaded();
                long joined = System.nanoTime();
                long cpuBefore = cpuNanos();
                sampler.start();
                for (int i = 0; i < peers; i++) {
                    int index = i;
                    long asked = System.nanoTime();
                    live.get(i).get(feed.url()).whenComplete((status, err) -> {
                        if (err != null) {
                            System.err.println("lab: peer" + index + " could not join: " + err);
                        } else if (sample.contains(index) && status.playerUrl() != null) {
                            startPlayer(index, status.playerUrl(), asked, probes, probeAfterGet);
                        }
                    });
                }
                int left = 0;
                int back = 0;
                long end = joined + TimeUnit.SECONDS.toNanos(seconds);
                while (System.nanoTime() < end) {
                    double t = (System.nanoTime() - joined) / 1e9;
                    for (; left < churn.size() && t >= churn.get(left).leave(); left++) {
                        System.out.printf(Locale.ROOT, "  churn at %.2f s: %d peers leave%n", t,
                                churn.get(left).who().length);
                        for (int i : churn.get(left).who()) {
                            PeerEngine p = live.getAndSet(i, null);
                            if (p != null) {
                                churner.execute(() -> swarm.stopPeer(p));
                            }
                        }
                    }
                    for (; back < left && t >= churn.get(back).back(); back++) {
                        System.out.printf(Locale.ROOT, "  churn at %.2f s: %d peers come back%n", t,
                                churn.get(back).who().length);
                        for (int i : churn.get(back).who()) {
                            LabProfile.Link l = profile.peers().get(i);
                            churner.execute(() -> {
                                try {
                                    PeerEngine p = swarm.addPeerAt(l.name(), l.address(), declared(l));
                                    p.get(feed.url());
                                    live.set(i, p);
                                } catch (IOException e) {
                                    System.err.println("lab: " + l.name() + " could not come back: " + e);
                                }
                            });
                        }
                    }
                    TimeUnit.MILLISECONDS.sleep(50);
                }
                // the clock stops here: counters and figures first, the players' stops take a while
                double runSeconds = (System.nanoTime() - joined) / 1e9;
                Shaper.Counters kernel = shaper.counters().since(before);
                double streamed = feed.streamed() - streamedBefore;
                double suf = (feed.uploaded() - uploadedBefore) / streamed;
                double sufKernel = kernel.sent(profile.source().address()) / streamed;
                SwarmStatus.Quality[] q = new SwarmStatus.Quality[peers];
                for (int i = 0; i < peers; i++) {
                    PeerEngine p = live.get(i);
                    List<SwarmStatus> s = p == null ? List.of() : p.swarms();
                    q[i] = s.isEmpty() ? null : s.get(0).quality();
                }
                Sampler.Summary idle = sampler.stop();
                System.out.println("  kernel: " + drops());
                System.out.printf(Locale.ROOT, "  machine: this JVM used %.2f cores over the run; load average %.1f "
                        + "on %d cores%n", (cpuNanos() - cpuBefore) / 1e9 / runSeconds, java.lang.management
                        .ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                        Runtime.getRuntime().availableProcessors());
                List<Played> played = new ArrayList<>();
                long origin = feeder.startNanos();
                for (Map.Entry<Integer, PlayerProbe> e : probes.entrySet()) {
                    PlayerProbe.Result r = e.getValue().stop();
                    played.add(new Played(e.getKey(), r, probeAfterGet.get(e.getKey()), e.getValue().behind(origin)));
                }
                played.sort((a, b) -> Integer.compare(a.peer, b.peer));
                double[] stay = continuity(q, stayed);
                int below = 0;
                for (int i = 0; i < peers; i++) {
                    if (stayed[i] && (q[i] == null || q[i].continuity() < 0.99)) {
                        below++;
                    }
                }
                double[] first = played.stream().mapToDouble(p -> p.result.firstFrame()).filter(f -> f >= 0).sorted()
                        .toArray();
                double[] lags = played.stream().flatMapToDouble(p -> Arrays.stream(p.behind)).sorted().toArray();
                double playerMin = played.stream().mapToDouble(p -> p.result.continuity()).min().orElse(0);
                return new Outcome(q, stayed, stay, below, played,
                        new double[] {percentile(first, 50), percentile(first, 95)},
                        new double[] {percentile(lags, 50), percentile(lags, 95)}, playerMin, suf, sufKernel, streamed,
                        runSeconds, kernel, idle);
            }
        } finally {
            probes.values().forEach(PlayerProbe::close);
            churner.shutdown();
            churner.awaitTermination(60, TimeUnit.SECONDS);
            org.iceshare.bench.SwarmBench.delete(root);
        }
    }

    /**
     * The catch-up's max lag of every peer, when {@code -Diceshare.live.maxLagMillis} is given (0 turns
     * skipping off): a peer setting now, the lab keeps the property its earlier runs were made with.
     */
    private static final Long MAX_LAG_MILLIS = Long.getLong("iceshare.live.maxLagMillis");

    /**
     * The node's settings: with {@code --declare}, its upload cap set to that share of its kernel cap; the
     * max lag of {@link #MAX_LAG_MILLIS}.
     */
    private UnaryOperator<org.iceshare.core.internal.peer.PeerSettings> declared(LabProfile.Link l) {
        UnaryOperator<org.iceshare.core.internal.peer.PeerSettings> lag = MAX_LAG_MILLIS == null
                ? UnaryOperator.identity() : s -> s.withLiveMaxLag(java.time.Duration.ofMillis(MAX_LAG_MILLIS));
        return declare > 0 ? s -> lag.apply(s.withUploadRate(Math.round(l.upload() * declare))) : lag;
    }

    /** This process's CPU time so far, in nanoseconds (-1 where the JVM does not tell). */
    private static long cpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
    }

    /** What lo's root qdisc dropped so far: a class whose queue overflows drops, and TCP then retransmits. */
    private static String drops() throws IOException, InterruptedException {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("qdisc htb 1: root[^\\n]*\\n\\s*Sent (\\d+) bytes "
                + "(\\d+) pkt \\(dropped (\\d+), overlimits (\\d+)").matcher(Shaper.run(true, "tc", "-s", "qdisc",
                "show", "dev", "lo"));
        return m.find() ? "lo sent " + m.group(2) + " packets, dropped " + m.group(3) + ", overlimits " + m.group(4)
                : "no counters";
    }

    private void startPlayer(int index, URI url, long asked, Map<Integer, PlayerProbe> probes,
            Map<Integer, Double> afterGet) {
        try {
            PlayerProbe p = PlayerProbe.live(url, playout);
            probes.put(index, p);
            afterGet.put(index, (p.startNanos() - asked) / 1e9);
        } catch (IOException e) {
            System.err.println("lab: no player on peer" + index + ": " + e);
        }
    }

    /** The peers with players: in each class as many as its share of the peers (at least one), all among stayers. */
    private Set<Integer> playerSample(boolean[] stayed) {
        Set<Integer> s = new HashSet<>();
        if (players == 0) {
            return s;
        }
        for (String g : profile.groups()) {
            List<Integer> members = new ArrayList<>();
            for (int i = 0; i < peers; i++) {
                if (profile.peers().get(i).group().equals(g) && stayed[i]) {
                    members.add(i);
                }
            }
            long inClass = profile.peers().stream().filter(l -> l.group().equals(g)).count();
            int k = (int) Math.max(1, Math.round(players * (double) inClass / peers));
            members.stream().limit(k).forEach(s::add);
        }
        return s;
    }

    private static double[] continuity(SwarmStatus.Quality[] q, boolean[] which) {
        double[] v = new double[q.length];
        int n = 0;
        for (int i = 0; i < q.length; i++) {
            if (which[i]) {
                v[n++] = q[i] == null ? 0 : q[i].continuity();
            }
        }
        double[] s = Arrays.copyOf(v, n);
        Arrays.sort(s);
        return n == 0 ? new double[] {-1, -1} : new double[] {s[0], percentile(s, 50)};
    }

    private void report(int run, Outcome o) {
        Shaper.Counters k = o.kernel;
        int stayers = 0;
        for (boolean b : o.stayed) {
            stayers += b ? 1 : 0;
        }
        System.out.printf(Locale.ROOT, "run %d: %.1f s measured, %.0f bytes streamed; SUF %.3f (kernel: the source "
                + "sent %.3f × the stream); unshaped %d bytes (tracker, players)%n", run, o.seconds, o.streamedBytes,
                o.suf, o.sufKernel, k.unshaped());
        long[] startup = Arrays.stream(o.quality).filter(q -> q != null && q.startupMillis() >= 0)
                .mapToLong(SwarmStatus.Quality::startupMillis).sorted().toArray();
        long[] lat = Arrays.stream(o.quality).filter(q -> q != null && q.latencyP95Millis() >= 0)
                .mapToLong(SwarmStatus.Quality::latencyP95Millis).sorted().toArray();
        System.out.printf(Locale.ROOT, "run %d engine: continuity of the %d peers that %s: min %.4f p50 %.4f, %d "
                + "below 0.99; startup (join to first decodable byte) p50 %d ms p95 %d ms; per-peer latency p95: p50 "
                + "%d ms p95 %d ms%n", run, stayers, churn.isEmpty() ? "joined" : "stayed", o.stayContinuity[0],
                o.stayContinuity[1], o.belowTarget, percentile(startup, 50), percentile(startup, 95),
                percentile(lat, 50), percentile(lat, 95));
        long skips = Arrays.stream(o.quality).filter(q -> q != null).mapToLong(SwarmStatus.Quality::skips).sum();
        long skippers = Arrays.stream(o.quality).filter(q -> q != null && q.skips() > 0).count();
        System.out.printf(Locale.ROOT, "run %d engine: %d skips ahead to the live edge by %d peers%n", run, skips,
                skippers);
        if (!churn.isEmpty()) {
            boolean[] churned = new boolean[peers];
            for (int i = 0; i < peers; i++) {
                churned[i] = !o.stayed[i];
            }
            double[] c = continuity(o.quality, churned);
            System.out.printf(Locale.ROOT, "run %d engine: the %d peers that churned (since their last return): "
                    + "continuity min %.4f p50 %.4f%n", run, peers - stayers, c[0], c[1]);
        }
        StringBuilder classes = new StringBuilder();
        for (String g : profile.groups()) {
            List<Double> cont = new ArrayList<>();
            double bytes = 0;
            double cap = 0;
            for (int i = 0; i < peers; i++) {
                LabProfile.Link l = profile.peers().get(i);
                if (l.group().equals(g)) {
                    if (o.stayed[i]) {
                        cont.add(o.quality[i] == null ? 0 : o.quality[i].continuity());
                    }
                    bytes += k.sent(l.address());
                    cap += l.upload() * o.seconds;
                }
            }
            double[] v = cont.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            long members = profile.peers().stream().filter(l -> l.group().equals(g)).count();
            classes.append(String.format(Locale.ROOT, "%s%s ×%d: continuity min %.4f p50 %.4f, uplink used %.0f%% "
                    + "(%.2f × the stream per peer)", classes.length() == 0 ? "" : "; ", g, v.length,
                    v.length == 0 ? -1 : v[0], percentile(v, 50), 100 * bytes / cap,
                    bytes / o.seconds / bitrate / members));
        }
        double srcUsed = k.sent(profile.source().address()) / (profile.source().upload() * o.seconds);
        System.out.printf(Locale.ROOT, "run %d per class (peers that stayed): %s; source uplink used %.0f%%%n", run,
                classes, 100 * srcUsed);
        long sent = profile.all().stream().mapToLong(l -> k.sent(l.address())).sum();
        System.out.printf(Locale.ROOT, "run %d: upload capacity used %.1f%% (kernel bytes / ((u_s+Σu)·T)); per second: "
                + "%d of %d peers below 10%% of their cap in more than half the seconds%n", run,
                100 * sent / (profile.capacity() * o.seconds), o.idle.idlePeers(), peers);
        for (Played p : o.played) {
            double[] b = p.behind.clone();
            Arrays.sort(b);
            System.out.printf(Locale.ROOT, "run %d player on peer%d (%s): %s; started %.3f s after its peer's get; "
                    + "behind the live edge p50 %.3f s p95 %.3f s%n", run, p.peer, profile.peers().get(p.peer).group(),
                    p.result, p.afterGet, percentile(b, 50), percentile(b, 95));
        }
        int stalls = o.played.stream().mapToInt(p -> p.result.stalls()).sum();
        System.out.printf(Locale.ROOT, "run %d players (%d): first decoded frame from the player's start p50 %.3f s "
                + "p95 %.3f s; behind the live edge over all frames p50 %.3f s p95 %.3f s; stalls %d; continuity "
                + "min %.4f (playout %.1f s)%n", run, o.played.size(), o.firstFrame[0], o.firstFrame[1], o.latency[0],
                o.latency[1], stalls, o.playerContinuityMin, playout);
        System.out.printf(Locale.ROOT, "run %d targets: continuity >= 0.99 for every peer%s: %s; player startup p95 "
                + "<= 1 s: %s; latency p95 <= 3 s: %s; SUF <= 1.2: %s%n", run, churn.isEmpty() ? "" : " that stays",
                o.belowTarget == 0 ? "met" : "MISSED", o.firstFrame[1] <= 1 ? "met" : "MISSED",
                o.latency[1] <= 3 ? "met" : "MISSED", o.suf <= 1.2 ? "met" : "MISSED");
    }

    static double percentile(double[] sorted, int p) {
        if (sorted.length == 0) {
            return -1;
        }
        return sorted[Math.max(0, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    static long percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return -1;
        }
        return sorted[Math.max(0, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static double median(List<Outcome> os, java.util.function.ToDoubleFunction<Outcome> f) {
        return LabBench.median(os.stream().mapToDouble(f).toArray());
    }
}
