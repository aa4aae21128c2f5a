package org.iceshare.api.codec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.iceshare.api.icet.ErrorCode;
import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.icet.Piece;
import org.iceshare.api.swarm.ContentId;

/**
 * The IceT codec: a message to one frame and one frame to a message, byte for byte as
 * {@code docs/icet-protocol.md} specifies. Every transport speaks these frames; this class is how a
 * transport written outside IceShare (QUIC, WebSocket, ...) gets them right without writing the codec
 * again.
 *
 * <p><b>Encoding</b> never copies a {@link Piece}'s data: the frame is a small head plus a read-only
 * view of the piece's buffer ({@link EncodedFrame}). A message that cannot be encoded (a string longer
 * than {@link IcetMessage#MAX_STRING} bytes, which the message records already refuse) is a bug of the
 * caller and throws {@link IllegalArgumentException}.
 *
 * <p><b>Decoding</b> never throws for bad input. Every length and count is checked against the bytes
 * left in the frame before anything is allocated for it, so the cost is bounded by the frame's size.
 * Strings must be valid UTF-8 of at most {@link IcetMessage#MAX_STRING} bytes, trailing bytes are an
 * error, and the message records' own checks apply. Anything wrong comes back as a
 * {@link DecodeResult.Invalid} with {@link ErrorCode#MALFORMED}. The decoded message never refers to the
 * input buffer: a Piece's data is copied once, out of the frame, into a heap buffer of its own (Piece is
 * not reference counted), so the caller may reuse or release the input as soon as {@code decode}
 * returns.
 *
 * <p><b>Threading:</b> stateless; every method is thread-safe.
 */
public final class IcetCodec {

    /** The head of a Piece frame: length field, type, content id, piece index. The data follows. */
    public static final int PIECE_HEADER_SIZE = Framing.LENGTH_FIELD_SIZE + 1 + ContentId.LENGTH + 4;

    private IcetCodec() {
    }

    /** Encodes one message as one complete frame: {@code u32} length, {@code u8} type, payload. */
    public static EncodedFrame encode(IcetMessage message) {
        if (message instanceof Piece piece) {
            ByteBuffer head = ByteBuffer.allocate(PIECE_HEADER_SIZE);
            head.putInt(PIECE_HEADER_SIZE - Framing.LENGTH_FIELD_SIZE + piece.length());
            head.put((byte) piece.type().code());
            head.put(piece.content().toBytes());
            head.putInt(piece.piece());
            return new EncodedFrame(head.flip(), piece.data());
        }
        return EncodedFrame.of(FrameWriter.write(message));
    }

    /**
     * Decodes one frame: the type byte and the payload, without the length field. Reads from the
     * buffer's position to its limit, in big-endian order whatever the buffer's order, and leaves the
     * position at the limit, valid or not.
     *
     * @return the message, or {@link DecodeResult.Invalid} with {@link ErrorCode#MALFORMED} and the
     *         reason: an empty frame, an unknown type, a truncated field, trailing bytes, a string or list
     *         over its limit, invalid UTF-8, or a value the message records refuse
     */
    public static DecodeResult decode(ByteBuffer frame) {
        ByteBuffer in = frame.duplicate().order(ByteOrder.BIG_ENDIAN);
        frame.position(frame.limit());
        return FrameReader.read(in);
    }
}
