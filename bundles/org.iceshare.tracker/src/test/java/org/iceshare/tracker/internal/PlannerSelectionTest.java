package org.iceshare.tracker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.iceshare.api.planner.ContentView;
import org.iceshare.api.planner.MemberView;
import org.iceshare.api.planner.Planner;
import org.iceshare.api.planner.ServerChoice;
import org.junit.jupiter.api.Test;

class PlannerSelectionTest {

    private record Named(String name) implements Planner {
        @Override
        public int[] order(ContentView content, MemberView member, int[] wanted) {
            return wanted;
        }

        @Override
        public MemberView server(ServerChoice choice) {
            return null;
        }
    }

    @Test
    void theNamedPlannerElseTheHighestRankedElseNone() {
        PlannerSelection s = new PlannerSelection(" capacity ");
        assertThat(s.get()).isNull();
        Planner rarest = new Named("rarest");
        Planner other = new Named("other");
        s.add(other, "other", 0, 1);
        s.add(rarest, "rarest", 100, 2);
        assertThat(s.get()).as("capacity absent: the highest-ranked").isSameAs(rarest);
        Planner capacity = new Named("capacity");
        s.add(capacity, "capacity", 50, 3);
        assertThat(s.get()).isSameAs(capacity);
        assertThat(s.names()).containsExactly("rarest", "capacity", "other");
        s.select("other");
        assertThat(s.get()).isSameAs(other);
        s.remove(other);
        assertThat(s.get()).isSameAs(rarest);
        s.remove(rarest);
        s.remove(capacity);
        assertThat(s.get()).isNull();
        assertThat(s.selected()).isEqualTo("other");
    }
}
