package org.iceshare.api.transport;

import org.iceshare.api.icet.IcetMessage;
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
