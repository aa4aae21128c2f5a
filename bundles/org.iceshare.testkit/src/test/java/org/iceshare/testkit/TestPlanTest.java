package org.iceshare.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.iceshare.api.planner.ServerChoice;
import org.junit.jupiter.api.Test;

class TestPlanTest {

    @Test
    void parsesMembersPiecesAndOptions() {
        TestPlan plan = TestPlan.parse("""
                length 1000                                  // small pieces
                member S source cap 4M             xxxx
                member A serving 2/3 rate 512K     xx..
                member C playhead 2 window 8 assigned 1 ....
                seeding 1...
                """);
        assertThat(plan.pieceCount()).isEqualTo(4);
        assertThat(plan.live()).isFalse();
        assertThat(plan.piece(0).holders()).isEqualTo(2);
        assertThat(plan.piece(2).holders()).isEqualTo(1);
        assertThat(plan.piece(0).seeding()).isEqualTo(1);
        assertThat(plan.piece(4)).isNull();
        assertThat(plan.member("S").source()).isTrue();
        assertThat(plan.member("S").uploadCap()).isEqualTo(4L << 20);
        assertThat(plan.member("A").measuredUploadRate()).isEqualTo(512 * 1024.0);
        assertThat(plan.member("A").servingBytes()).isEqualTo(2000);
        assertThat(plan.member("A").slots(1000)).isEqualTo(3);
        assertThat(plan.member("C").playhead()).isEqualTo(2);
        assertThat(plan.member("C").window()).isEqualTo(8);
        assertThat(plan.member("C").assigned()).isEqualTo(1);
        assertThat(plan.members()).hasSize(3);
        assertThat(plan.wanted("A")).containsExactly(2, 3);
    }

    @Test
    void aChoiceOffersTheHoldersWithAFreeSlotAndCountsTheBusy() {
        TestPlan plan = TestPlan.parse("""
                member S source      xx
                member A serving 4/4 x.
                member B             x.
                member C             ..
                """);
        ServerChoice c = plan.choice("C", 0, true);
        assertThat(c.free()).containsExactly(plan.member("S"), plan.member("B"));
        assertThat(c.busy()).isEqualTo(1);
        assertThat(c.urgent()).isTrue();
        assertThat(plan.choice("C", 1).free()).containsExactly(plan.member("S"));
    }

    @Test
    void refusesMalformedPictures() {
        assertThatThrownBy(() -> TestPlan.parse("member A xx\nmember B xxx")).hasMessageContaining("line 2");
        assertThatThrownBy(() -> TestPlan.parse("member A speed 3 xx")).hasMessageContaining("speed");
        assertThatThrownBy(() -> TestPlan.parse("length 10")).hasMessageContaining("no member");
        assertThatThrownBy(() -> TestPlan.parse("member A xx\nmember A xx")).hasMessageContaining("twice");
    }
}
