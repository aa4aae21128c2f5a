package org.iceshare.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.peer.LiveFeed;
import org.iceshare.core.internal.peer.PeerEngine;
import org.iceshare.itests.swarm.LiveFeeder;
import org.iceshare.itests.swarm.SwarmFixture;
import org.iceshare.itests.swarm.TestMedia;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code iceshare play URL --stdout | ffmpeg -i - -f null -} on a live stream: ffmpeg decodes 20 s of it
 * without an error, and the client ends on its own when ffmpeg closes the pipe.
 */
class ClientLivePlayIT {
    @TempDir
    Path tmp;

    @Test
    void ffmpegDecodesTwentySecondsOfTheLiveStreamFromStdout() throws Exception {
        Path media = TestMedia.vorbis(30, 4);
        try (SwarmFixture swarm = new SwarmFixture(tmp.resolve("swarm"))) {
            PeerEngine source = swarm.addPeer("source");
            LiveFeed feed = source.publishLive("radio.ogg", "audio/ogg", null, 30_000_000L).toCompletableFuture()
                    .get(60, TimeUnit.SECONDS);
            try (LiveFeeder feeder = new LiveFeeder(feed, media, swarm.plugins().formats().get(0))) {
                feeder.start(3);
                Path home = tmp.resolve("client");
                Files.createDirectories(home);
                ProcessBuilder client = new ProcessBuilder(ClientProcess.launcher().toString(), "play",
                        feed.url().toString(), "--stdout").directory(home.toFile());
                ClientProcess.environment(client.environment(), home);
                client.redirectError(home.resolve("client-stderr.txt").toFile());
                Path progress = tmp.resolve("ffmpeg-progress.txt");
                ProcessBuilder ffmpeg = new ProcessBuilder("ffmpeg", "-hide_banner", "-v", "error", "-xerror", "-i", "-",
                        "-t", "20", "-progress", progress.toString(), "-f", "null", "-");
                ffmpeg.redirectError(tmp.resolve("ffmpeg-stderr.txt").toFile());
                ffmpeg.redirectOutput(ProcessBuilder.Redirect.DISCARD);
                List<Process> pipeline = ProcessBuilder.startPipeline(List.of(client, ffmpeg));
                Process c = pipeline.get(0);
                Process f = pipeline.get(1);
                try {
                    assertThat(f.waitFor(60, TimeUnit.SECONDS)).as("ffmpeg ended").isTrue();
                    String ffmpegErrors = Files.readString(tmp.resolve("ffmpeg-stderr.txt"), StandardCharsets.UTF_8);
                    assertThat(f.exitValue()).as("ffmpeg exit; its stderr: %s; the client's: %s", ffmpegErrors,
                            Files.readString(home.resolve("client-stderr.txt"))).isZero();
                    assertThat(ffmpegErrors).as("ffmpeg's errors").isBlank();
                    String p = Files.readString(progress, StandardCharsets.UTF_8);
                    long outMicros = p.lines().filter(l -> l.startsWith("out_time_us=")).map(l -> l.substring(12))
                            .filter(v -> v.matches("\\d+")).mapToLong(Long::parseLong).max().orElse(0);
                    assertThat(outMicros).as("media time decoded (µs)").isGreaterThanOrEqualTo(19_500_000L);
                    assertThat(p).contains("progress=end");
                    // the reader left: the client ends by itself, cleanly
                    assertThat(c.waitFor(20, TimeUnit.SECONDS)).as("client ended after ffmpeg").isTrue();
                    assertThat(c.exitValue()).isZero();
                    assertThat(Files.readString(home.resolve("client-stderr.txt"))).doesNotContain("Exception");
                } finally {
                    c.destroyForcibly();
                    f.destroyForcibly();
                }
            }
        }
    }
}
