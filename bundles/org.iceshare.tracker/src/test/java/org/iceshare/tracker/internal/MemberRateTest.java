package org.iceshare.tracker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.iceshare.api.swarm.Bitfield;
import org.iceshare.api.swarm.PeerId;
import org.junit.jupiter.api.Test;

/** A member's measured upload: bytes the members it served verified, per second of the time it was serving. */
class MemberRateTest {
    private static final long MS = 1_000_000L;

    private static Member member() {
        ClientSession s = new ClientSession(null);
        s.id = PeerId.random();
        return new Member(s, Member.Held.of(new Bitfield(8)), Member.Held.of(new Bitfield(8)),
                Member.Held.of(new Bitfield(8)), false);
    }

    @Test
    void idleTimeDoesNotCountOnlyServingTimeDoes() {
        Member m = member();
        // serves one 1 MB piece from 0 to 500 ms, then idles 1.5 s: 2 MB/s, not 0.5 MB/s
        m.serve(1_000_000, 0);
        m.served(1_000_000, 500 * MS);
        m.delivered(1_000_000);
        m.sampleRate(2_000 * MS);
        assertThat(m.measuredRate).isCloseTo(2_000_000, within(1.0));
        assertThat(m.serving).isZero();
        assertThat(m.servingBytes).isZero();
    }

    @Test
    void parallelAssignmentsCountOnceInTime() {
        Member m = member();
        // two pieces of 1 MB served side by side over one second: 2 MB/s
        m.serve(1_000_000, 0);
        m.serve(1_000_000, 0);
        assertThat(m.servingBytes).isEqualTo(2_000_000);
        m.served(1_000_000, 900 * MS);
        m.delivered(1_000_000);
        m.served(1_000_000, 1_000 * MS);
        m.delivered(1_000_000);
        m.sampleRate(1_000 * MS);
        assertThat(m.measuredRate).isCloseTo(2_000_000, within(1.0));
    }

    @Test
    void servingTimeWithoutADeliveryCarriesToTheNextSample() {
        Member m = member();
        m.serve(3_000_000, 0);
        m.sampleRate(1_000 * MS);
        assertThat(m.measuredRate).as("nothing delivered yet: not measured").isZero();
        m.served(3_000_000, 3_000 * MS);
        m.delivered(3_000_000);
        m.sampleRate(3_000 * MS);
        assertThat(m.measuredRate).isCloseTo(1_000_000, within(1.0));
    }

    @Test
    void laterSamplesAreSmoothed() {
        Member m = member();
        m.serve(1_000_000, 0);
        m.served(1_000_000, 1_000 * MS);
        m.delivered(1_000_000);
        m.sampleRate(1_000 * MS);
        m.serve(4_000_000, 1_000 * MS);
        m.served(4_000_000, 2_000 * MS);
        m.delivered(4_000_000);
        m.sampleRate(2_000 * MS);
        assertThat(m.measuredRate).isCloseTo(1_000_000 * 0.7 + 4_000_000 * 0.3, within(1.0));
    }

    @Test
    void aServerThatDeliversNothingForLongMeasuresLessAndLess() {
        Member m = member();
        m.serve(1_000_000, 0);
        m.served(1_000_000, 1_000 * MS);
        m.delivered(1_000_000);
        m.sampleRate(1_000 * MS);
        m.serve(1_000_000, 1_000 * MS);
        m.sampleRate(12_000 * MS);
        assertThat(m.measuredRate).isCloseTo(700_000, within(1.0));
        m.servedNone(13_000 * MS);
        assertThat(m.serving).isZero();
    }

    @Test
    void servingSlotsFollowTheMeasuredUploadOnceThereIsOne() {
        Member slow = member();
        Member fast = member();
        int piece = 256 * 1024;
        assertThat(slow.servingSlots(piece, 12)).as("not measured: the declared cap (none) allows all").isEqualTo(12);
        // 0.5 MiB/s moves 2 pieces a second, plus one to let a low measurement grow
        slow.serve(piece, 0);
        slow.served(piece, 500 * MS);
        slow.delivered(piece);
        slow.sampleRate(500 * MS);
        assertThat(slow.servingSlots(piece, 12)).isEqualTo(3);
        // 4 MiB/s fills all 12
        fast.serve(piece, 0);
        fast.served(piece, 62 * MS);
        fast.delivered(piece);
        fast.sampleRate(62 * MS);
        assertThat(fast.servingSlots(piece, 12)).isEqualTo(12);
    }
}
