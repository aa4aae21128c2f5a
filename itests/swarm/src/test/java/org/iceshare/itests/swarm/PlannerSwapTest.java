package org.iceshare.itests.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.planner.ContentView;
import org.iceshare.api.planner.MemberView;
import org.iceshare.api.planner.Planner;
import org.iceshare.api.planner.ServerChoice;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.core.internal.peer.PeerEngine;
import org.iceshare.planner.capacity.internal.CapacityPlanner;
import org.iceshare.planner.rarest.internal.RarestPlanner;
import org.iceshare.tracker.internal.TrackerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Swapping the tracker's planner in the middle of a transfer loses, duplicates and corrupts nothing: the
 * assignments made by the first stay, the next planning steps use the second, every peer completes.
 */
class PlannerSwapTest {
    @TempDir
    Path tmp;

    /** Counts what a planner was asked, and the highest measured upload it was shown. */
    private static final class Counting implements Planner {
        final Planner planner;
        final AtomicInteger servers = new AtomicInteger();
        final AtomicLong bestMeasured = new AtomicLong();

        Counting(Planner planner) {
            this.planner = planner;
        }

        @Override
        public String name() {
            return planner.name();
        }

        @Override
        public int[] order(ContentView content, MemberView member, int[] wanted) {
            return planner.order(content, member, wanted);
        }

        @Override
        public MemberView server(ServerChoice choice) {
            MemberView chosen = planner.server(choice);
            if (chosen != null) {
                servers.incrementAndGet();
            }
            for (MemberView m : choice.free()) {
                bestMeasured.accumulateAndGet((long) m.measuredUploadRate(), Math::max);
            }
            return chosen;
        }
    }

    @Test
    void rarestToCapacityMidTransfer() throws Exception {
        Path media = TestMedia.vorbis(90, 4);
        long size = Files.size(media);
        Counting rarest = new Counting(new RarestPlanner());
        Counting capacity = new Counting(new CapacityPlanner());
        try (SwarmFixture swarm = new SwarmFixture(tmp, TrackerSettings.loopback(), 32 * 1024)) {
            swarm.planner(rarest);
            // the source at a third of the file per second: the transfer lasts some seconds, the swap falls inside
            PeerEngine source = swarm.addPeer("source", s -> s.withUploadRate(size / 3));
            IcetUrl url = source.publish(media, "planner-swap.ogg", null).toCompletableFuture().get(30, TimeUnit.SECONDS);
            List<PeerEngine> peers = new ArrayList<>();
            for (String name : List.of("a", "b", "c", "d", "e", "f")) {
                peers.add(swarm.addPeer(name, s -> s.withUploadRate(size / 4)));
            }
            SwarmStatus s = null;
            for (PeerEngine p : peers) {
                s = p.get(url).toCompletableFuture().get(60, TimeUnit.SECONDS);
            }
            var content = s.content();
            await().atMost(Duration.ofSeconds(60)).until(() -> peers.stream()
                    .mapToDouble(p -> p.swarm(content).orElseThrow().progress()).average().orElse(0) > 0.25);
            assertThat(peers.stream().filter(p -> p.swarm(content).orElseThrow().state()
                    == SwarmStatus.State.DOWNLOADING)).as("the swap falls inside the transfer").isNotEmpty();
            swarm.planner(capacity);
            // once the tracker's thread planned with the new one, the old one is never asked again
            await().atMost(Duration.ofSeconds(30)).until(() -> capacity.servers.get() > 0);
            int byRarest = rarest.servers.get();
            await().atMost(Duration.ofSeconds(90)).until(() -> peers.stream().allMatch(p -> p.swarm(content)
                    .orElseThrow().state() == SwarmStatus.State.COMPLETE));
            for (PeerEngine p : peers) {
                assertThat(SwarmFixture.sameBytes(media, swarm.dataFile(p, content))).as(p.name()).isTrue();
                assertThat(p.swarm(content).orElseThrow().downloaded()).as("no piece stored twice").isEqualTo(size);
            }
            assertThat(byRarest).as("rarest planned before the swap").isPositive();
            assertThat(rarest.servers.get()).as("rarest plans nothing after the swap").isEqualTo(byRarest);
            assertThat(capacity.servers.get()).as("capacity planned after the swap").isPositive();
            assertThat(capacity.bestMeasured.get()).as("the tracker measured uploads from verified pieces")
                    .isPositive();
        }
    }
}
