package org.iceshare.scheduler.deadline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.swarm.ContentId;
import org.iceshare.testkit.RecordingSink;
import org.iceshare.testkit.SwarmViews;
import org.iceshare.testkit.TestSwarmView;
import org.junit.jupiter.api.Test;

/**
 * The work of one call, counted as view reads through {@link CountingView} (each element read from a
 * source list counts too), stays flat as the swarm grows from 10 to 1000 peers over a fixed window; and
 * one instance serves many swarms, concurrently, with bounded state.
 */
class DeadlineSchedulerCostTest {

    private static final int WINDOW = 64;

    /**
     * A file of {@link #WINDOW} pieces, played from piece 0 with a deadline every 100 ms (so 31 pieces
     * are critical), where every peer is a source of every piece, in peer order. Peers 4..7 have
     * {@code freeSlots} free slots each and deliver in 50..80 ms; every other peer is busy and slow.
     */
    private static TestSwarmView swarm(int peers, int freeSlots) {
        StringBuilder dsl = new StringBuilder("deadline 100/piece\nplayhead 0\n");
        String cells = "x".repeat(WINDOW);
        for (int i = 0; i < peers; i++) {
            boolean free = i >= 4 && i < 8;
            dsl.append("peer P").append(i).append(' ').append(free ? freeSlots : 0).append(' ')
                    .append(free ? 50 + 10 * (i - 4) : 5000).append("ms ").append(cells).append('\n');
        }
        return SwarmViews.parse(dsl.toString());
    }

    private record Run(long calls, List<String> requests) {
    }

    private static Run run(TestSwarmView view) {
        CountingView counting = new CountingView(view);
        RecordingSink sink = new RecordingSink(view);
        new DeadlineScheduler(1).schedule(counting, sink);
        return new Run(counting.calls(), sink.requests());
    }

    @Test
    void workPerCallDoesNotGrowWithThePeersForAFixedWindow() {
        Run ten = run(swarm(10, 4));
        Run hundred = run(swarm(100, 4));
        Run thousand = run(swarm(1000, 4));

        assertThat(thousand.requests()).as("the same 16 slots are used, the same way").hasSize(16)
                .isEqualTo(hundred.requests()).isEqualTo(ten.requests());
        assertThat(thousand.calls()).as("beyond the first 16 sources nothing more is read")
                .isEqualTo(hundred.calls());
        assertThat(thousand.calls()).as("1000 peers vs 10: %d vs %d view reads", thousand.calls(), ten.calls())
                .isLessThanOrEqualTo(2 * ten.calls());
        assertThat(thousand.calls()).as("a small constant per piece of the window")
                .isLessThanOrEqualTo(60L * WINDOW);
    }

    @Test
    void workPerCallStaysLinearInTheWindowWhenEveryPeerHasRoom() {
        // Now every one of the first 8 peers can take every piece: all 64 pieces get asked, then the
        // endgame duplicates each once. More requests, but still a constant per piece.
        Run ten = run(swarm(10, WINDOW));
        Run thousand = run(swarm(1000, WINDOW));

        assertThat(thousand.requests()).hasSize(2 * WINDOW).isEqualTo(ten.requests());
        assertThat(thousand.calls()).isLessThanOrEqualTo(2 * ten.calls()).isLessThanOrEqualTo(60L * WINDOW);
    }

    @Test
    void aSecondCallOnABusySwarmReadsEachPieceAFewTimesAndTheCriticalSourcesOnce() {
        TestSwarmView view = swarm(1000, 4);
        RecordingSink sink = new RecordingSink(view);
        DeadlineScheduler scheduler = new DeadlineScheduler(1);
        scheduler.schedule(view, sink);
        CountingView counting = new CountingView(view);

        scheduler.schedule(counting, sink);

        assertThat(sink.requests()).as("every free slot is taken: nothing more to ask").hasSize(16);
        // per piece: verified, inFlight, deadlineMillis, sources; the 16 in flight are rescue candidates
        // reading 16 sources (free slots, expected times).
        assertThat(counting.calls()).isLessThanOrEqualTo(5L * WINDOW + 16L * (3 * DeadlineScheduler.MAX_SOURCES + 3)
                + 48L * (2 * DeadlineScheduler.MAX_SOURCES + 2));
    }

    @Test
    void keepsNothingBetweenCallsSoManySwarmsCostNoMemoryAndDecideAsAFreshOne() {
        DeadlineScheduler used = new DeadlineScheduler(1);
        for (int swarm = 0; swarm < 500; swarm++) {
            TestSwarmView view = SwarmViews.parse("deadline 100/piece\nplayhead 0\npeer A 1 10ms xx");
            used.schedule(new CountingView(view, content(swarm)), new RecordingSink(view));
        }
        String dsl = """
                deadline        1000
                peer A 0 5000ms r
                peer B 1 60ms   x
                peer C 1 70ms   x
                live
                """;
        TestSwarmView a = SwarmViews.parse(dsl);
        TestSwarmView b = SwarmViews.parse(dsl);
        RecordingSink afterMany = new RecordingSink(a);
        RecordingSink fresh = new RecordingSink(b);

        used.schedule(new CountingView(a, content(-1)), afterMany);
        new DeadlineScheduler(1).schedule(new CountingView(b, content(-1)), fresh);

        assertThat(afterMany.requests()).as("A holds piece 0 and is late: rescued from B").containsExactly("0@B")
                .isEqualTo(fresh.requests());
    }

    @Test
    void oneInstanceServesManySwarmsConcurrently() throws Exception {
        DeadlineScheduler scheduler = new DeadlineScheduler();
        String dsl = """
                avail     1234 5678 9abc
                deadline  . . 100 . 300 . . . . . . .
                peer A 3 200ms  xxxx xxxx xxxx
                peer B 4 40ms   xxxx xxxx xxxx
                playhead  1
                """;
        List<String> expected = new ArrayList<>();
        TestSwarmView reference = SwarmViews.parse(dsl);
        RecordingSink referenceSink = new RecordingSink(reference);
        scheduler.schedule(reference, referenceSink);
        expected.addAll(referenceSink.requests());
        assertThat(expected).hasSize(7).startsWith("2@B", "4@B");

        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Void>> swarms = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                ContentId content = content(t);
                swarms.add(() -> {
                    for (int call = 0; call < 300; call++) {
                        TestSwarmView view = SwarmViews.parse(dsl);
                        RecordingSink sink = new RecordingSink(view);
                        scheduler.schedule(new CountingView(view, content), sink);
                        assertThat(sink.requests()).isEqualTo(expected);
                    }
                    return null;
                });
            }
            for (Future<Void> f : pool.invokeAll(swarms, 60, TimeUnit.SECONDS)) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static ContentId content(int swarm) {
        return ContentId.parse(String.format("%032x", swarm & 0xffffffffL));
    }
}
