package org.iceshare.itests.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.iceshare.api.peer.ConnectionInfo;
import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.api.transport.Transport;
import org.iceshare.core.internal.peer.PeerEngine;
import org.iceshare.icet.internal.NettyTransport;
import org.iceshare.icet.internal.TransportSettings;
import org.iceshare.tracker.internal.TrackerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transports come and go under a running transfer: peers listen on every transport they have, a new
 * preference applies to new connections while open ones finish, and when a transport disappears the
 * peers and the tracker carry on over the one left, losing nothing. The second transport here is IceT
 * over a second, separate Netty socket stack named {@code alt}, so this test is about the core's
 * handling of several transports, whatever they are.
 */
class TransportSwapTest {
    @TempDir
    Path tmp;

    @Test
    void preferAnotherTransportThenRemoveTheFirstMidTransfer() throws Exception {
        Path media = TestMedia.vorbis(60, 4);
        long size = Files.size(media);
        try (SwarmFixture swarm = new SwarmFixture(tmp, TrackerSettings.loopback(), 32 * 1024);
                NettyTransport alt = new NettyTransport("alt", TransportSettings.DEFAULTS, null)) {
            NettyTransport tcp = swarm.transport();
            swarm.tracker().addTransport(alt);
            assertThat(swarm.tracker().endpoints()).extracting(Endpoint::transport).containsExactly("tcp", "alt");
            List<Transport> both = List.of(tcp, alt);
            PeerEngine source = swarm.addPeer("source", s -> s.withUploadRate(size / 4), both);
            assertThat(source.endpoints()).extracting(Endpoint::transport).containsExactly("tcp", "alt");
            IcetUrl url = source.publish(media, "swap.ogg", null).toCompletableFuture().get(30, TimeUnit.SECONDS);
            List<PeerEngine> peers = List.of(swarm.addPeer("a", s -> s, both), swarm.addPeer("b", s -> s, both),
                    swarm.addPeer("c", s -> s, both));
            ContentId content = null;
            for (PeerEngine p : peers) {
                content = p.get(url).toCompletableFuture().get(60, TimeUnit.SECONDS).content();
            }
            ContentId id = content;
            await().atMost(Duration.ofSeconds(60)).until(() -> peers.get(0).swarm(id).orElseThrow().progress() > 0.1);
            assertThat(transportsOf(source)).as("before the switch everything runs over tcp").containsExactly("tcp");

            // 1. prefer alt: open connections carry on, new ones use alt
            for (PeerEngine p : all(source, peers)) {
                p.transportPreference(List.of("alt", "tcp"));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> source.endpoints().get(0).transport().equals("alt"));
            assertThat(transportsOf(source)).as("open tcp connections are not dropped by the switch").contains("tcp");
            assertThat(peers.get(0).swarm(id).orElseThrow().state()).isEqualTo(SwarmStatus.State.DOWNLOADING);

            // 2. tcp goes away (its feature uninstalled): everyone moves to alt
            for (PeerEngine p : all(source, peers)) {
                p.removeTransport(tcp);
            }
            swarm.tracker().removeTransport(tcp);
            assertThat(swarm.tracker().endpoints()).extracting(Endpoint::transport).containsExactly("alt");
            await().atMost(Duration.ofSeconds(60)).until(() -> peers.stream().allMatch(p -> p.swarm(id)
                    .orElseThrow().state() == SwarmStatus.State.COMPLETE));
            for (PeerEngine p : peers) {
                assertThat(SwarmFixture.sameBytes(media, swarm.dataFile(p, id))).isTrue();
                assertThat(p.swarm(id).orElseThrow().downloaded()).as("no piece stored twice").isEqualTo(size);
                assertThat(p.transportNames()).containsExactly("alt");
            }
            // the connection table: only alt is left, to the tracker and between peers
            for (PeerEngine p : all(source, peers)) {
                List<ConnectionInfo> table = p.connections();
                assertThat(table).isNotEmpty();
                assertThat(table).allMatch(c -> c.transport().equals("alt"), "over alt: " + table);
                assertThat(table).anyMatch(c -> c.kind() == ConnectionInfo.Kind.TRACKER);
            }
            assertThat(source.connections()).anyMatch(c -> c.kind() == ConnectionInfo.Kind.PEER);
        }
    }

    @Test
    void eachConnectionUsesWhatBothSidesHave() throws Exception {
        Path media = TestMedia.vorbis(20, 2);
        try (SwarmFixture swarm = new SwarmFixture(tmp, TrackerSettings.loopback(), 32 * 1024);
                NettyTransport alt = new NettyTransport("alt", TransportSettings.DEFAULTS, null)) {
            swarm.tracker().addTransport(alt);
            // the source prefers alt but has tcp too; one leecher has tcp only, another prefers alt
            PeerEngine source = swarm.addPeer("source", s -> s.withTransports(List.of("alt", "tcp")),
                    List.of(swarm.transport(), alt));
            IcetUrl url = source.publish(media, "mixed.ogg", null).toCompletableFuture().get(30, TimeUnit.SECONDS);
            PeerEngine tcpOnly = swarm.addPeer("tcp-only");
            PeerEngine altFirst = swarm.addPeer("alt-first", s -> s.withTransports(List.of("alt", "tcp")),
                    List.of(swarm.transport(), alt));
            ContentId id = altFirst.get(url).toCompletableFuture().get(60, TimeUnit.SECONDS).content();
            await().atMost(Duration.ofSeconds(60)).until(() -> altFirst.swarm(id).orElseThrow().state()
                    == SwarmStatus.State.COMPLETE);
            tcpOnly.get(url).toCompletableFuture().get(60, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(60)).until(() -> tcpOnly.swarm(id).orElseThrow().state()
                    == SwarmStatus.State.COMPLETE);
            assertThat(SwarmFixture.sameBytes(media, swarm.dataFile(tcpOnly, id))).isTrue();
            assertThat(SwarmFixture.sameBytes(media, swarm.dataFile(altFirst, id))).isTrue();
            assertThat(transportsOf(tcpOnly)).containsExactly("tcp");
            // alt-first speaks alt with the source, and tcp with the peer that has nothing else
            List<ConnectionInfo> table = altFirst.connections();
            assertThat(table).filteredOn(c -> source.id().equals(c.peer())).isNotEmpty()
                    .allMatch(c -> c.transport().equals("alt"), "alt to the source: " + table);
            assertThat(table).filteredOn(c -> tcpOnly.id().equals(c.peer()))
                    .allMatch(c -> c.transport().equals("tcp"), "tcp to the tcp-only peer: " + table);
        }
    }

    /**
     * Issue #9, defect 5: the tracker's container loses its tcp transport (the feature uninstalled there).
     * A peer in another container, which still has tcp itself, must follow the tracker to the endpoint it
     * still offers at once, instead of retrying tcp with a backoff; and a peer in the tracker's own
     * container, whose tracker connection the tracker closes first, must not back off either.
     */
    @Test
    void whenTheTrackersContainerLosesATransportItsClientsFollowItAtOnce() throws Exception {
        Path media = TestMedia.vorbis(30, 3);
        try (SwarmFixture swarm = new SwarmFixture(tmp, TrackerSettings.loopback(), 32 * 1024);
                NettyTransport alt = new NettyTransport("alt", TransportSettings.DEFAULTS, null);
                NettyTransport remoteTcp = NettyTransport.tcp(TransportSettings.DEFAULTS);
                NettyTransport remoteAlt = new NettyTransport("alt", TransportSettings.DEFAULTS, null)) {
            NettyTransport tcp = swarm.transport();
            swarm.tracker().addTransport(alt);
            // container A: the tracker, the source and a local peer share A's transports
            long size = Files.size(media);
            PeerEngine source = swarm.addPeer("source", s -> s.withUploadRate(size / 6), List.of(tcp, alt));
            PeerEngine local = swarm.addPeer("local", s -> s, List.of(tcp, alt));
            // container B: a peer with transport instances of its own, which keeps tcp throughout
            PeerEngine remote = swarm.addPeer("remote", s -> s, List.of(remoteTcp, remoteAlt));
            IcetUrl url = source.publish(media, "follow.ogg", null).toCompletableFuture().get(30, TimeUnit.SECONDS);
            ContentId id = remote.get(url).toCompletableFuture().get(10, TimeUnit.SECONDS).content();
            local.get(url).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(trackerTransport(remote)).isEqualTo("tcp");
            long remoteBackoffs = remote.trackerBackoffs();
            long localBackoffs = local.trackerBackoffs();

            // container A's tcp goes away: the tracker first (the order that made local peers back off)
            swarm.tracker().removeTransport(tcp);
            source.removeTransport(tcp);
            local.removeTransport(tcp);
            assertThat(swarm.tracker().endpoints()).extracting(Endpoint::transport).containsExactly("alt");

            await().atMost(Duration.ofSeconds(30)).until(() -> "alt".equals(trackerTransport(remote))
                    && "alt".equals(trackerTransport(local)));
            await().atMost(Duration.ofSeconds(60)).until(() -> remote.swarm(id).orElseThrow().state()
                    == SwarmStatus.State.COMPLETE && local.swarm(id).orElseThrow().state()
                    == SwarmStatus.State.COMPLETE);
            assertThat(SwarmFixture.sameBytes(media, swarm.dataFile(remote, id))).isTrue();
            assertThat(SwarmFixture.sameBytes(media, swarm.dataFile(local, id))).isTrue();
            assertThat(remote.transportNames()).as("the remote peer still has tcp").contains("tcp");
            assertThat(remote.trackerBackoffs()).as("the remote peer went straight to alt").isEqualTo(remoteBackoffs);
            assertThat(local.trackerBackoffs()).as("the local peer went straight to alt").isEqualTo(localBackoffs);
        }
    }

    private static String trackerTransport(PeerEngine p) {
        return p.connections().stream().filter(c -> c.kind() == ConnectionInfo.Kind.TRACKER)
                .map(ConnectionInfo::transport).findFirst().orElse(null);
    }

    private static List<PeerEngine> all(PeerEngine source, List<PeerEngine> peers) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(source), peers.stream()).toList();
    }

    private static Set<String> transportsOf(PeerEngine p) {
        return p.connections().stream().map(ConnectionInfo::transport).collect(Collectors.toSet());
    }
}
