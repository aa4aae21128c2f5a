package org.iceshare.itests.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import org.iceshare.api.peer.ConnectionInfo;
import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.tracker.TrackedPeer;
import org.iceshare.core.internal.peer.PeerEngine;
import org.iceshare.tracker.internal.TrackerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Peers on addresses of their own (127.0.0.x, all reaching loopback): each listens there, connects from
 * there, and is known there to the tracker and to the other peers. What the shaped lab relies on.
 */
class PeerAddressTest {

    @TempDir
    Path tmp;

    @Test
    void everyPeerListensAndConnectsFromItsOwnAddress() throws Exception {
        Path media = TestMedia.vorbis(60, 6);
        try (SwarmFixture swarm = new SwarmFixture(tmp, TrackerSettings.loopback(), 16 * 1024)) {
            Map<PeerId, InetAddress> addresses = new HashMap<>();
            PeerEngine source = swarm.addPeerAt("source", InetAddress.getByName("127.0.0.20"), UnaryOperator.identity());
            addresses.put(source.id(), InetAddress.getByName("127.0.0.20"));
            IcetUrl url = source.publish(media, "tone.ogg", null).toCompletableFuture().get(30, TimeUnit.SECONDS);
            List<PeerEngine> peers = new ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                InetAddress at = InetAddress.getByName("127.0.0." + (20 + i));
                PeerEngine p = swarm.addPeerAt("peer" + i, at, UnaryOperator.identity());
                assertThat(p.address().getAddress()).isEqualTo(at);
                addresses.put(p.id(), at);
                peers.add(p);
            }
            for (PeerEngine p : peers) {
                p.get(url);
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> peers.stream()
                    .allMatch(p -> p.swarms().stream().anyMatch(s -> s.state() == SwarmStatus.State.COMPLETE)));

            SwarmStatus published = source.swarms().get(0);
            for (PeerEngine p : peers) {
                assertThat(SwarmFixture.sameBytes(media, swarm.dataFile(p, published.content()))).isTrue();
            }
            for (TrackedPeer t : swarm.tracker().peers(published.content())) {
                assertThat(t.address()).as("tracker's view").startsWith(addresses.get(t.id()).getHostAddress() + ":");
            }
            int seen = 0;
            List<PeerEngine> all = new ArrayList<>(peers);
            all.add(source);
            for (PeerEngine p : all) {
                for (ConnectionInfo c : p.connections()) {
                    if (c.kind() == ConnectionInfo.Kind.PEER && c.peer() != null) {
                        // inbound ones show the other's source address: bound too, not the system's 127.0.0.1
                        assertThat(c.remote().getAddress()).as("%s sees %s (outbound %s)", p.name(), c.peer(),
                                c.outbound()).isEqualTo(addresses.get(c.peer()));
                        seen += c.outbound() ? 0 : 1;
                    }
                }
            }
            assertThat(seen).as("inbound peer connections checked").isPositive();
        }
    }
}
