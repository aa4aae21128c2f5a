package org.iceshare.tracker.internal;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.icet.Auth;
import org.iceshare.api.icet.Hello;
import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.icet.Publish;
import org.iceshare.api.icet.Published;
import org.iceshare.api.icet.Role;
import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PieceInfo;
import org.iceshare.api.transport.Connection;
import org.iceshare.api.transport.ConnectionHandler;
import org.iceshare.engine.internal.Handshake;
import org.iceshare.engine.internal.Identity;
import org.iceshare.icet.internal.NettyTransport;
import org.iceshare.icet.internal.TransportSettings;
import org.iceshare.planner.rarest.internal.RarestPlanner;

/**
 * The child process of {@link TrackerStoreTest#anAcknowledgedPublicationSurvivesKill9}: a tracker on the state
 * folder {@code args[0]} and a client that publishes {@code args[1]} over a real socket; once the client has
 * PUBLISHED it prints {@code PUBLISHED <content id>} and the process waits to be killed.
 */
public final class PublishThenHang {
    public static void main(String[] args) throws Exception {
        NettyTransport transport = NettyTransport.tcp(TransportSettings.DEFAULTS);
        TrackerEngine tracker = new TrackerEngine(TrackerSettings.loopback(), List.of(transport),
                Identity.generate(), Path.of(args[0]), RarestPlanner::new);
        tracker.start();
        Identity me = Identity.generate();
        Handshake handshake = new Handshake(me, Role.CLIENT, Role.TRACKER);
        BlockingQueue<IcetMessage> inbox = new LinkedBlockingQueue<>();
        Connection c = transport.connect(tracker.address(), new ConnectionHandler() {
            @Override
            public void opened(Connection connection) {
            }

            @Override
            public void received(Connection connection, IcetMessage message) {
                inbox.add(message);
            }

            @Override
            public void closed(Connection connection, String reason) {
            }
        }).toCompletableFuture().get(30, TimeUnit.SECONDS);
        c.send(handshake.hello("test", List.of(new Endpoint("tcp", 5000))));
        c.send(handshake.onHello(next(inbox, Hello.class)));
        handshake.onAuth(next(inbox, Auth.class));
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(args[1].getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Manifest m = Manifest.derived(args[1], "audio/ogg", "ogg", "sha-256", 1000, 1,
                List.of(new PieceInfo(0, 0, 1000, hash)));
        c.send(new Publish(TrackerEngineTest.signed(m, me)));
        next(inbox, Published.class);
        System.out.println("PUBLISHED " + m.id().toHex());
        System.out.flush();
        Thread.sleep(TimeUnit.MINUTES.toMillis(2));
    }

    private static <T extends IcetMessage> T next(BlockingQueue<IcetMessage> inbox, Class<T> type) throws Exception {
        while (true) {
            IcetMessage m = inbox.poll(30, TimeUnit.SECONDS);
            if (m == null) {
                throw new IllegalStateException("no " + type.getSimpleName() + " within 30 s");
            }
            if (type.isInstance(m)) {
                return type.cast(m);
            }
        }
    }
}
