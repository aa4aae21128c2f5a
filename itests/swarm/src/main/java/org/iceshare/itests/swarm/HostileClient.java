package org.iceshare.itests.swarm;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.icet.Auth;
import org.iceshare.api.icet.Hello;
import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.icet.Role;
import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.transport.Connection;
import org.iceshare.api.transport.ConnectionHandler;
import org.iceshare.api.transport.Transport;
import org.iceshare.engine.internal.Handshake;
import org.iceshare.engine.internal.Identity;

/**
 * A client that speaks IceT to a tracker by hand, as a hostile one would from the protocol spec: it has a
 * key of its own (so it gets through the handshake like anyone) and then says whatever its user wants,
 * true or not. The tests and the hostile-swarm benchmark share it.
 */
public final class HostileClient implements ConnectionHandler, AutoCloseable {
    private final Identity identity;
    /** What the tracker sent, in order. */
    public final BlockingQueue<IcetMessage> inbox = new LinkedBlockingQueue<>();
    private final Connection connection;
    /** Why the connection closed, or null while it is open. */
    public volatile String closed;

    /**
     * Connects to a tracker and proves its key, claiming to listen on {@code claimedPort} (where nothing
     * need answer; 0: it serves nothing).
     */
    public HostileClient(Transport transport, InetSocketAddress tracker, int claimedPort) throws Exception {
        this(Identity.generate(), transport, tracker, claimedPort);
    }

    /** The same, with a key of its own choosing (the one its peer port answers with, say). */
    public HostileClient(Identity identity, Transport transport, InetSocketAddress tracker, int claimedPort)
            throws Exception {
        this.identity = identity;
        connection = transport.connect(tracker, this).toCompletableFuture().get(30, TimeUnit.SECONDS);
        Handshake handshake = new Handshake(identity, Role.CLIENT, Role.TRACKER);
        connection.send(handshake.hello("hostile", claimedPort == 0 ? List.of()
                : List.of(new Endpoint("tcp", claimedPort))));
        connection.send(handshake.onHello(next(Hello.class)));
        handshake.onAuth(next(Auth.class));
    }

    public PeerId id() {
        return identity.id();
    }

    /** Its key pair: what it can sign with (a manifest re-signed as its own, say). */
    public Identity identity() {
        return identity;
    }

    public void send(IcetMessage m) {
        connection.send(m);
    }

    /** The next message of that type from the tracker (others are skipped); fails after 30 s without one. */
    public <T extends IcetMessage> T next(Class<T> type) throws InterruptedException {
        while (true) {
            IcetMessage m = inbox.poll(30, TimeUnit.SECONDS);
            if (m == null) {
                throw new IllegalStateException("no " + type.getSimpleName() + " from the tracker within 30 s"
                        + (closed == null ? "" : " (closed: " + closed + ")"));
            }
            if (type.isInstance(m)) {
                return type.cast(m);
            }
        }
    }

    @Override
    public void opened(Connection c) {
    }

    @Override
    public void received(Connection c, IcetMessage m) {
        inbox.add(m);
    }

    @Override
    public void closed(Connection c, String reason) {
        closed = reason;
    }

    @Override
    public void close() {
        connection.close("done");
    }
}
