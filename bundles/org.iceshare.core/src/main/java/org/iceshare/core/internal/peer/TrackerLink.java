package org.iceshare.core.internal.peer;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.icet.Role;
import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.transport.Connection;
import org.iceshare.api.transport.ConnectionHandler;

/**
 * The connection to one tracker, shared by every swarm of this peer on that tracker. The tracker
 * answers each Publish and Join with exactly one Published, Joined or ErrorReport, in order, so
 * answers are matched to requests first-in first-out.
 *
 * <p><b>Threading:</b> transport callbacks hand events to the engine's executor; all state is
 * touched there only.
 */
final class TrackerLink implements ConnectionHandler {

    /** A Publish or Join waiting for its answer. */
    record Pending(IcetMessage request, CompletableFuture<IcetMessage> answer) {
    }

    private final PeerEngine engine;
    final InetSocketAddress address;
    final String key;
    Connection connection;
    boolean connecting;
    boolean ready;
    final ArrayDeque<IcetMessage> queued = new ArrayDeque<>();
    final ArrayDeque<Pending> pending = new ArrayDeque<>();
    final Set<Swarm> swarms = new LinkedHashSet<>();
    int failures;
    /** Counts failed connects, to try the tracker's next endpoint (or the next transport at the URL's port). */
    int probe;
    /** Failed connects in this round: when every endpoint failed once, the link backs off. */
    int attempts;
    /** The tracker's endpoints from its Hello; empty until known. */
    List<Endpoint> endpoints = List.of();
    ScheduledFuture<?> reconnect;
    long lastReceivedNanos = System.nanoTime();

    TrackerLink(PeerEngine engine, InetSocketAddress address, String key) {
        this.engine = engine;
        this.address = address;
        this.key = key;
    }

    @Override
    public void opened(Connection c) {
        c.send(engine.hello(Role.CLIENT));
        engine.execute(() -> engine.onTrackerOpened(this, c));
    }

    @Override
    public void received(Connection c, IcetMessage message) {
        engine.execute(() -> engine.onTrackerMessage(this, c, message));
    }

    @Override
    public void closed(Connection c, String reason) {
        engine.execute(() -> engine.onTrackerClosed(this, c, reason));
    }

    /** Sends now when connected, else queues for the next connection. Engine thread. */
    void send(IcetMessage m) {
        if (ready && connection != null) {
            connection.send(m);
        } else {
            queued.add(m);
        }
    }

    /** Sends a request that gets exactly one answer. Engine thread. */
    CompletableFuture<IcetMessage> request(IcetMessage m) {
        CompletableFuture<IcetMessage> f = new CompletableFuture<>();
        pending.add(new Pending(m, f));
        send(m);
        return f;
    }

    @Override
    public String toString() {
        return "tracker " + key;
    }
}
