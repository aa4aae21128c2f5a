package org.iceshare.itests.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.api.tracker.TrackedContent;
import org.iceshare.core.internal.peer.PeerEngine;
import org.iceshare.tracker.internal.TrackerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Acceptance: 1 publisher and 20 peers, real loopback sockets, no OSGi. */
class FileSwarmTest {
    private static final Logger LOG = LoggerFactory.getLogger(FileSwarmTest.class);

    @TempDir
    Path tmp;

    @Test
    void twentyPeersCompleteByteIdenticalWhileTheSourceUploadsAboutOnce() throws Exception {
        Path media = TestMedia.vorbis(180, 6);
        long size = Files.size(media);
        try (SwarmFixture swarm = new SwarmFixture(tmp, TrackerSettings.loopback(), 32 * 1024)) {
            PeerEngine source = swarm.addPeer("source");
            IcetUrl url = source.publish(media, "tone.ogg", null).toCompletableFuture().get(30, TimeUnit.SECONDS);
            List<PeerEngine> peers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                peers.add(swarm.addPeer("peer" + i));
            }
            long start = System.nanoTime();
            for (PeerEngine p : peers) {
                p.get(url);
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> peers.stream()
                    .allMatch(p -> p.swarms().stream().anyMatch(s -> s.state() == SwarmStatus.State.COMPLETE)));
            double seconds = (System.nanoTime() - start) / 1e9;

            SwarmStatus published = source.swarms().get(0);
            for (PeerEngine p : peers) {
                assertThat(SwarmFixture.sameBytes(media, swarm.dataFile(p, published.content())))
                        .as("copy at %s", p.name()).isTrue();
            }
            double suf = (double) published.uploaded() / size;
            TrackedContent tracked = swarm.tracker().content("tone.ogg").orElseThrow();
            LOG.info("20 peers got {} bytes ({} pieces) in {} s; source upload factor {} (tracker's view {}); "
                    + "peers uploaded {} bytes in all", size, published.pieces(), String.format("%.2f", seconds),
                    String.format("%.3f", suf), String.format("%.3f", tracked.sourceUploadFactor()),
                    tracked.totalUploaded());
            assertThat(suf).as("source upload factor").isLessThanOrEqualTo(1.5);
            assertThat(tracked.complete()).isEqualTo(21);
            assertThat(tracked.totalUploaded()).isEqualTo(20 * size);
        }
    }
}
