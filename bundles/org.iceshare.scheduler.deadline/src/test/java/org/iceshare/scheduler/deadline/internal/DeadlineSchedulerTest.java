package org.iceshare.scheduler.deadline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

import org.iceshare.scheduler.rarest.internal.RarestFirstScheduler;
import org.iceshare.testkit.RecordingSink;
import org.iceshare.testkit.SwarmViews;
import org.iceshare.testkit.TestSwarmView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeadlineSchedulerTest {

    /** Runs one scheduler call on a fresh view of the DSL and returns the accepted requests. */
    private static List<String> schedule(DeadlineScheduler scheduler, String dsl) {
        TestSwarmView view = SwarmViews.parse(dsl);
        RecordingSink sink = new RecordingSink(view);
        scheduler.schedule(view, sink);
        return sink.requests();
    }

    /** A scheduler with this horizon and number of critical pieces, ties broken with seed 1. */
    static DeadlineScheduler scheduler(long horizonMillis, int criticalPieces) {
        DeadlineScheduler scheduler = new DeadlineScheduler(1);
        scheduler.configure(config(horizonMillis, criticalPieces));
        return scheduler;
    }

    static DeadlineScheduler.Config config(long horizonMillis, int criticalPieces) {
        return new DeadlineScheduler.Config() {
            @Override
            public long horizonMillis() {
                return horizonMillis;
            }

            @Override
            public int criticalPieces() {
                return criticalPieces;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return DeadlineScheduler.Config.class;
            }
        };
    }

    @Test
    void isNamedDeadline() {
        assertThat(new DeadlineScheduler().name()).isEqualTo("deadline");
    }

    // ---- critical pieces

    @Test
    void requestsCriticalPiecesFirstInDeadlineOrderThenTheRestRarestFirst() {
        assertThat(schedule(new DeadlineScheduler(1), """
                avail     1311 1211
                deadline  900 . 100 2500 -50 4000 . 3000
                peer A 9  xxxx xxxx
                """)).as("late 4, then 2, 0, 3, 7 (3000 is within the horizon); then 6, 5, 1 by availability")
                .containsExactly("4@A", "2@A", "0@A", "3@A", "7@A", "6@A", "5@A", "1@A");
    }

    @Test
    void criticalPiecesTakeTheScarceSlotsEvenWhenOthersAreRarer() {
        assertThat(schedule(new DeadlineScheduler(1), """
                avail     1111 9999
                deadline  . . . . 2000 1000 3000 10
                peer A 2  xxxx xxxx
                """)).containsExactly("7@A", "5@A");
    }

    @Test
    void withoutDeadlinesTheFirstPiecesFromThePlayheadAreCriticalInIndexOrder() {
        assertThat(schedule(new DeadlineScheduler(1), """
                avail     1111 9999 99
                peer A 10 xxxx xxxx xx
                playhead  4
                """)).as("4..7 (criticalPieces = 4) first, though common; then rarest first")
                .startsWith("4@A", "5@A", "6@A", "7@A")
                .hasSize(10);
        assertThat(schedule(scheduler(3000, 2), """
                avail     1111 9999 99
                peer A 3  xxxx xxxx xx
                playhead  8
                """)).as("the window is cut at the end").first().isIn("8@A");
        assertThat(schedule(scheduler(3000, 2), """
                avail     1111 9999 99
                peer A 2  xxxx xxxx xx
                playhead  8
                """)).containsExactly("8@A", "9@A");
    }

    @Test
    void criticalPiecesCountsFromThePlayheadNotFromTheFirstMissingPiece() {
        assertThat(schedule(scheduler(3000, 3), """
                verified  ##.. ....
                avail     1111 1119
                peer A 2  xxxx xxxx
                playhead  0
                """)).as("0 and 1 are there: only 2 is critical, then the rarest").startsWith("2@A")
                .doesNotContain("7@A");
    }

    @Test
    void aKnownDeadlineBeyondTheHorizonIsNotCriticalEvenRightAtThePlayhead() {
        List<String> requests = schedule(scheduler(1000, 4), """
                avail     9911
                deadline  500 2000 2500 5000
                peer A 2  xxxx
                playhead  0
                """);

        assertThat(requests).as("0 is due within 1 s; 1, 2 and 3 are not, and 2 and 3 are rarer").hasSize(2)
                .first().isEqualTo("0@A");
        assertThat(requests.get(1)).isIn("2@A", "3@A");
    }

    @Test
    void anUnknownDeadlineNearThePlayheadIsCriticalAfterTheKnownOnes() {
        assertThat(schedule(scheduler(1000, 4), """
                avail     9999
                deadline  . 5000 . 800
                peer A 2  xxxx
                playhead  0
                """)).containsExactly("3@A", "0@A");
    }

    @Test
    void theHorizonIsConfigurable() {
        String dsl = """
                avail     1119
                deadline  . . . 2500
                peer A 1  xxxx
                """;
        assertThat(schedule(scheduler(3000, 4), dsl)).containsExactly("3@A");
        assertThat(schedule(scheduler(2000, 4), dsl)).as("2500 ms is beyond 2 s: rarest first").isNotEqualTo(
                List.of("3@A")).hasSize(1);
        assertThat(schedule(scheduler(0, 4), """
                avail     1119
                deadline  . . 1 0
                peer A 1  xxxx
                """)).as("horizon 0: only pieces due now or late").containsExactly("3@A");
    }

    // ---- source choice

    @Test
    void asksEachCriticalPieceOfTheSourceExpectedSoonestSpreadingAsTheirQueuesGrow() {
        assertThat(schedule(new DeadlineScheduler(1), """
                deadline    0 100 200 300 400
                peer A 9 300ms  xxxxx
                peer B 9 50ms   xxxxx
                peer C 9 120ms  xxxxx
                live
                """)).as("B 50, B 100, C 120 < B 150, B 150, B 200 < C 240")
                .containsExactly("0@B", "1@B", "2@C", "3@B", "4@B");
    }

    @Test
    void skipsTheFastestSourceWhenItHasNoFreeSlot() {
        assertThat(schedule(new DeadlineScheduler(1), """
                deadline        100 200
                peer A 2 300ms  xx
                peer B 0 10ms   xx
                peer C 1 120ms  x.
                live
                """)).containsExactly("0@C", "1@A");
    }

    @Test
    void equalExpectedTimesGoInTheTrackersOrder() {
        assertThat(schedule(new DeadlineScheduler(1), """
                deadline  100
                peer C 1  x
                peer A 1  x
                live
                """)).as("no delivery times: all 0").containsExactly("0@C");
    }

    @Test
    void nonCriticalPiecesGoToTheFirstFreeSourceInTrackerOrderAsRarestDoes() {
        assertThat(schedule(new DeadlineScheduler(1), """
                avail           1
                peer A 1 900ms  x
                peer B 1 10ms   x
                live
                """)).containsExactly("0@A");
    }

    // ---- rescue duplicates

    /** S holds piece 0 (the scheduler asked it while F and G were busy); F and G free up. */
    private static final String SLOW_HOLDER = """
            deadline         200 . .
            peer S 1 2000ms  x..
            peer F 0 50ms    xr.
            peer G 0 60ms    x.r
            live
            """;

    @Test
    void duplicatesALateCriticalPieceHeldByASlowPeerToTheFastestOtherOnce() {
        TestSwarmView view = SwarmViews.parse(SLOW_HOLDER);
        RecordingSink sink = new RecordingSink(view);
        DeadlineScheduler scheduler = new DeadlineScheduler(1);
        scheduler.schedule(view, sink);
        assertThat(sink.requests()).as("S is the only source with a free slot").containsExactly("0@S");

        view.verify(1);
        view.verify(2);
        scheduler.schedule(view, sink);
        scheduler.schedule(view, sink);

        assertThat(sink.requests()).as("S needs 4 s for a piece due in 200 ms: one duplicate, to the fastest; "
                + "none in the third call though G is free and fast too").containsExactly("0@S", "0@F");
        assertThat(view.inFlight(0)).isEqualTo(2);
        assertThat(view.freeSlots(view.peer("G"))).isEqualTo(1);
        assertThat(sink.refused()).isEmpty();
    }

    @Test
    void aHolderThatTurnsSlowIsRescuedAmongFastPeersByAnyInstance() {
        TestSwarmView view = SwarmViews.parse("""
                deadline        1000
                peer A 1 50ms   x
                peer B 1 60ms   x
                peer C 1 70ms   x
                live
                """);
        RecordingSink sink = new RecordingSink(view);
        DeadlineScheduler scheduler = new DeadlineScheduler(1);
        scheduler.schedule(view, sink);
        assertThat(sink.requests()).containsExactly("0@A");

        scheduler.schedule(view, sink);
        assertThat(sink.requests()).as("A is expected in 100 ms, well before the deadline: no duplicate")
                .containsExactly("0@A");

        view.deliveryMillis("A", 5000);
        new DeadlineScheduler(1).schedule(view, sink);
        assertThat(sink.requests()).as("A now needs 10 s for a piece due in 1 s; the view says A holds it, so even"
                + " another instance rescues it").containsExactly("0@A", "0@B");

        scheduler.schedule(view, sink);
        assertThat(sink.requests()).as("never a third request").containsExactly("0@A", "0@B");
    }

    @Test
    void aFailedRescueMayBeRetriedButThePieceNeverHasMoreThanTwoRequests() {
        TestSwarmView view = SwarmViews.parse(SLOW_HOLDER);
        RecordingSink sink = new RecordingSink(view);
        DeadlineScheduler scheduler = new DeadlineScheduler(1);
        scheduler.schedule(view, sink);
        view.verify(1);
        view.verify(2);
        scheduler.schedule(view, sink);

        view.release(0, "F");
        view.deliveryMillis("F", 10_000);
        scheduler.schedule(view, sink);
        scheduler.schedule(view, sink);

        assertThat(sink.requests()).containsExactly("0@S", "0@F", "0@G");
        assertThat(view.inFlight(0)).isEqualTo(2);
    }

    @Test
    void noRescueWhenTheRequestWillMakeItOrNoSourceIsFasterOrTheDeadlineIsUnknownOrFar() {
        DeadlineScheduler scheduler = new DeadlineScheduler(1);
        assertThat(schedule(scheduler, """
                deadline         500
                peer S 0 100ms   r
                peer F 1 10ms    x
                live
                """)).as("S is expected in 200 ms").isEmpty();
        assertThat(schedule(scheduler, """
                deadline          500
                peer S 0 2000ms   r
                peer F 1 5000ms   x
                live
                """)).as("F is slower than S").isEmpty();
        assertThat(schedule(scheduler, """
                peer S 0 2000ms   r
                peer F 1 10ms     x
                playhead 0
                live
                """)).as("critical by position, but no deadline to miss").isEmpty();
        assertThat(schedule(scheduler, """
                deadline          9000
                peer S 0 2000ms   r
                peer F 1 10ms     x
                live
                """)).as("beyond the horizon: not critical").isEmpty();
        assertThat(schedule(scheduler, """
                deadline          100
                peer S 0 2000ms   r
                peer F 0 10ms     x
                live
                """)).as("the fast peer has no free slot").isEmpty();
    }

    @Test
    void aRequestPlacedByAnotherSchedulerIsJudgedByTheViewsHolder() {
        // S's request was placed before this scheduler ever ran (another scheduler, or the core for a
        // waiting player): the view says S holds it, so a fresh scheduler rescues it from F, the fastest
        // free source, and never asks H, which has no free slot.
        String dsl = """
                deadline         300
                peer S 0 2000ms  r
                peer F 1 50ms    x
                peer H 0 100ms   x
                live
                """;
        assertThat(schedule(new DeadlineScheduler(1), dsl)).containsExactly("0@F");
        assertThat(schedule(new DeadlineScheduler(1), dsl.replace("2000ms", "100ms")))
                .as("the holder (100 ms per piece, 200 ms with this request) makes the deadline: no duplicate")
                .isEmpty();
    }

    @Test
    void aLatePieceIsRescuedByAnyFasterSource() {
        assertThat(schedule(new DeadlineScheduler(1), """
                deadline         -300
                peer S 0 2000ms  r
                peer F 1 900ms   x
                live
                """)).containsExactly("0@F");
    }

    @Test
    void rescuesGoInDeadlineOrderWithTheFreshCriticalPieces() {
        assertThat(schedule(new DeadlineScheduler(1), """
                deadline         300 100 200
                peer S 0 2000ms  .r.
                peer F 2 50ms    xxx
                live
                """)).containsExactly("1@F", "2@F");
    }

    // ---- window, live and files

    @Test
    void looksOnlyAtTheWindowOfALiveStream() {
        // The view throws on any read below 'first', so merely finishing proves the window was respected.
        TestSwarmView view = SwarmViews.parse("""
                verified  #### ....
                avail     1111 2111
                deadline  . . . . . 400 . 100
                peer A 9  xxxx xxxx
                playhead  2
                first     4
                live
                """);
        RecordingSink sink = new RecordingSink(view);

        new DeadlineScheduler(1).schedule(view, sink);

        assertThat(sink.requests()).as("deadlines 7, 5; then 4, in the lagging playhead's window (from 4 to 5); "
                + "then rarest").containsExactly("7@A", "5@A", "4@A", "6@A");
    }

    @Test
    void anEmptyWindowAsksNothing() {
        assertThat(schedule(new DeadlineScheduler(1), """
                avail     11
                peer A 9  xx
                first     2
                live
                """)).isEmpty();
    }

    @Test
    void aLiveStreamGetsNoEndgameButAFileDoes() {
        String file = """
                peer A 1  r.
                peer B 2  xx
                """;
        assertThat(schedule(new DeadlineScheduler(1), file)).as("all fresh pieces asked: endgame")
                .containsExactly("1@B", "0@B");
        assertThat(schedule(new DeadlineScheduler(1), file + "live")).containsExactly("1@B");
    }

    @Test
    void noEndgameWhileAFreshPieceFoundNoSource() {
        assertThat(schedule(new DeadlineScheduler(1), """
                peer A 0  r.x
                peer B 2  xx.
                peer C 0  ..x
                """)).as("piece 2 could not be asked: B's slot does not go to a duplicate").containsExactly("1@B");
    }

    @Test
    void asksNothingWhenThereIsNothingToAsk() {
        DeadlineScheduler scheduler = new DeadlineScheduler(1);
        assertThat(schedule(scheduler, "verified ####\npeer A 3 xxxx\nplayhead 0")).as("all verified").isEmpty();
        assertThat(schedule(scheduler, "peer A 0 xxxx\nplayhead 0\ndeadline 1/piece")).as("no free slot").isEmpty();
        assertThat(schedule(scheduler, "avail 1111\npeer A 3 ....\nplayhead 0")).as("unassigned").isEmpty();
        assertThat(schedule(scheduler, "inflight 2222\npeer A 3 xxxx\ndeadline 1/piece\nplayhead 0"))
                .as("all in flight twice").isEmpty();
    }

    // ---- rarest first with the rest, and without a player

    @Test
    void leftoverCapacityGoesRarestFirstWithARandomTieBreak() {
        String dsl = """
                avail     9 2121 121
                deadline  0 . . . . . . .
                peer A 4  x xxxx xxx
                """;
        Set<String> second = new HashSet<>();
        for (long seed = 0; seed < 200; seed++) {
            List<String> requests = schedule(new DeadlineScheduler(seed), dsl);
            assertThat(requests).hasSize(4).first().isEqualTo("0@A");
            assertThat(requests.subList(1, 4)).allMatch(r -> List.of("2@A", "4@A", "5@A", "7@A").contains(r));
            second.add(requests.get(1));
        }
        assertThat(second).containsExactlyInAnyOrder("2@A", "4@A", "5@A", "7@A");
    }

    @Test
    void withoutPlayheadOrDeadlinesItAsksWhatRarestAsks() {
        for (String dsl : List.of("""
                avail     52341
                peer A 9  xxxxx
                """, """
                verified  #.....
                inflight  ..2...
                avail     111111
                peer A 9  x.rxx.
                """, """
                avail     1111
                peer A 0  rrr.
                peer B 2  xxxx
                peer C 1  x.x.
                """)) {
            for (long seed = 0; seed < 20; seed++) {
                assertThat(schedule(new DeadlineScheduler(seed), dsl)).as(dsl)
                        .isEqualTo(rarest(seed, SwarmViews.parse(dsl)));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void withoutPlayheadOrDeadlinesItAsksWhatRarestAsksOnRandomFiles(int seed) {
        Random random = new Random(seed);
        for (int round = 0; round < 40; round++) {
            int pieces = 1 + random.nextInt(300);
            int peers = 1 + random.nextInt(6);
            StringBuilder dsl = new StringBuilder("verified ");
            for (int p = 0; p < pieces; p++) {
                dsl.append(random.nextInt(4) == 0 ? '#' : '.');
            }
            dsl.append("\navail ");
            for (int p = 0; p < pieces; p++) {
                dsl.append(Character.forDigit(random.nextInt(36), 36));
            }
            boolean plenty = random.nextBoolean();
            for (int i = 0; i < peers; i++) {
                dsl.append("\npeer P").append(i).append(' ').append(plenty ? 2 * pieces : random.nextInt(20)).append(' ');
                for (int p = 0; p < pieces; p++) {
                    dsl.append(dsl.charAt(9 + p) == '.' && random.nextInt(3) > 0 ? 'x' : '.');
                }
            }
            List<String> rarest = rarest(round, SwarmViews.parse(dsl.toString()));
            List<String> deadline = schedule(new DeadlineScheduler(round), dsl.toString());

            assertThat(rarest.size()).isGreaterThanOrEqualTo(deadline.size());
            assertThat(rarest.subList(0, deadline.size()))
                    .as("rarest asks the same fresh pieces first, then maybe duplicates").isEqualTo(deadline);
            if (plenty) {
                assertThat(deadline).as("with every fresh piece asked, the endgames match too").isEqualTo(rarest);
            }
        }
    }

    private static List<String> rarest(long seed, TestSwarmView view) {
        RecordingSink sink = new RecordingSink(view);
        new RarestFirstScheduler(seed).schedule(view, sink);
        return sink.requests();
    }

    // ---- playing through a swarm

    /**
     * A player reads one piece per round (250 ms); the fast peer delivers everything asked of it each
     * round, the slow one nothing. Pieces the slow peer was given are rescued before the player needs
     * them: the player never stalls, and no piece ever has more than two requests.
     */
    @Test
    void aPlayerNeverStallsWhenASlowPeerHoldsPiecesItNeedsSoon() {
        int pieces = 40;
        TestSwarmView view = SwarmViews.parse("deadline 250/piece\n"
                + "peer Slow 4 4000ms " + "x".repeat(pieces) + "\n"
                + "peer Fast 2 100ms  " + "x".repeat(pieces) + "\n"
                + "playhead 0\n");
        RecordingSink sink = new RecordingSink(view);
        DeadlineScheduler scheduler = new DeadlineScheduler(1);
        int stalls = 0;
        int maxInFlight = 0;
        List<Integer> rescued = new ArrayList<>();
        for (int round = 0; round < 200 && view.playhead() >= 0; round++) {
            int before = sink.accepted().size();
            scheduler.schedule(view, sink);
            for (RecordingSink.Request r : sink.accepted().subList(before, sink.accepted().size())) {
                if (r.peer().equals("Fast") && view.requested(r.piece(), "Slow")) {
                    rescued.add(r.piece());
                }
            }
            maxInFlight = Math.max(maxInFlight, IntStream.range(0, pieces).map(view::inFlight).max().orElse(0));
            for (int p = 0; p < pieces; p++) {
                if (view.requested(p, "Fast")) {
                    view.verify(p);
                }
            }
            int playhead = view.playhead();
            if (view.verified(playhead)) {
                view.playhead(playhead + 1 < pieces ? playhead + 1 : -1);
            } else {
                stalls++;
            }
        }

        assertThat(view.playhead()).as("played to the end").isEqualTo(-1);
        assertThat(stalls).isZero();
        assertThat(rescued).as("pieces first given to the slow peer were fetched again from the fast one")
                .isNotEmpty();
        assertThat(maxInFlight).isLessThanOrEqualTo(2);
    }
}
