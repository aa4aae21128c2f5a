package org.iceshare.api.codec;

import java.nio.ByteBuffer;
import java.util.Optional;

import org.iceshare.api.icet.ErrorCode;
import org.iceshare.api.swarm.PieceInfo;

/**
 * The length field every frame starts with, and its rules (section 2 of {@code docs/icet-protocol.md}),
 * for a transport that splits a byte stream into frames: read the {@value #LENGTH_FIELD_SIZE}-byte
 * length with {@link #length}, {@linkplain #check check} it as soon as it is read, before buffering
 * anything of the frame, then hand the {@code length} bytes after it to {@link IcetCodec#decode}.
 *
 * <p>After an invalid length the receiver reports it, discards every byte that follows and closes.
 */
public final class Framing {

    /** Size of the length field: a big-endian {@code u32}. */
    public static final int LENGTH_FIELD_SIZE = 4;

    /**
     * The smallest maximum frame size a receiver may configure, 4 MiB + 1 KiB: the largest Piece fits
     * with room to spare. Every receiver accepts frames up to this size.
     */
    public static final int MIN_MAX_FRAME_SIZE = PieceInfo.MAX_LENGTH + 1024;

    /** The usual maximum frame size, 8 MiB. */
    public static final int DEFAULT_MAX_FRAME_SIZE = 8 * 1024 * 1024;

    private Framing() {
    }

    /**
     * The length field at absolute {@code index} of {@code buffer}, unsigned, whatever the buffer's byte
     * order; the buffer's position is not moved.
     *
     * @throws IndexOutOfBoundsException when fewer than {@value #LENGTH_FIELD_SIZE} bytes are there
     */
    public static long length(ByteBuffer buffer, int index) {
        if (index < 0 || index > buffer.limit() - LENGTH_FIELD_SIZE) {
            throw new IndexOutOfBoundsException("no length field at " + index + " of " + buffer);
        }
        return (buffer.get(index) & 0xffL) << 24 | (buffer.get(index + 1) & 0xff) << 16
                | (buffer.get(index + 2) & 0xff) << 8 | (buffer.get(index + 3) & 0xff);
    }

    /**
     * Checks a length field's value against the receiver's maximum frame size.
     *
     * @param length the value read by {@link #length}, 0 to 2<sup>32</sup> - 1
     * @return empty when the frame is acceptable; otherwise what to report: {@link ErrorCode#MALFORMED}
     *         {@code "empty frame: length 0"} or {@link ErrorCode#FRAME_TOO_LARGE}
     *         {@code "frame too large: <length> > <maximum>"}
     */
    public static Optional<DecodeResult.Invalid> check(long length, int maxFrameSize) {
        if (length < 0 || length > 0xffffffffL) {
            throw new IllegalArgumentException("not a u32 length field: " + length);
        }
        if (length == 0) {
            return Optional.of(new DecodeResult.Invalid(ErrorCode.MALFORMED, "empty frame: length 0"));
        }
        if (length > maxFrameSize) {
            return Optional.of(new DecodeResult.Invalid(ErrorCode.FRAME_TOO_LARGE,
                    "frame too large: " + length + " > " + maxFrameSize));
        }
        return Optional.empty();
    }
}
