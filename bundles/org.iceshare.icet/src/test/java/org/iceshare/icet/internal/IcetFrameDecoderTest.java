package org.iceshare.icet.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.iceshare.api.codec.DecodeResult;
import org.iceshare.api.icet.ErrorCode;
import org.iceshare.api.icet.Ping;
import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

class IcetFrameDecoderTest {

    private static final int MAX = 8 * 1024 * 1024;

    private final EmbeddedChannel channel = new EmbeddedChannel(new IcetFrameDecoder(MAX));

    @Test
    void emitsTheFrameWithoutItsLengthField() {
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 3, 0x20, 1, 2}));
        ByteBuf frame = channel.readInbound();
        assertThat(io.netty.buffer.ByteBufUtil.getBytes(frame)).containsExactly(0x20, 1, 2);
        frame.release();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void waitsForTheWholeFrame() {
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0}));
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 4, 1, 2, 3}));
        assertThat((Object) channel.readInbound()).isNull();
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {4}));
        ByteBuf frame = channel.readInbound();
        assertThat(frame.readableBytes()).isEqualTo(4);
        frame.release();
        ByteBuf rest = Unpooled.buffer();
        rest.writeBytes(new byte[] {0, 0});
        channel.writeInbound(rest);
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aLargePartialFrameIsBufferedOutsideThePoolAndFreedWhenTheChannelCloses() {
        IcetFrameDecoder decoder = channel.pipeline().get(IcetFrameDecoder.class);
        ByteBuf head = Unpooled.buffer();
        head.writeInt(1 << 20);
        head.writeZero(64 * 1024);
        channel.writeInbound(head);
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[200 * 1024]));
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(decoder.buffered()).isGreaterThanOrEqualTo(IcetFrameDecoder.UNPOOLED_FROM);
        ByteBuf buffer = decoder.partialFrameBuffer();
        assertThat(buffer.alloc()).isInstanceOf(io.netty.buffer.UnpooledByteBufAllocator.class);
        assertThat(buffer.isDirect()).isTrue();
        assertThat(channel.finishAndReleaseAll()).isFalse();
        assertThat(buffer.refCnt()).as("freed with the channel").isZero();
    }

    @Test
    void aFrameOfExactlyTheMaximumSizePasses() {
        ByteBuf in = Unpooled.buffer(4 + MAX);
        in.writeInt(MAX);
        in.writeZero(MAX);
        channel.writeInbound(in);
        ByteBuf frame = channel.readInbound();
        assertThat(frame.readableBytes()).isEqualTo(MAX);
        frame.release();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void oversizeLengthIsReportedAtOnceAndTheRestDiscarded() {
        ByteBuf in = Unpooled.buffer();
        in.writeInt(9_000_000);
        in.writeZero(100);
        channel.writeInbound(in);
        assertThat((Object) channel.readInbound())
                .isEqualTo(new DecodeResult.Invalid(ErrorCode.FRAME_TOO_LARGE, "frame too large: 9000000 > 8388608"));
        channel.writeInbound(IcetEncoder.encode(new Ping(1)));
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void lengthAboveTwoToThe31IsTooLargeNotNegative() {
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}));
        assertThat((Object) channel.readInbound())
                .isEqualTo(new DecodeResult.Invalid(ErrorCode.FRAME_TOO_LARGE, "frame too large: 4294967295 > 8388608"));
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void zeroLengthIsMalformed() {
        ByteBuf in = Unpooled.buffer();
        in.writeInt(0);
        ByteBuf ping = IcetEncoder.encode(new Ping(1));
        in.writeBytes(ping);
        ping.release();
        channel.writeInbound(in);
        assertThat((Object) channel.readInbound())
                .isEqualTo(new DecodeResult.Invalid(ErrorCode.MALFORMED, "empty frame: length 0"));
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void framesBeforeTheBadOneStillPass() {
        ByteBuf in = Unpooled.buffer();
        in.writeBytes(new byte[] {0, 0, 0, 1, 0x03});
        in.writeInt(MAX + 1);
        channel.writeInbound(in);
        ByteBuf first = channel.readInbound();
        assertThat(first.readableBytes()).isEqualTo(1);
        first.release();
        assertThat((Object) channel.readInbound()).isInstanceOf(DecodeResult.Invalid.class);
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void refusesANonPositiveMaximum() {
        assertThatThrownBy(() -> new IcetFrameDecoder(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
