package org.iceshare.api.transport;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletionStage;

import org.iceshare.api.icet.IcetMessage;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * One open connection carrying IceT messages.
 *
 * <p><b>Threading:</b> all methods are thread-safe and never block. Messages sent from one thread
 * are written in the order sent.
 */
@ConsumerType
public interface Connection {

    /**
     * Queues a message for writing. The stage completes when the message was written to the
     * socket, or fails when the connection closed first.
     */
    CompletionStage<Void> send(IcetMessage message);

    /**
     * False while the outgoing buffer is above its high-water mark. Senders of bulk data should
     * wait for {@link ConnectionHandler#writable} before sending more.
     */
    boolean isWritable();

    boolean isOpen();

    /** Closes after writing what is queued. The handler's {@code closed} gets {@code reason}. */
    void close(String reason);

    InetSocketAddress remoteAddress();

    InetSocketAddress localAddress();

    /** The name of the transport carrying this connection. */
    String transport();

    /** Bytes read from and written to the socket so far, framing included. */
    long bytesRead();

    long bytesWritten();
}
