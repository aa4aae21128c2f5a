package org.iceshare.icet.internal;

import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.icet.MessageType;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.transport.Pacer;
import org.iceshare.api.transport.Connection;

import io.netty.channel.Channel;

/**
 * A {@link Connection} over one Netty channel.
 *
 * <p><b>Threading:</b> every method is thread-safe and non-blocking. {@link #send} hands the message to
 * the channel's event loop; sends from one thread keep their order, and a {@link #close} queued after
 * them lets them go out first.
 */
final class NettyConnection implements Connection {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(NettyConnection.class);


    private final String transport;
    private final Channel channel;
    private final ByteCounter counter;
    // Cached once known: a closed socket no longer reports its addresses.
    private volatile InetSocketAddress local;
    private volatile InetSocketAddress remote;

    NettyConnection(String transport, Channel channel, ByteCounter counter) {
        this.transport = transport;
        this.channel = channel;
        this.counter = counter;
    }

    Channel channel() {
        return channel;
    }

    /** Fails at once once the connection is closing; otherwise completes when the frame was written. */
    @Override
    public CompletionStage<Void> send(IcetMessage message) {
        Objects.requireNonNull(message, "message");
        return write(message, message.type());
    }

    private CompletionStage<Void> write(Object message, MessageType type) {
        if (IcetPipeline.isClosing(channel) || !channel.isOpen()) {
            return CompletableFuture.failedFuture(new ClosedChannelException());
        }
        CompletableFuture<Void> sent = new CompletableFuture<>();
        channel.writeAndFlush(message).addListener(f -> {
            if (f.isSuccess()) {
                sent.complete(null);
            } else {
                if (!(f.cause() instanceof java.io.IOException) && channel.isOpen()) {
                    // not a closed or broken socket: the message could not be encoded, which is a bug
                    LOG.error("{} {}: cannot send {}", transport, channel, type, f.cause());
                }
                sent.completeExceptionally(f.cause());
            }
        });
        return sent;
    }

    /**
     * Sends the piece straight from the file: {@link PieceFile} becomes the frame's head and a region of
     * the file (TLS: pooled direct buffers), in slices as the pacer allows when it paces.
     */
    @Override
    public CompletionStage<Void> sendPiece(ContentId content, int piece, FileChannel file, long position, int length,
            Pacer pacer) {
        return write(new PieceFile(content, piece, file, position, length, pacer), MessageType.PIECE);
    }

    @Override
    public boolean isWritable() {
        return channel.isWritable();
    }

    @Override
    public boolean isOpen() {
        return channel.isActive() && !IcetPipeline.isClosing(channel);
    }

    /**
     * Stops delivering messages at once, writes what is queued, ends the output and closes once the
     * peer closed its side (at most {@link IcetPipeline#CLOSE_TIMEOUT_MILLIS} later). The handler's
     * {@code closed} then gets {@code "closed locally: " + reason}.
     */
    @Override
    public void close(String reason) {
        IcetPipeline.close(channel, "closed locally: " + reason, null);
    }

    /** Null until connected. */
    @Override
    public InetSocketAddress remoteAddress() {
        InetSocketAddress a = remote;
        if (a == null && channel.remoteAddress() instanceof InetSocketAddress known) {
            remote = a = known;
        }
        return a;
    }

    /** Null until connected. */
    @Override
    public InetSocketAddress localAddress() {
        InetSocketAddress a = local;
        if (a == null && channel.localAddress() instanceof InetSocketAddress known) {
            local = a = known;
        }
        return a;
    }

    @Override
    public String transport() {
        return transport;
    }

    @Override
    public long bytesRead() {
        return counter.bytesRead();
    }

    @Override
    public long bytesWritten() {
        return counter.bytesWritten();
    }

    @Override
    public String toString() {
        return transport + " " + localAddress() + " <-> " + remoteAddress();
    }
}
