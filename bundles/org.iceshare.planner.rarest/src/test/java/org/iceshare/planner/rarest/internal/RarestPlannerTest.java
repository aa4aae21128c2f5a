package org.iceshare.planner.rarest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;

import org.iceshare.testkit.TestPlan;
import org.junit.jupiter.api.Test;

class RarestPlannerTest {
    private final RarestPlanner planner = new RarestPlanner(7);

    @Test
    void filePiecesComeRarestFirst() {
        TestPlan plan = TestPlan.parse("""
                member S source xxxxxx
                member A        x.x.x.
                member B        ..x.xx
                member C        ......
                """);
        // holders: 2 1 3 1 3 2
        int[] order = planner.order(plan, plan.member("C"), plan.wanted("C"));
        assertThat(order).hasSize(6);
        assertThat(Set.of(order[0], order[1])).containsExactlyInAnyOrder(1, 3);
        assertThat(Set.of(order[2], order[3])).containsExactlyInAnyOrder(0, 5);
        assertThat(Set.of(order[4], order[5])).containsExactlyInAnyOrder(2, 4);
    }

    @Test
    void equallyRarePiecesComeInRandomOrder() {
        TestPlan plan = TestPlan.parse("""
                member S source xxxxxxxxxxxx
                member C        ............
                """);
        Set<Integer> firsts = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            firsts.add(planner.order(plan, plan.member("C"), plan.wanted("C"))[0]);
        }
        assertThat(firsts).hasSizeGreaterThan(3);
    }

    @Test
    void aPlayerGetsPlaybackOrderFromItsPlayheadThenWrapsRound() {
        TestPlan plan = TestPlan.parse("""
                member S source          xxxxxxx
                member A                 xx.....
                member C playhead 4      .......
                """);
        assertThat(planner.order(plan, plan.member("C"), plan.wanted("C"))).containsExactly(4, 5, 6, 0, 1, 2, 3);
    }

    @Test
    void liveKeepsTheTrackersIndexOrder() {
        TestPlan plan = TestPlan.parse("""
                live
                member S source xxxxx
                member A        xx...
                member C        .....
                """);
        assertThat(planner.order(plan, plan.member("C"), plan.wanted("C"))).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void theLeastLoadedHolderPerSlotServesNotTheSource() {
        TestPlan plan = TestPlan.parse("""
                member S source             x
                member A serving 2/4        x
                member B serving 1/4        x
                member D serving 1/2        x
                member C                    .
                """);
        assertThat(planner.server(plan.choice("C", 0))).isSameAs(plan.member("B"));
    }

    @Test
    void theSourceSeedsAPieceNobodyElseHoldsOnceAtATime() {
        TestPlan first = TestPlan.parse("""
                member S source x
                member C        .
                """);
        assertThat(planner.server(first.choice("C", 0))).isSameAs(first.member("S"));
        TestPlan seeding = TestPlan.parse("""
                member S source x
                member C        .
                seeding 1
                """);
        assertThat(planner.server(seeding.choice("C", 0))).isNull();
        assertThat(planner.server(seeding.choice("C", 0, true))).as("a waiting player").isSameAs(seeding.member("S"));
    }

    @Test
    void busyHoldersAreWaitedForRatherThanTheSource() {
        TestPlan plan = TestPlan.parse("""
                member S source       x
                member A serving 4/4  x
                member C              .
                """);
        assertThat(planner.server(plan.choice("C", 0))).isNull();
        assertThat(planner.server(plan.choice("C", 0, true))).isSameAs(plan.member("S"));
    }

    @Test
    void aFullMemberThatHasServedNobodyYetIsNotWaitedFor() {
        // the tracker's rule before planners were plugins: only proven servers are worth waiting for
        TestPlan plan = TestPlan.parse("""
                member S source                x
                member A unproven serving 4/4  x
                member C                       .
                """);
        assertThat(planner.server(plan.choice("C", 0))).isSameAs(plan.member("S"));
    }
}
