package org.iceshare.core.internal.peer;

import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.icet.Request;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.transport.Pacer;
import org.iceshare.core.internal.storage.PieceStore;
import org.iceshare.api.transport.Connection;
import org.iceshare.api.transport.ConnectionHandler;
import org.iceshare.engine.internal.Handshake;

/**
 * One connection to another peer, in either direction. Both sides send a Hello on open and prove their
 * key with an Auth ({@link Handshake}); messages queued before the other side proved its key go out
 * after that.
 *
 * <p><b>Threading:</b> transport callbacks only hand events to the engine's executor; every field
 * is read and written there, except {@link #connection}, which is set once on the I/O thread.
 */
final class PeerLink implements ConnectionHandler, UploadQueue.Requester {
    private final PeerLinks links;
    final boolean outbound;
    /** For outbound links the peer we dialled; for inbound ones set from its Hello. */
    PeerId remote;
    /** This connection's handshake: made with the link, its Hello sent as the connection opens. */
    final Handshake handshake;
    volatile Connection connection;
    boolean ready;
    boolean closed;
    /** The protocol version both sides speak, known from the other side's Hello; 0 before it. */
    int version;
    String closeReason;
    final ArrayDeque<IcetMessage> queued = new ArrayDeque<>();
    /** Requests from the other side waiting for upload bandwidth. */
    final ArrayDeque<Request> uploads = new ArrayDeque<>();
    long lastReceivedNanos = System.nanoTime();
    /** When a request, piece, refusal or cancel last went either way (pings do not count): for closing idle links. */
    long lastUsedNanos = System.nanoTime();
    /**
     * The other side said ERROR(BUSY) before closing: it closed a connection it had no use for (idle, or over
     * its cap). Requests still in flight on it were not refused for cause: they are asked again, not reported.
     */
    boolean goingAway;

    PeerLink(PeerLinks links, boolean outbound, PeerId remote) {
        this.links = links;
        this.outbound = outbound;
        this.remote = remote;
        this.handshake = links.handshake();
    }

    @Override
    public void opened(Connection c) {
        connection = c;
        c.send(links.hello(handshake));
        links.execute(() -> links.opened(this));
    }

    @Override
    public void received(Connection c, IcetMessage message) {
        links.execute(() -> links.received(this, message));
    }

    /**
     * A piece lent by the transport: verified and stored on the engine thread straight from the buffer it
     * arrived in, which is released there once done (or at once when the engine has stopped).
     */
    @Override
    public void receivedPiece(Connection c, ContentId content, int piece, ByteBuffer data, Runnable release) {
        if (!links.execute(() -> {
            try {
                links.receivedPiece(this, content, piece, data);
            } finally {
                release.run();
            }
        })) {
            release.run();
        }
    }

    @Override
    public void closed(Connection c, String reason) {
        links.execute(() -> links.closed(this, reason));
    }

    @Override
    public void writable(Connection c, boolean writable) {
        if (writable) {
            links.execute(links::writable);
        }
    }

    /** Sends now when the handshake is done, else queues. Engine thread. */
    @Override
    public void send(IcetMessage m) {
        if (closed) {
            return;
        }
        if (!(m instanceof org.iceshare.api.icet.Ping) && !(m instanceof org.iceshare.api.icet.Pong)) {
            lastUsedNanos = System.nanoTime();
        }
        if (ready) {
            connection.send(forVersion(m));
        } else {
            queued.add(m);
        }
    }

    /**
     * The message as this connection's version carries it: a request's priority only from version 5 on
     * (an older peer would refuse the extra byte), else the request at {@link Request#NORMAL}.
     */
    IcetMessage forVersion(IcetMessage m) {
        if (m instanceof Request r && r.priority() != Request.NORMAL && version < 5) {
            return r.withPriority(Request.NORMAL);
        }
        return m;
    }

    @Override
    public CompletionStage<Void> sendPiece(ContentId content, int piece, PieceStore.Span span, Pacer pacer) {
        Connection c = connection;
        if (closed || !ready || c == null) {
            return CompletableFuture.failedFuture(new ClosedChannelException());
        }
        return c.sendPiece(content, piece, span.file(), span.position(), span.length(), pacer);
    }

    @Override
    public boolean writable() {
        Connection c = connection;
        return ready && !closed && c != null && c.isWritable();
    }

    @Override
    public ArrayDeque<Request> queued() {
        return uploads;
    }

    @Override
    public boolean closed() {
        return closed;
    }

    @Override
    public PeerId remote() {
        return remote;
    }

    void close(String reason) {
        Connection c = connection;
        if (c != null) {
            c.close(reason);
        }
    }

    @Override
    public String toString() {
        Connection c = connection;
        return (remote == null ? "?" : remote.shortHex()) + (c == null ? "" : "@" + c.remoteAddress());
    }
}
