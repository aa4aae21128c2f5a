package org.iceshare.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.iceshare.api.icet.Assign;
import org.iceshare.api.icet.Auth;
import org.iceshare.api.icet.ErrorReport;
import org.iceshare.api.icet.Hello;
import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.icet.Join;
import org.iceshare.api.icet.Joined;
import org.iceshare.api.icet.Leave;
import org.iceshare.api.icet.Ping;
import org.iceshare.api.icet.Pong;
import org.iceshare.api.icet.Publish;
import org.iceshare.api.icet.Published;
import org.iceshare.api.icet.Rates;
import org.iceshare.api.icet.Revoke;
import org.iceshare.api.icet.Role;
import org.iceshare.api.icet.Verified;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PieceInfo;
import org.iceshare.api.transport.Connection;
import org.iceshare.api.transport.ConnectionHandler;
import org.iceshare.engine.internal.Handshake;
import org.iceshare.engine.internal.Identity;
import org.iceshare.icet.internal.NettyTransport;
import org.iceshare.icet.internal.TransportSettings;
import org.iceshare.planner.rarest.internal.RarestPlanner;
import org.iceshare.tracker.internal.TrackerEngine;
import org.iceshare.tracker.internal.TrackerSettings;

/**
 * Tracker load (issue #14): one real {@link TrackerEngine} behind its real Netty TCP transport on loopback,
 * driven by N simulated peers that speak real IceT (the transport's codec and the {@link Handshake} of the
 * engine), all multiplexed over a client transport of one or two I/O threads.
 *
 * <p>By default the tracker runs in a child JVM started under {@code taskset -c 0} (one core, one I/O thread),
 * and the peers in this JVM on the other cores, so that "on one core" is real and the tracker's CPU is read
 * from {@code /proc/PID/stat}. {@code --in-process} keeps the tracker in this JVM (the smoke test).
 *
 * <p>Each simulated peer completes the handshake (Hello, Auth), joins one of {@code --swarms} file swarms
 * (each published first by one publisher peer with a signed manifest of {@code --pieces} pieces), then sends
 * {@code --rate} messages a second: a VERIFIED report for the next piece the tracker assigned it (from the
 * server the tracker named, with the manifest's hash) as the piece "arrives"; every {@code --ping-every}th a
 * PING, every {@code --rates-every}th a RATES report; a peer with no assignment waiting pings instead. A peer
 * that verified every piece leaves and joins again (churn), so JOIN keeps coming. Response times are those of
 * JOIN to JOINED and PING to PONG. Each rate of {@code --rates} is one measured step over the same
 * connections; a step ends with one PING per peer, and it counts until the last PONG, so a tracker that fell
 * behind pays for its backlog in the step's rate.
 */
public final class TrackerLoadBench {
    private static final String AGENT = "IceShare-trackerload/0.1";
    private static final long KEEP_ALIVE_NANOS = TimeUnit.SECONDS.toNanos(15);

    private int peers = 10_000;
    private int swarms = 10;
    private int pieces = 256;
    private double[] rates = {1, 5};
    private int seconds = 20;
    private int pingEvery = 10;
    private int ratesEvery = 10;
    private int clientThreads = 2;
    private int maxHandshakes = 64;
    private boolean inProcess;
    /** Every paced message a PING: the cost of the transport and the dispatch alone, without planning. */
    private boolean pingsOnly;
    private String trackerCpus = "0";
    private String clientCpus = "";
    private String trackerJvmOpts = "-Xmx2g -XX:+UseParallelGC";

    public static void main(String[] args) throws Exception {
        TrackerLoadBench b = new TrackerLoadBench();
        b.parse(args);
        b.run();
    }

    static void usage() {
        System.out.println("       java -jar iceshare-bench.jar trackerload [--peers N] [--swarms S] [--pieces P] "
                + "[--rates R1,R2,...] [--seconds S]");
        System.out.println("             [--ping-every K] [--rates-every K] [--client-threads T] [--tracker-cpus 0] "
                + "[--tracker-jvm-opts OPTS] [--in-process] [--pings-only]");
        System.out.println("             (one tracker, N simulated IceT peers; R messages per second per peer; "
                + "messages/s, tracker CPU, p50/p99)");
    }

    TrackerLoadBench parse(String... args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--peers" -> peers = Integer.parseInt(args[++i]);
                case "--swarms" -> swarms = Integer.parseInt(args[++i]);
                case "--pieces" -> pieces = Integer.parseInt(args[++i]);
                case "--rates" -> rates = Arrays.stream(args[++i].split(",")).mapToDouble(Double::parseDouble)
                        .toArray();
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--ping-every" -> pingEvery = Integer.parseInt(args[++i]);
                case "--rates-every" -> ratesEvery = Integer.parseInt(args[++i]);
                case "--client-threads" -> clientThreads = Integer.parseInt(args[++i]);
                case "--max-handshakes" -> maxHandshakes = Integer.parseInt(args[++i]);
                case "--in-process" -> inProcess = true;
                case "--pings-only" -> pingsOnly = true;
                case "--tracker-cpus" -> trackerCpus = args[++i];
                case "--client-cpus" -> clientCpus = args[++i];
                case "--tracker-jvm-opts" -> trackerJvmOpts = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (peers < 1 || swarms < 1 || swarms > peers || pieces < 2 || seconds < 1 || pingEvery < 2
                || ratesEvery < 2 || rates.length == 0) {
            throw new IllegalArgumentException("need peers >= swarms >= 1, pieces >= 2, seconds >= 1, "
                    + "ping/rates every >= 2, at least one rate");
        }
        return this;
    }

    // ------------------------------------------------------------------ the tracker (child JVM or in-process)

    /** The tracker side: {@code trackerload-tracker}, run in the child JVM. Prints its port, runs until stdin ends. */
    static void trackerMain(String[] args) throws Exception {
        try (Tracker t = Tracker.start()) {
            System.out.println("PORT " + t.engine.address().getPort());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (in.readLine() != null) {
                // the parent closes stdin (or dies): then the tracker stops
            }
        }
    }

    /** A tracker with the loopback settings and a TCP transport of one I/O thread, without caps per address. */
    private record Tracker(NettyTransport transport, TrackerEngine engine) implements AutoCloseable {
        static Tracker start() throws IOException {
            NettyTransport t = NettyTransport.tcp(settings(1));
            TrackerEngine e = new TrackerEngine(TrackerSettings.loopback(), t, new RarestPlanner());
            e.start();
            return new Tracker(t, e);
        }

        @Override
        public void close() {
            engine.close();
            transport.close();
        }
    }

    /**
     * The transport settings of both sides: defaults with {@code ioThreads}, no connection caps (every simulated
     * peer comes from 127.0.0.1, where the default caps 32 connections per address) and a handshake timeout of
     * {@value #HANDSHAKE_TIMEOUT_MILLIS} ms: while thousands of peers join at once, a handshake waits behind the
     * others in the tracker's queue longer than the default allows.
     */
    static final long HANDSHAKE_TIMEOUT_MILLIS = 60_000;

    static TransportSettings settings(int ioThreads) {
        TransportSettings d = TransportSettings.DEFAULTS;
        return new TransportSettings(d.maxFrameSize(), ioThreads, HANDSHAKE_TIMEOUT_MILLIS, d.idleTimeoutSeconds(),
                d.writeBufferLowWaterMark(), d.writeBufferHighWaterMark(), d.connectTimeoutMillis(),
                TransportSettings.MAX_CONNECTIONS, TransportSettings.MAX_CONNECTIONS, d.maxBufferedFrameBytes(),
                d.frameTimeoutSeconds(), d.minFrameRate());
    }

    /** The child JVM running the tracker, pinned with taskset, with a raised descriptor limit. */
    private static final class Child implements AutoCloseable {
        final Process process;
        final int port;

        Child(String cpus, String jvmOpts) throws IOException {
            String java = ProcessHandle.current().info().command().orElse("java");
            String cp = System.getProperty("java.class.path");
            // the shell raises the descriptor limit (10,000 peers are 10,000 sockets) and execs: the pid is the JVM's
            String cmd = "ulimit -n 65536 2>/dev/null || ulimit -n $(ulimit -Hn); exec taskset -c " + cpus + " '"
                    + java + "' " + jvmOpts + " -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp '" + cp + "' "
                    + Bench.class.getName() + " trackerload-tracker";
            process = new ProcessBuilder("bash", "-c", cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
            String line;
            int p = -1;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("PORT ")) {
                    p = Integer.parseInt(line.substring(5).trim());
                    break;
                }
            }
            if (p < 0) {
                throw new IOException("the tracker JVM did not start: " + cmd);
            }
            port = p;
            Thread drain = new Thread(() -> {
                try {
                    String l;
                    while ((l = out.readLine()) != null) {
                        System.out.println("tracker: " + l);
                    }
                } catch (IOException e) {
                    // it ended
                }
            }, "trackerload-child-out");
            drain.setDaemon(true);
            drain.start();
        }

        @Override
        public void close() throws InterruptedException {
            try {
                process.getOutputStream().close();
            } catch (IOException e) {
                // gone already
            }
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** CPU seconds (user + system) of a process so far, from /proc; -1 where unknown. */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields 14 and 15 of stat (utime, stime) are the 12th and 13th after the command
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Open descriptors of a process, from /proc; -1 where unknown. */
    static long descriptors(long pid) {
        try (var s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return s.count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The soft descriptor limit of a process, from /proc; "?" where unknown. */
    static String descriptorLimit(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/limits")).stream()
                    .filter(l -> l.startsWith("Max open files")).map(l -> l.split("\\s+")[3]).findFirst()
                    .orElse("?");
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    // ------------------------------------------------------------------ the run

    /** One measured step: its offered rate and what was measured. */
    record Step(double ratePerPeer, double seconds, long sent, long received, Map<String, Long> sentByType,
            double messagesPerSecond, double trackerCores, double[] pingMillis, double[] joinMillis, long pings,
            long joins, long errors, double messagesPerCpuSecond) {
    }

    /** What a run measured: the join phase and each step. */
    record Result(int peers, double joinSeconds, double[] joinMillis, long trackerDescriptors, long clientDescriptors,
            List<Step> steps, Map<String, Long> errors, long verified, long churns) {
    }

    Result run() throws Exception {
        long trackerPid;
        InetSocketAddress address;
        Child child = null;
        Tracker local = null;
        if (inProcess) {
            local = Tracker.start();
            address = local.engine.address();
            trackerPid = -1;
        } else {
            child = new Child(trackerCpus, trackerJvmOpts);
            address = new InetSocketAddress("127.0.0.1", child.port);
            trackerPid = child.process.pid();
        }
        if (!clientCpus.isEmpty()) {
            new ProcessBuilder("taskset", "-a", "-p", "-c", clientCpus, Long.toString(ProcessHandle.current().pid()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        }
        System.out.printf(Locale.ROOT, "trackerload: %d peers in %d file swarms of %d pieces, rates %s msg/s per peer,"
                + " %d s a step; tracker %s; %d client I/O threads; %d cores on this machine%n", peers, swarms, pieces,
                Arrays.toString(rates), seconds, inProcess ? "in this JVM" : "in a child JVM (pid " + trackerPid
                        + ", taskset -c " + trackerCpus + ", descriptor limit " + descriptorLimit(trackerPid) + ")",
                clientThreads, Runtime.getRuntime().availableProcessors());
        try (NettyTransport transport = NettyTransport.tcp(settings(clientThreads))) {
            Sim sim = new Sim(transport, address);
            Result r = sim.run(trackerPid);
            return r;
        } finally {
            if (local != null) {
                local.close();
            }
            if (child != null) {
                child.close();
            }
        }
    }

    /** The simulated peers and their measurements. */
    private final class Sim {
        final NettyTransport transport;
        final InetSocketAddress tracker;
        final Random random = new Random(14);
        final List<SimPeer> all = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<SimPeer> publishers = new ArrayList<>();
        final Map<String, LongAdder> sentByType = new ConcurrentHashMap<>();
        final LongAdder sent = new LongAdder();
        final LongAdder received = new LongAdder();
        final LongAdder verified = new LongAdder();
        final LongAdder churns = new LongAdder();
        final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        volatile Samples pingSamples = new Samples();
        volatile Samples joinSamples = new Samples();
        /** Peers whose step-closing PING is still unanswered. */
        final AtomicInteger draining = new AtomicInteger();
        final AtomicLong lastDrainPong = new AtomicLong();

        Sim(NettyTransport transport, InetSocketAddress tracker) {
            this.transport = transport;
            this.tracker = tracker;
        }

        Result run(long trackerPid) throws Exception {
            // one publisher per swarm, with a signed manifest of random piece hashes (the tracker checks them
            // against the VERIFIED digests, not against data)
            for (int s = 0; s < swarms; s++) {
                Identity id = Identity.generate();
                SimPeer p = new SimPeer(this, id, manifest("load-" + s, id), null);
                publishers.add(p);
                p.connect();
            }
            for (SimPeer p : publishers) {
                p.published.get(30, TimeUnit.SECONDS);
            }
            // as real clients do, every peer pings when it said nothing for 15 s: the tracker expires a client
            // silent for 45 s, and 10,000 peers take longer than that to join
            Thread keepAlive = new Thread(() -> {
                try {
                    while (true) {
                        TimeUnit.SECONDS.sleep(1);
                        long now = System.nanoTime();
                        for (SimPeer p : publishers) {
                            p.keepAlive(now);
                        }
                        for (int i = 0; i < all.size(); i++) {
                            all.get(i).keepAlive(now);
                        }
                    }
                } catch (InterruptedException e) {
                    // the run is over
                }
            }, "trackerload-keepalive");
            keepAlive.setDaemon(true);
            keepAlive.start();
            // the peers: connected and joined with at most maxHandshakes under way, spread over the swarms
            long joinStart = System.nanoTime();
            Semaphore inFlight = new Semaphore(maxHandshakes);
            for (int i = 0; i < peers; i++) {
                inFlight.acquire();
                SimPeer p = new SimPeer(this, Identity.generate(), null, "load-" + (i % swarms));
                all.add(p);
                p.joinedOnce.whenComplete((v, e) -> inFlight.release());
                p.connect();
            }
            for (SimPeer p : all) {
                p.joinedOnce.get(120, TimeUnit.SECONDS);
            }
            double joinSeconds = (System.nanoTime() - joinStart) / 1e9;
            double[] joinMillis = joinSamples.percentiles();
            long trackerFds = trackerPid > 0 ? descriptors(trackerPid) : -1;
            long clientFds = descriptors(ProcessHandle.current().pid());
            System.out.printf(Locale.ROOT, "join phase: %d peers handshaken and joined in %.1f s; JOIN->JOINED p50 %.1f"
                    + " ms, p99 %.1f ms, max %.1f ms; descriptors open: tracker %s, peers' JVM %d%n", peers,
                    joinSeconds, joinMillis[0], joinMillis[1], joinMillis[2],
                    trackerFds < 0 ? "n/a (in-process)" : Long.toString(trackerFds), clientFds);
            List<Step> steps = new ArrayList<>();
            for (double rate : rates) {
                steps.add(step(rate, trackerPid));
            }
            keepAlive.interrupt();
            Map<String, Long> errs = new TreeMap<>();
            errors.forEach((k, v) -> errs.put(k, v.sum()));
            for (SimPeer p : publishers) {
                p.close();
            }
            for (SimPeer p : all) {
                p.close();
            }
            return new Result(peers, joinSeconds, joinMillis, trackerFds, clientFds, steps, errs, verified.sum(),
                    churns.sum());
        }

        /** One step at {@code rate} messages a second per peer, then one PING each, until the last PONG. */
        Step step(double rate, long trackerPid) throws InterruptedException {
            pingSamples = new Samples();
            joinSamples = new Samples();
            sentByType.clear();
            long errors0 = errorCount();
            long sent0 = sent.sum();
            long received0 = received.sum();
            double cpu0 = trackerPid > 0 ? cpuSeconds(trackerPid) : -1;
            double ownCpu0 = cpuSeconds(ProcessHandle.current().pid());
            long start = System.nanoTime();
            long end = start + TimeUnit.SECONDS.toNanos(seconds);
            for (SimPeer p : all) {
                p.tokens = random.nextDouble();
            }
            // the pacer: every 5 ms, each peer sends what its rate allows it since the last pass
            long last = start;
            while (true) {
                long now = System.nanoTime();
                if (now >= end) {
                    break;
                }
                double add = rate * (now - last) / 1e9;
                last = now;
                for (SimPeer p : all) {
                    p.pace(add);
                }
                for (SimPeer p : publishers) {
                    p.pace(add);
                }
                long sleep = Math.min(5_000_000L, end - System.nanoTime());
                if (sleep > 0) {
                    TimeUnit.NANOSECONDS.sleep(sleep);
                }
            }
            // the closing PINGs: the tracker handles each connection's messages in order on its one thread, so
            // the last PONG says it handled everything the step sent
            draining.set(all.size());
            for (SimPeer p : all) {
                p.drainPing();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (draining.get() > 0 && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(2);
            }
            long stop = draining.get() > 0 ? System.nanoTime() : lastDrainPong.get();
            double took = (stop - start) / 1e9;
            double cpu1 = trackerPid > 0 ? cpuSeconds(trackerPid) : -1;
            double ownCpu = (cpuSeconds(ProcessHandle.current().pid()) - ownCpu0) / took;
            long n = sent.sum() - sent0;
            Map<String, Long> byType = new TreeMap<>();
            sentByType.forEach((k, v) -> byType.put(k, v.sum()));
            double[] ping = pingSamples.percentiles();
            double[] join = joinSamples.percentiles();
            Step s = new Step(rate, took, n, received.sum() - received0, byType, n / took,
                    cpu0 < 0 || cpu1 < 0 ? -1 : (cpu1 - cpu0) / took, ping, join, pingSamples.count(),
                    joinSamples.count(), errorCount() - errors0, cpu0 < 0 || cpu1 < 0 ? -1 : n / (cpu1 - cpu0));
            System.out.printf(Locale.ROOT, "step %.1f msg/s per peer (offered %.0f msg/s): tracker handled %d messages "
                    + "in %.2f s = %.0f msg/s (sent %d back); tracker CPU %s (%s); peers' JVM CPU %.2f cores; PING->PONG p50 %.2f ms p99 %.2f ms max "
                    + "%.1f ms (%d); JOIN->JOINED p50 %.2f ms p99 %.2f ms (%d); %s%s%n", rate, rate * all.size(), n,
                    took, s.messagesPerSecond, s.received, s.trackerCores < 0 ? "n/a"
                            : String.format(Locale.ROOT, "%.2f cores", s.trackerCores),
                    s.messagesPerCpuSecond < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f messages per CPU second, "
                            + "%.1f us a message", s.messagesPerCpuSecond, 1e6 / s.messagesPerCpuSecond), ownCpu, ping[0], ping[1], ping[2],
                    s.pings, join[0], join[1], s.joins, byType, draining.get() > 0 ? "; " + draining.get()
                            + " closing PINGs unanswered after 120 s" : "");
            System.out.printf(Locale.ROOT, "RESULT peers=%d rate_per_peer=%.1f msgs_per_s=%.0f tracker_cores=%.2f "
                    + "msgs_per_cpu_s=%.0f ping_p50_ms=%.2f ping_p99_ms=%.2f join_p99_ms=%.2f errors=%d%n", all.size(), rate,
                    s.messagesPerSecond, s.trackerCores, s.messagesPerCpuSecond, ping[0], ping[1], join[1], s.errors);
            return s;
        }

        long errorCount() {
            return errors.values().stream().mapToLong(LongAdder::sum).sum();
        }

        void count(IcetMessage m) {
            sent.increment();
            sentByType.computeIfAbsent(m.type().name(), k -> new LongAdder()).increment();
        }

        Manifest manifest(String name, Identity publisher) {
            List<PieceInfo> list = new ArrayList<>(pieces);
            int length = 256 * 1024;
            for (int i = 0; i < pieces; i++) {
                byte[] hash = new byte[32];
                random.nextBytes(hash);
                list.add(new PieceInfo(i, (long) i * length, length, hash));
            }
            Manifest m = Manifest.derived(name, "audio/ogg", "ogg", "sha-256", (long) pieces * length, 1, list);
            byte[] key = publisher.publicKey();
            return m.signed(key, publisher.sign(m.signedBytes(key)));
        }
    }

    /** Response times of one step, in nanoseconds; a fixed array, enough for any step's samples. */
    static final class Samples {
        private final long[] values = new long[4_000_000];
        private final AtomicInteger n = new AtomicInteger();

        void add(long nanos) {
            int i = n.getAndIncrement();
            if (i < values.length) {
                values[i] = nanos;
            }
        }

        long count() {
            return Math.min(n.get(), values.length);
        }

        /** p50, p99 and max in milliseconds (0 when there is none). */
        double[] percentiles() {
            int c = (int) count();
            if (c == 0) {
                return new double[3];
            }
            long[] v = Arrays.copyOf(values, c);
            Arrays.sort(v);
            return new double[] {v[(int) Math.min(c - 1, Math.floor(c * 0.50))] / 1e6,
                    v[(int) Math.min(c - 1, Math.floor(c * 0.99))] / 1e6, v[c - 1] / 1e6};
        }
    }

    /**
     * One simulated peer: one connection, real IceT. Netty calls {@link #received} on an I/O thread and the pacer
     * calls {@link #pace} on the bench thread: both under the peer's lock.
     */
    private final class SimPeer implements ConnectionHandler {
        private static final AtomicInteger PORTS = new AtomicInteger();
        final Sim sim;
        final Identity identity;
        final Handshake handshake;
        /** The manifest it publishes (a publisher), or null (a peer). */
        final Manifest publishes;
        /** The swarm it joins, or null (a publisher). */
        final String swarm;
        /** Where it says it listens: peers serve pieces, so the tracker hands out their addresses. */
        final int listenPort = 20_000 + PORTS.getAndIncrement() % 40_000;
        final CompletableFuture<Void> published = new CompletableFuture<>();
        final CompletableFuture<Void> joinedOnce = new CompletableFuture<>();
        volatile Connection connection;
        Manifest manifest;
        ContentId content;
        final ArrayDeque<Assign.Entry> assigned = new ArrayDeque<>();
        final BitSet have = new BitSet();
        boolean joined;
        long joinSentNanos;
        int sentCount;
        double tokens;
        long drainNonce = Long.MIN_VALUE;
        long lastSentNanos;

        SimPeer(Sim sim, Identity identity, Manifest publishes, String swarm) {
            this.sim = sim;
            this.identity = identity;
            this.handshake = new Handshake(identity, Role.CLIENT, Role.TRACKER);
            this.publishes = publishes;
            this.swarm = swarm;
        }

        void connect() {
            sim.transport.connect(sim.tracker, this).whenComplete((c, e) -> {
                if (e != null) {
                    sim.errors.computeIfAbsent("connect: " + e.getClass().getSimpleName(), k -> new LongAdder())
                            .increment();
                    joinedOnce.completeExceptionally(e);
                    published.completeExceptionally(e);
                }
            });
        }

        private void send(IcetMessage m) {
            Connection c = connection;
            if (c != null) {
                sim.count(m);
                lastSentNanos = System.nanoTime();
                c.send(m);
            }
        }

        /** A PING when it said nothing for 15 s. Keep-alive thread. */
        synchronized void keepAlive(long now) {
            if (connection != null && handshake.authenticated() && now - lastSentNanos > KEEP_ALIVE_NANOS) {
                send(new Ping(now));
            }
        }

        @Override
        public synchronized void opened(Connection c) {
            connection = c;
            send(handshake.hello(AGENT, List.of(new Endpoint("tcp", listenPort))));
        }

        @Override
        public synchronized void received(Connection c, IcetMessage m) {
            sim.received.increment();
            long now = System.nanoTime();
            try {
                if (m instanceof Hello h && handshake.theirs() == null) {
                    send(handshake.onHello(h));
                } else if (m instanceof Auth a) {
                    handshake.onAuth(a);
                    if (publishes != null) {
                        send(new Publish(publishes));
                    } else {
                        join(now);
                    }
                } else if (m instanceof Published) {
                    joined = true;
                    published.complete(null);
                } else if (m instanceof Joined j) {
                    sim.joinSamples.add(now - joinSentNanos);
                    manifest = j.manifest();
                    content = manifest.id();
                    joined = true;
                    joinedOnce.complete(null);
                } else if (m instanceof Assign a) {
                    for (Assign.Entry e : a.entries()) {
                        if (!have.get(e.piece())) {
                            assigned.add(e);
                        }
                    }
                } else if (m instanceof Revoke r) {
                    assigned.removeIf(e -> e.source().equals(r.source()));
                } else if (m instanceof Pong p) {
                    if (p.nonce() == drainNonce) {
                        drainNonce = Long.MIN_VALUE;
                        sim.lastDrainPong.accumulateAndGet(now, Math::max);
                        sim.draining.decrementAndGet();
                    } else {
                        sim.pingSamples.add(now - p.nonce());
                    }
                } else if (m instanceof ErrorReport e) {
                    sim.errors.computeIfAbsent(e.code().name(), k -> new LongAdder()).increment();
                }
            } catch (Handshake.Refused e) {
                sim.errors.computeIfAbsent("handshake", k -> new LongAdder()).increment();
                c.close("handshake refused: " + e.getMessage());
            }
        }

        private void join(long now) {
            joined = false;
            joinSentNanos = now;
            send(new Join(swarm));
        }

        /** Sends what {@code add} more tokens allow: the message mix. Bench thread. */
        synchronized void pace(double add) {
            if (!joined) {
                return;
            }
            tokens += add;
            while (tokens >= 1 && joined) {
                tokens -= 1;
                int k = ++sentCount;
                if (pingsOnly) {
                    send(new Ping(System.nanoTime()));
                } else if (publishes != null) {
                    // a publisher only keeps its session alive (a silent client is expired after 45 s), at the
                    // peers' rate of pings
                    if (k % pingEvery == 0) {
                        send(new Ping(System.nanoTime()));
                    }
                } else if (k % pingEvery == 0) {
                    send(new Ping(System.nanoTime()));
                } else if (k % ratesEvery == 1) {
                    long cap = 1_000_000L;
                    send(new Rates(cap, 4 * cap, cap / 2, cap));
                } else if (!assigned.isEmpty()) {
                    // the piece "arrived" and checked out: reported with the manifest's hash, from its server
                    Assign.Entry e = assigned.poll();
                    if (!have.get(e.piece())) {
                        have.set(e.piece());
                        sim.verified.increment();
                        send(new Verified(content, e.piece(), e.source(), manifest.piece(e.piece()).hash()));
                    }
                } else if (have.cardinality() >= manifest.pieceCount()) {
                    // complete: it leaves and comes back as a new download (churn), so JOIN keeps coming
                    sim.churns.increment();
                    send(new Leave(content));
                    have.clear();
                    join(System.nanoTime());
                } else {
                    send(new Ping(System.nanoTime()));
                }
            }
        }

        /** The step's closing PING. */
        synchronized void drainPing() {
            drainNonce = System.nanoTime() | 1L << 62;
            send(new Ping(drainNonce));
        }

        void close() {
            Connection c = connection;
            if (c != null) {
                c.close("bench over");
            }
        }

        @Override
        public void closed(Connection c, String reason) {
            if (!reason.contains("bench over") && !reason.contains("tracker stopping")) {
                LongAdder closed = sim.errors.computeIfAbsent("closed", k -> new LongAdder());
                closed.increment();
                if (closed.sum() <= 5) {
                    System.out.println("trackerload: a peer's connection closed: " + reason);
                }
            }
            joinedOnce.completeExceptionally(new IOException("closed: " + reason));
            published.completeExceptionally(new IOException("closed: " + reason));
        }
    }
}
