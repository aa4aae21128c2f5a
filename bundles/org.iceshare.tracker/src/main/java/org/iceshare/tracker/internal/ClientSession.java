package org.iceshare.tracker.internal;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.icet.Publish;
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
    /** Joins and publications this client may send: each costs a plan, a publication a manifest. */
    final Allowance joins = new Allowance(JOINS_PER_SECOND, JOINS_BURST, System.nanoTime());
    /** Reports of failed fetches and corrupt pieces, and seeks: each costs a re-plan. */
    final Allowance reports = new Allowance(REPORTS_PER_SECOND, REPORTS_BURST, System.nanoTime());
    /** Messages received and not handled yet (any thread). */
    private final AtomicInteger pending = new AtomicInteger();
    /** Publications received and not handled yet: each may hold a manifest of megabytes (any thread). */
    private final AtomicInteger pendingPublications = new AtomicInteger();
    private volatile boolean flooding;
    /** When the tracker last logged that this client went over an allowance (0: never). */
    long lastLimitLogNanos;

    /** The IceT version of this session (the lower of both sides'), or 0 before the client's Hello. */
    int version() {
        org.iceshare.api.icet.Hello h = handshake == null ? null : handshake.theirs();
        return h == null ? 0 : Math.min(h.version(), org.iceshare.api.icet.IcetMessage.PROTOCOL_VERSION);
    }

    static final double JOINS_PER_SECOND = 10;
    static final double JOINS_BURST = 50;
    static final double REPORTS_PER_SECOND = 100;
    static final double REPORTS_BURST = 1_000;
    /**
     * A client with this many messages waiting for the tracker floods it and is closed: far above what an
     * honest one sends (a restarted client reports each piece it holds, at most 65,536 per content, as it
     * checks them), far below what would crowd the tracker's memory.
     */
    static final int MAX_PENDING = 20_000;
    /** The same for publications, which are big. */
    static final int MAX_PENDING_PUBLICATIONS = 4;

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
        if (flooding) {
            return;
        }
        boolean publication = message instanceof Publish;
        if (pending.incrementAndGet() > MAX_PENDING
                || publication && pendingPublications.incrementAndGet() > MAX_PENDING_PUBLICATIONS) {
            // the tracker is not keeping up with this client: close it rather than queue without bound
            flooding = true;
            tracker.guard.flooded(this, publication ? MAX_PENDING_PUBLICATIONS + " publications" : MAX_PENDING
                    + " messages");
            return;
        }
        tracker.execute(() -> {
            pending.decrementAndGet();
            if (publication) {
                pendingPublications.decrementAndGet();
            }
            tracker.onMessage(this, message);
        });
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
