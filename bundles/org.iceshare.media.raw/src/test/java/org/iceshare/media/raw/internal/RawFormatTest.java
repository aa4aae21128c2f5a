package org.iceshare.media.raw.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.iceshare.api.media.MediaFormatException;
import org.iceshare.api.media.MediaLayout;
import org.iceshare.api.media.MediaLayout.Segment;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PieceInfo;
import org.junit.jupiter.api.Test;

class RawFormatTest {

    @Test
    void probesAnyNonEmptyHeadWithTheLowestConfidence() {
        RawFormat raw = new RawFormat(RawFormat.DEFAULT_PIECE_SIZE);
        assertThat(raw.probe(ByteBuffer.wrap(new byte[] {0}))).isEqualTo(1);
        assertThat(raw.probe(ByteBuffer.wrap("RIFF....WAVE".getBytes(StandardCharsets.US_ASCII)))).isEqualTo(1);
        // Ogg content too: the Ogg format answers it with more confidence and wins
        assertThat(raw.probe(ByteBuffer.wrap("OggS\0".getBytes(StandardCharsets.US_ASCII)))).isEqualTo(1);
        assertThat(raw.probe(ByteBuffer.allocate(0))).isZero();
    }

    @Test
    void probeLooksOnlyFromThePositionAndDoesNotMoveIt() {
        RawFormat raw = new RawFormat(RawFormat.DEFAULT_PIECE_SIZE);
        ByteBuffer head = ByteBuffer.wrap(new byte[] {1, 2, 3});
        head.position(1);
        assertThat(raw.probe(head)).isEqualTo(1);
        assertThat(head.position()).isEqualTo(1);
        head.position(3);
        assertThat(raw.probe(head)).isZero();
    }

    @Test
    void cutsFixedSizePiecesWithAShorterLastOne() throws Exception {
        byte[] content = random(10_000);
        MediaLayout layout = new RawFormat(4096).layout(new ByteArrayInputStream(content));

        assertThat(layout.mediaType()).isEqualTo("application/octet-stream");
        assertThat(layout.length()).isEqualTo(10_000);
        assertThat(layout.pieces()).containsExactly(new Segment(0, 4096), new Segment(4096, 4096),
                new Segment(8192, 1808));
        assertThat(layout.headerPieces()).isZero();
        assertThat(layout.links()).singleElement().satisfies(link -> {
            assertThat(link.firstPiece()).isZero();
            assertThat(link.headerPieces()).isZero();
            assertThat(link.startMicros()).isEqualTo(-1);
        });
        assertThat(layout.pieces()).allSatisfy(s -> {
            assertThat(s.startMicros()).isEqualTo(-1);
            assertThat(s.endMicros()).isEqualTo(-1);
            assertThat(s.link()).isZero();
        });
        assertThat(layout.properties()).containsEntry("pieceSize", "4096");
    }

    @Test
    void anExactMultipleEndsOnAFullPiece() throws Exception {
        MediaLayout layout = new RawFormat(1000).layout(new ByteArrayInputStream(random(3000)));
        assertThat(layout.pieces()).extracting(Segment::length).containsExactly(1000, 1000, 1000);
    }

    @Test
    void contentShorterThanAPieceIsOnePiece() throws Exception {
        MediaLayout layout = new RawFormat(RawFormat.DEFAULT_PIECE_SIZE).layout(new ByteArrayInputStream(new byte[1]));
        assertThat(layout.pieces()).containsExactly(new Segment(0, 1));
    }

    @Test
    void readsShortReadsToTheEndWithoutClosingTheStream() throws Exception {
        boolean[] closed = {false};
        InputStream trickle = new FilterInputStream(new ByteArrayInputStream(random(70_000))) {
            @Override
            public int read(byte[] b, int off, int len) throws java.io.IOException {
                return super.read(b, off, Math.min(len, 777));
            }

            @Override
            public void close() {
                closed[0] = true;
            }
        };
        MediaLayout layout = new RawFormat(16_384).layout(trickle);
        assertThat(layout.length()).isEqualTo(70_000);
        assertThat(layout.pieces()).hasSize(5);
        assertThat(trickle.read()).isEqualTo(-1);
        assertThat(closed[0]).isFalse();
    }

    @Test
    void refusesEmptyContent() {
        assertThatThrownBy(() -> new RawFormat(RawFormat.DEFAULT_PIECE_SIZE).layout(InputStream.nullInputStream()))
                .isInstanceOfSatisfying(MediaFormatException.class, e -> {
                    assertThat(e.format()).isEqualTo("raw");
                    assertThat(e.offset()).isZero();
                    assertThat(e.getMessage()).isEqualTo("raw at byte 0: the content is empty");
                });
    }

    @Test
    void refusesContentNeedingMorePiecesThanAManifestHoldsWithoutReadingOn() throws Exception {
        RawFormat raw = new RawFormat(1);
        assertThat(raw.layout(new ByteArrayInputStream(new byte[Manifest.MAX_PIECES])).pieces())
                .hasSize(Manifest.MAX_PIECES);

        ByteArrayInputStream tooLong = new ByteArrayInputStream(new byte[Manifest.MAX_PIECES + 200_000]);
        assertThatThrownBy(() -> raw.layout(tooLong))
                .isInstanceOfSatisfying(MediaFormatException.class, e -> {
                    assertThat(e.offset()).isEqualTo(Manifest.MAX_PIECES);
                    assertThat(e.getMessage()).contains("more than 65536 pieces").contains("pieceSize");
                });
        assertThat(tooLong.available()).as("bytes left unread").isPositive();
    }

    @Test
    void pieceSizeMustFitAPiece() {
        assertThatThrownBy(() -> new RawFormat(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RawFormat(PieceInfo.MAX_LENGTH + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new RawFormat(PieceInfo.MAX_LENGTH).pieceSize()).isEqualTo(PieceInfo.MAX_LENGTH);
        assertThat(new RawFormat(1).name()).isEqualTo("raw");
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }
}
