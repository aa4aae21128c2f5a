package org.iceshare.api.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

import org.iceshare.api.icet.ErrorCode;
import org.iceshare.api.swarm.PieceInfo;
import org.junit.jupiter.api.Test;

class FramingTest {

    @Test
    void theLengthFieldIsAnUnsignedBigEndianU32WhateverTheBufferOrder() {
        ByteBuffer b = ByteBuffer.wrap(new byte[] {9, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xfe, 0, 0, 1, 2})
                .order(ByteOrder.LITTLE_ENDIAN);
        assertThat(Framing.length(b, 1)).isEqualTo(0xfffffffeL);
        assertThat(Framing.length(b, 5)).isEqualTo(0x0102);
        assertThat(b.position()).isZero();
        assertThatThrownBy(() -> Framing.length(b, 6)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> Framing.length(b, -1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void zeroIsMalformedAndAboveTheMaximumIsTooLarge() {
        assertThat(Framing.check(0, 100)).contains(new DecodeResult.Invalid(ErrorCode.MALFORMED, "empty frame: length 0"));
        assertThat(Framing.check(101, 100))
                .contains(new DecodeResult.Invalid(ErrorCode.FRAME_TOO_LARGE, "frame too large: 101 > 100"));
        assertThat(Framing.check(4294967295L, 8388608)).contains(new DecodeResult.Invalid(ErrorCode.FRAME_TOO_LARGE,
                "frame too large: 4294967295 > 8388608"));
        assertThat(Framing.check(1, 100)).isEqualTo(Optional.empty());
        assertThat(Framing.check(100, 100)).isEmpty();
    }

    @Test
    void refusesWhatIsNotALengthField() {
        assertThatThrownBy(() -> Framing.check(-1, 100)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Framing.check(1L << 32, 100)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theSmallestMaximumHoldsTheLargestPiece() {
        assertThat(Framing.MIN_MAX_FRAME_SIZE).isEqualTo(4_195_328);
        assertThat(Framing.MIN_MAX_FRAME_SIZE).isGreaterThan(IcetCodec.PIECE_HEADER_SIZE + PieceInfo.MAX_LENGTH);
        assertThat(Framing.DEFAULT_MAX_FRAME_SIZE).isEqualTo(8_388_608);
    }
}
