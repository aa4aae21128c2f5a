package org.iceshare.itests.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
import org.iceshare.tracker.internal.Sanction;
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
        return Hostiles.deadPort();
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
                // the pieces it was assigned and says it verified are claims under assignment: the one honest
                // member that failed to fetch them stops using it, and only independent members together
                // could demote it (the benchmark's false claimers); it was credited with nothing
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
                byte[] key = liar.identity().publicKey();
                liar.send(new Publish(m.signed(key, liar.identity().sign(m.signedBytes(key)))));
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

    /**
     * Found by the hostile-swarm benchmark: a member's pieces are claims until someone fetches one from it,
     * and one FETCH_FAILED or BAD_PIECE against a claimed piece used to drop every claim. So one false
     * reporter, assigned to each honest peer in turn, demoted them all within seconds and left the source
     * to serve the whole swarm alone. A piece verified after an assignment now weighs like a holder's:
     * independent members must agree before its holder loses it.
     */
    @Test
    void oneFalseReporterDoesNotTakeDownTheMembersItIsSentTo() throws Exception {
        Path media = TestMedia.vorbis(20, 2);
        try (SwarmFixture swarm = new SwarmFixture(tmp, TrackerSettings.loopback(), 32 * 1024)) {
            List<Sanction> sanctions = new CopyOnWriteArrayList<>();
            swarm.tracker().onSanction(sanctions::add);
            PeerEngine source = swarm.addPeer("source");
            IcetUrl url = source.publish(media, "accused.ogg", null).toCompletableFuture().get(30, TimeUnit.SECONDS);
            // an honest peer fetches the file under assignment; nobody has fetched from it yet
            PeerEngine early = swarm.addPeer("early");
            ContentId id = early.get(url).toCompletableFuture().get(30, TimeUnit.SECONDS).content();
            await().atMost(Duration.ofSeconds(60)).until(() -> early.swarm(id).orElseThrow().state()
                    == SwarmStatus.State.COMPLETE);
            int pieces = early.swarm(id).orElseThrow().pieces();

            try (Hostiles.FalseReporter liar = new Hostiles.FalseReporter(swarm, "accused.ogg", source.id())) {
                // the tracker sends it to the early peer (the source does not serve what another member has),
                // and it says each fetch there failed or was corrupt
                await().atMost(Duration.ofSeconds(30)).until(() -> liar.assignedReports.get() >= 4);
                assertThat(sanctions).as("one member's word demotes nobody")
                        .noneMatch(s -> early.id().equals(s.peer()) || source.id().equals(s.peer()));
                assertThat(swarm.tracker().peers(id)).filteredOn(p -> p.id().equals(early.id())).singleElement()
                        .satisfies(p -> {
                            assertThat(p.pieces()).isEqualTo(pieces);
                            assertThat(p.banned()).isFalse();
                        });
                assertThat(sanctions).as("its reports of pieces it was never assigned are refused")
                        .anyMatch(s -> s.kind() == Sanction.Kind.REFUSED && liar.id().equals(s.peer()));

                // and a newcomer is still served by the early peer
                PeerEngine late = swarm.addPeer("late");
                late.get(url).toCompletableFuture().get(30, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(60)).until(() -> late.swarm(id).orElseThrow().state()
                        == SwarmStatus.State.COMPLETE);
                assertThat(SwarmFixture.sameBytes(media, swarm.dataFile(late, id))).isTrue();
                assertThat(early.swarm(id).orElseThrow().uploaded()).isPositive();
            }
        }
    }

    /**
     * Found by the hostile-swarm benchmark: a staller that claims every piece, takes requests and never
     * answers held each member sent to it for the client's request timeout (20 s by default; here 5 minutes)
     * before a failed fetch demoted it. The tracker now gives a member that is not a proven holder of a piece
     * a few times the swarm's usual fetch time (10 s before it has any), then sends the member elsewhere and
     * demotes a member whose claim was not assigned.
     */
    @Test
    void aStallerThatClaimsEveryPieceDoesNotHoldAMemberForItsRequestTimeout() throws Exception {
        Path media = TestMedia.vorbis(20, 2);
        try (SwarmFixture swarm = new SwarmFixture(tmp, TrackerSettings.loopback(), 32 * 1024)) {
            List<Sanction> sanctions = new CopyOnWriteArrayList<>();
            swarm.tracker().onSanction(sanctions::add);
            PeerEngine source = swarm.addPeer("source");
            IcetUrl url = source.publish(media, "stalled.ogg", null).toCompletableFuture().get(30, TimeUnit.SECONDS);
            try (Hostiles.Staller staller = new Hostiles.Staller(swarm, "stalled.ogg")) {
                PeerEngine honest = swarm.addPeer("honest", s -> s.withRequestTimeout(Duration.ofMinutes(5)));
                ContentId id = honest.get(url).toCompletableFuture().get(30, TimeUnit.SECONDS).content();
                await().atMost(Duration.ofSeconds(60)).until(() -> honest.swarm(id).orElseThrow().state()
                        == SwarmStatus.State.COMPLETE);
                assertThat(SwarmFixture.sameBytes(media, swarm.dataFile(honest, id))).isTrue();
                assertThat(staller.requestsHeld.get()).as("the honest peer was sent to it first").isPositive();
                assertThat(sanctions).anyMatch(s -> s.kind() == Sanction.Kind.DEMOTED && staller.id().equals(s.peer()));
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
