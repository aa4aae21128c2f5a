package org.iceshare.api.codec;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One complete encoded frame ({@code u32} length, {@code u8} type, payload) as two buffers to write
 * one after the other, for example with a gathering write of {@link #buffers()}.
 *
 * <p>The buffers belong to the caller, who may consume them (writing moves their positions). They are
 * never shared with another call of {@link IcetCodec#encode}.
 *
 * @param head the length field, the type and the payload; for a {@link org.iceshare.api.icet.Piece},
 *        everything up to the piece index ({@link IcetCodec#PIECE_HEADER_SIZE} bytes)
 * @param data a Piece's data: a read-only view of the piece's buffer, not a copy (so a direct or mapped
 *        piece buffer is written as it is); empty for every other message
 */
public record EncodedFrame(ByteBuffer head, ByteBuffer data) {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    public EncodedFrame {
        Objects.requireNonNull(head, "head");
        Objects.requireNonNull(data, "data");
    }

    /** A frame held entirely in {@code head}. */
    static EncodedFrame of(ByteBuffer head) {
        return new EncodedFrame(head, EMPTY.duplicate());
    }

    /** Bytes still to write: both buffers' remaining bytes. */
    public int remaining() {
        return head.remaining() + data.remaining();
    }

    /** The two buffers, for a gathering write ({@code GatheringByteChannel.write(ByteBuffer[])}). */
    public ByteBuffer[] buffers() {
        return new ByteBuffer[] {head, data};
    }

    /**
     * The remaining bytes of both buffers copied into one new buffer, without consuming them: for a
     * transport that needs one contiguous message (a datagram, a WebSocket message) and for tests.
     */
    public ByteBuffer copy() {
        ByteBuffer all = ByteBuffer.allocate(remaining());
        all.put(head.duplicate()).put(data.duplicate());
        return all.flip();
    }
}
