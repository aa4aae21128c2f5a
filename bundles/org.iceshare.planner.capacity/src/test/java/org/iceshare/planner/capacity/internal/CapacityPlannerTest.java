package org.iceshare.planner.capacity.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.iceshare.api.planner.MemberView;
import org.iceshare.testkit.TestPlan;
import org.junit.jupiter.api.Test;

class CapacityPlannerTest {
    private final CapacityPlanner planner = new CapacityPlanner(7);

    @Test
    void theServerThatFinishesFirstServesNotTheLeastLoaded() {
        // A: (1 queued + 1) pieces at 4 MiB/s = 0.125 s; B: 1 piece at 1 MiB/s = 0.25 s
        TestPlan plan = TestPlan.parse("""
                length 262144
                member S source              x
                member A serving 1/4 rate 4M x
                member B serving 0/4 rate 1M x
                member C                     .
                """);
        assertThat(planner.server(plan.choice("C", 0))).isSameAs(plan.member("A"));
    }

    @Test
    void queuedBytesCountAgainstAFastServer() {
        // A: (3 + 1) pieces at 4 MiB/s = 0.25 s; B: 1 piece at 2 MiB/s = 0.125 s
        TestPlan plan = TestPlan.parse("""
                member A serving 3/4 rate 4M x
                member B rate 2M             x
                member C                     .
                """);
        assertThat(planner.server(plan.choice("C", 0))).isSameAs(plan.member("B"));
    }

    @Test
    void serversRelayInProportionToTheirMeasuredUpload() {
        // fill the servers' queues piece by piece, as a tracker would: A at 3 MiB/s takes three of every four
        Map<String, Integer> given = new HashMap<>();
        int servingA = 0;
        int servingB = 0;
        for (int i = 0; i < 8; i++) {
            TestPlan plan = TestPlan.parse("""
                    member A serving %d/16 rate 3M x
                    member B serving %d/16 rate 1M x
                    member C                       .
                    """.formatted(servingA, servingB));
            MemberView s = planner.server(plan.choice("C", 0));
            given.merge(s.toString(), 1, Integer::sum);
            if (s == plan.member("A")) {
                servingA++;
            } else {
                servingB++;
            }
        }
        assertThat(given).containsEntry("A", 6).containsEntry("B", 2);
    }

    @Test
    void anUnmeasuredServerFallsBackToItsCapThenTheMedian() {
        // B declared 8 MiB/s: it beats A's measured 2 MiB/s; D is neither measured nor capped: the median (2 MiB/s)
        TestPlan plan = TestPlan.parse("""
                member A rate 2M x
                member B cap 8M  x
                member C         .
                """);
        assertThat(planner.server(plan.choice("C", 0))).isSameAs(plan.member("B"));
        TestPlan median = TestPlan.parse("""
                member A serving 1/4 rate 2M x
                member D                     x
                member C                     .
                """);
        // A: 2 pieces at 2 MiB/s; D: 1 piece at the median, 2 MiB/s
        assertThat(planner.server(median.choice("C", 0))).isSameAs(median.member("D"));
    }

    @Test
    void theSourceSeedsAPieceToAStrongRelayNotAWeakOne() {
        TestPlan plan = TestPlan.parse("""
                member S source     x
                member F rate 4M    .
                member M rate 2M    .
                member W rate 512K  .
                """);
        assertThat(planner.server(plan.choice("F", 0))).isSameAs(plan.member("S"));
        assertThat(planner.server(plan.choice("M", 0))).as("the median relay").isSameAs(plan.member("S"));
        assertThat(planner.server(plan.choice("W", 0))).as("a weak relay waits for a peer to have it").isNull();
        assertThat(planner.server(plan.choice("W", 0, true))).as("unless its player waits").isSameAs(plan.member("S"));
    }

    @Test
    void aLivePieceGoesFromTheSourceToWhoeverAsksFirst() {
        TestPlan plan = TestPlan.parse("""
                live
                member S source                  x
                member A unproven serving 4/4    x
                member F rate 4M                 .
                member W rate 512K               .
                """);
        assertThat(planner.server(plan.choice("W", 0))).isSameAs(plan.member("S"));
    }

    @Test
    void theSourceSendsEachPieceOnce() {
        TestPlan seeding = TestPlan.parse("""
                member S source     x
                member F rate 4M    .
                seeding 1
                """);
        assertThat(planner.server(seeding.choice("F", 0))).isNull();
        TestPlan busy = TestPlan.parse("""
                member S source             x
                member A serving 4/4 rate 1M x
                member F rate 4M            .
                """);
        assertThat(planner.server(busy.choice("F", 0))).as("a busy holder is waited for").isNull();
        TestPlan pending = TestPlan.parse("""
                member S source                  x
                member A unproven serving 4/4    x
                member F rate 4M                 .
                """);
        assertThat(pending.choice("F", 0).pending()).isEqualTo(1);
        assertThat(planner.server(pending.choice("F", 0))).as("so is a full member that just fetched it").isNull();
    }

    @Test
    void withNothingMeasuredEveryoneIsEqual() {
        TestPlan plan = TestPlan.parse("""
                member S source  x
                member A         .
                member B         .
                """);
        assertThat(planner.server(plan.choice("A", 0))).isSameAs(plan.member("S"));
        assertThat(planner.server(plan.choice("B", 0))).isSameAs(plan.member("S"));
    }

    @Test
    void ordersAsTheClassicPlanner() {
        TestPlan plan = TestPlan.parse("""
                member S source     xxxxx
                member A            x.xx.
                member C playhead 3 .....
                member D            .....
                """);
        assertThat(planner.order(plan, plan.member("C"), plan.wanted("C"))).containsExactly(3, 4, 0, 1, 2);
        int[] rarest = planner.order(plan, plan.member("D"), plan.wanted("D"));
        assertThat(Set.of(rarest[0], rarest[1])).containsExactlyInAnyOrder(1, 4);
    }
}
