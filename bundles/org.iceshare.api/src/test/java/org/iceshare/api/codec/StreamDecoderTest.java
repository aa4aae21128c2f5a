package org.iceshare.api.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.iceshare.api.icet.ErrorCode;
import org.iceshare.api.icet.Piece;
import org.iceshare.api.icet.Ping;
import org.junit.jupiter.api.Test;

class StreamDecoderTest {

    private static final int MAX = 8 * 1024 * 1024;

    private final StreamDecoder decoder = new StreamDecoder(MAX);

    @Test
    void waitsForTheWholeFrame() {
        byte[] ping = Samples.frame(new Ping(5));
        assertThat(decoder.feed(ByteBuffer.wrap(ping, 0, 2))).isEmpty();
        assertThat(decoder.buffered()).isEqualTo(2);
        assertThat(decoder.feed(ByteBuffer.wrap(ping, 2, 10))).isEmpty();
        assertThat(decoder.buffered()).isEqualTo(12);
        assertThat(decoder.feed(ByteBuffer.wrap(ping, 12, 1))).containsExactly(new DecodeResult.Decoded(new Ping(5)));
        assertThat(decoder.buffered()).isZero();
    }

    @Test
    void consumesItsInputAndKeepsNoReferenceToIt() {
        Piece piece = new Piece(Samples.CONTENT, 1, Samples.data(1000, 1));
        byte[] frame = Samples.frame(piece);
        ByteBuffer first = ByteBuffer.wrap(frame.clone(), 0, 500);
        assertThat(decoder.feed(first)).isEmpty();
        assertThat(first.hasRemaining()).isFalse();
        java.util.Arrays.fill(first.array(), (byte) 0); // the caller reuses its read buffer
        ByteBuffer rest = ByteBuffer.wrap(frame, 500, frame.length - 500);
        List<DecodeResult> out = decoder.feed(rest);
        java.util.Arrays.fill(frame, (byte) 0);
        assertThat(out).containsExactly(new DecodeResult.Decoded(piece));
    }

    @Test
    void aFrameOfExactlyTheMaximumSizePassesInPieces() {
        StreamDecoder small = new StreamDecoder(IcetCodec.PIECE_HEADER_SIZE - 4 + 3000);
        Piece piece = new Piece(Samples.CONTENT, 9, Samples.data(3000, 9));
        byte[] frame = Samples.frame(piece);
        List<DecodeResult> out = new ArrayList<>();
        for (int at = 0; at < frame.length; at += 7) {
            out.addAll(small.feed(ByteBuffer.wrap(frame, at, Math.min(7, frame.length - at))));
            assertThat(small.buffered()).isLessThanOrEqualTo(frame.length);
        }
        assertThat(out).containsExactly(new DecodeResult.Decoded(piece));
    }

    @Test
    void anOversizeLengthIsReportedAtOnceAndEverythingAfterItDiscarded() {
        ByteBuffer in = ByteBuffer.allocate(104).putInt(9_000_000).rewind();
        assertThat(decoder.feed(in)).containsExactly(
                new DecodeResult.Invalid(ErrorCode.FRAME_TOO_LARGE, "frame too large: 9000000 > 8388608"));
        assertThat(in.hasRemaining()).isFalse();
        assertThat(decoder.failed()).isTrue();
        assertThat(decoder.feed(ByteBuffer.wrap(Samples.frame(new Ping(1))))).isEmpty();
        assertThat(decoder.buffered()).isZero();
    }

    @Test
    void aLengthSplitAcrossChunksIsCheckedWhenComplete() {
        assertThat(decoder.feed(ByteBuffer.wrap(new byte[] {(byte) 0xff, (byte) 0xff}))).isEmpty();
        assertThat(decoder.feed(ByteBuffer.wrap(new byte[] {(byte) 0xff, (byte) 0xff, 1, 2}))).containsExactly(
                new DecodeResult.Invalid(ErrorCode.FRAME_TOO_LARGE, "frame too large: 4294967295 > 8388608"));
    }

    @Test
    void zeroLengthIsMalformed() {
        ByteBuffer in = ByteBuffer.allocate(4 + 13).putInt(0).put(Samples.frame(new Ping(1))).flip();
        assertThat(decoder.feed(in)).containsExactly(new DecodeResult.Invalid(ErrorCode.MALFORMED, "empty frame: length 0"));
    }

    @Test
    void framesBeforeTheBadOneStillPass() {
        ByteBuffer in = ByteBuffer.allocate(13 + 4).put(Samples.frame(new Ping(1))).putInt(MAX + 1).flip();
        List<DecodeResult> out = decoder.feed(in);
        assertThat(out).hasSize(2);
        assertThat(out.get(0)).isEqualTo(new DecodeResult.Decoded(new Ping(1)));
        assertThat(out.get(1)).isInstanceOf(DecodeResult.Invalid.class);
    }

    @Test
    void aFrameThatDoesNotDecodeEndsTheStreamToo() {
        ByteBuffer in = ByteBuffer.allocate(5 + 13).putInt(1).put((byte) 0x7f).put(Samples.frame(new Ping(1))).flip();
        assertThat(decoder.feed(in)).containsExactly(
                new DecodeResult.Invalid(ErrorCode.MALFORMED, "unknown message type 0x7f"));
        assertThat(decoder.failed()).isTrue();
    }

    @Test
    void refusesANonPositiveMaximum() {
        assertThatThrownBy(() -> new StreamDecoder(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
