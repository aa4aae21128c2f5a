package org.iceshare.api.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.icet.MessageType;
import org.iceshare.api.icet.Piece;
import org.junit.jupiter.api.Test;

/**
 * Bounded, fixed-seed fuzzing: random and mutated input never makes the codec throw; every result is a
 * message or an invalid value, and a decoded message re-encodes to something that decodes to the same
 * message.
 */
class IcetCodecFuzzTest {

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
        int invalid = 0;
        for (int i = 0; i < 20_000; i++) {
            IcetMessage sample = samples.get(random.nextInt(samples.size()));
            if (sample instanceof Piece || sample.type() == MessageType.PUBLISH) {
                continue; // large; covered by the others of their shape
            }
            byte[] body = body(sample);
            switch (random.nextInt(4)) {
                case 0 -> body[random.nextInt(body.length)] ^= (byte) (1 << random.nextInt(8));
                case 1 -> body = Arrays.copyOf(body, random.nextInt(body.length));
                case 2 -> body = Arrays.copyOf(body, body.length + 1 + random.nextInt(8));
                default -> {
                    for (int k = 0; k < 4; k++) {
                        body[random.nextInt(body.length)] = (byte) random.nextInt(256);
                    }
                }
            }
            if (body.length > 0) {
                invalid += check(body) ? 0 : 1;
            }
        }
        assertThat(invalid).as("most mutations are caught").isGreaterThan(5_000);
    }

    @Test
    void randomByteStreamThroughTheStreamDecoder() {
        Random random = new Random(7);
        for (int run = 0; run < 200; run++) {
            StreamDecoder decoder = new StreamDecoder(4096);
            for (int chunk = 0; chunk < 20 && !decoder.failed(); chunk++) {
                byte[] bytes = new byte[random.nextInt(200)];
                random.nextBytes(bytes);
                if (random.nextBoolean() && bytes.length >= 5) {
                    bytes[0] = 0;
                    bytes[1] = 0;
                    bytes[2] = 0;
                    bytes[4] = (byte) TYPES[random.nextInt(TYPES.length)].code();
                }
                List<DecodeResult> results = decoder.feed(ByteBuffer.wrap(bytes));
                for (int k = 0; k < results.size(); k++) {
                    if (results.get(k) instanceof DecodeResult.Invalid) {
                        assertThat(k).as("nothing after an invalid frame").isEqualTo(results.size() - 1);
                    }
                }
                assertThat(decoder.buffered()).isLessThanOrEqualTo(Framing.LENGTH_FIELD_SIZE + 4096);
            }
        }
    }

    /** Decodes a body; returns true when it is a message (after checking it re-encodes stably). */
    private static boolean check(byte[] body) {
        DecodeResult result = IcetCodec.decode(ByteBuffer.wrap(body));
        if (result instanceof DecodeResult.Decoded decoded) {
            DecodeResult again = IcetCodec.decode(ByteBuffer.wrap(body(decoded.message())));
            assertThat(again).isEqualTo(decoded);
            return true;
        }
        assertThat(result).isInstanceOf(DecodeResult.Invalid.class);
        return false;
    }

    private static byte[] body(IcetMessage message) {
        ByteBuffer body = Samples.frameBody(message);
        byte[] b = new byte[body.remaining()];
        body.get(b);
        return b;
    }
}
