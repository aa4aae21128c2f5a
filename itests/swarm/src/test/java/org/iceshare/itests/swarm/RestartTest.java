package org.iceshare.itests.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.core.internal.peer.PeerEngine;
import org.iceshare.tracker.internal.TrackerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Storage survives a restart: a peer stopped halfway resumes from its disk and completes. */
class RestartTest {
    @TempDir
    Path tmp;

    @Test
    void aPeerStoppedHalfwayResumesFromDisk() throws Exception {
        Path media = TestMedia.vorbis(60, 4);
        long size = Files.size(media);
        try (SwarmFixture swarm = new SwarmFixture(tmp, TrackerSettings.loopback(), 32 * 1024)) {
            PeerEngine source = swarm.addPeer("source", s -> s.withUploadRate(size / 3));
            IcetUrl url = source.publish(media, "resume.ogg", null).toCompletableFuture().get(30, TimeUnit.SECONDS);
            PeerEngine first = swarm.addPeer("leech");
            SwarmStatus s = first.get(url).toCompletableFuture().get(60, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(60)).until(() -> first.swarm(s.content()).orElseThrow().progress() > 0.3);
            swarm.stopPeer(first);

            PeerEngine again = swarm.addPeer("leech");
            await().atMost(Duration.ofSeconds(60)).until(() -> again.swarm(s.content()).isPresent());
            SwarmStatus resumed = again.swarm(s.content()).orElseThrow();
            assertThat(resumed.verified()).as("pieces kept on disk").isPositive();
            await().atMost(Duration.ofSeconds(60)).until(() -> again.swarm(s.content()).orElseThrow().state()
                    == SwarmStatus.State.COMPLETE);
            assertThat(SwarmFixture.sameBytes(media, swarm.dataFile(again, s.content()))).isTrue();
            assertThat(again.swarm(s.content()).orElseThrow().downloaded()).as("fetched after the restart")
                    .isLessThan(size);
        }
    }
}
