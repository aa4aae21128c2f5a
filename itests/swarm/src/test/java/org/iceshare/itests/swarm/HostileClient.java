package org.iceshare.itests.swarm;

import static org.assertj.core.api.Assertions.assertThat;

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
 * key of its own (so it gets through the handshake like anyone) and then says whatever the test wants,
 * true or not.
 */
final class HostileClient implements ConnectionHandler, AutoCloseable {
    final Identity identity = Identity.generate();
    final BlockingQueue<IcetMessage> inbox = new LinkedBlockingQueue<>();
    private final Connection connection;
    volatile String closed;

    /**
     * Connects to a tracker and proves its key, claiming to listen on {@code claimedPort} (where nothing
     * need answer).
     */
    HostileClient(Transport transport, InetSocketAddress tracker, int claimedPort) throws Exception {
        connection = transport.connect(tracker, this).toCompletableFuture().get(30, TimeUnit.SECONDS);
        Handshake handshake = new Handshake(identity, Role.CLIENT, Role.TRACKER);
        connection.send(handshake.hello("hostile", List.of(new Endpoint("tcp", claimedPort))));
        connection.send(handshake.onHello(next(Hello.class)));
        handshake.onAuth(next(Auth.class));
    }

    PeerId id() {
        return identity.id();
    }

    void send(IcetMessage m) {
        connection.send(m);
    }

    <T extends IcetMessage> T next(Class<T> type) throws InterruptedException {
        while (true) {
            IcetMessage m = inbox.poll(30, TimeUnit.SECONDS);
            assertThat(m).as("a " + type.getSimpleName() + " within 30 s").isNotNull();
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
        connection.close("test over");
    }
}
