package org.iceshare.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.core.internal.peer.PeerEngine;
import org.iceshare.itests.swarm.SwarmFixture;
import org.iceshare.itests.swarm.TestMedia;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file a peer published on a tracker, through the client as a process: {@code iceshare get} gives a
 * byte-identical copy, and {@code iceshare play --stdout --start} the file from that time on.
 */
class ClientGetIT {
    @TempDir
    Path tmp;

    @Test
    void getGivesAByteIdenticalCopy() throws Exception {
        Path media = TestMedia.vorbis(60, 4);
        try (SwarmFixture swarm = new SwarmFixture(tmp.resolve("swarm"))) {
            PeerEngine source = swarm.addPeer("source");
            IcetUrl url = source.publish(media, "tone.ogg", null).toCompletableFuture().get(60, TimeUnit.SECONDS);
            Path out = tmp.resolve("copy.ogg");
            try (ClientProcess c = ClientProcess.start(tmp.resolve("client"), "get", url.toString(), "-o",
                    out.toString())) {
                assertThat(c.waitFor(Duration.ofSeconds(60))).as("exit code; stderr: %s", c.stderr()).isZero();
                assertThat(c.stdout()).contains("complete: saved " + out);
                assertThat(c.stderr()).isEmpty();
                // the client left: its data folder is free and its runtime file gone
                assertThat(c.dataDir().resolve(ClientConfig.RUNTIME_FILE)).doesNotExist();
            }
            assertThat(Files.mismatch(out, media)).as("first differing byte").isEqualTo(-1L);
        }
    }

    @Test
    void seedPublishesEveryOggFileOfAFolderAndSkipsTheRest() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("music"));
        Files.copy(TestMedia.vorbis(20, 4), dir.resolve("one.ogg"));
        Files.copy(TestMedia.vorbis(30, 4), dir.resolve("two.oga"));
        Files.writeString(dir.resolve("broken.ogg"), "not Ogg\n");
        Files.writeString(dir.resolve("notes.txt"), "not media, not even tried\n");
        try (SwarmFixture swarm = new SwarmFixture(tmp.resolve("swarm"));
                ClientProcess seeder = ClientProcess.start(tmp.resolve("seeder"), "seed", dir.toString(), "--tracker",
                        "127.0.0.1:" + swarm.trackerAddress().getPort())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> seeder.stderr().contains("serving 2 files"));
            List<String> urls = seeder.stdout().lines().toList();
            assertThat(urls).hasSize(2);
            assertThat(urls.get(0)).startsWith("icet://").endsWith("/one.ogg");
            assertThat(urls.get(1)).startsWith("icet://").endsWith("/two.oga");
            assertThat(seeder.stderr()).contains("iceshare: skipped " + dir.resolve("broken.ogg"))
                    .doesNotContain("notes.txt");
            Path out = tmp.resolve("two-copy.oga");
            try (ClientProcess c = ClientProcess.start(tmp.resolve("client"), "get", urls.get(1), "-o",
                    out.toString())) {
                assertThat(c.waitFor(Duration.ofSeconds(60))).as("exit code; stderr: %s", c.stderr()).isZero();
            }
            assertThat(Files.mismatch(out, dir.resolve("two.oga"))).isEqualTo(-1L);
            seeder.interrupt();
            assertThat(seeder.waitFor(Duration.ofSeconds(20))).isEqualTo(ExitCodes.INTERRUPTED);
        }
    }

    @Test
    void playStdoutOfAFileStartsAtTheGivenTime() throws Exception {
        Path media = TestMedia.vorbis(60, 4);
        try (SwarmFixture swarm = new SwarmFixture(tmp.resolve("swarm"))) {
            PeerEngine source = swarm.addPeer("source");
            IcetUrl url = source.publish(media, "tone.ogg", null).toCompletableFuture().get(60, TimeUnit.SECONDS);
            Path played = tmp.resolve("played.ogg");
            try (ClientProcess c = ClientProcess.start(tmp.resolve("client"), ProcessBuilder.Redirect.to(played.toFile()),
                    "play", url.toString(), "--stdout", "--start", "0:40")) {
                // a file's stream ends: so does the client
                assertThat(c.waitFor(Duration.ofSeconds(60))).as("exit code; stderr: %s", c.stderr()).isZero();
                assertThat(c.stderr()).isEmpty();
            }
            // what came out is an Ogg stream of the last 20 s (from the last page a decoder can start at)
            Process probe = new ProcessBuilder("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of",
                    "csv=p=0", played.toString()).redirectErrorStream(true).start();
            String out = new String(probe.getInputStream().readAllBytes()).strip();
            assertThat(probe.waitFor()).as("ffprobe: %s", out).isZero();
            assertThat(Double.parseDouble(out)).as("seconds played").isBetween(19.0, 21.5);
        }
    }
}
