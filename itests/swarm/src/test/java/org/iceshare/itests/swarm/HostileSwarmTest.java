package org.iceshare.itests.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.icet.BadPiece;
import org.iceshare.api.icet.ErrorCode;
import org.iceshare.api.icet.ErrorReport;
import org.iceshare.api.icet.Join;
import org.iceshare.api.icet.Joined;
import org.iceshare.api.icet.Publish;
import org.iceshare.api.icet.Verified;
import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.tracker.TrackedPeer;
import org.iceshare.core.internal.peer.PeerEngine;
import org.iceshare.tracker.internal.TrackerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #10, attacks 1, 2 and 5: one anonymous client that can reach the tracker used to stop a swarm by
 * claiming what it has not, by one false report, or by publishing someone else's content. With the liar at
 * work, the honest peer still completes a byte-identical copy, and the liar is refused or demoted.
 */
class HostileSwarmTest {
    @TempDir
    Path tmp;

    private static int deadPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void aLiarClaimingEveryPieceDoesNotKeepTheSourceFromServing() throws Exception {
        Path media = TestMedia.vorbis(20, 2);
        try (SwarmFixture swarm = new SwarmFixture(tmp, TrackerSettings.loopback(), 32 * 1024)) {
            long size = Files.size(media);
            PeerEngine source = swarm.addPeer("source", s -> s.withUploadRate(size / 3));
            IcetUrl url = source.publish(media, "claimed.ogg", null).toCompletableFuture().get(30, TimeUnit.SECONDS);

            // attack 1: the liar joins and reports VERIFIED for every piece with the hashes it was just
            // handed, advertising a port where nothing answers
            try (HostileClient liar = new HostileClient(swarm.transport(), swarm.trackerAddress(), deadPort())) {
                liar.send(new Join("claimed.ogg"));
                Manifest m = liar.next(Joined.class).manifest();
                for (int i = 0; i < m.pieceCount(); i++) {
                    liar.send(new Verified(m.id(), i, source.id(), m.piece(i).hash()));
                }
                PeerEngine honest = swarm.addPeer("honest");
                ContentId id = honest.get(url).toCompletableFuture().get(30, TimeUnit.SECONDS).content();

                await().atMost(Duration.ofSeconds(60)).until(() -> honest.swarm(id).orElseThrow().state()
                        == SwarmStatus.State.COMPLETE);
                assertThat(SwarmFixture.sameBytes(media, swarm.dataFile(honest, id))).isTrue();
                TrackedPeer tracked = swarm.tracker().peers(id).stream().filter(p -> p.id().equals(liar.id()))
                        .findFirst().orElseThrow();
                assertThat(tracked.pieces()).as("the tracker counts no piece of the liar's as held").isZero();
                assertThat(tracked.uploaded()).isZero();
                assertThat(swarm.tracker().content("claimed.ogg").orElseThrow().sourceUploaded())
                        .as("the source served, as it must with no honest holder").isPositive();
            }
        }
    }

    @Test
    void oneFalseReportBansNobodyAndThePublisherKeepsItsContent() throws Exception {
        Path media = TestMedia.vorbis(20, 2);
        try (SwarmFixture swarm = new SwarmFixture(tmp, TrackerSettings.loopback(), 32 * 1024)) {
            PeerEngine source = swarm.addPeer("source");
            IcetUrl url = source.publish(media, "reported.ogg", null).toCompletableFuture().get(30, TimeUnit.SECONDS);
            try (HostileClient liar = new HostileClient(swarm.transport(), swarm.trackerAddress(), deadPort())) {
                liar.send(new Join("reported.ogg"));
                Manifest m = liar.next(Joined.class).manifest();
                // attack 2: a BAD_PIECE against the publisher, with no data and no assignment, many times over
                for (int i = 0; i < 20; i++) {
                    liar.send(new BadPiece(m.id(), i % m.pieceCount(), source.id(), "sha-256 mismatch"));
                }
                // and attack 5: the same manifest published again, to become a second "source" holding nothing;
                // as it is, it carries the publisher's signature, not the liar's
                liar.send(new Publish(m));
                ErrorReport refused = liar.next(ErrorReport.class);
                assertThat(refused.code()).isEqualTo(ErrorCode.FORBIDDEN);
                assertThat(refused.message()).contains("is signed by " + source.id().toHex());
                // re-signed with the liar's own key, the name still belongs to the publisher
                byte[] key = liar.identity.publicKey();
                liar.send(new Publish(m.signed(key, liar.identity.sign(m.signedBytes(key)))));
                refused = liar.next(ErrorReport.class);
                assertThat(refused.code()).isEqualTo(ErrorCode.FORBIDDEN);
                assertThat(refused.message()).contains("belongs to another publisher");

                assertThat(swarm.tracker().peers(m.id())).filteredOn(p -> p.id().equals(source.id()))
                        .singleElement().satisfies(p -> {
                            assertThat(p.banned()).isFalse();
                            assertThat(p.source()).isTrue();
                        });
                assertThat(source.publish(media, "reported.ogg", null).toCompletableFuture().get(30,
                        TimeUnit.SECONDS)).as("the publisher's re-publish is accepted").isEqualTo(url);

                PeerEngine honest = swarm.addPeer("honest");
                ContentId id = honest.get(url).toCompletableFuture().get(30, TimeUnit.SECONDS).content();
                await().atMost(Duration.ofSeconds(60)).until(() -> honest.swarm(id).orElseThrow().state()
                        == SwarmStatus.State.COMPLETE);
                assertThat(SwarmFixture.sameBytes(media, swarm.dataFile(honest, id))).isTrue();
                assertThat(swarm.tracker().peers(id)).filteredOn(TrackedPeer::source).extracting(TrackedPeer::id)
                        .containsExactly(source.id());
            }
        }
    }

    @Test
    void aNameBelongsToItsFirstPublisher() throws Exception {
        Path first = TestMedia.vorbis(10, 2);
        Path other = TestMedia.vorbis(12, 2);
        try (SwarmFixture swarm = new SwarmFixture(tmp, TrackerSettings.loopback(), 32 * 1024)) {
            PeerEngine owner = swarm.addPeer("owner");
            PeerEngine squatter = swarm.addPeer("squatter");
            owner.publish(first, "mine.ogg", null).toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertThat(squatter.publish(other, "mine.ogg", null).toCompletableFuture())
                    .failsWithin(Duration.ofSeconds(30)).withThrowableThat().withMessageContaining("FORBIDDEN");
            assertThat(squatter.publish(first, "mine.ogg", null).toCompletableFuture())
                    .as("not even with the very same file").failsWithin(Duration.ofSeconds(30))
                    .withThrowableThat().withMessageContaining("belongs to another publisher");
            assertThat(swarm.tracker().peers(swarm.tracker().content("mine.ogg").orElseThrow().id()))
                    .filteredOn(TrackedPeer::source).extracting(TrackedPeer::id).containsExactly(owner.id());
        }
    }
}
