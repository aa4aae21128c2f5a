package org.iceshare.api.icet;

import java.nio.ByteBuffer;
import java.util.Objects;

import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.PieceInfo;

/**
 * Peer to peer: the bytes of one whole piece. The data is held read-only; {@link #data()} returns
 * an independent view each time, so readers cannot disturb each other.
 */
public record Piece(ContentId content, int piece, ByteBuffer data) implements IcetMessage {
    public Piece {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(data, "data");
        if (piece < 0) {
            throw new IllegalArgumentException("piece must be >= 0");
        }
        if (data.remaining() > PieceInfo.MAX_LENGTH) {
            throw new IllegalArgumentException("piece data longer than " + PieceInfo.MAX_LENGTH + " bytes");
        }
        data = data.asReadOnlyBuffer();
    }

    @Override
    public ByteBuffer data() {
        return data.duplicate();
    }

    /** Number of data bytes. */
    public int length() {
        return data.remaining();
    }

    @Override
    public String toString() {
        return "Piece[" + content.shortHex() + " piece " + piece + ", " + data.remaining() + " bytes]";
    }

    @Override
    public MessageType type() {
        return MessageType.PIECE;
    }
}
