package org.iceshare.scheduler.rarest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.swarm.SwarmView;
import org.iceshare.testkit.RecordingSink;
import org.iceshare.testkit.SwarmViews;
import org.iceshare.testkit.TestSwarmView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RarestFirstSchedulerTest {

    /** Runs one scheduler call on a fresh view of the DSL and returns the accepted requests. */
    private static List<String> schedule(RarestFirstScheduler scheduler, String dsl) {
        TestSwarmView view = SwarmViews.parse(dsl);
        RecordingSink sink = new RecordingSink(view);
        scheduler.schedule(view, sink);
        return sink.requests();
    }

    @Test
    void isNamedRarest() {
        assertThat(new RarestFirstScheduler().name()).isEqualTo("rarest");
    }

    @Test
    void requestsTheRarestPieceFirst() {
        assertThat(schedule(new RarestFirstScheduler(1), """
                avail     3132
                peer A 1  xxxx
                """)).containsExactly("1@A");
    }

    @Test
    void requestsInRisingAvailability() {
        assertThat(schedule(new RarestFirstScheduler(1), """
                avail     52341
                peer A 9  xxxxx
                """)).containsExactly("4@A", "1@A", "2@A", "3@A", "0@A");
    }

    @Test
    void breaksTiesAtRandomOverEveryTiedPiece() {
        String dsl = """
                avail     2121121
                peer A 1  xxxxxxx
                """;
        Set<String> first = new HashSet<>();
        for (long seed = 0; seed < 200; seed++) {
            List<String> requests = schedule(new RarestFirstScheduler(seed), dsl);
            assertThat(requests).hasSize(1).first().isIn("1@A", "3@A", "4@A", "6@A");
            first.add(requests.get(0));
        }
        assertThat(first).containsExactlyInAnyOrder("1@A", "3@A", "4@A", "6@A");
    }

    @Test
    void shufflesWholeBucketsNotJustTheirHead() {
        String dsl = """
                avail     1111
                peer A 9  xxxx
                """;
        Set<List<String>> orders = new HashSet<>();
        for (long seed = 0; seed < 300; seed++) {
            orders.add(schedule(new RarestFirstScheduler(seed), dsl));
        }
        assertThat(orders).as("all 4! orders of four tied pieces").hasSize(24);
    }

    @Test
    void sameSeedSameChoices() {
        String dsl = """
                avail     1111222233
                peer A 5  xxxxxxxxxx
                """;

        assertThat(schedule(new RarestFirstScheduler(7), dsl)).isEqualTo(schedule(new RarestFirstScheduler(7), dsl));
    }

    @Test
    void randomlySeededSchedulerStillGoesRarestFirst() {
        assertThat(schedule(new RarestFirstScheduler(), """
                avail     3313
                peer A 1  xxxx
                """)).containsExactly("2@A");
    }

    @Test
    void takesTheFirstSourceWithAFreeSlotInTrackerOrder() {
        TestSwarmView view = SwarmViews.parse("""
                avail     11
                peer B 0  xx
                peer A 1  x.
                peer C 1  xx
                """);
        RecordingSink sink = new RecordingSink(view);

        new RarestFirstScheduler(1).schedule(view, sink);

        assertThat(sink.requests()).containsExactlyInAnyOrder("0@A", "1@C");
        assertThat(sink.refused()).isEmpty();
    }

    @Test
    void stopsAtTheFreeSlots() {
        TestSwarmView view = SwarmViews.parse("""
                avail     1111
                peer A 2  xxxx
                peer B 1  xxxx
                peer C 5  ....
                """);
        RecordingSink sink = new RecordingSink(view);

        new RarestFirstScheduler(1).schedule(view, sink);

        assertThat(sink.accepted()).extracting(RecordingSink.Request::peer).containsExactly("A", "A", "B");
        assertThat(sink.accepted()).extracting(RecordingSink.Request::piece).doesNotHaveDuplicates();
        assertThat(sink.refused()).isEmpty();
    }

    @Test
    void skipsVerifiedInFlightAndUnassignedPieces() {
        assertThat(schedule(new RarestFirstScheduler(1), """
                verified  #.....
                inflight  ..2...
                avail     111111
                peer A 9  x.rxx.
                """)).containsExactlyInAnyOrder("3@A", "4@A");
    }

    @Test
    void ignoresThePlayhead() {
        String dsl = """
                avail     2222111
                peer A 3  xxxxxxx
                """;
        List<String> without = schedule(new RarestFirstScheduler(3), dsl);

        for (int playhead = 0; playhead < 7; playhead++) {
            assertThat(schedule(new RarestFirstScheduler(3), dsl + "playhead " + playhead)).isEqualTo(without);
        }
    }

    @Test
    void asksNothingWhenThereIsNothingToAsk() {
        assertThat(schedule(new RarestFirstScheduler(1), "verified ####\npeer A 3 xxxx")).as("all verified").isEmpty();
        assertThat(schedule(new RarestFirstScheduler(1), "peer A 0 xxxx")).as("no free slot").isEmpty();
        assertThat(schedule(new RarestFirstScheduler(1), "avail 1111\npeer A 3 ....")).as("unassigned").isEmpty();
        assertThat(schedule(new RarestFirstScheduler(1), "inflight 2222\npeer A 3 xxxx")).as("all in flight twice")
                .isEmpty();
    }

    @Test
    void endgameDuplicatesEachPieceInFlightOnceToAnotherPeer() {
        TestSwarmView view = SwarmViews.parse("""
                avail     1111
                peer A 0  rrr.
                peer B 2  xxxx
                peer C 1  x.x.
                """);
        RecordingSink sink = new RecordingSink(view);
        RarestFirstScheduler scheduler = new RarestFirstScheduler(1);

        scheduler.schedule(view, sink);

        assertThat(sink.requests()).as("the fresh piece first, then duplicates in piece order")
                .containsExactly("3@B", "0@B", "2@C");

        view.verify(3);
        sink.clear();
        scheduler.schedule(view, sink);

        assertThat(sink.requests()).as("B's freed slot goes to piece 1, not to piece 2, already in flight twice")
                .containsExactly("1@B");
        assertThat(view.inFlight(2)).isEqualTo(2);
        assertThat(view.requested(2, "B")).isFalse();
    }

    @Test
    void endgameNeverAsksThePeerAlreadyAsked() {
        TestSwarmView view = SwarmViews.parse("peer A 3 r.");
        RecordingSink sink = new RecordingSink(view);

        new RarestFirstScheduler(1).schedule(view, sink);

        assertThat(sink.requests()).isEmpty();
        assertThat(view.inFlight(0)).isEqualTo(1);
    }

    @Test
    void freshPiecesGetTheSlotsBeforeDuplicates() {
        assertThat(schedule(new RarestFirstScheduler(1), """
                peer A 1  r.
                peer B 1  xx
                """)).containsExactly("1@B");
    }

    @Test
    void absurdAvailabilitiesShareTheTopBucketInsteadOfBlowingUpMemory() {
        TestSwarmView view = SwarmViews.parse("peer A 9 xxxxx");
        int[] availability = {Integer.MAX_VALUE, 0, 70_000, 5, -5};
        SwarmView skewed = new Delegate(view) {
            @Override
            public int availability(int piece) {
                return availability[piece];
            }
        };
        RecordingSink sink = new RecordingSink(view);

        new RarestFirstScheduler(1).schedule(skewed, sink);

        assertThat(sink.requests()).hasSize(5);
        assertThat(sink.requests().subList(0, 2)).as("-5 counts as 0, tied with 0")
                .containsExactlyInAnyOrder("1@A", "4@A");
        assertThat(sink.requests().get(2)).isEqualTo("3@A");
        assertThat(sink.requests().subList(3, 5)).containsExactlyInAnyOrder("0@A", "2@A");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5})
    void alwaysRequestsInNonDecreasingAvailabilityAcrossViewSizes(int seed) {
        RarestFirstScheduler scheduler = new RarestFirstScheduler(seed);
        Random random = new Random(seed);
        for (int pieces : new int[] {5000, 3, 65_536, 1, 700}) {
            StringBuilder avail = new StringBuilder();
            StringBuilder verified = new StringBuilder();
            for (int p = 0; p < pieces; p++) {
                avail.append(Character.forDigit(1 + random.nextInt(35), 36));
                verified.append(random.nextInt(4) == 0 ? '#' : '.');
            }
            TestSwarmView view = SwarmViews.parse("verified " + verified + "\navail " + avail + "\npeer A "
                    + pieces + " " + "x".repeat(pieces));
            RecordingSink sink = new RecordingSink(view);

            scheduler.schedule(view, sink);

            List<RecordingSink.Request> requests = sink.accepted();
            assertThat(requests).hasSize(view.missing());
            for (int i = 1; i < requests.size(); i++) {
                assertThat(view.availability(requests.get(i).piece()))
                        .isGreaterThanOrEqualTo(view.availability(requests.get(i - 1).piece()));
            }
        }
    }

    @Test
    void declaresItsServiceProperties() throws IOException {
        String xml = resource("/OSGI-INF/" + RarestFirstScheduler.class.getName() + ".xml");

        assertThat(xml).contains("org.iceshare.api.scheduler.PieceScheduler")
                .contains("name=\"scheduler.name\"").contains("value=\"rarest\"")
                .contains("name=\"service.ranking\"").contains("type=\"Integer\"").contains("value=\"100\"");
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = RarestFirstSchedulerTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Forwards everything to a view, so a test can override one aspect. */
    private static class Delegate implements SwarmView {
        private final SwarmView view;

        Delegate(SwarmView view) {
            this.view = view;
        }

        @Override
        public ContentId content() {
            return view.content();
        }

        @Override
        public int pieceCount() {
            return view.pieceCount();
        }

        @Override
        public int pieceLength(int piece) {
            return view.pieceLength(piece);
        }

        @Override
        public boolean verified(int piece) {
            return view.verified(piece);
        }

        @Override
        public int inFlight(int piece) {
            return view.inFlight(piece);
        }

        @Override
        public List<PeerId> requestedFrom(int piece) {
            return view.requestedFrom(piece);
        }

        @Override
        public int availability(int piece) {
            return view.availability(piece);
        }

        @Override
        public List<PeerId> sources(int piece) {
            return view.sources(piece);
        }

        @Override
        public int freeSlots(PeerId peer) {
            return view.freeSlots(peer);
        }

        @Override
        public int missing() {
            return view.missing();
        }

        @Override
        public int playhead() {
            return view.playhead();
        }
    }
}
