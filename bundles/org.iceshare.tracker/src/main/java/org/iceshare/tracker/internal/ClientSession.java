package org.iceshare.tracker.internal;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;

import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.swarm.PeerInfo;
import org.iceshare.api.transport.Connection;
import org.iceshare.api.transport.ConnectionHandler;
import org.iceshare.engine.internal.Handshake;

/**
 * One client connection to the tracker. Transport callbacks hand events to the tracker's executor;
 * every field is touched there only (except {@link #connection}, set once on open).
 */
final class ClientSession implements ConnectionHandler {
    private final TrackerEngine tracker;
    volatile Connection connection;
    /** Its id, once its Auth proved the key of its Hello (null before). */
    PeerId id;
    /** This session's handshake (made when the connection opens). */
    Handshake handshake;
    /** Where other peers reach this client, or null when it serves nothing (port 0). */
    PeerInfo info;
    boolean ready;
    boolean closed;
    long lastSeenNanos = System.nanoTime();
    /** The contents it publishes or joined. */
    final Set<Content> contents = new LinkedHashSet<>();
    /** Its bandwidth, from its last RATES (bytes per second; 0: no cap, or not measured yet). */
    long uploadCap;
    long downloadCap;
    long uploadRate;
    long downloadRate;
    /** Peers whose address this client was sent. */
    final Set<PeerId> known = new HashSet<>();

    ClientSession(TrackerEngine tracker) {
        this.tracker = tracker;
    }

    @Override
    public void opened(Connection c) {
        connection = c;
        tracker.execute(() -> tracker.onOpened(this));
    }

    @Override
    public void received(Connection c, IcetMessage message) {
        tracker.execute(() -> tracker.onMessage(this, message));
    }

    @Override
    public void closed(Connection c, String reason) {
        tracker.execute(() -> tracker.onClosed(this, reason));
    }

    /**
     * How many pieces of {@code pieceLength} bytes this client may serve at once: {@code maxServing},
     * or fewer when its upload cap moves less than that in {@link #PLANNING_SECONDS}.
     */
    int servingSlots(int pieceLength, int maxServing) {
        if (uploadCap <= 0 || pieceLength <= 0) {
            return maxServing;
        }
        long fits = (long) Math.ceil(uploadCap * PLANNING_SECONDS / pieceLength);
        return (int) Math.max(1, Math.min(maxServing, fits));
    }

    /** The horizon of planning: a peer should not hold more assignments than its cap serves in this time. */
    static final double PLANNING_SECONDS = 2.0;

    void send(IcetMessage m) {
        Connection c = connection;
        if (c != null && !closed) {
            c.send(m);
        }
    }

    @Override
    public String toString() {
        Connection c = connection;
        return (id == null ? "?" : id.shortHex()) + (c == null ? "" : "@" + c.remoteAddress());
    }
}
