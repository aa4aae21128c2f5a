package org.iceshare.icet.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.iceshare.icet.internal.Samples.CONTENT;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.iceshare.api.codec.DecodeResult;
import org.iceshare.api.codec.IcetCodec;
import org.iceshare.api.icet.ErrorCode;
import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.icet.Piece;
import org.iceshare.api.icet.Ping;
import org.iceshare.api.icet.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * The Netty adapters over the API codec: {@link IcetEncoder} and {@link IcetFrameDecoder} +
 * {@link IcetMessageDecoder} in channels. The tests check that frames are released; the surefire run
 * also logs any leak (paranoid leak detection).
 */
class IcetNettyCodecTest {

    private final EmbeddedChannel sender = new EmbeddedChannel(IcetEncoder.INSTANCE);
    private final EmbeddedChannel receiver = new EmbeddedChannel(new IcetFrameDecoder(IcetLimits.DEFAULT_MAX_FRAME_SIZE),
            IcetMessageDecoder.INSTANCE);

    @AfterEach
    void finish() {
        assertThat(sender.finishAndReleaseAll()).isFalse();
        assertThat(receiver.finishAndReleaseAll()).isFalse();
    }

    static Stream<IcetMessage> samples() {
        return Samples.some().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void messagesRoundTripThroughTheHandlers(IcetMessage message) {
        assertThat(sender.writeOutbound(message)).isTrue();
        ByteBuf frame = sender.readOutbound();
        assertThat((Object) sender.readOutbound()).isNull();
        assertThat(receiver.writeInbound(frame)).isTrue();
        assertThat((Object) receiver.readInbound()).isEqualTo(message);
        assertThat((Object) receiver.readInbound()).isNull();
        assertThat(frame.refCnt()).as("the frame is released once decoded").isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void theEncoderWritesTheApiCodecsBytes(IcetMessage message) {
        ByteBuf frame = IcetEncoder.encode(message);
        try {
            assertThat(frame.nioBuffer()).isEqualTo(IcetCodec.encode(message).copy());
        } finally {
            frame.release();
        }
    }

    @Test
    void theWireLayoutIsTheSpecifiedOne() {
        ByteBuf frame = IcetEncoder.encode(new Request(CONTENT, 258));
        try {
            assertThat(ByteBufUtil.hexDump(frame)).isEqualTo("00000015" + "20" + CONTENT.toHex() + "00000102");
        } finally {
            frame.release();
        }
    }

    @Test
    void aRequestsPriorityCrossesTheHandlers() {
        Request urgent = new Request(CONTENT, 258, Request.URGENT);
        assertThat(sender.writeOutbound(urgent)).isTrue();
        ByteBuf frame = sender.readOutbound();
        assertThat(frame.readableBytes()).as("the version 4 frame and one byte").isEqualTo(4 + 21 + 1);
        assertThat(receiver.writeInbound(frame)).isTrue();
        assertThat((Object) receiver.readInbound()).isEqualTo(urgent);
    }

    @Test
    void pieceDataIsWrappedNotCopied() {
        ByteBuffer direct = ByteBuffer.allocateDirect(64 * 1024);
        direct.put(Samples.data(64 * 1024, 3)).flip();
        ByteBuf frame = IcetEncoder.encode(new Piece(CONTENT, 1, direct));
        try {
            assertThat(frame).isInstanceOf(CompositeByteBuf.class);
            CompositeByteBuf composite = (CompositeByteBuf) frame;
            assertThat(composite.numComponents()).isEqualTo(2);
            assertThat(composite.component(0).readableBytes()).isEqualTo(IcetCodec.PIECE_HEADER_SIZE);
            ByteBuf data = composite.component(1);
            assertThat(data.isDirect()).isTrue();
            assertThat(data.isReadOnly()).isTrue();
            assertThat(data.nioBuffer()).isEqualTo(direct);
            direct.put(0, (byte) (direct.get(0) + 1));
            assertThat(data.getByte(0)).as("the same memory").isEqualTo(direct.get(0));
            assertThat(composite.getUnsignedInt(0)).isEqualTo(IcetCodec.PIECE_HEADER_SIZE - 4 + 64 * 1024);
        } finally {
            frame.release();
        }
    }

    @Test
    void aFrameWithoutPieceDataIsOneHeapBufferNotAComposite() {
        ByteBuf frame = IcetEncoder.encode(new Ping(1));
        try {
            assertThat(frame).isNotInstanceOf(CompositeByteBuf.class);
            assertThat(frame.readableBytes()).isEqualTo(13);
        } finally {
            frame.release();
        }
    }

    @Test
    void messagesSurviveAnyFragmentation() {
        List<IcetMessage> all = Samples.some();
        ByteBuf stream = Unpooled.buffer();
        for (IcetMessage m : all) {
            ByteBuf frame = IcetEncoder.encode(m);
            stream.writeBytes(frame);
            frame.release();
        }
        int[] chunkSizes = {1, 3, 7, 1000, 65536};
        int c = 0;
        while (stream.isReadable()) {
            int n = Math.min(chunkSizes[c++ % chunkSizes.length], stream.readableBytes());
            receiver.writeInbound(stream.readRetainedSlice(n));
        }
        stream.release();
        for (IcetMessage m : all) {
            assertThat((Object) receiver.readInbound()).isEqualTo(m);
        }
        assertThat((Object) receiver.readInbound()).isNull();
    }

    @Test
    void framesFromPooledDirectAndCompositeBuffersDecode() {
        Piece piece = new Piece(CONTENT, 2, Samples.data(3000, 2));
        ByteBuf encoded = IcetEncoder.encode(piece);
        ByteBuf direct = PooledByteBufAllocator.DEFAULT.directBuffer(encoded.readableBytes());
        direct.writeBytes(encoded, encoded.readerIndex(), encoded.readableBytes());
        receiver.writeInbound(direct);
        assertThat((Object) receiver.readInbound()).isEqualTo(piece);

        // a body in two components: the message decoder reads a merged NIO view of it
        encoded.skipBytes(4);
        CompositeByteBuf split = Unpooled.compositeBuffer();
        split.addComponents(true, encoded.readRetainedSlice(100), encoded.readRetainedSlice(encoded.readableBytes()));
        encoded.release();
        EmbeddedChannel messages = new EmbeddedChannel(IcetMessageDecoder.INSTANCE);
        messages.writeInbound(split);
        assertThat((Object) messages.readInbound()).isEqualTo(piece);
        assertThat(split.refCnt()).isZero();
        assertThat(messages.finish()).isFalse();
    }

    @Test
    void aFrameThatDoesNotDecodeIsReleasedAndPassedOnAsAValue() {
        EmbeddedChannel channel = new EmbeddedChannel(IcetMessageDecoder.INSTANCE);
        ByteBuf frame = Unpooled.wrappedBuffer(new byte[] {0x7f, 1, 2, 3});
        channel.writeInbound(frame);
        assertThat(frame.refCnt()).isZero();
        assertThat((Object) channel.readInbound())
                .isEqualTo(new DecodeResult.Invalid(ErrorCode.MALFORMED, "unknown message type 0x7f"));
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void decodeConsumesTheFrameAndLeavesItToTheCaller() {
        ByteBuf frame = Unpooled.wrappedBuffer(new byte[] {0x03, 0, 0, 0, 0, 0, 0, 0, 7});
        assertThat(IcetMessageDecoder.decode(frame)).isEqualTo(new DecodeResult.Decoded(new Ping(7)));
        assertThat(frame.isReadable()).isFalse();
        assertThat(frame.refCnt()).isEqualTo(1);
        frame.release();
    }

    /**
     * Bounded, fixed-seed differential fuzzing: streams of valid frames, damaged frames and garbage, cut at
     * random, give the same results through the Netty chain as through the API's {@link StreamDecoder}, up
     * to the first invalid one (after which a connection closes), and nothing else than messages and
     * invalid values.
     */
    @Test
    void theNettyChainAndTheApiStreamDecoderAgreeOnDamagedStreams() {
        List<byte[]> frames = Samples.some().stream().map(IcetNettyCodecTest::bytes).toList();
        Random random = new Random(7);
        int invalidStreams = 0;
        for (int run = 0; run < 300; run++) {
            java.io.ByteArrayOutputStream stream = new java.io.ByteArrayOutputStream();
            for (int k = 0; k < 1 + random.nextInt(6); k++) {
                byte[] frame = frames.get(random.nextInt(frames.size())).clone();
                if (random.nextInt(3) == 0) {
                    frame[random.nextInt(Math.min(frame.length, 64))] ^= (byte) (1 << random.nextInt(8));
                }
                stream.writeBytes(frame);
            }
            if (random.nextInt(4) == 0) {
                byte[] garbage = new byte[random.nextInt(40)];
                random.nextBytes(garbage);
                stream.writeBytes(garbage);
            }
            byte[] bytes = stream.toByteArray();

            EmbeddedChannel chain = new EmbeddedChannel(new IcetFrameDecoder(IcetLimits.DEFAULT_MAX_FRAME_SIZE),
                    IcetMessageDecoder.INSTANCE);
            org.iceshare.api.codec.StreamDecoder api = new org.iceshare.api.codec.StreamDecoder(
                    IcetLimits.DEFAULT_MAX_FRAME_SIZE);
            List<Object> viaNetty = new java.util.ArrayList<>();
            List<Object> viaApi = new java.util.ArrayList<>();
            for (int at = 0; at < bytes.length;) {
                int n = Math.min(1 + random.nextInt(5000), bytes.length - at);
                chain.writeInbound(Unpooled.wrappedBuffer(bytes, at, n));
                for (Object o = chain.readInbound(); o != null; o = chain.readInbound()) {
                    assertThat(o).isInstanceOfAny(IcetMessage.class, DecodeResult.Invalid.class);
                    viaNetty.add(o);
                }
                for (DecodeResult r : api.feed(ByteBuffer.wrap(bytes, at, n))) {
                    viaApi.add(r instanceof DecodeResult.Decoded d ? d.message() : r);
                }
                at += n;
            }
            chain.finishAndReleaseAll();
            for (int i = 0; i < viaNetty.size(); i++) {
                if (viaNetty.get(i) instanceof DecodeResult.Invalid) {
                    invalidStreams++;
                    viaNetty = viaNetty.subList(0, i + 1);
                }
            }
            assertThat(viaApi).isEqualTo(viaNetty);
        }
        assertThat(invalidStreams).as("damage is found").isGreaterThan(30);
    }

    /** A whole encoded frame, length field included. */
    private static byte[] bytes(IcetMessage message) {
        ByteBuf frame = IcetEncoder.encode(message);
        try {
            return ByteBufUtil.getBytes(frame);
        } finally {
            frame.release();
        }
    }
}
