package org.iceshare.itests.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.core.internal.peer.PeerEngine;
import org.iceshare.scheduler.sequential.internal.SequentialScheduler;
import org.iceshare.tracker.internal.TrackerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Swapping the scheduler in the middle of a transfer loses, duplicates and corrupts nothing. */
class SchedulerSwapTest {
    @TempDir
    Path tmp;

    @Test
    void rarestToSequentialMidTransfer() throws Exception {
        Path media = TestMedia.vorbis(60, 4);
        long size = Files.size(media);
        try (SwarmFixture swarm = new SwarmFixture(tmp, TrackerSettings.loopback(), 32 * 1024)) {
            // the source needs about 10 s to send every piece once: at 20% progress most pieces are still to be
            // requested, so the swap takes effect even when a loaded machine polls late (at size / 2 it did not)
            PeerEngine source = swarm.addPeer("source", s -> s.withUploadRate(size / 10));
            IcetUrl url = source.publish(media, "swap.ogg", null).toCompletableFuture().get(30, TimeUnit.SECONDS);
            List<PeerEngine> peers = List.of(swarm.addPeer("a"), swarm.addPeer("b"), swarm.addPeer("c"));
            SwarmStatus s = null;
            for (PeerEngine p : peers) {
                s = p.get(url).toCompletableFuture().get(60, TimeUnit.SECONDS);
            }
            var content = s.content();
            await().atMost(Duration.ofSeconds(60)).until(() -> peers.get(0).swarm(content).orElseThrow().progress()
                    > 0.2);
            assertThat(peers.get(0).swarm(content).orElseThrow().state()).isEqualTo(SwarmStatus.State.DOWNLOADING);
            swarm.plugins().scheduler(new SequentialScheduler());
            await().atMost(Duration.ofSeconds(60)).until(() -> peers.stream().allMatch(p -> p.swarm(content)
                    .orElseThrow().state() == SwarmStatus.State.COMPLETE));
            for (PeerEngine p : peers) {
                assertThat(SwarmFixture.sameBytes(media, swarm.dataFile(p, content))).isTrue();
                SwarmStatus done = p.swarm(content).orElseThrow();
                assertThat(done.downloaded()).as("no piece stored twice").isEqualTo(size);
            }
            var log = peers.get(0).swarm(content).orElseThrow().requestsByScheduler();
            assertThat(log).containsKeys("rarest", "sequential");
            assertThat(log.get("rarest")).isPositive();
            assertThat(log.get("sequential")).isPositive();
        }
    }
}
