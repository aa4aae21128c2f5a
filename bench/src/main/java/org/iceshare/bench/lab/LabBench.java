package org.iceshare.bench.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.core.internal.peer.PeerEngine;
import org.iceshare.core.internal.storage.PieceStore;
import org.iceshare.itests.swarm.SwarmFixture;
import org.iceshare.itests.swarm.TestMedia;
import org.iceshare.tracker.internal.TrackerSettings;

/**
 * The shaped lab's file distribution scenario: F MiB from one source to N peers, every node on its own
 * 127.0.0.x address whose upload (and optionally download) the kernel caps ({@link Shaper}), IceShare and
 * libtorrent 2.0.8 alternating under the same shaping and the same join pattern. Beside every time it
 * prints the fluid bound T_min = max(F/u_s, F/d_min, N·F/(u_s + Σu_i)) (Kumar and Ross 2006) and the ratio,
 * the source upload factor, the share of the swarm's upload capacity the kernel saw used, and completion
 * times per class of peer.
 *
 * <p>Runs only inside a private network namespace: start it with {@code bench/lab.sh}.
 */
public final class LabBench {
    private static final String PYTHON = "/usr/bin/python3";

    private String profileName = "heterogeneous";
    private int peers = 25;
    private int sizeMiB = 16;
    private int pieceKiB = 256;
    private int runs = 1;
    private double sourceFactor = 2;
    private double sourceMiB = 0;
    private double downloadMiB = 0;
    private String joins = "flash";
    private double joinMean = 1;
    private long seed = 1;
    private boolean iceshare = true;
    private boolean libtorrent = true;
    private boolean check = false;
    private boolean jvms = false;
    /** The tracker's planner in the IceShare runs: {@code rarest} or {@code capacity}. */
    private String planner = System.getProperty(SwarmFixture.PLANNER_PROPERTY, "rarest");
    /** The tracker's bound on a member's neighbours in the IceShare runs (0: the tracker's default). */
    private int neighbours = 0;
    private int timeoutSeconds = 600;
    private Path baselines = Path.of("bench/baselines");

    private LabProfile profile;
    private Shaper shaper;
    private double[] joinAt;
    private double churnPeriod = 60;
    private double churnOff = 10;
    private List<Churn> churn = List.of();

    /** A churn event: the peers {@code who} leave {@code leave} s after the clock starts, and come back at {@code back}. */
    record Churn(double leave, double back, int[] who) {
    }

    /**
     * The churn model: all join at once; every {@code period} s until {@code until}, a third of the peers,
     * drawn anew, leave and come back {@code off} s later.
     */
    static List<Churn> churnEvents(int peers, double period, double off, double until, long seed) {
        Random r = new Random(seed);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < peers; i++) {
            order.add(i);
        }
        List<Churn> events = new ArrayList<>();
        for (double t = period; t < until; t += period) {
            java.util.Collections.shuffle(order, r);
            events.add(new Churn(t, t + off, order.subList(0, Math.max(1, Math.round(peers / 3f))).stream()
                    .mapToInt(Integer::intValue).sorted().toArray()));
        }
        return List.copyOf(events);
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 2 && args[0].equals("--scenario")) {
            String[] rest = java.util.Arrays.copyOfRange(args, 2, args.length);
            switch (args[1]) {
                case "file" -> main(rest);
                case "live" -> LabLive.main(rest);
                case "stream" -> LabStream.main(rest);
                default -> throw new IllegalArgumentException("unknown scenario " + args[1]
                        + " (known: file, live, stream)");
            }
            return;
        }
        LabBench b = new LabBench();
        b.parse(args);
        b.run();
    }

    public static void usage() {
        System.out.println("       bench/lab.sh [--scenario file] [--profile homogeneous|heterogeneous|smoke] [--peers N] [--size-mib F]");
        System.out.println("             [--piece-kib K] [--runs R] [--source-factor X | --source-mib S] [--download-mib D]");
        System.out.println("             [--joins flash|poisson|churn [--join-mean S] [--churn-period S] [--churn-off S]]");
        System.out.println("             [--systems iceshare,libtorrent] [--planner rarest|capacity] [--neighbours N] [--seed N]");
        System.out.println("             [--jvms] [--check] [--timeout S]   (the kernel-shaped lab, in a private network "
                + "namespace; --jvms: each IceShare peer in a JVM of its own)");
        LabLive.usage();
    }

    private void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--profile" -> profileName = args[++i];
                case "--peers" -> peers = Integer.parseInt(args[++i]);
                case "--size-mib" -> sizeMiB = Integer.parseInt(args[++i]);
                case "--piece-kib" -> pieceKiB = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--source-factor" -> sourceFactor = Double.parseDouble(args[++i]);
                case "--source-mib" -> sourceMiB = Double.parseDouble(args[++i]);
                case "--download-mib" -> downloadMiB = Double.parseDouble(args[++i]);
                case "--joins" -> joins = args[++i];
                case "--join-mean" -> joinMean = Double.parseDouble(args[++i]);
                case "--churn-period" -> churnPeriod = Double.parseDouble(args[++i]);
                case "--churn-off" -> churnOff = Double.parseDouble(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--systems" -> {
                    List<String> s = List.of(args[++i].split(","));
                    iceshare = s.contains("iceshare");
                    libtorrent = s.contains("libtorrent");
                }
                case "--check" -> check = true;
                case "--jvms" -> jvms = true;
                case "--planner" -> planner = SwarmFixture.plannerNamed(args[++i]).name();
                case "--neighbours" -> neighbours = Integer.parseInt(args[++i]);
                case "--timeout" -> timeoutSeconds = Integer.parseInt(args[++i]);
                case "--baselines" -> baselines = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (sizeMiB < 1 || runs < 1 || pieceKiB < 16 || !(iceshare || libtorrent)) {
            throw new IllegalArgumentException("size and runs must be >= 1, piece >= 16 KiB, and a system chosen");
        }
        if (!List.of("flash", "poisson", "churn").contains(joins)) {
            throw new IllegalArgumentException("--joins must be flash, poisson or churn");
        }
        if (joins.equals("churn") && (jvms || churnOff <= 0 || churnOff >= churnPeriod)) {
            throw new IllegalArgumentException("churn needs 0 < --churn-off < --churn-period, and no --jvms");
        }
    }

    private void run() throws Exception {
        Shaper.requirePrivateNamespace();
        profile = LabProfile.of(profileName, peers, sourceFactor, sourceMiB, downloadMiB, seed);
        joinAt = new double[peers];
        if (joins.equals("poisson")) {
            Random r = new Random(seed);
            for (int i = 1; i < peers; i++) {
                joinAt[i] = joinAt[i - 1] - joinMean * Math.log(1 - r.nextDouble());
            }
        }
        if (joins.equals("churn")) {
            churn = churnEvents(peers, churnPeriod, churnOff, timeoutSeconds, seed);
            if (churn.isEmpty()) {
                throw new IllegalArgumentException("--churn-period " + churnPeriod + " s is beyond --timeout "
                        + timeoutSeconds + " s: no churn would happen");
            }
        }
        Path script = libtorrent ? libtorrentScript() : null;
        Path media = TestMedia.flac(sizeMiB);
        long size = Files.size(media);
        shaper = new Shaper(profile);
        shaper.install();
        double tMin = profile.fileBound(size);
        System.out.printf(Locale.ROOT, "lab: file distribution, %s (%d bytes), pieces %d KiB, 1 source + %d peers%s, "
                + "%s joins%s, %d run(s), %d cores%n", media.getFileName(), size, pieceKiB, peers,
                jvms ? " (IceShare: each peer in a JVM of its own)" : "", joins,
                joins.equals("poisson") ? String.format(Locale.ROOT, " (mean gap %.2f s, last at %.1f s)", joinMean,
                        joinAt[peers - 1]) : "", runs, Runtime.getRuntime().availableProcessors());
        System.out.println("lab: " + profile.describe());
        System.out.println("lab: IceShare's tracker planner: " + planner + ", neighbours at most "
                + (neighbours > 0 ? neighbours : TrackerSettings.loopback().maxNeighbours()));
        System.out.println("lab: shaped by HTB on lo per address (tc); no delay or loss emulated (no netem)");
        System.out.printf(Locale.ROOT, "lab: T_min = max(F/u_s %.2f s, N·F/(u_s+Σu) %.2f s%s) = %.2f s%n",
                size / profile.source().upload(), peers * (double) size / profile.capacity(),
                downloadMiB > 0 ? String.format(Locale.ROOT, ", F/d_min %.2f s", size / (downloadMiB * LabProfile.MIB))
                        : "", tMin);
        if (joins.equals("churn")) {
            System.out.printf(Locale.ROOT, "lab: churn: every %.0f s a third of the peers (%d) leave and come back "
                    + "%.0f s later; a peer's storage stays, so it resumes what it had%n", churnPeriod,
                    churn.get(0).who().length, churnOff);
        }
        if (joins.equals("poisson")) {
            System.out.printf(Locale.ROOT, "lab: staggered joins: T counts from the first join, the last peer joins at "
                    + "%.2f s; T_min is still the flash-crowd bound, so T / T_min includes the joins' spread%n",
                    joinAt[peers - 1]);
        }
        Map<String, List<Outcome>> outcomes = new LinkedHashMap<>();
        try {
            for (int r = 1; r <= runs; r++) {
                // alternate the order, so neither system always runs on a machine the other just warmed
                List<String> order = new ArrayList<>();
                if (iceshare) {
                    order.add("iceshare");
                }
                if (libtorrent) {
                    order.add(r % 2 == 1 ? order.size() : 0, "libtorrent");
                }
                for (String system : order) {
                    Outcome o = system.equals("iceshare") ? iceshareRun(media, size) : libtorrentRun(script, media, size);
                    outcomes.computeIfAbsent(system, k -> new ArrayList<>()).add(o);
                    report(system, r, o, size, tMin);
                    if (check && system.equals("iceshare")) {
                        check(o, size);
                    }
                }
            }
        } finally {
            shaper.remove();
        }
        for (Map.Entry<String, List<Outcome>> e : outcomes.entrySet()) {
            List<Outcome> os = e.getValue();
            double t = median(os.stream().mapToDouble(Outcome::seconds).toArray());
            System.out.printf(Locale.ROOT, "LAB system=%s profile=%s peers=%d size=%dMiB piece=%dKiB joins=%s runs=%d "
                    + "T_min=%.2fs T_median=%.2fs ratio_median=%.2f ratios=%s suf_median=%.3f use_median=%.2f%n",
                    e.getKey(), profileName, peers, sizeMiB, pieceKiB, joins, os.size(), tMin, t, t / tMin,
                    os.stream().map(o -> String.format(Locale.ROOT, "%.2f", o.seconds / tMin))
                            .collect(Collectors.joining(",")),
                    median(os.stream().mapToDouble(o -> o.suf).toArray()),
                    median(os.stream().mapToDouble(o -> use(o)).toArray()));
        }
    }

    /**
     * What one system did in one run.
     *
     * @param seconds from the clock's start until the last peer completed
     * @param done each peer's completion, seconds from the clock's start, in profile order
     * @param suf the source's payload upload over the file size, as the system counts it
     * @param kernel the kernel's byte counters over the run
     * @param idle per-second samples: see {@link Sampler}
     */
    record Outcome(double seconds, double[] done, double suf, Shaper.Counters kernel, Sampler.Summary idle) {
    }

    private double use(Outcome o) {
        long sent = profile.all().stream().mapToLong(l -> o.kernel.sent(l.address())).sum();
        return sent / (profile.capacity() * o.seconds);
    }

    private void report(String system, int run, Outcome o, long size, double tMin) {
        Shaper.Counters k = o.kernel;
        System.out.printf(Locale.ROOT, "run %d %s: all %d complete in %.2f s = %.2f × T_min (%.2f s); SUF %.3f "
                + "(kernel: source sent %.3f × F); upload capacity used %.1f%% (kernel bytes / ((u_s+Σu)·T)); "
                + "unshaped %d bytes%n", run, system, peers, o.seconds, o.seconds / tMin, tMin, o.suf,
                k.sent(profile.source().address()) / (double) size, 100 * use(o), k.unshaped());
        StringBuilder classes = new StringBuilder();
        for (String g : profile.groups()) {
            List<Double> t = new ArrayList<>();
            double bytes = 0;
            double cap = 0;
            for (int i = 0; i < peers; i++) {
                LabProfile.Link l = profile.peers().get(i);
                if (l.group().equals(g)) {
                    t.add(o.done[i] - joinAt[i]);
                    bytes += k.sent(l.address());
                    cap += l.upload() * o.seconds;
                }
            }
            double[] v = t.stream().mapToDouble(Double::doubleValue).toArray();
            Arrays.sort(v);
            classes.append(String.format(Locale.ROOT, "%s%s ×%d: done in %.2f/%.2f/%.2f s, uplink used %.0f%%",
                    classes.length() == 0 ? "" : "; ", g, v.length, v[0], median(v), v[v.length - 1],
                    100 * bytes / cap));
        }
        System.out.printf(Locale.ROOT, "run %d %s: per class (first/median/last, from each peer's join): %s%n", run,
                system, classes);
        System.out.printf(Locale.ROOT, "run %d %s: per second: the source at >= 90%% of its cap in %.0f%% of the "
                + "seconds; %d of %d peers below 10%% of their cap in more than half the seconds%n", run, system,
                100 * o.idle.sourceBusy(), o.idle.idlePeers(), peers);
    }

    /** The CI smoke run's functional checks; a failure ends the lab with an error naming it. */
    private void check(Outcome o, long size) {
        List<String> failed = new ArrayList<>();
        if (o.suf < 0.99 || o.suf > peers) {
            failed.add(String.format(Locale.ROOT, "SUF %.3f outside 0.99..%d", o.suf, peers));
        }
        if (o.kernel.sent(profile.source().address()) < size) {
            failed.add("the kernel saw the source send " + o.kernel.sent(profile.source().address())
                    + " bytes, less than the file");
        }
        long shaped = 0;
        for (LabProfile.Link l : profile.all()) {
            long sent = o.kernel.sent(l.address());
            shaped += sent;
            if (sent <= 0) {
                failed.add(l.name() + " sent nothing from its address " + l.address().getHostAddress());
            }
        }
        if (shaped < (long) peers * size) {
            failed.add("the shaped classes carried " + shaped + " bytes, less than N·F = " + (long) peers * size);
        }
        if (o.kernel.unshaped() > 0.05 * peers * size) {
            failed.add("unshaped traffic " + o.kernel.unshaped() + " bytes: more than 5% of N·F left from no peer's"
                    + " address");
        }
        if (!failed.isEmpty()) {
            throw new IllegalStateException("LAB_CHECK failed: " + String.join("; ", failed));
        }
        System.out.printf(Locale.ROOT, "LAB_CHECK ok: %d peers complete and byte-identical, SUF %.3f, every node's "
                + "traffic left from its own address (shaped %d bytes >= N·F %d, unshaped %d)%n", peers, o.suf, shaped,
                (long) peers * size, o.kernel.unshaped());
    }

    private Outcome iceshareRun(Path media, long size) throws Exception {
        Path root = Files.createTempDirectory("iceshare-lab");
        TrackerSettings settings = neighbours > 0 ? TrackerSettings.loopback().withMaxNeighbours(neighbours)
                : TrackerSettings.loopback();
        try (SwarmFixture swarm = new SwarmFixture(root, settings, pieceKiB * 1024)) {
            swarm.planner(SwarmFixture.plannerNamed(planner));
            PeerEngine source = swarm.addPeerAt("source", profile.source().address(), UnaryOperator.identity());
            IcetUrl url = source.publish(media, media.getFileName().toString(), null).toCompletableFuture()
                    .get(5, TimeUnit.MINUTES);
            ContentId content = source.swarms().get(0).content();
            if (jvms) {
                return processRun(swarm, root, source, url, content, media, size);
            }
            java.util.concurrent.atomic.AtomicReferenceArray<PeerEngine> live =
                    new java.util.concurrent.atomic.AtomicReferenceArray<>(peers);
            for (int i = 0; i < peers; i++) {
                LabProfile.Link l = profile.peers().get(i);
                live.set(i, swarm.addPeerAt(l.name(), l.address(), UnaryOperator.identity()));
            }
            // leaving and coming back take a while (closing drains, starting connects): off the clock's thread
            java.util.concurrent.ExecutorService churner = java.util.concurrent.Executors.newSingleThreadExecutor();
            Shaper.Counters before = shaper.counters();
            Sampler sampler = new Sampler(shaper, profile);
            long start = System.nanoTime();
            sampler.start();
            boolean[] joined = new boolean[peers];
            double[] done = new double[peers];
            Arrays.fill(done, -1);
            int remaining = peers;
            int left = 0;
            int back = 0;
            long deadline = start + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            try {
                while (remaining > 0) {
                    long now = System.nanoTime();
                    if (now > deadline) {
                        throw new IllegalStateException(remaining + " IceShare peers did not complete in "
                                + timeoutSeconds + " s");
                    }
                    double t = (now - start) / 1e9;
                    for (; left < churn.size() && t >= churn.get(left).leave(); left++) {
                        System.out.printf(Locale.ROOT, "  iceshare churn at %.2f s: peers %s leave%n", t,
                                Arrays.toString(churn.get(left).who()));
                        for (int i : churn.get(left).who()) {
                            PeerEngine p = live.getAndSet(i, null);
                            if (p != null) {
                                churner.execute(() -> swarm.stopPeer(p));
                            }
                        }
                    }
                    for (; back < left && t >= churn.get(back).back(); back++) {
                        System.out.printf(Locale.ROOT, "  iceshare churn at %.2f s: peers %s come back%n", t,
                                Arrays.toString(churn.get(back).who()));
                        for (int i : churn.get(back).who()) {
                            LabProfile.Link l = profile.peers().get(i);
                            churner.execute(() -> {
                                try {
                                    PeerEngine p = swarm.addPeerAt(l.name(), l.address(), UnaryOperator.identity());
                                    p.get(url);
                                    live.set(i, p);
                                } catch (IOException e) {
                                    System.err.println("lab: " + l.name() + " could not come back: " + e);
                                }
                            });
                        }
                    }
                    for (int i = 0; i < peers; i++) {
                        PeerEngine p = live.get(i);
                        if (p == null) {
                            continue;
                        }
                        if (!joined[i] && t >= joinAt[i]) {
                            p.get(url);
                            joined[i] = true;
                        }
                        if (joined[i] && done[i] < 0) {
                            PieceStore s = p.store(content);
                            if (s != null && s.isComplete()) {
                                done[i] = (System.nanoTime() - start) / 1e9;
                                remaining--;
                            }
                        }
                    }
                    TimeUnit.MILLISECONDS.sleep(10);
                }
            } finally {
                churner.shutdown();
                churner.awaitTermination(60, TimeUnit.SECONDS);
            }
            double all = Arrays.stream(done).max().orElse(0);
            Sampler.Summary idle = sampler.stop();
            Shaper.Counters kernel = shaper.counters().since(before);
            SwarmStatus src = source.swarms().get(0);
            for (LabProfile.Link l : profile.peers()) {
                Path copy = root.resolve(l.name()).resolve("contents").resolve(content.toHex()).resolve("data");
                if (!SwarmFixture.sameBytes(media, copy)) {
                    throw new IllegalStateException("copy at " + l.name() + " differs from the file");
                }
            }
            return new Outcome(all, done, (double) src.uploaded() / size, kernel, idle);
        } finally {
            org.iceshare.bench.SwarmBench.delete(root);
        }
    }

    /**
     * The IceShare run with every peer in a JVM of its own ({@link PeerProcess}), in the same namespace; the
     * tracker and the source stay in this JVM. The clock and the joins are this JVM's: a peer's completion
     * counts when its {@code PEER_COMPLETE} line arrives here.
     */
    private Outcome processRun(SwarmFixture swarm, Path root, PeerEngine source, IcetUrl url, ContentId content,
            Path media, long size) throws Exception {
        String javaCommand = ProcessHandle.current().info().command().orElse("java");
        String cp = System.getProperty("java.class.path");
        List<Process> children = new ArrayList<>();
        CountDownLatch ready = new CountDownLatch(peers);
        double[] done = new double[peers];
        Arrays.fill(done, -1);
        long[] clock = {0};
        CountDownLatch complete = new CountDownLatch(peers);
        try {
            for (int i = 0; i < peers; i++) {
                LabProfile.Link l = profile.peers().get(i);
                Process p = new ProcessBuilder(javaCommand, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", cp, "org.iceshare.bench.Bench", "peer",
                        "--name", l.name(), "--address", l.address().getHostAddress(), "--tracker",
                        swarm.trackerAddress().getAddress().getHostAddress() + ":" + swarm.trackerAddress().getPort(),
                        "--url", url.toString(), "--storage", root.resolve(l.name()).toString(), "--piece-kib",
                        Integer.toString(pieceKiB))
                        .redirectError(root.resolve(l.name() + ".err").toFile()).start();
                children.add(p);
                int index = i;
                Thread reader = new Thread(() -> {
                    try (BufferedReader out = p.inputReader()) {
                        for (String line = out.readLine(); line != null; line = out.readLine()) {
                            if (line.startsWith("PEER_READY")) {
                                ready.countDown();
                            } else if (line.startsWith("PEER_COMPLETE")) {
                                synchronized (done) {
                                    done[index] = (System.nanoTime() - clock[0]) / 1e9;
                                }
                                complete.countDown();
                            }
                        }
                    } catch (IOException e) {
                        // the process ended
                    }
                }, "lab-peer-" + l.name());
                reader.setDaemon(true);
                reader.start();
            }
            if (!ready.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException(ready.getCount() + " peer JVMs did not start in 120 s (see "
                        + root + "/*.err)");
            }
            Shaper.Counters before = shaper.counters();
            Sampler sampler = new Sampler(shaper, profile);
            long start = System.nanoTime();
            synchronized (done) {
                clock[0] = start;
            }
            sampler.start();
            boolean[] joined = new boolean[peers];
            long deadline = start + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            while (complete.getCount() > 0) {
                long now = System.nanoTime();
                if (now > deadline) {
                    throw new IllegalStateException(complete.getCount() + " IceShare peer JVMs did not complete in "
                            + timeoutSeconds + " s");
                }
                for (int i = 0; i < peers; i++) {
                    if (!joined[i] && (now - start) / 1e9 >= joinAt[i]) {
                        children.get(i).getOutputStream().write("GET\n".getBytes(StandardCharsets.UTF_8));
                        children.get(i).getOutputStream().flush();
                        joined[i] = true;
                    }
                }
                complete.await(10, TimeUnit.MILLISECONDS);
            }
            double[] times;
            synchronized (done) {
                times = done.clone();
            }
            Sampler.Summary idle = sampler.stop();
            Shaper.Counters kernel = shaper.counters().since(before);
            SwarmStatus src = source.swarms().get(0);
            for (LabProfile.Link l : profile.peers()) {
                Path copy = root.resolve(l.name()).resolve("contents").resolve(content.toHex()).resolve("data");
                if (!SwarmFixture.sameBytes(media, copy)) {
                    throw new IllegalStateException("copy at " + l.name() + " (its own JVM) differs from the file");
                }
            }
            return new Outcome(Arrays.stream(times).max().orElse(0), times, (double) src.uploaded() / size, kernel,
                    idle);
        } finally {
            for (Process p : children) {
                try {
                    p.getOutputStream().close(); // a peer stops when its standard input closes
                } catch (IOException e) {
                    // already gone
                }
            }
            for (Process p : children) {
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    private Path libtorrentScript() throws IOException, InterruptedException {
        Path script = baselines.resolve("libtorrent_swarm.py");
        String install = "; run " + baselines.resolve("install.sh") + " to install it";
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException("no libtorrent baseline script at " + script.toAbsolutePath()
                    + " (run from the repository root, pass --baselines DIR, or --systems iceshare)");
        }
        Process p = new ProcessBuilder(PYTHON, "-c", "import libtorrent").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(PYTHON + " has no libtorrent module" + install + " (" + out + ")");
        }
        return script;
    }

    private Outcome libtorrentRun(Path script, Path media, long size) throws Exception {
        Path work = Files.createTempDirectory("iceshare-lab-libtorrent");
        try {
            List<String> cmd = new ArrayList<>(List.of(PYTHON, script.toString(), media.toString(),
                    Integer.toString(peers), Integer.toString(pieceKiB), work.toString(), "--timeout",
                    Integer.toString(timeoutSeconds), "--source-address", profile.source().address().getHostAddress(),
                    "--peer-addresses", profile.peers().stream().map(l -> l.address().getHostAddress())
                            .collect(Collectors.joining(","))));
            if (!churn.isEmpty()) {
                cmd.add("--churn");
                cmd.add(churn.stream().map(c -> String.format(Locale.ROOT, "%.3f:%.3f:%s", c.leave(), c.back(),
                        Arrays.stream(c.who()).mapToObj(Integer::toString).collect(Collectors.joining(","))))
                        .collect(Collectors.joining(";")));
            }
            if (joins.equals("poisson")) {
                cmd.add("--join-at");
                cmd.add(Arrays.stream(joinAt).mapToObj(t -> String.format(Locale.ROOT, "%.3f", t))
                        .collect(Collectors.joining(",")));
            }
            Shaper.Counters before = shaper.counters();
            Sampler sampler = new Sampler(shaper, profile);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            Map<String, String> result = null;
            try (BufferedReader out = p.inputReader()) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.equals("LIBTORRENT_START")) {
                        sampler.start();
                    } else if (line.equals("LIBTORRENT_DONE")) {
                        sampler.stopClock();
                    } else if (line.startsWith("LIBTORRENT ")) {
                        result = new HashMap<>();
                        for (String field : line.substring("LIBTORRENT ".length()).split(" ")) {
                            String[] kv = field.split("=", 2);
                            result.put(kv[0], kv.length > 1 ? kv[1] : "");
                        }
                    } else if (!line.isBlank()) {
                        System.out.println("  " + line);
                    }
                }
            }
            int exit = p.waitFor();
            Sampler.Summary idle = sampler.stop();
            if (exit != 0 || result == null) {
                throw new IllegalStateException("the libtorrent run failed (exit " + exit + "); see its output above");
            }
            Shaper.Counters kernel = shaper.counters().since(before);
            double[] done = Arrays.stream(result.get("times").split(",")).mapToDouble(Double::parseDouble).toArray();
            return new Outcome(Double.parseDouble(result.get("seconds")), done, Double.parseDouble(result.get("suf")),
                    kernel, idle);
        } finally {
            org.iceshare.bench.SwarmBench.delete(work);
        }
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
