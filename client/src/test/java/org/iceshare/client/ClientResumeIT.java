package org.iceshare.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.core.internal.peer.PeerEngine;
import org.iceshare.itests.swarm.SwarmFixture;
import org.iceshare.itests.swarm.TestMedia;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C (SIGINT) in the middle of an {@code iceshare get}, then the same command again: the second run
 * finds the pieces the first verified and fetches only the others.
 */
class ClientResumeIT {
    private static final Pattern COMPLETE = Pattern.compile(
            "complete: .*, (\\d+) pieces \\((\\d+) with (\\d+) bytes were here already\\), fetched (\\d+) bytes");

    @TempDir
    Path tmp;

    @Test
    void ctrlCThenRestartResumesWithoutRefetching() throws Exception {
        Path media = TestMedia.vorbis(60, 10);
        long length = Files.size(media);
        try (SwarmFixture swarm = new SwarmFixture(tmp.resolve("swarm"))) {
            PeerEngine source = swarm.addPeer("source");
            IcetUrl url = source.publish(media, "tone.ogg", null).toCompletableFuture().get(60, TimeUnit.SECONDS);
            Path home = tmp.resolve("client");
            Path out = tmp.resolve("copy.ogg");
            long before;
            // slowed down (256 KiB/s, one piece a second) so that Ctrl-C comes in the middle
            try (ClientProcess first = ClientProcess.start(home, "get", url.toString(), "-o", out.toString(), "--down",
                    "256k")) {
                await().atMost(Duration.ofSeconds(30)).until(() -> first.firstSwarm("verified") >= 3);
                first.interrupt();
                assertThat(first.waitFor(Duration.ofSeconds(20))).as("exit code; stderr: %s", first.stderr())
                        .isEqualTo(ExitCodes.INTERRUPTED);
                before = verifiedIn(first);
                assertThat(first.stderr()).startsWith("iceshare: interrupted: ").doesNotContain("Exception");
                assertThat(out).doesNotExist();
            }
            assertThat(before).isGreaterThanOrEqualTo(3);
            try (ClientProcess second = ClientProcess.start(home, "get", url.toString(), "-o", out.toString())) {
                assertThat(second.waitFor(Duration.ofSeconds(60))).as("exit code; stderr: %s", second.stderr()).isZero();
                Matcher m = COMPLETE.matcher(second.stdout());
                assertThat(m.find()).as("stdout: %s", second.stdout()).isTrue();
                int held = Integer.parseInt(m.group(2));
                long heldBytes = Long.parseLong(m.group(3));
                long fetched = Long.parseLong(m.group(4));
                assertThat(held).as("pieces found at the restart").isGreaterThanOrEqualTo((int) before);
                // every byte fetched once: what was here plus what came is the file, nothing more
                assertThat(heldBytes + fetched).isEqualTo(length);
                assertThat(second.stdout()).contains("resuming: " + held + "/");
            }
            assertThat(Files.mismatch(out, media)).isEqualTo(-1L);
        }
    }

    /** The pieces the interrupted client left verified in its store (the bitfield file it keeps). */
    private static long verifiedIn(ClientProcess c) throws Exception {
        try (var dirs = Files.list(c.dataDir().resolve("contents"))) {
            Path dir = dirs.findFirst().orElseThrow();
            long n = 0;
            for (byte b : Files.readAllBytes(dir.resolve("verified"))) {
                n += Integer.bitCount(b & 0xff);
            }
            return n;
        }
    }
}
