package org.iceshare.icet.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.icet.ErrorCode;
import org.iceshare.api.icet.ErrorReport;
import org.iceshare.api.icet.Hello;
import org.iceshare.api.icet.Piece;
import org.iceshare.api.icet.Role;
import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.transport.Connection;
import org.iceshare.api.transport.Listener;
import org.iceshare.api.transport.Refusals;
import org.iceshare.testkit.RecordingHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bounded costs of {@link NettyTransport} over real loopback sockets: the connection caps per listener
 * and per remote address, the partial-frame budget and the slow-frame rule, and the counters by reason.
 * 127.0.0.1 and 127.0.0.2 are two remote addresses on Linux's loopback.
 */
class TransportLimitsTest {

    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final Hello SERVER_HELLO = Hello.of(Role.PEER, Samples.key("server"), Samples.key("nonce"),
            "server", List.of(new Endpoint("tcp", 7741)));
    private static final Hello CLIENT_HELLO = Hello.of(Role.PEER, Samples.key("client"), Samples.key("nonce"),
            "client", List.of());
    private static final int MAX = TransportSettings.DEFAULT_MAX_FRAME_SIZE;

    private final List<NettyTransport> transports = new ArrayList<>();
    private final List<RawClient> clients = new ArrayList<>();
    private final BlockingQueue<RecordingHandler> accepted = new LinkedBlockingQueue<>();

    @AfterEach
    void close() throws IOException {
        for (RawClient c : clients) {
            c.close();
        }
        transports.forEach(NettyTransport::close);
    }

    private NettyTransport transport(TransportSettings settings) {
        NettyTransport t = NettyTransport.tcp(settings);
        transports.add(t);
        return t;
    }

    private Listener listen(NettyTransport t) throws IOException {
        return t.listen(ANY_LOOPBACK_PORT, () -> {
            RecordingHandler h = new RecordingHandler(SERVER_HELLO);
            accepted.add(h);
            return h;
        });
    }

    private RawClient raw(Listener listener, String from) throws IOException {
        RawClient c = new RawClient(listener, InetAddress.getByName(from));
        clients.add(c);
        return c;
    }

    private RecordingHandler nextAccepted() throws InterruptedException {
        RecordingHandler h = accepted.poll(5, TimeUnit.SECONDS);
        assertThat(h).as("an accepted connection").isNotNull();
        return h;
    }

    /** A frame header announcing {@code length} bytes, then {@code body} zero bytes of it. */
    private static byte[] partialFrame(int length, int body) {
        ByteBuffer b = ByteBuffer.allocate(4 + body);
        b.putInt(length);
        return b.array();
    }

    @Test
    void oneConnectionTooManyFromAnAddressIsRefusedWithBusyAndCounted() throws Exception {
        NettyTransport t = transport(TransportSettings.DEFAULTS.withConnectionLimits(100, 2));
        Listener listener = listen(t);
        RawClient first = raw(listener, "127.0.0.1");
        raw(listener, "127.0.0.1");
        assertThat(first.read()).isEqualTo(SERVER_HELLO);
        nextAccepted();
        nextAccepted();

        RawClient third = raw(listener, "127.0.0.1");
        ErrorReport refused = third.readUntilError();
        assertThat(refused.code()).isEqualTo(ErrorCode.BUSY);
        assertThat(refused.message()).isEqualTo("2 connections from 127.0.0.1 are open, its maximum "
                + "(maxConnectionsPerAddress 2)");
        assertThat(third.atEof()).isTrue();
        assertThat(accepted).as("the application never sees it").isEmpty();

        RawClient other = raw(listener, "127.0.0.2");
        assertThat(other.read()).as("another address is welcome").isEqualTo(SERVER_HELLO);
        nextAccepted();

        first.close();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            RawClient again = raw(listener, "127.0.0.1");
            assertThat(again.read()).isEqualTo(SERVER_HELLO);
        });
        assertThat(t.refusals().count(Refusals.ADDRESS_LIMIT)).isGreaterThanOrEqualTo(1);
        assertThat(t.refusals().counts().keySet()).containsOnly(Refusals.ADDRESS_LIMIT);
    }

    @Test
    void oneConnectionTooManyForTheListenerIsRefused() throws Exception {
        NettyTransport t = transport(TransportSettings.DEFAULTS.withConnectionLimits(2, 100));
        Listener listener = listen(t);
        raw(listener, "127.0.0.1").read();
        raw(listener, "127.0.0.2").read();
        ErrorReport refused = raw(listener, "127.0.0.3").readUntilError();
        assertThat(refused.code()).isEqualTo(ErrorCode.BUSY);
        assertThat(refused.message()).isEqualTo("the listener holds 2 connections, its maximum (maxConnections 2)");
        assertThat(t.refusals().count(Refusals.CONNECTION_LIMIT)).isEqualTo(1);
    }

    @Test
    void aLoweredCapAppliesToTheNextConnectionAndClosesNoneThatIsOpen() throws Exception {
        NettyTransport t = transport(TransportSettings.DEFAULTS.withConnectionLimits(100, 3));
        Listener listener = listen(t);
        RawClient a = raw(listener, "127.0.0.1");
        RawClient b = raw(listener, "127.0.0.1");
        a.read();
        b.read();
        t.reconfigure(TransportSettings.DEFAULTS.withConnectionLimits(100, 1));
        assertThat(raw(listener, "127.0.0.1").readUntilError().code()).isEqualTo(ErrorCode.BUSY);
        a.send(CLIENT_HELLO);
        b.send(CLIENT_HELLO);
        assertThat(nextAccepted().next()).as("open connections carry on").isEqualTo(CLIENT_HELLO);
        assertThat(nextAccepted().next()).isEqualTo(CLIENT_HELLO);
    }

    @Test
    void aSlowPartialFrameIsClosedWithAReasonAndItsMemoryFreed() throws Exception {
        NettyTransport t = transport(TransportSettings.DEFAULTS);
        t.slowFrameWindow(200);
        Listener listener = listen(t);
        RawClient attacker = raw(listener, "127.0.0.1");
        attacker.send(CLIENT_HELLO);
        RecordingHandler server = nextAccepted();
        assertThat(server.next()).isEqualTo(CLIENT_HELLO);
        attacker.write(partialFrame(MAX, 4 * 1024 * 1024));
        await().atMost(Duration.ofSeconds(5)).until(() -> t.frameBudget().used() >= 4 * 1024 * 1024);

        ErrorReport report = attacker.readUntilError();
        assertThat(report).isEqualTo(ErrorReport.of(ErrorCode.PROTOCOL, "frame arriving too slowly"));
        assertThat(attacker.atEof()).isTrue();
        attacker.close();
        assertThat(server.closeReason()).startsWith("slow frame: a partial frame of 8388608 bytes arrived at 0 B/s");
        assertThat(t.frameBudget().used()).isZero();
        assertThat(t.refusals().count(Refusals.SLOW_FRAME)).isEqualTo(1);
    }

    @Test
    void anHonestPieceGetsThroughWhileAnAttackerHoldsTheBudget() throws Exception {
        // the smallest budget an 8 MiB frame allows: 9 MiB
        NettyTransport t = transport(TransportSettings.DEFAULTS.withFrameLimits(MAX + TransportSettings.BUFFER_SLACK,
                60, 1024));
        Listener listener = listen(t);
        RawClient attacker = raw(listener, "127.0.0.2");
        attacker.send(CLIENT_HELLO);
        RecordingHandler attacked = nextAccepted();
        attacked.next();
        attacker.write(partialFrame(MAX, MAX - 4096));
        await().atMost(Duration.ofSeconds(5)).until(() -> t.frameBudget().used() >= MAX - 4096);

        NettyTransport honestSide = transport(TransportSettings.DEFAULTS);
        RecordingHandler honest = new RecordingHandler(CLIENT_HELLO);
        Connection c = honestSide.connect(listener.localAddress(), honest).toCompletableFuture().get(5, TimeUnit.SECONDS);
        RecordingHandler server = nextAccepted();
        assertThat(server.next()).isEqualTo(CLIENT_HELLO);
        byte[] data = new byte[2 * 1024 * 1024];
        new Random(5).nextBytes(data);
        Piece piece = new Piece(Samples.CONTENT, 5, ByteBuffer.wrap(data));
        c.send(piece);
        assertThat(server.next()).isEqualTo(piece);

        assertThat(attacker.readUntilError()).isEqualTo(ErrorReport.of(ErrorCode.BUSY, "partial-frame budget exhausted"));
        assertThat(attacker.atEof()).isTrue();
        attacker.close();
        assertThat(attacked.closeReason()).contains("maxBufferedFrameBytes").contains("is the oldest");
        assertThat(t.refusals().count(Refusals.FRAME_BUDGET)).isEqualTo(1);
        assertThat(c.isOpen()).isTrue();
    }

    @Test
    void handshakeTimeoutsAndMalformedFramesAreCounted() throws Exception {
        NettyTransport t = transport(new TransportSettings(MAX, 2, 200, 90, 1 << 20, 4 << 20, 5_000));
        Listener listener = listen(t);
        RawClient silent = raw(listener, "127.0.0.1");
        assertThat(silent.readUntilError().code()).isEqualTo(ErrorCode.PROTOCOL);
        RawClient garbage = raw(listener, "127.0.0.1");
        garbage.send(CLIENT_HELLO);
        garbage.write(new byte[] {0, 0, 0, 0});
        assertThat(garbage.readUntilError()).isEqualTo(ErrorReport.of(ErrorCode.MALFORMED, "empty frame: length 0"));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(t.refusals().counts())
                .containsEntry(Refusals.HANDSHAKE_TIMEOUT, 1L).containsEntry(Refusals.MALFORMED_FRAME, 1L));
    }
}
