package org.iceshare.api.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A way to carry IceT messages between two endpoints. Implementations are plugins (for example
 * {@code org.iceshare.transport.tcp}); the core and the tracker use whichever is selected.
 *
 * <p><b>Threading:</b> every method may be called from any thread and must not block for network
 * I/O; {@link #listen} may block only to bind its socket. Handler callbacks run on the transport's
 * I/O threads, one connection's callbacks always in order and never concurrently.
 */
@ConsumerType
public interface Transport {

    /** Service property naming the transport, for example {@code tcp}. */
    String NAME_PROPERTY = "transport.name";

    /** The transport's name, equal to its {@link #NAME_PROPERTY} service property. */
    String name();

    /**
     * Starts accepting connections on {@code local}. Each accepted connection is reported to a
     * handler obtained from {@code handlers}, which runs before any message arrives.
     *
     * @throws IOException when the address cannot be bound
     */
    Listener listen(InetSocketAddress local, ConnectionHandler.Factory handlers) throws IOException;

    /**
     * Opens a connection. The stage completes once the connection is established (before the
     * Hello exchange, which is the handler's business) or fails with the cause.
     */
    CompletionStage<Connection> connect(InetSocketAddress remote, ConnectionHandler handler);

    /**
     * The connections this transport refused or closed to protect itself since it started, by reason
     * (connection caps, the partial-frame budget, slow frames, handshake timeouts, malformed frames, ...),
     * for the operator. The default, for a transport that counts nothing, is {@link Refusals#NONE}.
     *
     * <p>Thread-safe and cheap: a snapshot of counters.
     *
     * @since 1.2
     */
    default Refusals refusals() {
        return Refusals.NONE;
    }
}
