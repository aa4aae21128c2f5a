package org.iceshare.core.internal.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;

import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PieceInfo;
import org.iceshare.core.internal.storage.Pieces;
import org.junit.jupiter.api.Test;

/** The live catch-up rule and what a skip does to the playback figures, without a swarm. */
class LiveCatchUpTest {
    /** 100 ms pieces, a start point every 10th (1 s), 60 s announced. */
    private static final int PIECE_MICROS = 100_000;
    private static final int END = 600;
    private static final long MAX_LAG = 8_000_000;

    private final Set<Integer> here = new HashSet<>();
    private final Set<Integer> headers = new HashSet<>(Set.of(0));
    private int link1From = Integer.MAX_VALUE;

    private final Pieces window = new Pieces() {
        @Override
        public Manifest manifest() {
            throw new UnsupportedOperationException();
        }

        @Override
        public PieceInfo info(int piece) {
            if (piece < 0 || piece >= END) {
                return null;
            }
            return new PieceInfo(piece, piece * 1000L, 1000, new byte[32], (long) piece * PIECE_MICROS,
                    (long) (piece + 1) * PIECE_MICROS, piece % 10 == 0, piece >= link1From ? 1 : 0);
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
            return false;
        }

        @Override
        public void close() {
        }
    };

    private int target(int from) {
        return Playback.catchUpTarget(window, from, END, headers::contains, MAX_LAG);
    }

    private void have(int from, int to) {
        for (int p = from; p < to; p++) {
            here.add(p);
        }
    }

    @Test
    void aPeerWithinTheMaxLagKeepsFetchingInOrder() {
        // the first missing piece is 7.9 s of media behind the newest (piece 599 starts at 59.9 s)
        have(400, 520);
        assertThat(target(400)).isEqualTo(-1);
    }

    @Test
    void aPeerFurtherBehindSkipsToTheNewestStartPoint() {
        // pieces 400..509 here, 510 missing: 510 starts 8.9 s before the newest piece
        have(400, 510);
        assertThat(target(400)).isEqualTo(590);
    }

    @Test
    void whatIsHereDoesNotCountAsLag() {
        // the peer holds everything up to the edge but one piece near it
        have(0, 595);
        assertThat(target(0)).isEqualTo(-1);
        have(595, END);
        assertThat(target(0)).as("nothing missing").isEqualTo(-1);
    }

    @Test
    void itSkipsOnlyToAStartPointWhoseHeadersAreHere() {
        link1From = 560;
        assertThat(target(100)).as("link 1 headers missing: the newest start point of link 0").isEqualTo(550);
        headers.add(1);
        assertThat(target(100)).isEqualTo(590);
    }

    @Test
    void aZeroMaxLagTurnsSkippingOff() {
        assertThat(Playback.catchUpTarget(window, 0, END, headers::contains, 0)).isEqualTo(-1);
    }

    @Test
    void skippedPiecesCountAsLateAndTheSkipIsCounted() {
        long joined = 1_000_000_000L;
        Playback playback = new Playback(window, headers::contains, joined);
        playback.start(100);
        here.add(100);
        playback.arrived(100, joined + 200_000_000L, -1);
        assertThat(playback.started()).isTrue();
        // 10 pieces (1 s) played on time, then nothing more arrives
        have(101, 110);
        for (int p = 101; p < 110; p++) {
            playback.arrived(p, joined + 200_000_000L, -1);
        }
        long now = joined + 3_150_000_000L; // 2.95 s after the anchor: pieces 100..119 are due (1 s buffer)
        playback.count(now, END);
        assertThat(playback.quality(true).piecesDue()).isEqualTo(20);
        assertThat(playback.quality(true).piecesLate()).isEqualTo(10);

        playback.skipTo(500, now);

        var q = playback.quality(true);
        assertThat(q.skips()).isEqualTo(1);
        assertThat(q.piecesDue()).as("every piece up to the target counted").isEqualTo(400);
        assertThat(q.piecesLate()).as("the 380 skipped pieces are missed").isEqualTo(390);
        assertThat(q.continuity()).isCloseTo(10.0 / 400, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(playback.floor()).isEqualTo(500);
        assertThat(playback.deadlineMillis(499, now)).as("skipped: no longer wanted").isEqualTo(Long.MAX_VALUE);
        assertThat(playback.started()).as("the target is not here yet: the player rebuffers").isFalse();
        assertThat(playback.played()).as("but it played: it may skip again while it waits").isTrue();

        // the target arrives: playback re-anchors there, on time from then on
        here.add(500);
        playback.arrived(500, now + 100_000_000L, -1);
        assertThat(playback.started()).isTrue();
        assertThat(playback.deadlineMillis(510, now + 100_000_000L)).isEqualTo(2_000);
        playback.skipTo(400, now);
        assertThat(playback.quality(true).skips()).as("never backwards").isEqualTo(1);
    }
}
