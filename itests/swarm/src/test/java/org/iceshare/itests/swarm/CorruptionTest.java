package org.iceshare.itests.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.api.tracker.TrackedPeer;
import org.iceshare.core.internal.peer.PeerEngine;
import org.iceshare.tracker.internal.TrackerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance: a peer that serves flipped bytes is caught. The piece is fetched again from another
 * peer, the liar is reported to the tracker, and the download completes correctly. What the tracker does
 * to the liar depends on its evidence (issue #10): a peer that claimed pieces it was never assigned loses
 * every claim at the first report ({@code HostileSwarmTest}); a peer that fetched its pieces under
 * assignment, or that others verified pieces from, is banned once several members report it.
 */
class CorruptionTest {
    @TempDir
    Path tmp;

    @Test
    void aLiarIsCaughtReportedAndWorkedAround() throws Exception {
        Path media = TestMedia.vorbis(30, 4);
        try (SwarmFixture swarm = new SwarmFixture(tmp, TrackerSettings.loopback(), 32 * 1024)) {
            PeerEngine source = swarm.addPeer("source");
            IcetUrl url = source.publish(media, "lie.ogg", null).toCompletableFuture().get(30, TimeUnit.SECONDS);
            PeerEngine liar = swarm.addPeer("liar");
            SwarmStatus s = liar.get(url).toCompletableFuture().get(60, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(60)).until(() -> liar.swarm(s.content()).orElseThrow().state()
                    == SwarmStatus.State.COMPLETE);
            // the liar's disk now serves flipped bytes in every piece
            Path data = swarm.dataFile(liar, s.content());
            long size = Files.size(data);
            try (FileChannel ch = FileChannel.open(data, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                for (long pos = 100; pos < size; pos += 4096) {
                    ByteBuffer b = ByteBuffer.allocate(1);
                    ch.read(b, pos);
                    b.put(0, (byte) ~b.get(0)).rewind();
                    ch.write(b, pos);
                }
            }
            // the tracker prefers the liar (a non-source holder) for the newcomer
            PeerEngine victim = swarm.addPeer("victim");
            victim.get(url).toCompletableFuture().get(60, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(60)).until(() -> victim.swarm(s.content()).orElseThrow().state()
                    == SwarmStatus.State.COMPLETE);
            assertThat(SwarmFixture.sameBytes(media, swarm.dataFile(victim, s.content()))).isTrue();
            TrackedPeer liarSeen = swarm.tracker().peers(s.content()).stream()
                    .filter(p -> p.id().equals(liar.id())).findFirst().orElseThrow();
            // it fetched its pieces under assignment: one member's report (which could be a lie) takes none
            // of them away; the victim shuns it, and independent reports ban it (the next test)
            assertThat(liarSeen.pieces()).as("one report takes nothing away").isEqualTo(s.pieces());
            assertThat(liarSeen.banned()).as("one report bans nobody").isFalse();
        }
    }

    @Test
    void aProvenHolderThatTurnsLiarIsBannedWhenSeveralMembersReportIt() throws Exception {
        Path media = TestMedia.vorbis(30, 4);
        try (SwarmFixture swarm = new SwarmFixture(tmp, TrackerSettings.loopback(), 32 * 1024)) {
            PeerEngine source = swarm.addPeer("source");
            IcetUrl url = source.publish(media, "turncoat.ogg", null).toCompletableFuture().get(30, TimeUnit.SECONDS);
            PeerEngine liar = swarm.addPeer("liar");
            SwarmStatus s = liar.get(url).toCompletableFuture().get(60, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(60)).until(() -> liar.swarm(s.content()).orElseThrow().state()
                    == SwarmStatus.State.COMPLETE);
            // an honest witness fetches from it while it is honest: the tracker now has evidence it serves
            PeerEngine witness = swarm.addPeer("witness");
            witness.get(url).toCompletableFuture().get(60, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(60)).until(() -> witness.swarm(s.content()).orElseThrow().state()
                    == SwarmStatus.State.COMPLETE);
            swarm.stopPeer(witness);
            Path data = swarm.dataFile(liar, s.content());
            long size = Files.size(data);
            try (FileChannel ch = FileChannel.open(data, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                for (long pos = 100; pos < size; pos += 4096) {
                    ByteBuffer b = ByteBuffer.allocate(1);
                    ch.read(b, pos);
                    b.put(0, (byte) ~b.get(0)).rewind();
                    ch.write(b, pos);
                }
            }
            for (int i = 0; i < TrackerSettings.DEFAULT_REPORTS_TO_ACT; i++) {
                PeerEngine victim = swarm.addPeer("victim" + i);
                victim.get(url).toCompletableFuture().get(60, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(60)).until(() -> victim.swarm(s.content()).orElseThrow().state()
                        == SwarmStatus.State.COMPLETE);
                assertThat(SwarmFixture.sameBytes(media, swarm.dataFile(victim, s.content()))).isTrue();
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> swarm.tracker().peers(s.content()).stream()
                    .anyMatch(p -> p.id().equals(liar.id()) && p.banned()));
        }
    }
}
