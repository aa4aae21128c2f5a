package org.iceshare.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.peer.LiveFeed;
import org.iceshare.bench.lab.PlayerProbe;
import org.iceshare.core.internal.peer.PeerEngine;
import org.iceshare.itests.swarm.LiveFeeder;
import org.iceshare.itests.swarm.SwarmFixture;
import org.iceshare.itests.swarm.TestMedia;
import org.iceshare.media.ogg.internal.OggFormat;
import org.iceshare.tracker.internal.TrackerSettings;

/**
 * How fast a listener hears a live stream with the {@code iceshare} client: the time from starting
 * {@code iceshare play URL --stdout | ffmpeg -i - ...} to ffmpeg's first decoded audio frame, against a late
 * joiner of a real Icecast 2 mount read by ffmpeg, the same Vorbis stream pushed to both, in the same run
 * (the two alternate). The IceShare side is a tracker and a source in this JVM, the stream played out at real
 * time; every client start is a new process with the same data directory (a listener starting the program
 * again). Reports p50/p95 of both, and the client's resident memory after {@code --play} seconds of playing.
 */
public final class ClientStartBench {
    private static final String PASSWORD = "bench-source";

    private ClientStartBench() {
    }

    public static void main(String[] args) throws Exception {
        int runs = 20;
        double play = 5;
        Path launcher = null;
        boolean icecast = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--play" -> play = Double.parseDouble(args[++i]);
                case "--client" -> launcher = Path.of(args[++i]);
                case "--no-icecast" -> icecast = false;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (launcher == null) {
            launcher = findLauncher();
        }
        int seconds = 60;
        Path media = TestMedia.vorbis(seconds, 4);
        int loops = (int) Math.ceil(runs * 2 * (play + 6) / seconds) + 1;
        System.out.printf(Locale.ROOT, "client start: %d runs, %s (%d bytes, %d s, looped %d times), client %s%n",
                runs, media.getFileName(), Files.size(media), seconds, loops, launcher);
        Path root = Files.createTempDirectory("iceshare-client-bench");
        // icecast2 runs as its own user and must reach its configuration below this folder
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        Icecast server = icecast ? Icecast.start(root.resolve("icecast"), media) : null;
        OggFormat format = new OggFormat(8 * 1024);
        List<Double> client = new ArrayList<>();
        List<Double> baseline = new ArrayList<>();
        List<Long> rss = new ArrayList<>();
        try (SwarmFixture swarm = new SwarmFixture(root.resolve("swarm"), TrackerSettings.loopback(), 8 * 1024)) {
            PeerEngine source = swarm.addPeer("source");
            LiveFeed feed = source.publishLive("radio.ogg", "audio/ogg", null, 30_000_000L).toCompletableFuture()
                    .get(60, TimeUnit.SECONDS);
            Path home = Files.createDirectories(root.resolve("home"));
            try (LiveFeeder feeder = new LiveFeeder(feed, media, format)) {
                feeder.start(loops);
                // a few seconds on air, so that both have a live edge with history behind it
                TimeUnit.SECONDS.sleep(4);
                for (int run = 1; run <= runs; run++) {
                    boolean clientFirst = run % 2 == 1;
                    for (int turn = 0; turn < 2; turn++) {
                        if ((turn == 0) == clientFirst) {
                            ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "play", feed.url().toString(),
                                    "--stdout").redirectError(home.resolve("client-" + run + ".log").toFile());
                            pb.environment().put("XDG_DATA_HOME", home.resolve("data").toString());
                            pb.environment().put("XDG_CONFIG_HOME", home.resolve("config").toString());
                            pb.environment().put("XDG_STATE_HOME", home.resolve("state").toString());
                            pb.environment().put("XDG_RUNTIME_DIR", home.resolve("run").toString());
                            PlayerProbe probe = PlayerProbe.startPiped(pb, URI.create(feed.url().toString()),
                                    "0:a:0", 0);
                            double first = firstFrame(probe, play, rss);
                            client.add(first);
                            System.out.printf(Locale.ROOT, "run %d iceshare  first decoded frame %.3f s, rss %d MiB%n",
                                    run, first, rss.isEmpty() ? -1 : rss.get(rss.size() - 1) >> 20);
                        } else if (server != null) {
                            PlayerProbe probe = PlayerProbe.start(server.mount(), "0:a:0", 0, false, 0);
                            double first = firstFrame(probe, 0, null);
                            baseline.add(first);
                            System.out.printf(Locale.ROOT, "run %d icecast2  first decoded frame %.3f s%n", run, first);
                        }
                    }
                }
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
        System.out.printf(Locale.ROOT, "CLIENTSTART iceshare p50=%.3f p95=%.3f max=%.3f  icecast2 p50=%.3f p95=%.3f "
                + "max=%.3f  ratio_p50=%.2f  rss_median=%d MiB rss_max=%d MiB (n=%d)%n",
                pct(client, 50), pct(client, 95), pct(client, 100), pct(baseline, 50), pct(baseline, 95),
                pct(baseline, 100), pct(client, 50) / pct(baseline, 50),
                rss.isEmpty() ? -1 : rss.stream().sorted().toList().get(rss.size() / 2) >> 20,
                rss.stream().mapToLong(Long::longValue).max().orElse(-1) >> 20, client.size());
    }

    /** The seconds to the first decoded frame (infinity when none came in 30 s); plays on, measures, stops. */
    private static double firstFrame(PlayerProbe probe, double play, List<Long> rss) throws Exception {
        try {
            if (!probe.awaitFirstFrame(Duration.ofSeconds(30))) {
                PlayerProbe.Result r = probe.stop();
                System.out.println("  no frame in 30 s: " + r);
                return Double.POSITIVE_INFINITY;
            }
            if (rss != null && play > 0) {
                TimeUnit.MILLISECONDS.sleep((long) (play * 1000));
                long bytes = residentBytes(probe.producer().toHandle());
                if (bytes > 0) {
                    rss.add(bytes);
                }
            }
            PlayerProbe.Result r = probe.stop();
            if (!r.errors().isEmpty()) {
                System.out.println("  player errors: " + r.errors());
            }
            return r.firstFrame();
        } finally {
            probe.close();
        }
    }

    /** Resident memory of a process and its descendants (a launcher script that forks java, say). */
    private static long residentBytes(ProcessHandle p) {
        long sum = 0;
        List<ProcessHandle> all = new ArrayList<>(p.descendants().toList());
        all.add(p);
        for (ProcessHandle h : all) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(h.pid()), "status"))) {
                    if (line.startsWith("VmRSS:")) {
                        sum += Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                    }
                }
            } catch (IOException e) {
                // the process is gone: it counts nothing
            }
        }
        return sum;
    }

    private static double pct(List<Double> values, int p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v[Math.max(0, (int) Math.ceil(p / 100.0 * v.length) - 1)];
    }

    private static Path findLauncher() throws IOException {
        Path target = Path.of("client/target");
        if (Files.isDirectory(target)) {
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(target, "iceshare-client-*")) {
                for (Path d : dirs) {
                    Path l = d.resolve("bin/iceshare");
                    if (Files.isExecutable(l)) {
                        return l.toAbsolutePath();
                    }
                }
            }
        }
        throw new IllegalStateException("no client/target/iceshare-client-*/bin/iceshare: build it "
                + "(./mvnw -o -q install -DskipTests -pl client -am) or pass --client PATH");
    }

    /** Debian's icecast2 with its default burst, a mount fed by ffmpeg at real time. */
    private record Icecast(Path dir, int port, Process server, Process feeder) implements AutoCloseable {

        URI mount() {
            return URI.create("http://127.0.0.1:" + port + "/live.ogg");
        }

        static Icecast start(Path dir, Path media) throws Exception {
            if (!Files.isExecutable(Path.of("/usr/bin/icecast2"))) {
                throw new IllegalStateException("icecast2 is not installed (Debian package icecast2), or use "
                        + "--no-icecast");
            }
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path logs = Files.createDirectories(dir.resolve("log"));
            Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwxrwxrwx"));
            int port;
            try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Path config = dir.resolve("icecast.xml");
            Files.writeString(config, """
                    <icecast>
                      <location>IceShare bench</location><admin>bench@localhost</admin>
                      <limits><clients>100</clients><sources>2</sources><burst-size>65535</burst-size></limits>
                      <authentication>
                        <source-password>%s</source-password><relay-password>%s</relay-password>
                        <admin-user>admin</admin-user><admin-password>%s</admin-password>
                      </authentication>
                      <hostname>127.0.0.1</hostname>
                      <listen-socket><port>%d</port><bind-address>127.0.0.1</bind-address></listen-socket>
                      <paths><basedir>/usr/share/icecast2</basedir><logdir>%s</logdir>
                        <webroot>/usr/share/icecast2/web</webroot><adminroot>/usr/share/icecast2/admin</adminroot>
                      </paths>
                      <logging><accesslog>access.log</accesslog><errorlog>error.log</errorlog><loglevel>2</loglevel></logging>
                      <security><chroot>0</chroot></security>
                    </icecast>
                    """.formatted(PASSWORD, PASSWORD, PASSWORD, port, logs));
            Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
            List<String> cmd = new ArrayList<>(Arrays.asList("icecast2", "-c", config.toString()));
            if ("root".equals(System.getProperty("user.name"))) {
                // icecast2 refuses to run as root
                cmd.addAll(0, List.of("setpriv", "--reuid=icecast2", "--regid=icecast", "--clear-groups"));
            }
            Process server = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("icecast.out").toFile()).start();
            HttpClient http = HttpClient.newHttpClient();
            URI status = URI.create("http://127.0.0.1:" + port + "/status-json.xsl");
            await(() -> http.send(HttpRequest.newBuilder(status).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode() == 200, server, "icecast2 did not answer on port " + port);
            Process feeder = new ProcessBuilder("ffmpeg", "-nostdin", "-v", "error", "-re", "-stream_loop", "-1",
                    "-i", media.toString(), "-map", "0", "-c", "copy", "-content_type", "audio/ogg", "-f", "ogg",
                    "icecast://source:" + PASSWORD + "@127.0.0.1:" + port + "/live.ogg").redirectErrorStream(true)
                    .redirectOutput(dir.resolve("ffmpeg.out").toFile()).start();
            await(() -> http.send(HttpRequest.newBuilder(status).build(), HttpResponse.BodyHandlers.ofString())
                    .body().contains("/live.ogg\""), feeder, "the ffmpeg source never mounted /live.ogg");
            TimeUnit.SECONDS.sleep(2); // a burst's worth of history on the mount
            return new Icecast(dir, port, server, feeder);
        }

        private interface Check {
            boolean ok() throws Exception;
        }

        private static void await(Check check, Process alive, String failure) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                if (!alive.isAlive()) {
                    throw new IllegalStateException(failure + " (its process exited " + alive.exitValue() + ")");
                }
                try {
                    if (check.ok()) {
                        return;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
            throw new IllegalStateException(failure);
        }

        @Override
        public void close() {
            feeder.destroy();
            server.destroy();
        }
    }
}
