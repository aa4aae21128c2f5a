package org.iceshare.api.transport;

import java.nio.ByteBuffer;

import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.icet.Piece;
import org.iceshare.api.swarm.ContentId;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Receives the events of one connection. IceShare's core and tracker implement it; a transport only
 * calls it (which is why it is a provider type: a method added here does not break a transport).
 *
 * <p><b>Threading:</b> called on the transport's I/O thread for that connection, in order, never
 * concurrently for one connection. Implementations must not block: hand slow work to another
 * executor.
 */
@ProviderType
public interface ConnectionHandler {

    /** The connection is open; messages may be sent. */
    void opened(Connection connection);

    /** A decoded message arrived. */
    void received(Connection connection, IcetMessage message);

    /**
     * A {@link Piece} arrived, its data lent rather than copied: {@code data} is a read-only view of the
     * transport's own buffer (direct memory, say), valid until {@code release} runs. The handler must run
     * {@code release} exactly once, on any thread, when it is done with the data, also when it drops the
     * piece; it must not use {@code data} after that. This lets a receiver verify and store a piece straight
     * from the buffer it arrived in.
     *
     * <p>A transport may call this instead of {@link #received} for a Piece, once the connection's handshake
     * is done; the default copies the data into a Piece, releases the buffer and calls {@link #received}.
     */
    default void receivedPiece(Connection connection, ContentId content, int piece, ByteBuffer data,
            Runnable release) {
        Piece copy;
        try {
            ByteBuffer heap = ByteBuffer.allocate(data.remaining());
            heap.put(data.duplicate()).flip();
            copy = new Piece(content, piece, heap);
        } finally {
            release.run();
        }
        received(connection, copy);
    }

    /**
     * The connection closed. Called exactly once per opened connection.
     *
     * @param reason why: the local or remote close reason, or the decode error that ended it
     */
    void closed(Connection connection, String reason);

    /** The connection's writability changed (see {@link Connection#isWritable()}). */
    default void writable(Connection connection, boolean writable) {
    }

    /** Makes a handler for each accepted connection. */
    @FunctionalInterface
    interface Factory {
        ConnectionHandler create();
    }
}
