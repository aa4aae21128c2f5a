package com.example.planner.inorder.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.iceshare.testkit.TestPlan;
import org.junit.jupiter.api.Test;

class InOrderPlannerTest {
    private final InOrderPlanner planner = new InOrderPlanner();

    @Test
    void piecesComeInIndexOrder() {
        TestPlan plan = TestPlan.parse("""
                member S source xxxxx
                member A        ..x.x
                member C        .....
                """);
        assertThat(planner.order(plan, plan.member("C"), plan.wanted("C"))).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void theHolderWithTheFewestBytesQueuedServes() {
        TestPlan plan = TestPlan.parse("""
                member S source          x
                member A serving 3/8     x
                member B serving 1/8     x
                member C                 .
                """);
        assertThat(planner.server(plan.choice("C", 0))).isSameAs(plan.member("B"));
    }

    @Test
    void theSourceServesOnlyWhereNobodyElseCanNowOrSoon() {
        TestPlan alone = TestPlan.parse("""
                member S source x
                member C        .
                """);
        assertThat(planner.server(alone.choice("C", 0))).isSameAs(alone.member("S"));
        TestPlan busy = TestPlan.parse("""
                member S source          x
                member A serving 4/4     x
                member C                 .
                """);
        assertThat(planner.server(busy.choice("C", 0))).isNull();
        assertThat(planner.server(busy.choice("C", 0, true))).as("a player waits").isSameAs(busy.member("S"));
    }
}
