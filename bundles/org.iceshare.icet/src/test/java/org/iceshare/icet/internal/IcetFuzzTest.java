package org.iceshare.icet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;

import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.icet.MessageType;
import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * Bounded, fixed-seed fuzzing: random and mutated input never makes the decoders throw; every result is
 * a message or an {@link InvalidFrame}, and a decoded message re-encodes to something that decodes
 * to the same message.
 */
class IcetFuzzTest {

    private static final MessageType[] TYPES = MessageType.values();

    @Test
    void randomFrameBodies() {
        Random random = new Random(20240611);
        int messages = 0;
        for (int i = 0; i < 50_000; i++) {
            byte[] body = new byte[1 + random.nextInt(96)];
            random.nextBytes(body);
            if (random.nextInt(4) != 0) {
                body[0] = (byte) TYPES[random.nextInt(TYPES.length)].code();
            }
            messages += check(body) ? 1 : 0;
        }
        assertThat(messages).as("some random bodies are valid messages (pings, pongs, ...)").isPositive();
    }

    @Test
    void mutatedValidFrames() {
        Random random = new Random(42);
        List<IcetMessage> samples = Samples.all();
        for (int i = 0; i < 20_000; i++) {
            IcetMessage sample = samples.get(random.nextInt(samples.size()));
            if (sample instanceof org.iceshare.api.icet.Piece || sample.type() == MessageType.PUBLISH) {
                continue; // large; covered by the others of their shape
            }
            byte[] body = body(sample);
            switch (random.nextInt(4)) {
                case 0 -> body[random.nextInt(body.length)] ^= (byte) (1 << random.nextInt(8));
                case 1 -> body = java.util.Arrays.copyOf(body, random.nextInt(body.length));
                case 2 -> body = java.util.Arrays.copyOf(body, body.length + 1 + random.nextInt(8));
                default -> {
                    for (int k = 0; k < 4; k++) {
                        body[random.nextInt(body.length)] = (byte) random.nextInt(256);
                    }
                }
            }
            if (body.length > 0) {
                check(body);
            }
        }
    }

    @Test
    void randomByteStreamThroughTheWholeChain() {
        Random random = new Random(7);
        for (int run = 0; run < 200; run++) {
            EmbeddedChannel channel = new EmbeddedChannel(new IcetFrameDecoder(4096), IcetMessageDecoder.INSTANCE);
            boolean invalid = false;
            for (int chunk = 0; chunk < 20 && !invalid; chunk++) {
                byte[] bytes = new byte[random.nextInt(200)];
                random.nextBytes(bytes);
                if (random.nextBoolean() && bytes.length >= 5) {
                    bytes[0] = 0;
                    bytes[1] = 0;
                    bytes[2] = 0;
                    bytes[4] = (byte) TYPES[random.nextInt(TYPES.length)].code();
                }
                channel.writeInbound(Unpooled.wrappedBuffer(bytes));
                for (Object o = channel.readInbound(); o != null; o = channel.readInbound()) {
                    assertThat(o).isInstanceOfAny(IcetMessage.class, InvalidFrame.class);
                    invalid |= o instanceof InvalidFrame;
                }
            }
            channel.finishAndReleaseAll();
        }
    }

    /** Decodes a body; returns true when it is a message (after checking it re-encodes stably). */
    private static boolean check(byte[] body) {
        Object result = IcetMessageDecoder.decode(Unpooled.wrappedBuffer(body));
        assertThat(result).isInstanceOfAny(IcetMessage.class, InvalidFrame.class);
        if (result instanceof IcetMessage message) {
            Object again = IcetMessageDecoder.decode(Unpooled.wrappedBuffer(body(message)));
            assertThat(again).isEqualTo(message);
            return true;
        }
        return false;
    }

    private static byte[] body(IcetMessage message) {
        ByteBuf frame = IcetEncoder.encode(ByteBufAllocator.DEFAULT, message);
        try {
            return ByteBufUtil.getBytes(frame, 4, frame.readableBytes() - 4);
        } finally {
            frame.release();
        }
    }
}
