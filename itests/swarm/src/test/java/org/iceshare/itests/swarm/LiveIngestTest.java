package org.iceshare.itests.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.source.LiveStreamInfo;
import org.iceshare.core.internal.peer.PeerEngine;
import org.iceshare.media.ogg.internal.OggFormat;
import org.iceshare.source.internal.LiveSourceEngine;
import org.iceshare.source.internal.SourceSettings;
import org.iceshare.tracker.internal.TrackerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acceptance (issue 4), real ingest: ffmpeg pushes a stream into the live source as it would into
 * Icecast, or the source pulls a mount from a real Icecast2 server; a listener peer's live HTTP output
 * decodes with ffmpeg for 10 s without an error.
 */
class LiveIngestTest {
    private static final Logger LOG = LoggerFactory.getLogger(LiveIngestTest.class);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path tmp;

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** ffmpeg decodes 10 s of a listener's live output; returns its error output (empty when clean). */
    private static String decode10s(URI player) throws Exception {
        Process play = new ProcessBuilder("ffmpeg", "-nostdin", "-v", "error", "-t", "10", "-i", player.toString(),
                "-f", "null", "-").redirectErrorStream(true).start();
        String out = new String(play.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(play.waitFor(90, TimeUnit.SECONDS)).as("ffmpeg finished").isTrue();
        assertThat(play.exitValue()).as("ffmpeg exit code; output: %s", out).isZero();
        return out.trim();
    }

    private static Process ffmpegPush(Path media, String target) throws IOException {
        return new ProcessBuilder("ffmpeg", "-nostdin", "-v", "error", "-re", "-stream_loop", "-1", "-i",
                media.toString(), "-map", "0", "-c", "copy", "-content_type", "audio/ogg", "-f", "ogg", target)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    @Test
    void anFfmpegPushReachesAListenerWhoDecodes10Seconds() throws Exception {
        Path media = TestMedia.vorbis(20, 4);
        int port = freePort();
        try (SwarmFixture swarm = new SwarmFixture(tmp, TrackerSettings.loopback(), 8 * 1024)) {
            PeerEngine source = swarm.addPeer("default");
            LiveSourceEngine engine = new LiveSourceEngine(SourceSettings.DEFAULTS.withPush(true, "127.0.0.1", port,
                    "secret"), () -> List.of(new OggFormat(8 * 1024)), n -> n.equals("default") ? source : null);
            engine.start();
            Process ff = ffmpegPush(media, "icecast://source:secret@127.0.0.1:" + port + "/radio.ogg");
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> !engine.streams().isEmpty());
                LiveStreamInfo info = engine.streams().get(0);
                PeerEngine listener = swarm.addPeer("listener");
                SwarmStatus s = listener.get(info.url()).toCompletableFuture().get(60, TimeUnit.SECONDS);
                assertThat(decode10s(s.playerUrl())).as("ffmpeg errors on the listener's output").isEmpty();
                SwarmStatus after = listener.swarms().get(0);
                LOG.info("push: {} -> listener quality {}", engine.streams().get(0), after.quality());
                // it played: pieces fell due and it had some in time (how many: the live benchmark's figure)
                assertThat(after.quality().piecesDue()).isGreaterThan(after.quality().piecesLate());
            } finally {
                ff.destroy();
                engine.close();
            }
        }
    }

    @Test
    void aPullFromARealIcecastServerReachesAListenerWhoDecodes10Seconds() throws Exception {
        Path media = TestMedia.vorbis(20, 4);
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "iceshare-icecast");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path logs = Files.createDirectories(dir.resolve("log"));
        Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwxrwxrwx"));
        int port = freePort();
        Path cfg = dir.resolve("icecast.xml");
        Files.writeString(cfg, "<icecast><limits><sources>2</sources><burst-size>65535</burst-size></limits>"
                + "<authentication><source-password>pw</source-password><admin-user>admin</admin-user>"
                + "<admin-password>pw</admin-password></authentication><hostname>127.0.0.1</hostname>"
                + "<listen-socket><port>" + port + "</port><bind-address>127.0.0.1</bind-address></listen-socket>"
                + "<paths><basedir>/usr/share/icecast2</basedir><logdir>" + logs + "</logdir>"
                + "<webroot>/usr/share/icecast2/web</webroot><adminroot>/usr/share/icecast2/admin</adminroot>"
                + "</paths><logging><accesslog>access.log</accesslog><errorlog>error.log</errorlog></logging>"
                + "</icecast>");
        Files.setPosixFilePermissions(cfg, PosixFilePermissions.fromString("rw-r--r--"));
        // Icecast refuses to run as root: start it as its own user (see the tool notes)
        Process icecast = new ProcessBuilder("setpriv", "--reuid=icecast2", "--regid=icecast", "--clear-groups",
                "icecast2", "-c", cfg.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Process ff = null;
        try (SwarmFixture swarm = new SwarmFixture(tmp, TrackerSettings.loopback(), 8 * 1024)) {
            URI status = URI.create("http://127.0.0.1:" + port + "/status-json.xsl");
            await("icecast up").atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> HTTP.send(HttpRequest.newBuilder(status).build(),
                            HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
            ff = ffmpegPush(media, "icecast://source:pw@127.0.0.1:" + port + "/live.ogg");
            await("mount live").atMost(Duration.ofSeconds(60)).until(() -> HTTP.send(HttpRequest.newBuilder(status)
                    .build(), HttpResponse.BodyHandlers.ofString()).body().contains("/live.ogg\""));
            PeerEngine source = swarm.addPeer("default");
            LiveSourceEngine engine = new LiveSourceEngine(SourceSettings.DEFAULTS.withPush(false, "127.0.0.1", 1, ""),
                    () -> List.of(new OggFormat(8 * 1024)), n -> n.equals("default") ? source : null);
            try {
                LiveStreamInfo info = engine.pull(URI.create("http://127.0.0.1:" + port + "/live.ogg"), null)
                        .toCompletableFuture().get(60, TimeUnit.SECONDS);
                PeerEngine listener = swarm.addPeer("listener");
                SwarmStatus s = listener.get(info.url()).toCompletableFuture().get(60, TimeUnit.SECONDS);
                assertThat(decode10s(s.playerUrl())).as("ffmpeg errors on the listener's output").isEmpty();
                LOG.info("pull: {} -> listener quality {}", engine.streams().get(0), listener.swarms().get(0)
                        .quality());
            } finally {
                engine.close();
            }
        } finally {
            if (ff != null) {
                ff.destroy();
            }
            icecast.destroy();
            icecast.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
