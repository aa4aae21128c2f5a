package com.example.scheduler.window.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.iceshare.testkit.RecordingSink;
import org.iceshare.testkit.SwarmViews;
import org.iceshare.testkit.TestSwarmView;
import org.junit.jupiter.api.Test;

/**
 * The window scheduler against swarm views pictured in the IceShare test kit's DSL: one row per aspect,
 * one column per piece ({@code verified}, {@code inflight}, {@code avail}, one {@code peer <name> <free
 * slots>} row per peer, {@code playhead}, {@code first}, {@code live}). A {@link RecordingSink} applies the
 * core's rules and records what was asked, as {@code piece@peer}.
 */
class WindowSchedulerTest {

    /** Runs one scheduler call on a fresh view of the DSL and returns the accepted requests. */
    private static List<String> schedule(WindowScheduler scheduler, String dsl) {
        TestSwarmView view = SwarmViews.parse(dsl);
        RecordingSink sink = new RecordingSink(view);
        scheduler.schedule(view, sink);
        return sink.requests();
    }

    @Test
    void isNamedWindow() {
        assertThat(new WindowScheduler(4).name()).isEqualTo("window");
    }

    @Test
    void fetchesTheWindowRarestFirstAndNearestFirstAmongEquals() {
        assertThat(schedule(new WindowScheduler(4), """
                avail     3121 1111
                peer A 4  xxxx xxxx
                """)).containsExactly("1@A", "3@A", "2@A", "0@A");
    }

    @Test
    void theWindowStartsAtTheFirstMissingPieceFromThePlayhead() {
        assertThat(schedule(new WindowScheduler(3), """
                verified  ..## .... ..
                avail     1111 3321 11
                peer A 3  xxxx xxxx xx
                playhead  2
                """)).as("window 4..6: piece 6 is the rarest; 0 and 1, behind the player, wait")
                .containsExactly("6@A", "4@A", "5@A");
    }

    @Test
    void withoutAPlayerTheWindowStartsAtTheFirstMissingPiece() {
        assertThat(schedule(new WindowScheduler(3), """
                verified  ##.. ....
                avail     1133 2111
                peer A 2  xxxx xxxx
                """)).as("window 2..4").containsExactly("4@A", "2@A");
    }

    @Test
    void freeSlotsGoToThePiecesAfterTheWindowInOrderThenToThoseBeforeIt() {
        assertThat(schedule(new WindowScheduler(2), """
                avail     1111 1111
                peer A 9  xxxx xxxx
                playhead  4
                """)).containsExactly("4@A", "5@A", "6@A", "7@A", "0@A", "1@A", "2@A", "3@A");
    }

    @Test
    void wrapsAroundWhenEverythingFromThePlayheadOnIsHere() {
        assertThat(schedule(new WindowScheduler(4), """
                verified  .#.. ####
                avail     2211 1111
                peer A 2  xxxx xxxx
                playhead  4
                """)).containsExactly("2@A", "3@A");
    }

    @Test
    void skipsVerifiedInFlightAndUnassignedPieces() {
        assertThat(schedule(new WindowScheduler(6), """
                verified  #.....
                inflight  ..2...
                peer A 9  x.rxx.
                """)).containsExactly("3@A", "4@A");
    }

    @Test
    void takesTheFirstSourceWithAFreeSlotInTrackerOrder() {
        assertThat(schedule(new WindowScheduler(4), """
                avail     11
                peer B 0  xx
                peer A 1  x.
                peer C 1  xx
                """)).containsExactly("0@A", "1@C");
    }

    @Test
    void endgameForAFileDuplicatesEachPieceInFlightOnceToAnotherPeer() {
        assertThat(schedule(new WindowScheduler(4), """
                peer A 0  rr..
                peer B 3  xxxx
                """)).as("fresh pieces first, then one duplicate with the slot left")
                .containsExactly("2@B", "3@B", "0@B");
    }

    @Test
    void aLiveStreamGetsNoEndgameAndNothingBelowItsWindowIsRead() {
        String live = """
                first     2
                peer A 0  ..rr xx
                peer B 3  ..xx xx
                """;
        // the test view throws if the scheduler reads a piece below 'first'
        assertThat(schedule(new WindowScheduler(4), live + "live\n")).containsExactly("4@B", "5@B");
        assertThat(schedule(new WindowScheduler(4), live)).as("the same picture as a file")
                .containsExactly("4@B", "5@B", "2@B");
    }

    @Test
    void theWindowSlidesAsPiecesArrive() {
        TestSwarmView view = SwarmViews.parse("""
                avail     3211 1111
                peer A 2  xxxx xxxx
                """);
        RecordingSink sink = new RecordingSink(view);
        WindowScheduler scheduler = new WindowScheduler(4);

        scheduler.schedule(view, sink);
        assertThat(sink.requests()).as("round 1: the rarest of window 0..3").containsExactly("2@A", "3@A");

        view.verifyInFlight(); // the core's part: both pieces arrive and pass verification
        sink.clear();
        scheduler.schedule(view, sink);
        assertThat(sink.requests()).as("round 2: the rest of window 0..3").containsExactly("1@A", "0@A");

        view.verifyInFlight();
        sink.clear();
        scheduler.schedule(view, sink);
        assertThat(sink.requests()).as("round 3: the window moved to 4..7").containsExactly("4@A", "5@A");

        view.release(4, "A"); // the request for piece 4 failed: it is asked again first
        sink.clear();
        scheduler.schedule(view, sink);
        assertThat(sink.requests()).containsExactly("4@A");
        assertThat(view.toString()).contains("peer A 0  xxxxrrxx");
    }

    @Test
    void asksNothingWhenThereIsNothingToAsk() {
        assertThat(schedule(new WindowScheduler(4), "verified ####\npeer A 3 xxxx")).as("all verified").isEmpty();
        assertThat(schedule(new WindowScheduler(4), "peer A 0 xxxx")).as("no free slot").isEmpty();
        assertThat(schedule(new WindowScheduler(4), "avail 1111\npeer A 3 ....")).as("unassigned").isEmpty();
        assertThat(schedule(new WindowScheduler(4), "first 4\nlive\npeer A 3 xxxx")).as("empty live window")
                .isEmpty();
    }

    @Test
    void withEnoughSlotsAsksEveryFreshPieceOnceWindowFirst() {
        Random random = new Random(42);
        for (int round = 0; round < 50; round++) {
            int pieces = 1 + random.nextInt(300);
            int size = 1 + random.nextInt(40);
            StringBuilder verified = new StringBuilder();
            StringBuilder avail = new StringBuilder();
            for (int p = 0; p < pieces; p++) {
                verified.append(random.nextInt(3) == 0 ? '#' : '.');
                avail.append(Character.forDigit(1 + random.nextInt(35), 36));
            }
            int playhead = random.nextInt(pieces + 1) - 1;
            TestSwarmView view = SwarmViews.parse("verified " + verified + "\navail " + avail + "\npeer A "
                    + pieces + " " + "x".repeat(pieces) + "\nplayhead " + playhead);
            RecordingSink sink = new RecordingSink(view);

            new WindowScheduler(size).schedule(view, sink);

            List<RecordingSink.Request> asked = sink.accepted();
            assertThat(asked).as("every missing piece once").hasSize(view.missing());
            Set<Integer> distinct = new HashSet<>();
            asked.forEach(r -> distinct.add(r.piece()));
            assertThat(distinct).hasSize(asked.size());
            if (!asked.isEmpty()) {
                int start = asked.stream().mapToInt(RecordingSink.Request::piece)
                        .filter(p -> p >= Math.max(0, playhead)).min()
                        .orElse(asked.stream().mapToInt(RecordingSink.Request::piece).min().getAsInt());
                int inWindow = (int) asked.stream().filter(r -> r.piece() >= start && r.piece() < start + size)
                        .count();
                for (int i = 0; i < asked.size(); i++) {
                    int piece = asked.get(i).piece();
                    boolean windowPiece = piece >= start && piece < start + size;
                    assertThat(windowPiece).as("request %d (piece %d) in %s", i, piece, asked)
                            .isEqualTo(i < inWindow);
                    if (i > 0 && i < inWindow) {
                        assertThat(view.availability(piece)).as("rarest first inside the window")
                                .isGreaterThanOrEqualTo(view.availability(asked.get(i - 1).piece()));
                    }
                }
            }
        }
    }

    @Test
    void configurationSetsTheWindowAndAnInvalidValueKeepsTheCurrentOne() {
        WindowScheduler scheduler = new WindowScheduler(config(8));
        assertThat(scheduler.size()).isEqualTo(8);

        scheduler.configure(config(0));
        assertThat(scheduler.size()).isEqualTo(8);
        scheduler.configure(config(WindowScheduler.MAX_SIZE + 1));
        assertThat(scheduler.size()).isEqualTo(8);
        scheduler.configure(config(32));
        assertThat(scheduler.size()).isEqualTo(32);

        assertThat(new WindowScheduler(config(-1)).size()).as("invalid at activation: the default")
                .isEqualTo(WindowScheduler.DEFAULT_SIZE);
        assertThatThrownBy(() -> new WindowScheduler(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1..1024");
    }

    @Test
    void declaresItsServiceAndItsConfiguration() throws IOException {
        String component = resource("/OSGI-INF/" + WindowScheduler.class.getName() + ".xml");
        assertThat(component).contains("org.iceshare.api.scheduler.PieceScheduler")
                .contains("name=\"scheduler.name\"").contains("value=\"window\"")
                .contains("name=\"service.ranking\"").contains("type=\"Integer\"").contains("value=\"10\"")
                .contains("configuration-pid=\"com.example.scheduler.window\"");

        String metatype = resource("/OSGI-INF/metatype/" + WindowScheduler.PID + ".xml");
        assertThat(metatype).contains("id=\"size\"").contains("min=\"1\"").contains("max=\"1024\"");
    }

    private static WindowScheduler.Config config(int size) {
        return new WindowScheduler.Config() {
            @Override
            public int size() {
                return size;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return WindowScheduler.Config.class;
            }
        };
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = WindowSchedulerTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
