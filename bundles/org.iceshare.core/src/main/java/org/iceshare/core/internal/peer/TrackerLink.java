package org.iceshare.core.internal.peer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;

import org.iceshare.api.icet.Auth;
import org.iceshare.api.icet.ErrorCode;
import org.iceshare.api.icet.ErrorReport;
import org.iceshare.api.icet.Hello;
import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.icet.Joined;
import org.iceshare.api.icet.Leave;
import org.iceshare.api.icet.Ping;
import org.iceshare.api.icet.Pong;
import org.iceshare.api.icet.Published;
import org.iceshare.api.icet.Rates;
import org.iceshare.api.icet.Role;
import org.iceshare.api.peer.PublishException;
import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.transport.Connection;
import org.iceshare.api.transport.ConnectionHandler;
import org.iceshare.api.transport.Transport;
import org.iceshare.engine.internal.Handshake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of the IceT conversation with one tracker, shared by every swarm of this peer on
 * that tracker: it connects (over the tracker's endpoints by preference, or over each transport at the
 * URL's port until the tracker has said), matches answers to requests, keeps the connection alive,
 * reconnects, and hands the swarm messages (PEERS, ASSIGN, ANNOUNCE, REVOKE) to its {@link Owner}.
 *
 * <p>The tracker answers each Publish and Join with exactly one Published, Joined or ErrorReport, in
 * order, so answers are matched to requests first-in first-out. Reconnecting: when every endpoint failed
 * once in a row the link backs off (0.5 s doubling to 30 s); when the tracker closes a connection over a
 * transport it no longer offers (it said so in a new Hello first), or over one this peer lost, the link
 * comes back at once over another.
 *
 * <p><b>Threading:</b> the transport's callbacks hand events to the owner's executor; every field is
 * touched there only.
 */
final class TrackerLink implements ConnectionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(TrackerLink.class);

    /** What a tracker link needs from its peer. Every method is called on the peer's engine thread. */
    interface Owner {
        /** The peer's name, for the log. */
        String name();

        /** False once the peer is stopping: no more connects. */
        boolean running();

        /** Runs a task on the engine thread. Any thread. */
        void execute(Runnable task);

        /** Runs a task on the engine thread after a delay. */
        ScheduledFuture<?> schedule(Runnable task, long delayMillis);

        /** A new connection's handshake: this peer's identity, as a client talking to a tracker. Any thread. */
        Handshake handshake();

        /** This peer's Hello on a connection of that handshake: its key and where it listens now. Any thread. */
        Hello hello(Handshake handshake);

        /**
         * The tracker's endpoints this peer can use, best first by its preference; while they are unknown,
         * each of its transports at {@code urlPort}.
         */
        List<Endpoint> reachable(List<Endpoint> offered, int urlPort);

        /** The transport of this name, or null when the peer does not have it (any more). */
        Transport transport(String name);

        /** The caps and rates to tell the tracker. */
        Rates rates();

        /** A message for the swarms: PEERS, ASSIGN, ANNOUNCE or REVOKE. */
        void received(TrackerLink link, IcetMessage message);

        /** The link is ready again after a reconnect: the swarms publish or join again. */
        void reconnected(TrackerLink link);
    }

    /** A Publish or Join waiting for its answer. */
    private record Pending(IcetMessage request, CompletableFuture<IcetMessage> answer) {
    }

    private final Owner owner;
    final InetSocketAddress address;
    final String key;
    /** The swarms of this peer on this tracker. */
    final Set<Swarm> swarms = new LinkedHashSet<>();
    private Connection connection;
    /** The handshake of {@link #connection}. */
    private Handshake handshake;
    /** The endpoints the Hello on {@link #connection} named. */
    private List<Endpoint> sentEndpoints = List.of();
    private boolean connecting;
    private boolean ready;
    private final ArrayDeque<IcetMessage> queued = new ArrayDeque<>();
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private int failures;
    /** Counts failed connects, to try the tracker's next endpoint (or the next transport at the URL's port). */
    private int probe;
    /** Failed connects in this round: when every endpoint failed once, the link backs off. */
    private int attempts;
    /** Times this link waited before reconnecting. */
    private long backoffs;
    /** The tracker's endpoints from its Hello; empty until known. */
    private List<Endpoint> endpoints = List.of();
    private ScheduledFuture<?> reconnect;
    private long lastReceivedNanos = System.nanoTime();

    TrackerLink(Owner owner, InetSocketAddress address, String key) {
        this.owner = owner;
        this.address = address;
        this.key = key;
    }

    // ------------------------------------------------------------------ what the peer asks

    /** Sends now when connected, else queues for the next connection. Engine thread. */
    void send(IcetMessage m) {
        if (ready && connection != null) {
            connection.send(m);
        } else {
            queued.add(m);
        }
    }

    /** Sends a request that gets exactly one answer, connecting if needed. Engine thread. */
    CompletableFuture<IcetMessage> request(IcetMessage m) {
        CompletableFuture<IcetMessage> f = new CompletableFuture<>();
        pending.add(new Pending(m, f));
        send(m);
        connect();
        return f;
    }

    /** The open connection, or null. Engine thread. */
    Connection connection() {
        return connection;
    }

    /** True when the Hello exchange is done and messages go out at once. Engine thread. */
    boolean ready() {
        return ready && connection != null;
    }

    /**
     * The IceT version of the open connection (the lower of both sides'), or 0 while not ready: a message a
     * version added goes only to a tracker that speaks it. Engine thread.
     */
    int version() {
        Hello h = handshake == null ? null : handshake.theirs();
        return ready() && h != null ? Math.min(h.version(), org.iceshare.api.icet.IcetMessage.PROTOCOL_VERSION) : 0;
    }

    /** How often this link backed off before reconnecting. Engine thread. */
    long backoffs() {
        return backoffs;
    }

    /** Connects unless connected or connecting. Engine thread. */
    void connect() {
        if (connection != null || connecting || !owner.running()) {
            return;
        }
        connecting = true;
        InetSocketAddress to;
        Transport transport;
        try {
            List<Endpoint> candidates = owner.reachable(endpoints, address.getPort());
            if (candidates.isEmpty()) {
                throw new IOException(endpoints.isEmpty() ? "this peer has no transport"
                        : "no common transport: the tracker offers " + endpoints);
            }
            Endpoint via = candidates.get(Math.floorMod(probe, candidates.size()));
            transport = owner.transport(via.transport());
            to = new InetSocketAddress(address.getHostString(), via.port());
            if (transport == null) {
                throw new IOException("transport " + via.transport() + " is gone");
            }
            if (to.isUnresolved()) {
                throw new IOException("unknown host " + address.getHostString());
            }
        } catch (IOException | IllegalArgumentException e) {
            connectFailed(e);
            return;
        }
        transport.connect(to, this).whenComplete((c, err) -> {
            if (err != null) {
                owner.execute(() -> connectFailed(unwrap(err)));
            }
        });
    }

    /** A transport came: if the tracker could not be reached, try at once instead of at the next backoff. */
    void transportAdded() {
        if (connection == null && !connecting && !swarms.isEmpty()) {
            if (reconnect != null) {
                reconnect.cancel(false);
            }
            connect();
        }
    }

    /** A transport went away: a connection over it ends, and the link comes back over another at once. */
    void transportRemoved(String name, boolean anyLeft) {
        Connection c = connection;
        if (c == null || !c.transport().equals(name)) {
            return;
        }
        String why = "transport " + name + " removed";
        detach(why);
        c.close(why);
        if (!anyLeft) {
            LOG.info("peer {}: {}; tracker {} is reached again when a transport comes", owner.name(), why, key);
        } else if (!swarms.isEmpty()) {
            LOG.info("peer {}: {}; reaching tracker {} over another transport", owner.name(), why, key);
            connect();
        }
    }

    /** Tells the tracker where the peer listens now (a second Hello, with the same key). */
    void helloAgain() {
        if (ready()) {
            Hello h = owner.hello(handshake);
            sentEndpoints = h.endpoints();
            connection.send(h);
        }
    }

    /** Pings a tracker that has been silent for {@code keepAliveNanos}. */
    void keepAlive(long now, long keepAliveNanos) {
        if (ready() && now - lastReceivedNanos > keepAliveNanos) {
            connection.send(new Ping(now));
            lastReceivedNanos = now;
        }
    }

    /** The peer stops: leave every swarm and close. Engine thread. */
    void close(String why) {
        if (reconnect != null) {
            reconnect.cancel(false);
        }
        for (Swarm s : swarms) {
            send(new Leave(s.manifest.id()));
        }
        if (connection != null) {
            connection.close(why);
        }
    }

    // ------------------------------------------------------------------ transport callbacks

    @Override
    public void opened(Connection c) {
        Handshake hs = owner.handshake();
        Hello hello = owner.hello(hs);
        c.send(hello);
        owner.execute(() -> {
            connection = c;
            handshake = hs;
            sentEndpoints = hello.endpoints();
            connecting = false;
            lastReceivedNanos = System.nanoTime();
        });
    }

    @Override
    public void received(Connection c, IcetMessage message) {
        owner.execute(() -> onMessage(c, message));
    }

    @Override
    public void closed(Connection c, String reason) {
        owner.execute(() -> onClosed(c, reason));
    }

    // ------------------------------------------------------------------ events, engine thread

    private void onMessage(Connection c, IcetMessage m) {
        if (connection != c) {
            return;
        }
        lastReceivedNanos = System.nanoTime();
        if (m instanceof Hello h) {
            onHello(c, h);
        } else if (m instanceof Auth a) {
            onAuth(c, a);
        } else if (!ready) {
            refuse(c, m.type() + " before the handshake was done");
        } else if (m instanceof Published || m instanceof Joined || m instanceof ErrorReport) {
            answer(m);
        } else if (m instanceof Ping p) {
            c.send(new Pong(p.nonce()));
        } else if (!(m instanceof Pong)) {
            owner.received(this, m);
        }
    }

    private void onHello(Connection c, Hello h) {
        if (ready) {
            // the tracker's endpoints changed: the same tracker only
            if (h.role() != Role.TRACKER || !h.peerId().equals(handshake.remote())) {
                refuse(c, "a later Hello must come from the same tracker");
                return;
            }
            endpoints = h.endpoints();
            return;
        }
        try {
            c.send(handshake.onHello(h));
        } catch (Handshake.Refused e) {
            refuse(c, e.getMessage());
        }
    }

    /** The tracker proved its key: the link is ready, what waited goes out, the swarms rejoin. */
    private void onAuth(Connection c, Auth a) {
        try {
            handshake.onAuth(a);
        } catch (Handshake.Refused e) {
            refuse(c, e.getMessage());
            return;
        }
        Hello h = handshake.theirs();
        boolean reconnected = failures > 0 || !swarms.isEmpty();
        if (!h.endpoints().isEmpty()) {
            endpoints = h.endpoints();
            probe = 0; // next time, start again with the best of its endpoints
        }
        ready = true;
        failures = 0;
        attempts = 0;
        Hello now = owner.hello(handshake);
        if (!now.endpoints().equals(sentEndpoints)) {
            // a transport came or went while the connection was opening: the tracker hears it now
            c.send(now);
        }
        c.send(owner.rates());
        while (!queued.isEmpty()) {
            c.send(queued.poll());
        }
        if (reconnected) {
            owner.reconnected(this);
        }
    }

    /** A protocol error: the tracker is told why (PROTOCOL), then the connection closes. */
    private void refuse(Connection c, String why) {
        LOG.info("peer {}: closing the connection to tracker {}: {}", owner.name(), key, why);
        c.send(ErrorReport.of(ErrorCode.PROTOCOL, why));
        c.close("protocol error: " + why);
    }

    private void answer(IcetMessage m) {
        Pending p = pending.poll();
        if (p == null) {
            if (m instanceof ErrorReport e) {
                LOG.warn("peer {}: tracker {} reports {}: {}", owner.name(), key, e.code(), e.message());
            }
            return;
        }
        if (m instanceof ErrorReport e) {
            p.answer().completeExceptionally(new PublishException("tracker " + key + " refused: " + e.message()
                    + " (" + e.code() + ")", e.code()));
        } else {
            p.answer().complete(m);
        }
    }

    private void connectFailed(Throwable err) {
        connecting = false;
        probe++;
        attempts++;
        String why = "cannot reach tracker " + key + ": " + err.getMessage();
        if (owner.running() && (!swarms.isEmpty() || !pending.isEmpty())
                && attempts < owner.reachable(endpoints, address.getPort()).size()) {
            // another of the tracker's endpoints is left to try in this round: at once, not after a backoff
            LOG.debug("peer {}: {}; trying its next endpoint", owner.name(), why);
            connect();
            return;
        }
        attempts = 0;
        failPending(why);
        retryLater(why);
    }

    private void onClosed(Connection c, String reason) {
        if (connection != c) {
            return;
        }
        String why = "tracker " + key + " closed the connection: " + reason;
        detach(why);
        String over = c.transport();
        boolean trackerLeftIt = !endpoints.isEmpty() && endpoints.stream().noneMatch(e -> e.transport().equals(over));
        if ((trackerLeftIt || owner.transport(over) == null) && owner.running() && !swarms.isEmpty()) {
            // not a failure: the transport went away (the tracker said so first); come back at once over another
            LOG.info("peer {}: {}; reaching it again over another transport (it offers {})", owner.name(), why,
                    endpoints);
            connect();
            return;
        }
        retryLater(why);
    }

    /** The link has no connection any more: what waited for an answer over it fails with {@code why}. */
    private void detach(String why) {
        connection = null;
        handshake = null;
        ready = false;
        connecting = false;
        failPending(why);
    }

    private void failPending(String why) {
        queued.clear();
        Pending p;
        while ((p = pending.poll()) != null) {
            p.answer().completeExceptionally(new PublishException(why));
        }
    }

    private void retryLater(String why) {
        if (!owner.running() || swarms.isEmpty()) {
            return;
        }
        failures++;
        backoffs++;
        long delayMs = Math.min(30_000, 500L << Math.min(6, failures - 1));
        LOG.warn("peer {}: {}; retrying in {} ms", owner.name(), why, delayMs);
        reconnect = owner.schedule(this::connect, delayMs);
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    @Override
    public String toString() {
        return "tracker " + key;
    }
}
