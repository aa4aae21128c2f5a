package org.iceshare.bench.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The player probe against a real ffmpeg: a whole file plays without stalls, a server pausing stalls it. */
class PlayerProbeTest {

    @TempDir
    static Path dir;
    static byte[] opus;

    @BeforeAll
    static void encode() throws Exception {
        Path file = dir.resolve("tone.opus");
        Process p;
        try {
            p = new ProcessBuilder("ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i",
                    "sine=frequency=440:duration=6", "-c:a", "libopus", "-b:a", "32k", "-y", file.toString())
                    .inheritIO().start();
        } catch (IOException e) {
            p = null;
        }
        assumeTrue(p != null && p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "ffmpeg with libopus needed");
        opus = Files.readAllBytes(file);
    }

    @Test
    void aFileThatIsThereFromTheStartPlaysWithoutStalls() throws Exception {
        HttpServer server = serve(0);
        try {
            PlayerProbe.Result r = PlayerProbe.start(url(server), null, 0, false, 0).await(Duration.ofSeconds(30));
            assertThat(r.clean()).as(r.toString()).isTrue();
            assertThat(r.mediaSeconds()).isBetween(5.9, 6.1);
            assertThat(r.firstFrame()).isBetween(0.0, 5.0);
            assertThat(r.stalls()).isZero();
            assertThat(r.continuity()).isEqualTo(1.0);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aServerThatPausesMidwayStallsThePlayerByAboutThePause() throws Exception {
        // The first half (3 s of media) plays out while the server waits 5 s: the player waits about 2 s.
        HttpServer server = serve(5_000);
        try {
            PlayerProbe.Result r = PlayerProbe.start(url(server), null, 0, false, 0).await(Duration.ofSeconds(30));
            assertThat(r.clean()).as(r.toString()).isTrue();
            assertThat(r.stalls()).as(r.toString()).isPositive();
            assertThat(r.stallSeconds()).as(r.toString()).isBetween(1.0, 3.0);
            assertThat(r.continuity()).isLessThan(0.95);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aPlayerReadingAProgramsOutputIsTimedFromTheProgramsStart() throws Exception {
        Path file = dir.resolve("piped.opus");
        Files.write(file, opus);
        PlayerProbe probe = PlayerProbe.startPiped(new ProcessBuilder("cat", file.toString()),
                file.toUri(), null, 0);
        assertThat(probe.producer()).isNotNull();
        assertThat(probe.awaitFirstFrame(Duration.ofSeconds(20))).isTrue();
        PlayerProbe.Result r = probe.await(Duration.ofSeconds(30));
        assertThat(r.clean()).as(r.toString()).isTrue();
        assertThat(r.mediaSeconds()).isBetween(5.9, 6.1);
        assertThat(r.stalls()).isZero();
    }

    @Test
    void aLivePlayerWithAPlayoutDelayStallsOnlyBeyondItAndTellsHowFarBehindEachFrameWas() throws Exception {
        // 3 s of media come at once and play from 1 s after the first frame, until about 4 s; the rest
        // comes at about 5 s: the player waits about 1 s. Each frame's lag is its decode time minus where its
        // media ends, counted from the probe's start: the frames after the pause are decoded about 5 s in,
        // so the last (media ending at 6 s) is about 1 s ahead of that clock, the first about at it.
        HttpServer server = serve(5_000);
        try {
            PlayerProbe probe = PlayerProbe.live(url(server), 1.0);
            PlayerProbe.Result r = probe.await(Duration.ofSeconds(30));
            assertThat(r.clean()).as(r.toString()).isTrue();
            assertThat(r.playbackStart() - r.firstFrame()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.01));
            assertThat(r.stallSeconds()).as(r.toString()).isBetween(0.3, 2.0);
            double[] behind = probe.behind(probe.startNanos());
            assertThat(behind).hasSize(r.frames());
            assertThat(behind[0]).as("the first frame").isBetween(-0.1, 5.0);
            double drift = behind[behind.length - 1] - behind[0];
            assertThat(drift).as("5 s of waiting for 6 s of media").isBetween(-2.0, 0.0);
        } finally {
            server.stop(0);
        }
    }

    /** Serves the tone; with a pause, sends the first half, waits, then the rest. */
    private static HttpServer serve(long pauseMillis) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/tone.opus", ex -> {
            ex.getResponseHeaders().add("Content-Type", "audio/ogg");
            ex.sendResponseHeaders(200, opus.length);
            try (OutputStream out = ex.getResponseBody()) {
                int half = opus.length / 2;
                out.write(opus, 0, half);
                out.flush();
                if (pauseMillis > 0) {
                    try {
                        Thread.sleep(pauseMillis); // the server's pause is what the test is about
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                out.write(opus, half, opus.length - half);
            }
        });
        server.start();
        return server;
    }

    private static URI url(HttpServer server) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/tone.opus");
    }
}
