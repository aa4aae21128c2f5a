package org.iceshare.api.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.icet.Piece;
import org.iceshare.api.swarm.ContentId;
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
     * Sends a {@link Piece} whose data is {@code length} bytes of {@code file} at {@code position}. On the
     * wire this is exactly the frame of {@code send(new Piece(content, piece, data))}; a transport may send
     * the bytes straight from the file (the TCP transport hands them to the kernel with {@code sendfile}), so
     * they never enter the Java heap. The file's bytes must not change until the stage completes; the caller
     * keeps the file open until then (a file closed earlier fails the send and closes the connection: the
     * frame cannot be finished).
     *
     * <p>{@code pacer} is asked for the data's bytes before they are written: a transport that can write a
     * frame in parts takes them slice by slice (a few tens of KiB) and waits as it answers, so a capped
     * upload flows evenly below a piece. Messages sent meanwhile go out after the piece, in order.
     *
     * <p>The default reads the bytes into a buffer, takes them from the pacer at once (without waiting) and
     * sends a Piece.
     *
     * @param pacer the upload budget, or {@link Pacer#NONE}
     * @return completes when the whole frame was written, or fails when the connection closed first or the
     *         file could not be read
     */
    default CompletionStage<Void> sendPiece(ContentId content, int piece, FileChannel file, long position, int length,
            Pacer pacer) {
        ByteBuffer data = ByteBuffer.allocate(length);
        try {
            long at = position;
            while (data.hasRemaining()) {
                int n = file.read(data, at);
                if (n < 0) {
                    throw new IOException("the file ends before byte " + (position + length));
                }
                at += n;
            }
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        pacer.take(length);
        return send(new Piece(content, piece, data.flip()));
    }

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
