package org.iceshare.icet.internal;

import org.iceshare.api.swarm.Endpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.icet.ErrorCode;
import org.iceshare.api.icet.ErrorReport;
import org.iceshare.api.icet.Hello;
import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.icet.Piece;
import org.iceshare.api.icet.Ping;
import org.iceshare.api.icet.Pong;
import org.iceshare.api.icet.Request;
import org.iceshare.api.icet.Role;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.transport.Connection;
import org.iceshare.api.transport.ConnectionHandler;
import org.iceshare.api.transport.Listener;
import org.iceshare.testkit.RecordingHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;


class NettyTransportTest {

    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final ContentId CONTENT = ContentId.parse("c0ffee00000000000000000000000001");
    private static final Hello SERVER_HELLO = Hello.of(Role.PEER, Samples.key("server"), Samples.key("nonce"), "server", List.of(new Endpoint("tcp", 7741)));
    private static final Hello CLIENT_HELLO = Hello.of(Role.PEER, Samples.key("client"), Samples.key("nonce"), "client", List.of());

    private final List<NettyTransport> transports = new ArrayList<>();
    private final NettyTransport transport = transport(TransportSettings.DEFAULTS);
    private final BlockingQueue<RecordingHandler> accepted = new LinkedBlockingQueue<>();

    @AfterEach
    void closeTransports() {
        transports.forEach(NettyTransport::close);
    }

    private NettyTransport transport(TransportSettings settings) {
        NettyTransport t = NettyTransport.tcp(settings);
        transports.add(t);
        return t;
    }

    private static TransportSettings settings(int maxFrameSize, long handshakeMillis, int idleSeconds, int low, int high) {
        return new TransportSettings(maxFrameSize, 2, handshakeMillis, idleSeconds, low, high, 5_000);
    }

    private Listener listen(NettyTransport t) throws IOException {
        return t.listen(ANY_LOOPBACK_PORT, () -> {
            RecordingHandler h = new RecordingHandler(SERVER_HELLO);
            accepted.add(h);
            return h;
        });
    }

    private RecordingHandler nextAccepted() throws InterruptedException {
        RecordingHandler h = accepted.poll(5, TimeUnit.SECONDS);
        assertThat(h).as("an accepted connection").isNotNull();
        return h;
    }

    private static Connection connect(NettyTransport t, Listener listener, ConnectionHandler handler) throws Exception {
        return t.connect(listener.localAddress(), handler).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static Piece piece(int index, int length) {
        byte[] data = new byte[length];
        new Random(index).nextBytes(data);
        return new Piece(CONTENT, index, ByteBuffer.wrap(data));
    }

    @Test
    void helloExchangePiecesBothWaysAndCloseReasons() throws Exception {
        Listener listener = listen(transport);
        assertThat(listener.localAddress().getPort()).isPositive();
        assertThat(listener.transport()).isEqualTo("tcp");

        RecordingHandler client = new RecordingHandler(CLIENT_HELLO);
        Connection c = connect(transport, listener, client);
        RecordingHandler server = nextAccepted();
        Connection s = server.connection();

        assertThat(client.next()).isEqualTo(SERVER_HELLO);
        assertThat(server.next()).isEqualTo(CLIENT_HELLO);
        assertThat(c.transport()).isEqualTo("tcp");
        assertThat(c.remoteAddress()).isEqualTo(listener.localAddress());
        assertThat(s.remoteAddress()).isEqualTo(c.localAddress());

        Piece up = piece(1, 1024 * 1024);
        c.send(up).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(server.next()).isEqualTo(up);
        Piece down = piece(2, 1024 * 1024);
        s.send(down).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(client.next()).isEqualTo(down);

        c.send(new Ping(77));
        assertThat(server.next()).isEqualTo(new Ping(77));
        s.send(new Pong(77));
        assertThat(client.next()).isEqualTo(new Pong(77));

        await().atMost(Duration.ofSeconds(5)).until(() -> c.bytesWritten() == s.bytesRead()
                && s.bytesWritten() == c.bytesRead());
        assertThat(c.bytesWritten()).isGreaterThan(1024 * 1024);
        assertThat(c.bytesRead()).isGreaterThan(1024 * 1024);

        assertThat(c.isOpen()).isTrue();
        c.close("done");
        assertThat(c.isOpen()).isFalse();
        assertThat(client.closeReason()).isEqualTo("closed locally: done");
        assertThat(server.closeReason()).isEqualTo("closed by peer");
        assertThat(s.isOpen()).isFalse();
        assertThat(client.closedCalls).hasValue(1);
        assertThat(server.closedCalls).hasValue(1);
        assertThat(c.send(new Ping(1))).isCompletedExceptionally();
    }

    /**
     * A transport bound to 127.0.0.7 listens there and connects from there: the other side sees the
     * connection coming from 127.0.0.7, not from the system's choice (127.0.0.1 on loopback).
     */
    @Test
    void aBoundTransportListensAndConnectsFromItsAddress() throws Exception {
        InetAddress seven = InetAddress.getByName("127.0.0.7");
        NettyTransport bound = transport(TransportSettings.DEFAULTS.withBindAddress(seven));
        Listener boundListener = bound.listen(ANY_LOOPBACK_PORT, () -> {
            RecordingHandler h = new RecordingHandler(SERVER_HELLO);
            accepted.add(h);
            return h;
        });
        assertThat(boundListener.localAddress().getAddress()).isEqualTo(seven);
        assertThat(boundListener.localAddress().getPort()).isPositive();

        Listener plain = listen(transport);
        Connection out = connect(bound, plain, new RecordingHandler(CLIENT_HELLO));
        assertThat(out.localAddress().getAddress()).isEqualTo(seven);
        Connection in = nextAccepted().connection();
        assertThat(in.remoteAddress().getAddress()).as("seen by the listener").isEqualTo(seven);

        Connection toBound = connect(transport, boundListener, new RecordingHandler(CLIENT_HELLO));
        assertThat(toBound.remoteAddress().getAddress()).isEqualTo(seven);
        assertThat(nextAccepted().connection().remoteAddress().getAddress()).as("the unbound side's source")
                .isEqualTo(InetAddress.getLoopbackAddress());
    }

    @Test
    void aBindAddressMustBeAnIpLiteral() throws Exception {
        assertThat(TransportSettings.bindAddress("")).isNull();
        assertThat(TransportSettings.bindAddress("  ")).isNull();
        assertThat(TransportSettings.bindAddress(null)).isNull();
        assertThat(TransportSettings.bindAddress(" 10.1.2.3 ")).isEqualTo(InetAddress.getByName("10.1.2.3"));
        assertThat(TransportSettings.bindAddress("[::1]")).isEqualTo(InetAddress.getByName("::1"));
        assertThat(TransportSettings.bindAddress("fe80::1")).isEqualTo(InetAddress.getByName("fe80::1"));
        for (String bad : List.of("localhost", "example.org", "127.0.0.256", "10.1.2", "1.2.3.4:80", "::g")) {
            assertThatThrownBy(() -> TransportSettings.bindAddress(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("bindAddress must be an IPv4 or IPv6 address").hasMessageContaining(bad);
        }
        assertThatThrownBy(() -> TransportSettings.bindAddress("224.0.0.1"))
                .hasMessageContaining("bindAddress must not be a multicast address");
    }

    @Test
    void messagesQueuedBeforeCloseAreDelivered() throws Exception {
        Listener listener = listen(transport);
        RecordingHandler client = new RecordingHandler(CLIENT_HELLO);
        Connection c = connect(transport, listener, client);
        RecordingHandler server = nextAccepted();
        for (int i = 0; i < 20; i++) {
            c.send(new Request(CONTENT, i));
        }
        c.close("finished");
        assertThat(server.next()).isEqualTo(CLIENT_HELLO);
        for (int i = 0; i < 20; i++) {
            assertThat(server.next()).isEqualTo(new Request(CONTENT, i));
        }
        assertThat(server.closeReason()).isEqualTo("closed by peer");
        assertThat(client.closeReason()).isEqualTo("closed locally: finished");
    }

    @Test
    void garbageIsAnsweredAndClosedWhileTheListenerKeepsServing() throws Exception {
        Listener listener = listen(transport);
        try (RawClient raw = new RawClient(listener)) {
            raw.write("GET / HTTP/1.1\r\nHost: tracker\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            ErrorReport report = raw.readUntilError();
            assertThat(report).isEqualTo(new ErrorReport(ErrorCode.FRAME_TOO_LARGE,
                    "frame too large: 1195725856 > 8388608"));
            assertThat(raw.atEof()).isTrue();
        }
        assertThat(nextAccepted().closeReason()).isEqualTo("frame too large: 1195725856 > 8388608");

        try (RawClient raw = new RawClient(listener)) {
            raw.write(new byte[] {0, 0, 0, 3, 0x7f, 1, 2});
            assertThat(raw.readUntilError()).isEqualTo(new ErrorReport(ErrorCode.MALFORMED,
                    "unknown message type 0x7f"));
            assertThat(raw.atEof()).isTrue();
        }
        assertThat(nextAccepted().closeReason()).isEqualTo("unknown message type 0x7f");

        RecordingHandler client = new RecordingHandler(CLIENT_HELLO);
        connect(transport, listener, client);
        assertThat(client.next()).isEqualTo(SERVER_HELLO);
        assertThat(nextAccepted().next()).isEqualTo(CLIENT_HELLO);
    }

    @Test
    void anOversizeFrameIsRefused() throws Exception {
        Listener listener = listen(transport);
        try (RawClient raw = new RawClient(listener)) {
            raw.send(CLIENT_HELLO);
            raw.write(new byte[] {0, (byte) 0x89, 0x54, 0x40, 0x21}); // 9,000,000 and a PIECE type byte
            raw.write(new byte[256 * 1024]); // the sender keeps streaming: the report must still arrive
            assertThat(raw.readUntilError()).isEqualTo(new ErrorReport(ErrorCode.FRAME_TOO_LARGE,
                    "frame too large: 9000000 > 8388608"));
            assertThat(raw.atEof()).isTrue();
        }
        RecordingHandler server = nextAccepted();
        assertThat(server.next()).isEqualTo(CLIENT_HELLO);
        assertThat(server.closeReason()).isEqualTo("frame too large: 9000000 > 8388608");
    }

    @Test
    void aProtocolViolationBeforeHelloIsRefused() throws Exception {
        Listener listener = listen(transport);
        try (RawClient raw = new RawClient(listener)) {
            raw.send(new Request(CONTENT, 1));
            assertThat(raw.readUntilError()).isEqualTo(new ErrorReport(ErrorCode.PROTOCOL,
                    "expected Hello first, got REQUEST"));
            assertThat(raw.atEof()).isTrue();
        }
        RecordingHandler server = nextAccepted();
        assertThat(server.closeReason()).isEqualTo("expected Hello first, got REQUEST");
        assertThat(server.received).isEmpty();
    }

    @Test
    void aClientThatNeverSaysHelloIsClosedAfterTheHandshakeTimeout() throws Exception {
        NettyTransport quick = transport(settings(TransportSettings.DEFAULT_MAX_FRAME_SIZE, 200, 90, 1 << 20, 4 << 20));
        Listener listener = listen(quick);
        RecordingHandler server;
        try (RawClient raw = new RawClient(listener)) {
            server = nextAccepted();
            assertThat(raw.readUntilError()).isEqualTo(new ErrorReport(ErrorCode.PROTOCOL, "no Hello within 200 ms"));
            assertThat(raw.atEof()).isTrue();
        }
        await().atMost(Duration.ofSeconds(5)).until(server.closed::isDone);
        assertThat(server.closeReason()).isEqualTo("handshake timeout");
    }

    @Test
    void aSilentConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        NettyTransport idle = transport(settings(TransportSettings.DEFAULT_MAX_FRAME_SIZE, 10_000, 1, 1 << 20, 4 << 20));
        Listener listener = listen(idle);
        RecordingHandler client = new RecordingHandler(CLIENT_HELLO);
        connect(transport, listener, client);
        RecordingHandler server = nextAccepted();
        assertThat(server.next()).isEqualTo(CLIENT_HELLO);
        await().atMost(Duration.ofSeconds(5)).until(server.closed::isDone);
        assertThat(server.closeReason()).isEqualTo("idle timeout");
        assertThat(client.closeReason()).isEqualTo("closed by peer");
    }

    @Test
    void aSlowReaderMakesTheConnectionUnwritableAndWritableAgain() throws Exception {
        NettyTransport small = transport(settings(TransportSettings.DEFAULT_MAX_FRAME_SIZE, 10_000, 90, 64 * 1024, 256 * 1024));
        try (ServerSocket slow = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            RecordingHandler client = new RecordingHandler(CLIENT_HELLO);
            Connection c = small.connect((InetSocketAddress) slow.getLocalSocketAddress(), client)
                    .toCompletableFuture().get(5, TimeUnit.SECONDS);
            try (Socket peer = slow.accept()) {
                List<CompletableFuture<Void>> sends = new ArrayList<>();
                Piece piece = piece(3, 1024 * 1024);
                // 32 MiB: far more than the 256 KiB high-water mark plus what loopback socket buffers hold
                for (int i = 0; i < 32; i++) {
                    sends.add(c.send(piece).toCompletableFuture());
                }
                await().atMost(Duration.ofSeconds(5)).until(() -> !c.isWritable());
                await().atMost(Duration.ofSeconds(5)).until(() -> client.writability.contains(false));
                assertThat(sends).anyMatch(f -> !f.isDone());

                CompletableFuture<Long> drained = CompletableFuture.supplyAsync(() -> drain(peer));
                CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(5)).until(c::isWritable);
                assertThat(client.writability).containsSubsequence(false, true);
                assertThat(c.bytesWritten()).isGreaterThan(sends.size() * (1024L * 1024 + 25));
                c.close("done");
                assertThat(drained.get(10, TimeUnit.SECONDS)).isEqualTo(c.bytesWritten());
            }
        }
    }

    private static long drain(Socket socket) {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        try (InputStream in = socket.getInputStream()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                total += n;
            }
        } catch (IOException e) {
            throw new CompletionException(e);
        }
        return total;
    }

    @Test
    void aThrowingHandlerClosesItsConnectionOnly() throws Exception {
        Listener listener = transport.listen(ANY_LOOPBACK_PORT, () -> {
            RecordingHandler h = new RecordingHandler(SERVER_HELLO) {
                @Override
                public void received(Connection connection, IcetMessage message) {
                    super.received(connection, message);
                    if (message instanceof Ping) {
                        throw new IllegalStateException("boom");
                    }
                }
            };
            accepted.add(h);
            return h;
        });
        RecordingHandler client = new RecordingHandler(CLIENT_HELLO);
        Connection c = connect(transport, listener, client);
        RecordingHandler server = nextAccepted();
        assertThat(client.next()).isEqualTo(SERVER_HELLO);
        c.send(new Ping(1));
        assertThat(server.closeReason()).isEqualTo("handler failed: java.lang.IllegalStateException: boom");
        assertThat(client.next()).isEqualTo(new ErrorReport(ErrorCode.INTERNAL, "internal error"));
        assertThat(client.closeReason()).isEqualTo("closed by peer");

        RecordingHandler second = new RecordingHandler(CLIENT_HELLO);
        Connection c2 = connect(transport, listener, second);
        assertThat(second.next()).isEqualTo(SERVER_HELLO);
        c2.send(new Request(CONTENT, 5));
        RecordingHandler server2 = nextAccepted();
        assertThat(server2.next()).isEqualTo(CLIENT_HELLO);
        assertThat(server2.next()).isEqualTo(new Request(CONTENT, 5));
    }

    @Test
    void aThrowingOpenedOrFactoryDoesNotHurtTheListener() throws Exception {
        List<String> calls = new ArrayList<>();
        Listener listener = transport.listen(ANY_LOOPBACK_PORT, () -> {
            synchronized (calls) {
                calls.add("create");
                switch (calls.size()) {
                    case 1 -> throw new IllegalStateException("factory down");
                    case 2 -> {
                        RecordingHandler h = new RecordingHandler(SERVER_HELLO) {
                            @Override
                            public void opened(Connection connection) {
                                super.opened(connection);
                                throw new IllegalStateException("open failed");
                            }
                        };
                        accepted.add(h);
                        return h;
                    }
                    default -> {
                        RecordingHandler h = new RecordingHandler(SERVER_HELLO);
                        accepted.add(h);
                        return h;
                    }
                }
            }
        });
        RecordingHandler first = new RecordingHandler(CLIENT_HELLO);
        connect(transport, listener, first);
        // refused before anything was read: the peer's Hello may be unread, which can turn the close into a reset
        assertThat(first.closeReason()).matches("closed by peer|I/O error: .*");

        RecordingHandler second = new RecordingHandler(CLIENT_HELLO);
        connect(transport, listener, second);
        assertThat(nextAccepted().closeReason()).isEqualTo(
                "handler failed: java.lang.IllegalStateException: open failed");
        assertThat(second.closeReason()).isEqualTo("closed by peer");

        RecordingHandler third = new RecordingHandler(CLIENT_HELLO);
        connect(transport, listener, third);
        assertThat(third.next()).isEqualTo(SERVER_HELLO);
    }

    @Test
    void closingAListenerKeepsItsConnections() throws Exception {
        Listener listener = listen(transport);
        RecordingHandler client = new RecordingHandler(CLIENT_HELLO);
        Connection c = connect(transport, listener, client);
        RecordingHandler server = nextAccepted();
        assertThat(server.next()).isEqualTo(CLIENT_HELLO);

        listener.close();
        listener.close();
        assertThat(listener.localAddress().getPort()).isPositive();
        // the server socket is closed (connecting to the freed port is no test: an ephemeral port can be
        // reused at once, even by the connecting socket itself, which then talks to itself)
        assertThat(((NettyListener) listener).isOpen()).isFalse();

        c.send(new Ping(3));
        assertThat(server.next()).isEqualTo(new Ping(3));
        assertThat(c.isOpen()).isTrue();
    }

    @Test
    void listeningOnATakenPortFails() throws Exception {
        Listener listener = listen(transport);
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> transport.listen((InetSocketAddress) taken.getLocalSocketAddress(),
                    () -> new RecordingHandler(null))).isInstanceOf(IOException.class)
                    .hasMessageContaining("cannot listen on");
        }
        assertThat(listener.localAddress()).isNotNull();
    }

    @Test
    void closingTheTransportClosesEverything() throws Exception {
        NettyTransport own = transport(TransportSettings.DEFAULTS);
        Listener listener = listen(own);
        RecordingHandler client = new RecordingHandler(CLIENT_HELLO);
        connect(transport, listener, client);
        RecordingHandler server = nextAccepted();
        assertThat(server.next()).isEqualTo(CLIENT_HELLO);
        assertThat(own.openConnections()).isEqualTo(1);

        own.close();
        own.close();
        assertThat(server.closeReason()).isEqualTo("closed locally: transport closed");
        assertThat(client.closeReason()).isEqualTo("closed by peer");
        assertThat(own.openConnections()).isZero();
        assertThat(own.connect(listener.localAddress(), new RecordingHandler(null))).isCompletedExceptionally();
        assertThatThrownBy(() -> listen(own)).isInstanceOf(IOException.class);
    }

    @Test
    void newSettingsApplyToNewConnectionsOnly() throws Exception {
        Listener listener = listen(transport);
        RecordingHandler first = new RecordingHandler(CLIENT_HELLO);
        connect(transport, listener, first);
        NettyConnection before = (NettyConnection) nextAccepted().connection();

        TransportSettings bigger = new TransportSettings(16 * 1024 * 1024, 2, 10_000, 90, 1 << 20, 4 << 20, 10_000);
        transport.reconfigure(bigger);
        assertThat(transport.settings()).isEqualTo(bigger);
        RecordingHandler second = new RecordingHandler(CLIENT_HELLO);
        connect(transport, listener, second);
        NettyConnection after = (NettyConnection) nextAccepted().connection();

        assertThat(before.channel().pipeline().get(IcetFrameDecoder.class).maxFrameSize()).isEqualTo(8 * 1024 * 1024);
        assertThat(after.channel().pipeline().get(IcetFrameDecoder.class).maxFrameSize()).isEqualTo(16 * 1024 * 1024);
        assertThat(before.isOpen()).isTrue();
        assertThat(first.next()).isEqualTo(SERVER_HELLO);
    }

    /** A blocking socket speaking raw bytes, to play a broken or hostile peer. */
}
