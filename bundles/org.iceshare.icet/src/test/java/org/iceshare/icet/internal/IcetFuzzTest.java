package org.iceshare.icet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.iceshare.api.codec.DecodeResult;
import org.iceshare.api.codec.Framing;
import org.iceshare.api.codec.IcetCodec;
import org.iceshare.api.codec.StreamDecoder;
import org.iceshare.api.icet.ErrorCode;
import org.iceshare.api.icet.IcetMessage;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * Coverage-guided fuzzing of what a stranger's bytes reach first on an IceT connection: the Netty frame
 * decoder and the message decoder over the API codec. In the normal test run this replays the seeds and
 * past findings in {@code IcetFuzzTestInputs/}; {@code bench/fuzz.sh} fuzzes it for minutes.
 *
 * <p>The input is split into reads at points drawn from the input itself. The invariants: nothing is
 * thrown; what comes out is a message or one {@link DecodeResult.Invalid}; no frame over the maximum is
 * decoded; a message re-encodes to a frame that decodes to the same message; the partial-frame buffer stays
 * within one frame plus one read; every read buffer is released; and the pure-Java {@link StreamDecoder}
 * of the API gives the very same results for the same reads (two implementations of section 2 that must
 * agree).
 */
class IcetFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void framesFromAStranger(FuzzedDataProvider data) {
        // a small maximum reaches FRAME_TOO_LARGE; the usual one lets any input frame through
        int maxFrameSize = data.consumeBoolean() ? data.consumeInt(1, 4096) : Framing.DEFAULT_MAX_FRAME_SIZE;
        long splitSeed = data.consumeLong();
        byte[] input = data.consumeRemainingAsBytes();
        List<byte[]> reads = split(input, new Random(splitSeed));

        IcetFrameDecoder frames = new IcetFrameDecoder(maxFrameSize);
        EmbeddedChannel channel = new EmbeddedChannel(frames, IcetMessageDecoder.INSTANCE);
        StreamDecoder reference = new StreamDecoder(maxFrameSize);
        List<Object> viaNetty = new ArrayList<>();
        List<Object> viaApi = new ArrayList<>();
        List<ByteBuf> sent = new ArrayList<>();
        int largestRead = 0;
        try {
            for (byte[] read : reads) {
                largestRead = Math.max(largestRead, read.length);
                ByteBuf buf = Unpooled.wrappedBuffer(read);
                sent.add(buf);
                channel.writeInbound(buf.retain());
                for (Object o; (o = channel.readInbound()) != null;) {
                    viaNetty.add(o);
                }
                // one frame of the maximum size (and its length field), plus one read: a read's buffer
                // that ends in a partial frame becomes the partial frame's buffer (compacted after the
                // read, then filled in place), so the largest read so far
                assertThat(frames.buffered()).isLessThanOrEqualTo(Framing.LENGTH_FIELD_SIZE + (long) maxFrameSize
                        + largestRead);
                for (DecodeResult r : reference.feed(ByteBuffer.wrap(read))) {
                    viaApi.add(r instanceof DecodeResult.Decoded d ? d.message() : r);
                }
                assertThat(reference.buffered()).isLessThanOrEqualTo(Framing.LENGTH_FIELD_SIZE + maxFrameSize);
            }
        } finally {
            channel.finishAndReleaseAll();
        }
        for (ByteBuf buf : sent) {
            assertThat(buf.refCnt()).as("every read is released").isEqualTo(1);
            buf.release();
        }

        // the Netty pipeline passes an undecodable frame on and the last handler closes; the API decoder
        // stops there: they agree up to and including the first Invalid
        int firstInvalid = indexOfInvalid(viaNetty);
        List<Object> nettyUpToClose = firstInvalid < 0 ? viaNetty : viaNetty.subList(0, firstInvalid + 1);
        assertThat(nettyUpToClose).isEqualTo(viaApi);

        boolean lengthRefused = false;
        for (Object o : viaNetty) {
            assertThat(lengthRefused).as("nothing follows a refused length field").isFalse();
            if (o instanceof DecodeResult.Invalid invalid) {
                assertThat(invalid.code()).isIn(ErrorCode.MALFORMED, ErrorCode.FRAME_TOO_LARGE);
                assertThat(invalid.detail()).isNotBlank();
                lengthRefused = invalid.code() == ErrorCode.FRAME_TOO_LARGE
                        || invalid.detail().startsWith("empty frame");
            } else {
                assertThat(o).isInstanceOf(IcetMessage.class);
                IcetMessage message = (IcetMessage) o;
                ByteBuffer frame = IcetCodec.encode(message).copy();
                assertThat(frame.remaining() - Framing.LENGTH_FIELD_SIZE).as("a decoded frame fits the maximum")
                        .isLessThanOrEqualTo(maxFrameSize);
                frame.position(Framing.LENGTH_FIELD_SIZE);
                assertThat(IcetCodec.decode(frame)).isEqualTo(new DecodeResult.Decoded(message));
            }
        }
    }

    private static int indexOfInvalid(List<Object> results) {
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i) instanceof DecodeResult.Invalid) {
                return i;
            }
        }
        return -1;
    }

    /** Splits the input into reads of 1 to 64 bytes or, now and then, a larger piece. */
    static List<byte[]> split(byte[] input, Random random) {
        List<byte[]> reads = new ArrayList<>();
        int at = 0;
        while (at < input.length) {
            int n = random.nextInt(8) == 0 ? 1 + random.nextInt(input.length) : 1 + random.nextInt(64);
            n = Math.min(n, input.length - at);
            byte[] read = new byte[n];
            System.arraycopy(input, at, read, 0, n);
            reads.add(read);
            at += n;
        }
        return reads;
    }
}
