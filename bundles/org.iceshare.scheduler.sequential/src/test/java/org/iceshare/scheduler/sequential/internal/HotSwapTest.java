package org.iceshare.scheduler.sequential.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.iceshare.api.scheduler.PieceScheduler;
import org.iceshare.scheduler.rarest.internal.RarestFirstScheduler;
import org.iceshare.testkit.RecordingSink;
import org.iceshare.testkit.SwarmViews;
import org.iceshare.testkit.TestSwarmView;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * Swapping schedulers mid-transfer loses nothing: the core owns the state, so the new scheduler
 * picks up where the old one stopped. Rarest runs a few rounds, sequential takes over on the same
 * view; each round half the pieces in flight arrive.
 */
class HotSwapTest {

    private static final String SWARM = """
            verified  #...............
            avail     3121312213112321
            peer A 3  xxxxx.xxxx.xxx.x
            peer B 3  xx.xxxxxxx.xx.xx
            peer C 2  ...xxxxx..xx.xxx
            playhead  5
            """;

    @RepeatedTest(10)
    void swappingRarestForSequentialMidTransferLosesNothingAndRepeatsNothing(RepetitionInfo repetition) {
        TestSwarmView view = SwarmViews.parse(SWARM);
        RecordingSink sink = new RecordingSink(view);
        Set<Integer> missing = IntStream.range(0, view.pieceCount()).filter(p -> !view.verified(p)).boxed()
                .collect(Collectors.toCollection(TreeSet::new));

        run(new RarestFirstScheduler(repetition.getCurrentRepetition()), view, sink, 2);
        int byRarest = sink.accepted().size();
        assertThat(IntStream.range(0, view.pieceCount()).map(view::inFlight).sum())
                .as("the swap happens with requests in flight").isPositive();

        Set<Integer> asked = IntStream.range(0, view.pieceCount()).filter(p -> view.inFlight(p) > 0).boxed()
                .collect(Collectors.toSet());
        SequentialScheduler sequential = new SequentialScheduler();
        sequential.schedule(view, sink);
        List<Boolean> duplicate = sink.accepted().subList(byRarest, sink.accepted().size()).stream()
                .map(r -> !asked.add(r.piece())).toList();
        assertThat(duplicate).as("right after the swap, sequential asks every fresh piece it can before it "
                + "duplicates one in flight (from rarest or from itself)").contains(false).isSorted();

        int rounds = run(sequential, view, sink, 100);

        assertThat(rounds).as("sequential finished the transfer").isLessThan(100);
        assertThat(view.missing()).isZero();
        assertThat(sink.accepted().size()).as("sequential placed requests too").isGreaterThan(byRarest);
        assertThat(sink.requests()).as("no piece asked twice of the same peer").doesNotHaveDuplicates();
        assertThat(sink.accepted().stream().map(RecordingSink.Request::piece).collect(Collectors.toSet()))
                .as("every missing piece was requested").isEqualTo(missing);
        assertThat(sink.refused()).as("the schedulers only ever bumped into the endgame's unknown peer")
                .allMatch(r -> r.endsWith(": already requested from this peer"));
    }

    /**
     * Runs up to {@code max} rounds: schedule, then the lower half of the pieces in flight arrive,
     * so every round frees several slots. Returns the rounds run.
     */
    private static int run(PieceScheduler scheduler, TestSwarmView view, RecordingSink sink, int max) {
        int round = 0;
        while (round < max && view.missing() > 0) {
            scheduler.schedule(view, sink);
            int[] inFlight = IntStream.range(0, view.pieceCount()).filter(p -> view.inFlight(p) > 0).toArray();
            for (int i = 0; i < (inFlight.length + 1) / 2; i++) {
                view.verify(inFlight[i]);
            }
            round++;
        }
        return round;
    }
}
