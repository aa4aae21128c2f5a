package org.iceshare.icet.internal;

import java.nio.ByteBuffer;

import org.iceshare.api.swarm.ContentId;

import io.netty.buffer.ByteBuf;

/**
 * A PIECE frame decoded without copying its data: the content, the index and the frame's buffer, retained
 * until {@link #release}. {@link ConnectionBridge} lends the data to the connection's handler
 * ({@link org.iceshare.api.transport.ConnectionHandler#receivedPiece}), which releases it when done.
 *
 * <p>The buffer of a piece-sized frame is allocated for that frame alone (see
 * {@link IcetFrameDecoder#UNPOOLED_FROM}), so a piece held a while pins no pooled chunk.
 */
final class LentPiece {
    final ContentId content;
    final int piece;
    /** The piece's data: the frame after its head, readable bytes only. */
    private final ByteBuf data;

    LentPiece(ContentId content, int piece, ByteBuf data) {
        this.content = content;
        this.piece = piece;
        this.data = data;
    }

    /** A read-only NIO view of the data, valid until {@link #release}. */
    ByteBuffer data() {
        return data.nioBuffer().asReadOnlyBuffer();
    }

    int length() {
        return data.readableBytes();
    }

    /** Gives the frame's buffer back. Thread-safe; call once. */
    void release() {
        data.release();
    }

    @Override
    public String toString() {
        return "Piece[" + content.shortHex() + " piece " + piece + ", " + data.readableBytes() + " bytes, lent]";
    }
}
