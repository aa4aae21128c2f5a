package org.iceshare.core.internal.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PieceInfo;
import org.junit.jupiter.api.Test;

/**
 * A joiner hears the pieces from the newest start point first and the older ones of the window after
 * (for start bursts): the window takes a piece below its first while it ends within the window's time
 * span, and refuses one that ends before it.
 */
class LiveWindowTest {
    /** 1 s pieces; piece i covers [i s, i+1 s). */
    private static PieceInfo piece(int i) {
        return new PieceInfo(i, 0, 10, new byte[32], i * 1_000_000L, (i + 1) * 1_000_000L, true, 0);
    }

    @Test
    void takesOlderPiecesWithinItsTimeSpanOnly() {
        Manifest m = Manifest.live(ContentId.random(), "radio.ogg", "audio/ogg", "ogg", "sha-256", 10_000_000L);
        LiveWindow w = new LiveWindow(m);
        for (int i = 20; i < 25; i++) {
            assertThat(w.announce(piece(i), 1)).isTrue();
        }
        // the newest ends at 25 s: the window keeps what ends at 15 s or later
        assertThat(w.announce(piece(16), 1)).as("ends at 17 s, within the window").isTrue();
        assertThat(w.announce(piece(14), 1)).as("ends at 15 s, the window's edge").isTrue();
        assertThat(w.announce(piece(13), 1)).as("ends at 14 s, before the window").isFalse();
        assertThat(w.announce(piece(16), 1)).as("known already").isFalse();
        assertThat(w.firstPiece()).isEqualTo(14);
        assertThat(w.end()).isEqualTo(25);
        assertThat(w.evict()).as("nothing announced is older than the window").isEqualTo(14);
    }
}
