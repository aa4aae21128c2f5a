package org.iceshare.api.codec;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Splits a byte stream into frames and decodes them, for a transport without a framing library of its
 * own (over a QUIC stream, a pipe, a plain {@code SocketChannel}). Feed it the bytes as they arrive, in
 * chunks of any size; it returns what completed.
 *
 * <p>Memory is bounded: it holds at most one incomplete frame, and grows that buffer only as the frame's
 * bytes arrive, never beyond the length field plus {@code maxFrameSize}. Complete frames in the input are
 * decoded where they lie, without a copy. A length field of zero or above the maximum is reported as soon
 * as it is read; from then on the decoder is {@linkplain #failed() failed} and discards everything fed to
 * it, because the connection is about to be closed.
 *
 * <p><b>Threading:</b> one instance per connection, not thread-safe.
 */
public final class StreamDecoder {

    /** A larger partial-frame buffer is dropped once its frame is done, so an idle connection holds little. */
    private static final int KEEP_CAPACITY = 64 * 1024;

    private final int maxFrameSize;
    private ByteBuffer partial = ByteBuffer.allocate(Framing.LENGTH_FIELD_SIZE);
    private boolean failed;

    /** @param maxFrameSize the largest length field value accepted, at least 1 */
    public StreamDecoder(int maxFrameSize) {
        if (maxFrameSize < 1) {
            throw new IllegalArgumentException("maximum frame size must be >= 1: " + maxFrameSize);
        }
        this.maxFrameSize = maxFrameSize;
    }

    public int maxFrameSize() {
        return maxFrameSize;
    }

    /** True once an invalid length field was read: everything fed after it is discarded. */
    public boolean failed() {
        return failed;
    }

    /** Bytes of an incomplete frame held, length field included. */
    public int buffered() {
        return partial.position();
    }

    /**
     * Consumes all of {@code bytes} and returns the frames it completed, decoded, in order. The last
     * element may be a {@link DecodeResult.Invalid}: a bad length field or a frame that did not decode.
     * Nothing returned refers to {@code bytes}, which the caller may reuse at once.
     */
    public List<DecodeResult> feed(ByteBuffer bytes) {
        List<DecodeResult> out = new ArrayList<>(2);
        while (bytes.hasRemaining() && !failed) {
            if (partial.position() == 0 && whole(bytes, out)) {
                continue;
            }
            fill(bytes, out);
        }
        bytes.position(bytes.limit());
        return out;
    }

    /** Decodes a frame that lies whole in {@code bytes}, without copying; false when it does not. */
    private boolean whole(ByteBuffer bytes, List<DecodeResult> out) {
        if (bytes.remaining() < Framing.LENGTH_FIELD_SIZE) {
            return false;
        }
        long length = Framing.length(bytes, bytes.position());
        if (!accept(length, out)) {
            return true;
        }
        if (bytes.remaining() - Framing.LENGTH_FIELD_SIZE < length) {
            return false;
        }
        int start = bytes.position() + Framing.LENGTH_FIELD_SIZE;
        bytes.position(start + (int) length);
        emit(IcetCodec.decode(bytes.slice(start, (int) length)), out);
        return true;
    }

    /** Moves bytes into the partial frame: the length field first, then up to the frame's end. */
    private void fill(ByteBuffer bytes, List<DecodeResult> out) {
        if (partial.position() < Framing.LENGTH_FIELD_SIZE) {
            move(bytes, Framing.LENGTH_FIELD_SIZE - partial.position());
            if (partial.position() < Framing.LENGTH_FIELD_SIZE) {
                return;
            }
            if (!accept(Framing.length(partial, 0), out)) {
                return;
            }
        }
        int frameEnd = Framing.LENGTH_FIELD_SIZE + (int) Framing.length(partial, 0);
        int wanted = Math.min(frameEnd - partial.position(), bytes.remaining());
        if (partial.remaining() < wanted) {
            int capacity = Math.min(frameEnd, Math.max(partial.capacity() * 2, partial.position() + wanted));
            partial = ByteBuffer.allocate(capacity).put(partial.flip());
        }
        move(bytes, wanted);
        if (partial.position() == frameEnd) {
            emit(IcetCodec.decode(partial.slice(Framing.LENGTH_FIELD_SIZE, frameEnd - Framing.LENGTH_FIELD_SIZE)),
                    out);
            partial = partial.capacity() > KEEP_CAPACITY ? ByteBuffer.allocate(Framing.LENGTH_FIELD_SIZE)
                    : partial.clear();
        }
    }

    private void move(ByteBuffer bytes, int n) {
        int count = Math.min(n, bytes.remaining());
        partial.put(bytes.slice(bytes.position(), count));
        bytes.position(bytes.position() + count);
    }

    private boolean accept(long length, List<DecodeResult> out) {
        Optional<DecodeResult.Invalid> invalid = Framing.check(length, maxFrameSize);
        invalid.ifPresent(bad -> emit(bad, out));
        return invalid.isEmpty();
    }

    private void emit(DecodeResult result, List<DecodeResult> out) {
        out.add(result);
        if (result instanceof DecodeResult.Invalid) {
            failed = true;
            partial = ByteBuffer.allocate(0);
        }
    }
}
