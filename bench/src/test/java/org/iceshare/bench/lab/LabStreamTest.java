package org.iceshare.bench.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The streaming scenario's player model on piece arrival times, and its uplinks in units of the bitrate. */
class LabStreamTest {

    /** Packet k ends at byte 100·(k+1) and plays at k seconds: with 100-byte pieces, piece k holds packet k. */
    private static final LabStream.MediaIndex INDEX = new LabStream.MediaIndex(new long[] {100, 200, 300, 400, 500},
            new double[] {0, 1, 2, 3, 4}, 5);

    @Test
    void aPieceLaterThanItsMediaTimeStallsPlaybackByTheDifferenceAndPlaybackResumesFromThere() {
        // playback starts at 0.5 s; piece 2 is needed at 2.5 s and comes at 5.0 s: one stall of 2.5 s; piece 3
        // came early (3.0 s) but is readable only after piece 2, at 5.0 s, and is needed at 6.0 s: on time
        LabStream.Player p = LabStream.modelPlayer("p", "g", new double[] {0.5, 0.6, 5.0, 3.0, 6.9}, 100, INDEX);
        assertThat(p.firstFrame()).isEqualTo(0.5);
        assertThat(p.stalls()).isEqualTo(1);
        assertThat(p.stallSeconds()).isCloseTo(2.5, within(1e-9));
        assertThat(p.continuity()).isCloseTo(5 / 7.5, within(1e-9));
    }

    @Test
    void piecesInTimeDoNotStall() {
        LabStream.Player p = LabStream.modelPlayer("p", "g", new double[] {1.0, 1.1, 1.2, 1.3, 1.4}, 100, INDEX);
        assertThat(p.firstFrame()).isEqualTo(1.0);
        assertThat(p.stalls()).isZero();
        assertThat(p.continuity()).isEqualTo(1.0);
    }

    @Test
    void theFirstFrameWaitsForEveryPieceBeforeTheFirstPacketsEnd() {
        // the first packet ends in the second piece: the first frame needs both
        LabStream.MediaIndex late = new LabStream.MediaIndex(new long[] {150, 250}, new double[] {0, 1}, 2);
        LabStream.Player p = LabStream.modelPlayer("p", "g", new double[] {0.2, 0.9, 1.0}, 100, late);
        assertThat(p.firstFrame()).isEqualTo(0.9);
    }

    @Test
    void uplinksAreReadAsMultiplesOfTheBitrate() {
        LabProfile mib = LabProfile.of("heterogeneous", 25, 0, 1.5, 0, 1);
        LabProfile scaled = LabStream.scaled(mib, 1000);
        assertThat(scaled.source().upload()).isCloseTo(1500, within(1e-9));
        assertThat(scaled.peers()).extracting(LabProfile.Link::upload).containsOnly(4000.0, 1500.0, 500.0);
        assertThat(scaled.peers()).extracting(LabProfile.Link::address)
                .containsExactlyElementsOf(mib.peers().stream().map(LabProfile.Link::address).toList());
        assertThat(scaled.groups()).containsExactly("4·b", "1.5·b", "0.5·b");
        assertThat(scaled.capacity() / (25 * 1000.0)).as("(u_s+Σu)/(N·b)").isCloseTo(1.74, within(1e-9));
    }
}
