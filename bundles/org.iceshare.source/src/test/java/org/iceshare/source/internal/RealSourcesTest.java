package org.iceshare.source.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.media.LivePiece;
import org.iceshare.api.source.LiveStreamInfo;
import org.iceshare.testkit.FakePeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The real tools feeding the source: ffmpeg pushing as an Icecast client (PUT with 100-continue, and
 * the legacy SOURCE), ezstream (libshout), and a real Icecast 2 server (Debian {@code icecast2},
 * started here as its own user, as the tool notes say) whose mount the source pulls, including the
 * mount going away and coming back.
 */
class RealSourcesTest {
    private static final String PASSWORD = "real-tools-pw";

    private final RecordingFeeds feeds = new RecordingFeeds();
    private final FakePeer peer = RecordingFeeds.peer("default", feeds);
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> dirs = new ArrayList<>();
    private LiveSourceEngine engine;

    private void start(boolean push) throws IOException {
        SourceSettings s = SourceSettings.DEFAULTS.withPush(push, "127.0.0.1", PushServerTest.freePort(), PASSWORD)
                .withTimes(5000, 200, 1000, 60_000);
        engine = new LiveSourceEngine(s, () -> List.of(TestFormats.ogg(), TestFormats.raw()),
                n -> n.equals(peer.name()) ? peer : null);
        engine.start();
    }

    @AfterEach
    void stop() throws IOException {
        for (Process p : processes) {
            p.destroyForcibly();
        }
        for (Process p : processes) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (engine != null) {
            engine.close();
        }
        for (Path d : dirs) {
            TestMedia.run(List.of("rm", "-rf", d.toString()));
        }
    }

    private Process spawn(Path log, String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(p);
        return p;
    }

    @Test
    void ffmpegPushesWithPutAndWithLegacySourceAndReconnects() throws Exception {
        start(true);
        Path media = TestMedia.vorbis(3);
        int port = engine.pushAddress().getPort();
        Path log = Files.createTempFile("ffmpeg-push", ".log");
        String url = "icecast://source:" + PASSWORD + "@127.0.0.1:" + port + "/ff.ogg";

        // as the issue writes it: no -content_type, so ffmpeg declares audio/mpeg; the body decides
        long t0 = System.nanoTime();
        Process ff = spawn(log, "ffmpeg", "-nostdin", "-v", "error", "-re", "-i", media.toString(), "-c", "copy", "-f",
                "ogg", url);
        assertThat(ff.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("-re takes the stream's time")
                .isGreaterThan(Duration.ofMillis(2500));
        assertThat(ff.exitValue()).as(Files.readString(log)).isZero();
        RecordingFeed feed = await().atMost(Duration.ofSeconds(30)).until(() -> feeds.feed("ff").orElse(null),
                f -> f != null && !f.onAirNow());
        assertThat(feed.mediaType).isEqualTo("audio/ogg");
        List<RecordingFeed.Received> got = feed.received();
        assertThat(got.get(0).piece().header()).isTrue();
        assertThat(got.get(0).piece().codecs()).isEqualTo("vorbis");
        assertThat(got.size()).isGreaterThanOrEqualTo(3);
        long end = got.stream().mapToLong(r -> r.piece().endMicros()).max().orElseThrow();
        assertThat(end).isBetween(2_500_000L, 3_500_000L);
        // -re: the pieces came as ffmpeg wrote its pages (about one a second), not all at once
        assertThat(Duration.ofNanos(got.get(got.size() - 1).nanos() - got.get(0).nanos()))
                .isGreaterThan(Duration.ofMillis(500));
        assertThat(feed.airEvents()).last().extracting(RecordingFeed.AirEvent::reason)
                .isEqualTo("the source disconnected");

        // the same mount again within the grace period, with the legacy SOURCE method: the same stream
        Process legacy = spawn(log, "ffmpeg", "-nostdin", "-v", "error", "-re", "-i", media.toString(), "-c", "copy",
                "-legacy_icecast", "1", "-content_type", "audio/ogg", "-f", "ogg", url);
        assertThat(legacy.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(legacy.exitValue()).as(Files.readString(log)).isZero();
        await().atMost(Duration.ofSeconds(30)).until(() -> feed.linkStarts() == 2 && !feed.onAirNow());
        assertThat(feeds.feeds()).hasSize(1);
        assertMonotonic(feed.pieces());

        // the two links, as a player would get them, decode without error
        assertDecodes(feed.bytes(), 5_500_000);
    }

    @Test
    void ezstreamPushesThroughLibshout() throws Exception {
        start(true);
        Path media = TestMedia.vorbis(3);
        Path dir = Files.createTempDirectory("ezstream");
        dirs.add(dir);
        Path config = dir.resolve("ezstream.xml");
        Files.writeString(config, """
                <ezstream>
                  <servers><server>
                    <protocol>HTTP</protocol>
                    <hostname>127.0.0.1</hostname>
                    <port>%d</port>
                    <user>source</user>
                    <password>%s</password>
                  </server></servers>
                  <streams><stream>
                    <mountpoint>/ez.ogg</mountpoint>
                    <format>Ogg</format>
                  </stream></streams>
                  <intakes><intake>
                    <filename>%s</filename>
                    <stream_once>Yes</stream_once>
                  </intake></intakes>
                </ezstream>
                """.formatted(engine.pushAddress().getPort(), PASSWORD, media));
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
        Path log = dir.resolve("ezstream.log");
        Process ez = spawn(log, "ezstream", "-c", config.toString());
        assertThat(ez.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(ez.exitValue()).as(Files.readString(log)).isZero();
        RecordingFeed feed = await().atMost(Duration.ofSeconds(30)).until(() -> feeds.feed("ez").orElse(null),
                f -> f != null && !f.onAirNow());
        assertThat(feed.bytes()).isEqualTo(Files.readAllBytes(media));
        assertThat(feed.mediaType).isEqualTo("audio/ogg");
    }

    @Test
    void pullsARealIcecastMountAndReconnectsWhenItComesBack() throws Exception {
        start(false);
        Icecast icecast = startIcecast();
        Path media = TestMedia.vorbis(3);
        Path log = icecast.dir.resolve("ffmpeg.log");
        String[] push = {"ffmpeg", "-nostdin", "-v", "error", "-re", "-stream_loop", "-1", "-i", media.toString(),
            "-map", "0", "-c", "copy", "-content_type", "audio/ogg", "-f", "ogg",
            "icecast://source:" + PASSWORD + "@127.0.0.1:" + icecast.port + "/live.ogg"};
        Process ff = spawn(log, push);
        icecast.awaitMount("live.ogg", ff, log);

        URI mount = URI.create("http://127.0.0.1:" + icecast.port + "/live.ogg");
        LiveStreamInfo info = engine.pull(mount, null).toCompletableFuture().get(15, TimeUnit.SECONDS);
        assertThat(info.name()).isEqualTo("live");
        assertThat(info.input()).isEqualTo(mount.toString());
        RecordingFeed feed = feeds.feed("live").orElseThrow();
        assertThat(feed.mediaType).isEqualTo("audio/ogg");
        await().atMost(Duration.ofSeconds(30)).until(() -> feed.pieces().stream()
                .mapToLong(LivePiece::endMicros).max().orElse(0) >= 4_000_000);
        assertThat(feed.onAirNow()).isTrue();

        // the source goes away: Icecast drops the mount and its listeners, the stream goes off air
        ff.destroy();
        assertThat(ff.waitFor(10, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> !feed.onAirNow());
        assertThat(engine.streams()).singleElement().extracting(LiveStreamInfo::onAir).isEqualTo(false);
        int before = feed.received().size();

        // it comes back: the pull reconnects (404 until the mount is there), a new link, on air again
        Process again = spawn(log, push);
        icecast.awaitMount("live.ogg", again, log);
        await().atMost(Duration.ofSeconds(30)).until(() -> feed.received().size() > before + 2 && feed.onAirNow());
        assertThat(feed.pieces().get(before).linkStart()).isTrue();
        assertThat(feeds.feeds()).hasSize(1);
        assertThat(engine.pullOf(engine.stream("live")).connections()).isGreaterThanOrEqualTo(2);
        assertMonotonic(feed.pieces());
        assertThat(feed.misused()).isFalse();
        assertDecodes(feed.bytes(), 4_000_000);

        assertThat(engine.stop("live")).isTrue();
        assertThat(feed.closed()).isTrue();
    }

    @Test
    void aPullOfAMissingMountFailsWithTheStatus() throws Exception {
        start(false);
        Icecast icecast = startIcecast();
        URI mount = URI.create("http://127.0.0.1:" + icecast.port + "/nothing.ogg");
        var stage = engine.pull(mount, "nothing").toCompletableFuture();
        await().atMost(Duration.ofSeconds(30)).until(stage::isDone);
        assertThat(stage).isCompletedExceptionally();
        assertThat(stage.handle((v, e) -> e.getMessage()).get()).contains("HTTP 404");
        assertThat(engine.streams()).isEmpty();
        assertThat(engine.stream("nothing")).isNull();
    }

    /** Icecast starts times over in no way we rely on: times must never go back by more than a little. */
    private static void assertMonotonic(List<LivePiece> pieces) {
        long end = -1;
        for (LivePiece p : pieces) {
            if (p.linkStart()) {
                assertThat(p.startMicros()).isGreaterThanOrEqualTo(end);
            }
            end = Math.max(end, p.endMicros());
        }
    }

    /** The bytes decode with ffmpeg without an error, and last at least {@code micros}. */
    private static void assertDecodes(byte[] stream, long micros) throws IOException {
        Path f = Files.createTempFile("live", ".ogg");
        try {
            Files.write(f, stream);
            String out = TestMedia.run(List.of("ffmpeg", "-nostdin", "-v", "error", "-i", f.toString(), "-f", "null",
                    "-"));
            assertThat(out).as("ffmpeg errors").isBlank();
            String probe = TestMedia.run(List.of("ffmpeg", "-nostdin", "-i", f.toString(), "-f", "null", "-"));
            int at = probe.lastIndexOf("time=");
            assertThat(at).isPositive();
            String[] hms = probe.substring(at + 5, probe.indexOf(' ', at)).split(":");
            double seconds = Integer.parseInt(hms[0]) * 3600 + Integer.parseInt(hms[1]) * 60 + Double.parseDouble(hms[2]);
            assertThat(seconds * 1_000_000).isGreaterThanOrEqualTo(micros * 0.9);
        } finally {
            Files.deleteIfExists(f);
        }
    }

    /** A real Icecast 2 on a free port, with its own config and log folder. */
    private final class Icecast {
        final Path dir;
        final int port;
        final Process process;
        final HttpClient http = HttpClient.newHttpClient();

        Icecast(Path dir, int port, Process process) {
            this.dir = dir;
            this.port = port;
            this.process = process;
        }

        /** Waits until the mount serves (its source is connected). */
        void awaitMount(String mount, Process source, Path sourceLog) {
            URI status = URI.create("http://127.0.0.1:" + port + "/status-json.xsl");
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                if (!source.isAlive()) {
                    fail("the ffmpeg source died: " + Files.readString(sourceLog));
                }
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(status).build(),
                        HttpResponse.BodyHandlers.ofString());
                return r.body().contains("/" + mount + "\"");
            });
        }
    }

    private Icecast startIcecast() throws IOException {
        if (!Files.isExecutable(Path.of("/usr/bin/icecast2"))) {
            fail("icecast2 is not installed: run .ci/install-tools.sh (Debian package icecast2)");
        }
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "iceshare-icecast");
        dirs.add(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path logs = Files.createDirectories(dir.resolve("log"));
        Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwxrwxrwx"));
        int port = PushServerTest.freePort();
        Path config = dir.resolve("icecast.xml");
        Files.writeString(config, """
                <icecast>
                  <location>IceShare test</location>
                  <admin>test@localhost</admin>
                  <limits>
                    <clients>20</clients><sources>4</sources><queue-size>524288</queue-size>
                    <client-timeout>30</client-timeout><header-timeout>15</header-timeout>
                    <source-timeout>10</source-timeout><burst-size>65535</burst-size>
                  </limits>
                  <authentication>
                    <source-password>%s</source-password>
                    <relay-password>%s</relay-password>
                    <admin-user>admin</admin-user>
                    <admin-password>%s</admin-password>
                  </authentication>
                  <hostname>127.0.0.1</hostname>
                  <listen-socket><port>%d</port><bind-address>127.0.0.1</bind-address></listen-socket>
                  <fileserve>1</fileserve>
                  <paths>
                    <basedir>/usr/share/icecast2</basedir>
                    <logdir>%s</logdir>
                    <webroot>/usr/share/icecast2/web</webroot>
                    <adminroot>/usr/share/icecast2/admin</adminroot>
                  </paths>
                  <logging><accesslog>access.log</accesslog><errorlog>error.log</errorlog><loglevel>3</loglevel></logging>
                  <security><chroot>0</chroot></security>
                </icecast>
                """.formatted(PASSWORD, PASSWORD, PASSWORD, port, logs));
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
        Path out = dir.resolve("icecast.out");
        Process p = spawn(out, "setpriv", "--reuid=icecast2", "--regid=icecast", "--clear-groups", "icecast2", "-c",
                config.toString());
        HttpClient http = HttpClient.newHttpClient();
        URI status = URI.create("http://127.0.0.1:" + port + "/status-json.xsl");
        try {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(IOException.class).until(() -> {
                if (!p.isAlive()) {
                    fail("icecast2 exited (" + p.exitValue() + "): " + Files.readString(out) + " "
                            + errorLog(logs));
                }
                return http.send(HttpRequest.newBuilder(status).build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode() == 200;
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            fail("icecast2 did not answer on port " + port + ": " + Files.readString(out) + " " + errorLog(logs));
        }
        return new Icecast(dir, port, p);
    }

    private static String errorLog(Path logs) throws IOException {
        Path e = logs.resolve("error.log");
        return Files.exists(e) ? new String(Files.readAllBytes(e), StandardCharsets.UTF_8) : "(no error.log)";
    }
}
