package org.iceshare.core.internal.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PieceInfo;
import org.iceshare.core.internal.storage.Pieces;
import org.junit.jupiter.api.Test;

/** The playback clock of a file streamed from its start, without a swarm. */
class PlaybackTest {
    /** A header piece, then data pieces of 2 s each (start points). */
    private static final List<PieceInfo> PIECES = List.of(
            new PieceInfo(0, 0, 4096, new byte[32], 0, 0, false, 0),
            new PieceInfo(1, 4096, 30_000, new byte[32], 0, 2_000_000, true, 0),
            new PieceInfo(2, 34_096, 30_000, new byte[32], 2_000_000, 4_000_000, true, 0),
            new PieceInfo(3, 64_096, 30_000, new byte[32], 4_000_000, 6_000_000, true, 0));

    private final Set<Integer> here = new HashSet<>();
    private final Pieces pieces = new Pieces() {
        @Override
        public Manifest manifest() {
            throw new UnsupportedOperationException();
        }

        @Override
        public PieceInfo info(int piece) {
            return piece >= 0 && piece < PIECES.size() ? PIECES.get(piece) : null;
        }

        @Override
        public boolean has(int piece) {
            return here.contains(piece);
        }

        @Override
        public ByteBuffer read(int piece) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void write(int piece, ByteBuffer bytes) {
            here.add(piece);
        }

        @Override
        public int verifiedCount() {
            return here.size();
        }

        @Override
        public boolean isComplete() {
            return here.size() == PIECES.size();
        }

        @Override
        public void close() {
        }
    };

    private final long joined = 1_000_000_000L;
    private final Playback playback = new Playback(pieces, link -> here.contains(0), joined);

    @Test
    void beforePlaybackStartsAPieceIsNeededItsMediaTimeAfterTheStart() {
        playback.start(1);
        assertThat(playback.deadlineMillis(1, joined)).isZero();
        assertThat(playback.deadlineMillis(2, joined)).isEqualTo(2_000);
        assertThat(playback.deadlineMillis(3, joined)).isEqualTo(4_000);
        assertThat(playback.deadlineMillis(0, joined)).as("before the start piece").isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void theStartPieceBeforeItsHeadersStartsPlaybackWhenTheHeadersCome() {
        playback.start(1);
        here.add(1);
        playback.arrived(1, joined + 300_000_000L, -1);
        assertThat(playback.quality(true).startupMillis()).as("no headers yet: nothing decodable").isEqualTo(-1);

        here.add(0);
        playback.arrived(0, joined + 500_000_000L, -1);

        assertThat(playback.quality(true).startupMillis()).isEqualTo(500);
        // anchored at 500 ms with a 1 s buffer: piece 2 (2 s of media later) is due 3.5 s after joining
        assertThat(playback.deadlineMillis(2, joined + 500_000_000L)).isEqualTo(3_000);
    }

    @Test
    void headersFirstThenTheStartPiece() {
        playback.start(1);
        here.add(0);
        playback.arrived(0, joined + 100_000_000L, -1);
        assertThat(playback.quality(true).startupMillis()).isEqualTo(-1);
        here.add(1);
        playback.arrived(1, joined + 400_000_000L, -1);
        assertThat(playback.quality(true).startupMillis()).isEqualTo(400);
    }
}
