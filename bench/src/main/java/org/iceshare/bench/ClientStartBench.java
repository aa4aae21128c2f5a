package org.iceshare.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.peer.LiveFeed;
import org.iceshare.core.internal.peer.PeerEngine;
import org.iceshare.itests.swarm.LiveFeeder;
import org.iceshare.itests.swarm.SwarmFixture;
import org.iceshare.itests.swarm.TestMedia;

/**
 * Time to first audio of the listener's client on a live stream ({@code clientstart}): {@code iceshare play
 * URL --stdout | ffmpeg -i - -f s16le -}, started N times as new processes (a fresh data folder each), timed
 * from the start of the client to the first decoded PCM byte out of ffmpeg; the client's RSS a few seconds
 * into playing. In the same run, the baseline: a late joiner of Debian's icecast2 through the same ffmpeg
 * ({@code ffmpeg -i http://icecast/mount -f s16le -}), the same file fed to icecast in real time by ffmpeg.
 * The IceShare stream is a real-time live feed of the same file by an in-JVM tracker and source.
 */
public final class ClientStartBench {
    private ClientStartBench() {
    }

    public static void main(String[] args) throws Exception {
        int runs = 20;
        Path launcher = null;
        boolean icecast = Files.isExecutable(Path.of("/usr/bin/icecast2"));
        boolean compareCds = false;
        boolean verbose = false;
        String javaOpts = "";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--client" -> launcher = Path.of(args[++i]).toAbsolutePath();
                case "--no-icecast" -> icecast = false;
                case "--compare-cds" -> compareCds = true;
                case "-v" -> verbose = true;
                case "--java-opts" -> javaOpts = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (launcher == null || !Files.isExecutable(launcher)) {
            throw new IllegalArgumentException("--client PATH/bin/iceshare (client/target/iceshare-client-*/bin/iceshare)"
                    + " is required");
        }
        Path media = TestMedia.vorbis(240, 4);
        Path root = Files.createTempDirectory("iceshare-clientstart");
        System.out.printf(Locale.ROOT, "clientstart: %d runs, %s (%d bytes), client %s%s%n", runs, media.getFileName(),
                Files.size(media), launcher, javaOpts.isEmpty() ? "" : " JAVA_OPTS=" + javaOpts);
        List<Double> iceshare = new ArrayList<>();
        List<Long> rss = new ArrayList<>();
        List<Double> streamStart = new ArrayList<>();
        List<Double> noCds = new ArrayList<>();
        List<Double> noCdsStreamStart = new ArrayList<>();
        List<Long> noCdsRss = new ArrayList<>();
        try (SwarmFixture swarm = new SwarmFixture(root.resolve("swarm"))) {
            PeerEngine source = swarm.addPeer("source");
            LiveFeed feed = source.publishLive("radio.ogg", "audio/ogg", null, 30_000_000L).toCompletableFuture()
                    .get(60, TimeUnit.SECONDS);
            try (LiveFeeder feeder = new LiveFeeder(feed, media, swarm.plugins().formats().get(0))) {
                // the file again and again: the runs take longer than one pass of it
                feeder.start(100);
                // a late joiner: the stream has been on for a while
                while (feeder.pieces() < 12) {
                    TimeUnit.MILLISECONDS.sleep(100);
                }
                for (int r = 0; r < (compareCds ? 2 * runs : runs); r++) {
                    // with --compare-cds every other run goes without the archive (ICESHARE_CDS=off)
                    boolean cds = !compareCds || r % 2 == 0;
                    Path home = root.resolve("client-" + r);
                    Files.createDirectories(home);
                    List<String> cmd = new ArrayList<>(List.of(launcher.toString(), "play", feed.url().toString(),
                            "--stdout"));
                    if (verbose) {
                        cmd.add("-v");
                    }
                    ProcessBuilder client = new ProcessBuilder(cmd).directory(home.toFile());
                    Map<String, String> env = client.environment();
                    env.put("XDG_DATA_HOME", home.resolve("data").toString());
                    env.put("XDG_CONFIG_HOME", home.resolve("config").toString());
                    env.put("JAVA_OPTS", javaOpts);
                    env.put("ICESHARE_CDS", cds ? "on" : "off");
                    client.redirectError(home.resolve("stderr.txt").toFile());
                    long t0 = System.nanoTime();
                    Process c = client.start();
                    Process f = decoder("-").redirectInput(ProcessBuilder.Redirect.PIPE).start();
                    // the client's stream goes to ffmpeg through here, to time its first byte too
                    long[] clientFirst = {-1};
                    Thread pump = new Thread(() -> pump(c.getInputStream(), f.getOutputStream(), clientFirst));
                    pump.setDaemon(true);
                    pump.start();
                    java.util.concurrent.ScheduledFuture<?> watchdog = watch(c, f);
                    try {
                        double first = firstByte(f, t0);
                        (cds ? iceshare : noCds).add(first);
                        (cds ? streamStart : noCdsStreamStart).add((clientFirst[0] - t0) / 1e9);
                        drain(f, 3_000);
                        (cds ? rss : noCdsRss).add(rssKiB(c.pid()));
                    } finally {
                        watchdog.cancel(false);
                        c.destroy();
                        f.destroy();
                        c.waitFor(10, TimeUnit.SECONDS);
                        f.waitFor(10, TimeUnit.SECONDS);
                    }
                }
            }
        }
        report("iceshare play --stdout | ffmpeg", iceshare);
        report("  of which the client's first byte", streamStart);
        System.out.printf(Locale.ROOT, "  client RSS 3 s into playing: median %d KiB, max %d KiB%n", median(rss),
                rss.stream().mapToLong(Long::longValue).max().orElse(0));
        if (compareCds) {
            report("the same without the CDS archive", noCds);
            report("  of which the client's first byte", noCdsStreamStart);
            System.out.printf(Locale.ROOT, "  client RSS 3 s into playing: median %d KiB, max %d KiB%n", median(noCdsRss),
                    noCdsRss.stream().mapToLong(Long::longValue).max().orElse(0));
        }
        if (icecast) {
            report("icecast2 late joiner | ffmpeg", icecast(media, root.resolve("icecast"), runs));
        }
    }

    private static void pump(InputStream in, java.io.OutputStream out, long[] first) {
        byte[] buf = new byte[16384];
        try (in; out) {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                if (first[0] < 0) {
                    first[0] = System.nanoTime();
                }
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side ended
        }
    }

    /** ffmpeg decoding {@code input} to raw PCM on its stdout, each packet flushed at once. */
    private static ProcessBuilder decoder(String input) {
        return new ProcessBuilder("ffmpeg", "-hide_banner", "-nostats", "-v", "error", "-i", input, "-f", "s16le",
                "-flush_packets", "1", "-").redirectError(ProcessBuilder.Redirect.DISCARD);
    }

    /** Seconds from t0 to the first byte ffmpeg writes (the first decoded audio frame). */
    private static double firstByte(Process ffmpeg, long t0) throws IOException {
        InputStream in = ffmpeg.getInputStream();
        if (in.read() < 0) {
            return Double.POSITIVE_INFINITY; // counted as a run that did not play (see WATCHDOG)
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Kills what a run started once it took this long, so that a stalled stream cannot hang the benchmark. */
    private static final long WATCHDOG_SECONDS = 30;
    private static final java.util.concurrent.ScheduledExecutorService WATCHDOG = java.util.concurrent.Executors
            .newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "clientstart-watchdog");
                t.setDaemon(true);
                return t;
            });

    private static java.util.concurrent.ScheduledFuture<?> watch(Process... ps) {
        return WATCHDOG.schedule(() -> {
            for (Process p : ps) {
                p.destroyForcibly();
            }
        }, WATCHDOG_SECONDS, TimeUnit.SECONDS);
    }

    private static void drain(Process p, long millis) throws IOException {
        InputStream in = p.getInputStream();
        byte[] buf = new byte[65536];
        long until = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() < until) {
            if (in.read(buf) < 0) {
                return;
            }
        }
    }

    private static long rssKiB(long pid) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("\\D+", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // the process ended
        }
        return -1;
    }

    /** The baseline: icecast2 fed in real time by ffmpeg, late joiners decoding with ffmpeg. */
    private static List<Double> icecast(Path media, Path dir, int runs) throws Exception {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
        // icecast2 refuses to run as root: it changes to its own user, which must write its logs
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        Path config = dir.resolve("icecast.xml");
        Files.writeString(config, """
                <icecast>
                  <limits><clients>100</clients><sources>2</sources><burst-on-connect>1</burst-on-connect></limits>
                  <authentication><source-password>bench</source-password><admin-user>admin</admin-user>
                    <admin-password>bench</admin-password></authentication>
                  <hostname>127.0.0.1</hostname>
                  <listen-socket><port>%d</port><bind-address>127.0.0.1</bind-address></listen-socket>
                  <paths><basedir>/usr/share/icecast2</basedir><logdir>%s</logdir>
                    <webroot>/usr/share/icecast2/web</webroot><adminroot>/usr/share/icecast2/admin</adminroot></paths>
                  <logging><loglevel>2</loglevel></logging>
                  <security><chroot>0</chroot>%s</security>
                </icecast>
                """.formatted(port, dir, root ? "<changeowner><user>icecast2</user><group>icecast</group></changeowner>"
                : ""));
        Process server = new ProcessBuilder("icecast2", "-c", config.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("icecast.out").toFile()).start();
        Process feeder = null;
        List<Double> times = new ArrayList<>();
        try {
            String mount = "http://127.0.0.1:" + port + "/radio.ogg";
            waitPort(port);
            feeder = new ProcessBuilder("ffmpeg", "-hide_banner", "-nostats", "-v", "error", "-re", "-i",
                    media.toString(), "-c", "copy", "-content_type", "audio/ogg", "-f", "ogg",
                    "icecast://source:bench@127.0.0.1:" + port + "/radio.ogg").redirectErrorStream(true)
                    .redirectOutput(dir.resolve("feeder.out").toFile()).start();
            // the same head start as the IceShare stream had
            TimeUnit.SECONDS.sleep(6);
            for (int r = 0; r < runs; r++) {
                long t0 = System.nanoTime();
                Process p = decoder(mount).start();
                java.util.concurrent.ScheduledFuture<?> watchdog = watch(p);
                try {
                    times.add(firstByte(p, t0));
                    drain(p, 3_000);
                } finally {
                    watchdog.cancel(false);
                    p.destroy();
                    p.waitFor(10, TimeUnit.SECONDS);
                }
            }
        } finally {
            if (feeder != null) {
                feeder.destroy();
                feeder.waitFor(10, TimeUnit.SECONDS);
            }
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
        return times;
    }

    private static void waitPort(int port) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
        throw new IllegalStateException("icecast2 did not listen on " + port);
    }

    private static void report(String what, List<Double> times) {
        double[] t = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "%-34s first audio after: p50 %.3f s, p95 %.3f s, min %.3f s, max %.3f s (%d runs)%n",
                what, pct(t, 0.50), pct(t, 0.95), t[0], t[t.length - 1], t.length);
        System.out.println("  all: " + Arrays.toString(Arrays.stream(t).mapToObj(x -> String.format(Locale.ROOT, "%.3f", x))
                .toArray()));
        System.out.flush();
    }

    /** Nearest-rank percentile of sorted values. */
    private static double pct(double[] sorted, double q) {
        int k = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, k))];
    }

    private static long median(List<Long> v) {
        long[] s = v.stream().mapToLong(Long::longValue).sorted().toArray();
        return s.length == 0 ? -1 : s[(s.length - 1) / 2];
    }
}
