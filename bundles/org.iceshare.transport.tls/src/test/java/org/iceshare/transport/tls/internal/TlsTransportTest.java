package org.iceshare.transport.tls.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.iceshare.transport.tls.internal.TlsTestSupport.CLIENT_HELLO;
import static org.iceshare.transport.tls.internal.TlsTestSupport.SERVER_HELLO;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.iceshare.api.icet.Piece;
import org.iceshare.api.icet.Ping;
import org.iceshare.api.icet.Pong;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.transport.Connection;
import org.iceshare.api.transport.Listener;
import org.iceshare.api.transport.Refusals;
import org.iceshare.icet.internal.ChannelSecurity;
import org.iceshare.icet.internal.NettyTransport;
import org.iceshare.icet.internal.TransportSettings;
import org.iceshare.testkit.RecordingHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslHandler;

/** Two TLS transports (and hostile clients) on real loopback sockets. */
class TlsTransportTest {

    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final ContentId CONTENT = ContentId.parse("c0ffee00000000000000000000000001");
    private static final long HANDSHAKE_MILLIS = 1_000;

    @TempDir
    Path temp;

    private final List<NettyTransport> transports = new ArrayList<>();
    private final BlockingQueue<RecordingHandler> accepted = new LinkedBlockingQueue<>();

    /** The SslHandlers a security handed out, to look at the negotiated sessions. */
    private static final class Recording implements ChannelSecurity {
        final ChannelSecurity delegate;
        final List<SslHandler> servers = new CopyOnWriteArrayList<>();
        final List<SslHandler> clients = new CopyOnWriteArrayList<>();

        Recording(ChannelSecurity delegate) {
            this.delegate = delegate;
        }

        @Override
        public SslHandler server(SocketChannel channel) {
            SslHandler h = delegate.server(channel);
            servers.add(h);
            return h;
        }

        @Override
        public SslHandler client(SocketChannel channel, InetSocketAddress remote) {
            SslHandler h = delegate.client(channel, remote);
            clients.add(h);
            return h;
        }
    }

    @AfterEach
    void closeTransports() {
        transports.forEach(NettyTransport::close);
    }

    private NettyTransport tls(ChannelSecurity security) {
        NettyTransport t = new NettyTransport(TlsTransportComponent.NAME, TlsTestSupport.socket(HANDSHAKE_MILLIS), security);
        transports.add(t);
        return t;
    }

    private static TlsSecurity security(TlsIdentity identity, TlsTrust trust) {
        return new TlsSecurity(identity, trust, HANDSHAKE_MILLIS);
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

    private static Connection connect(NettyTransport t, Listener listener, RecordingHandler handler) throws Exception {
        return t.connect(listener.localAddress(), handler).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static Piece piece(int index, int length) {
        byte[] data = new byte[length];
        new Random(index).nextBytes(data);
        return new Piece(CONTENT, index, ByteBuffer.wrap(data));
    }

    /** A client, listener and handshake that work: proves the listener still serves after abuse. */
    private void assertATlsClientStillGetsThrough(Listener listener) throws Exception {
        NettyTransport client = tls(security(SelfSignedIdentity.generate("client"), TlsTrust.any()));
        RecordingHandler handler = new RecordingHandler(CLIENT_HELLO);
        Connection c = connect(client, listener, handler);
        assertThat(handler.next()).isEqualTo(SERVER_HELLO);
        RecordingHandler server = nextAccepted();
        assertThat(server.next()).isEqualTo(CLIENT_HELLO);
        c.close("done");
        assertThat(server.closeReason()).isEqualTo("closed by peer");
    }

    @Test
    void twoTlsTransportsExchangeIcetOverTls13() throws Exception {
        TlsIdentity serverIdentity = SelfSignedIdentity.loadOrCreate(temp.resolve("server"));
        Recording serverSecurity = new Recording(security(serverIdentity, TlsTrust.any()));
        Recording clientSecurity = new Recording(security(SelfSignedIdentity.loadOrCreate(temp.resolve("client")),
                TlsTrust.any()));
        NettyTransport serverTransport = tls(serverSecurity);
        NettyTransport clientTransport = tls(clientSecurity);
        Listener listener = listen(serverTransport);
        assertThat(listener.transport()).isEqualTo("tls");
        assertThat(serverTransport.name()).isEqualTo("tls");

        RecordingHandler client = new RecordingHandler(CLIENT_HELLO);
        Connection c = connect(clientTransport, listener, client);
        RecordingHandler server = nextAccepted();
        Connection s = server.connection();
        assertThat(c.transport()).isEqualTo("tls");
        assertThat(s.transport()).isEqualTo("tls");
        assertThat(client.next()).isEqualTo(SERVER_HELLO);
        assertThat(server.next()).isEqualTo(CLIENT_HELLO);

        SSLSession clientSession = clientSecurity.clients.get(0).engine().getSession();
        SSLSession serverSession = serverSecurity.servers.get(0).engine().getSession();
        assertThat(clientSession.getProtocol()).isEqualTo("TLSv1.3");
        assertThat(serverSession.getProtocol()).isEqualTo("TLSv1.3");
        assertThat(clientSession.getCipherSuite()).isEqualTo(serverSession.getCipherSuite()).startsWith("TLS_");
        X509Certificate seen = (X509Certificate) clientSession.getPeerCertificates()[0];
        assertThat(TlsIdentity.fingerprint(seen)).isEqualTo(serverIdentity.fingerprint());
        // encrypt-only: the listener asks for no client certificate
        assertThatThrownBy(serverSession::getPeerCertificates).isInstanceOf(javax.net.ssl.SSLPeerUnverifiedException.class);

        Piece up = piece(1, 1024 * 1024);
        c.send(up).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(server.next()).isEqualTo(up);
        Piece down = piece(2, 1024 * 1024);
        s.send(down).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(client.next()).isEqualTo(down);
        c.send(new Ping(77));
        assertThat(server.next()).isEqualTo(new Ping(77));
        s.send(new Pong(77));
        assertThat(client.next()).isEqualTo(new Pong(77));
        // a piece sent from its file: under TLS read into direct buffers to be encrypted, whole or in
        // paced slices, and the same Piece at the other end
        Piece fromFile = piece(3, 300 * 1024);
        java.nio.file.Path data = temp.resolve("piece-data");
        ByteBuffer bytes = fromFile.data();
        byte[] onDisk = new byte[100 + bytes.remaining()];
        bytes.get(onDisk, 100, bytes.remaining());
        java.nio.file.Files.write(data, onDisk);
        try (java.nio.channels.FileChannel file = java.nio.channels.FileChannel.open(data)) {
            c.sendPiece(CONTENT, 3, file, 100, fromFile.length(), org.iceshare.api.transport.Pacer.NONE)
                    .toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertThat(server.next()).isEqualTo(fromFile);
            c.sendPiece(CONTENT, 3, file, 100, fromFile.length(), n -> 0).toCompletableFuture().get(30, TimeUnit.SECONDS);
            c.send(new Ping(78));
            assertThat(server.next()).isEqualTo(fromFile);
            assertThat(server.next()).isEqualTo(new Ping(78));
        }
        // the byte counters sit above TLS: they count IceT bytes, the same on both sides
        await().atMost(Duration.ofSeconds(30)).until(() -> c.bytesWritten() == s.bytesRead()
                && s.bytesWritten() == c.bytesRead());

        c.close("done");
        assertThat(client.closeReason()).isEqualTo("closed locally: done");
        assertThat(server.closeReason()).isEqualTo("closed by peer");
        assertThat(client.closedCalls).hasValue(1);
        assertThat(server.closedCalls).hasValue(1);
    }

    @Test
    void aPlainTcpClientNeverReachesTheHandlerAndTheListenerKeepsServing() throws Exception {
        Recording serverSecurity = new Recording(security(SelfSignedIdentity.generate("server"), TlsTrust.any()));
        Listener listener = listen(tls(serverSecurity));
        NettyTransport plain = NettyTransport.tcp(TlsTestSupport.socket(HANDSHAKE_MILLIS));
        transports.add(plain);

        RecordingHandler client = new RecordingHandler(CLIENT_HELLO);
        CompletableFuture<Connection> connecting = plain.connect(listener.localAddress(), client).toCompletableFuture();
        RecordingHandler server = nextAccepted();
        // TCP connects and the plain client sends its Hello; the TLS side sees no TLS record and closes
        assertThat(client.closeReason()).matches("closed by peer|I/O error: .*");
        assertThat(connecting).succeedsWithin(Duration.ofSeconds(30));
        SslHandler serverTls = serverSecurity.servers.get(0);
        await().atMost(Duration.ofSeconds(30)).until(() -> serverTls.handshakeFuture().isDone());
        assertThat(serverTls.handshakeFuture().cause()).isInstanceOf(SSLException.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> plain.openConnections() == 0);
        assertThat(server.opened).isNotDone();
        assertThat(server.received).isEmpty();
        assertThat(server.closedCalls).hasValue(0);

        assertATlsClientStillGetsThrough(listener);
    }

    @Test
    void aTlsClientCannotTalkToAPlainTcpListener() throws Exception {
        NettyTransport plain = NettyTransport.tcp(TlsTestSupport.socket(HANDSHAKE_MILLIS));
        transports.add(plain);
        Listener listener = listen(plain);
        NettyTransport client = tls(security(SelfSignedIdentity.generate("client"), TlsTrust.any()));
        CompletableFuture<Connection> connecting = client.connect(listener.localAddress(),
                new RecordingHandler(CLIENT_HELLO)).toCompletableFuture();
        assertThatThrownBy(() -> connecting.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().hasMessageStartingWith("TLS handshake failed: ");
    }

    @Test
    void aTls12OnlyClientIsRefused() throws Exception {
        Listener listener = listen(tls(security(SelfSignedIdentity.generate("server"), TlsTrust.any())));
        SSLContext context = SSLContext.getInstance("TLSv1.2");
        context.init(null, new TrustManager[] {new TrustEverything()}, new SecureRandom());
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(listener.localAddress().getAddress(),
                listener.localAddress().getPort())) {
            socket.setSoTimeout(5_000);
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
            assertThatThrownBy(socket::startHandshake).isInstanceOf(SSLException.class);
        }
        assertThat(nextAccepted().opened).isNotDone();

        // the same JDK client with TLS 1.3 gets in: the refusal was the protocol version
        SSLContext modern = SSLContext.getInstance("TLSv1.3");
        modern.init(null, new TrustManager[] {new TrustEverything()}, new SecureRandom());
        try (SSLSocket socket = (SSLSocket) modern.getSocketFactory().createSocket(listener.localAddress().getAddress(),
                listener.localAddress().getPort())) {
            socket.setSoTimeout(5_000);
            socket.startHandshake();
            assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
            assertThat(nextAccepted().connection().transport()).isEqualTo("tls");
        }
        assertATlsClientStillGetsThrough(listener);
    }

    @Test
    void garbageAndSilenceAreClosedWithinTheHandshakeTimeoutAndCounted() throws Exception {
        NettyTransport serverSide = tls(security(SelfSignedIdentity.generate("server"), TlsTrust.any()));
        Listener listener = listen(serverSide);
        List<byte[]> inputs = new ArrayList<>();
        inputs.add("GET / HTTP/1.1\r\nHost: peer\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        inputs.add(new byte[] {0, 0, 0, 3, 0x7f, 1, 2}); // an IceT frame
        inputs.add(new byte[] {0x16, 0x03, 0x03, (byte) 0xff, (byte) 0xff, 1, 2, 3}); // a handshake record never completed
        inputs.add(new byte[] {0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5}); // a handshake record of nonsense
        inputs.add(new byte[0]); // nothing at all
        for (long seed = 1; seed <= 3; seed++) {
            byte[] random = new byte[4096];
            new Random(seed).nextBytes(random);
            inputs.add(random);
        }
        for (byte[] input : inputs) {
            try (Socket raw = new Socket(listener.localAddress().getAddress(), listener.localAddress().getPort())) {
                // The server must end the connection by itself: for silence and a record never completed
                // only its handshake timeout (HANDSHAKE_MILLIS) can. The read timeout is a safety net far
                // above that, not a bound on how soon (a busy machine may take seconds): a server that
                // never closed fails here with a SocketTimeoutException.
                raw.setSoTimeout(60_000);
                raw.getOutputStream().write(input);
                long answered = drainToEnd(raw.getInputStream());
                assertThat(answered).as("bytes answered to garbage").isLessThan(1024);
            }
            RecordingHandler server = nextAccepted();
            assertThat(server.opened).isNotDone();
            assertThat(server.closedCalls).hasValue(0);
        }
        // silence and the record never completed time out; the rest fail the handshake
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Refusals r = serverSide.refusals();
            assertThat(r.count(Refusals.HANDSHAKE_TIMEOUT)).isGreaterThanOrEqualTo(2);
            assertThat(r.count(Refusals.HANDSHAKE_TIMEOUT) + r.count(Refusals.TLS_HANDSHAKE)).isEqualTo(inputs.size());
        });
        assertATlsClientStillGetsThrough(listener);
    }

    @Test
    void oneConnectionTooManyFromAnAddressIsClosedBeforeAnyHandshake() throws Exception {
        NettyTransport serverSide = new NettyTransport("tls", TlsTestSupport.socket(HANDSHAKE_MILLIS)
                .withConnectionLimits(100, 1), security(SelfSignedIdentity.generate("server"), TlsTrust.any()));
        transports.add(serverSide);
        Listener listener = listen(serverSide);
        NettyTransport client = tls(security(SelfSignedIdentity.generate("client"), TlsTrust.any()));
        RecordingHandler first = new RecordingHandler(CLIENT_HELLO);
        connect(client, listener, first);
        assertThat(first.next()).isEqualTo(SERVER_HELLO);
        nextAccepted();
        CompletableFuture<Connection> second = client.connect(listener.localAddress(),
                new RecordingHandler(CLIENT_HELLO)).toCompletableFuture();
        assertThatThrownBy(() -> second.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        assertThat(serverSide.refusals().count(Refusals.ADDRESS_LIMIT)).isEqualTo(1);
        assertThat(accepted).isEmpty();
    }

    /** Reads to the end of the stream; a reset counts as the end too. */
    private static long drainToEnd(InputStream in) throws IOException {
        long total = 0;
        byte[] buffer = new byte[4096];
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                total += n;
            }
        } catch (SocketException reset) {
            // closed with unread input: the peer's kernel answers with a reset
        }
        return total;
    }

    @Test
    void inTruststoreModeAClientTrustingAnotherCertificateFails() throws Exception {
        TlsIdentity serverIdentity = SelfSignedIdentity.generate("server");
        TlsIdentity clientIdentity = SelfSignedIdentity.generate("client");
        TlsIdentity stranger = SelfSignedIdentity.generate("stranger");
        Listener listener = listen(tls(security(serverIdentity, TlsTrust.any())));
        Path onlyStranger = TlsTestSupport.trustStore(temp.resolve("stranger.p12"), "PKCS12", "secret",
                stranger.certificate());
        NettyTransport client = tls(security(clientIdentity, TlsTrust.trustStore(onlyStranger, "secret")));

        CompletableFuture<Connection> refused = client.connect(listener.localAddress(), new RecordingHandler(CLIENT_HELLO))
                .toCompletableFuture();
        assertThatThrownBy(() -> refused.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(IOException.class).hasMessageStartingWith("TLS handshake failed: ");
        assertThat(nextAccepted().opened).isNotDone();

        Path trustsServer = TlsTestSupport.trustStore(temp.resolve("server.p12"), "PKCS12", "secret",
                stranger.certificate(), serverIdentity.certificate());
        NettyTransport trusting = tls(security(clientIdentity, TlsTrust.trustStore(trustsServer, "secret")));
        RecordingHandler handler = new RecordingHandler(CLIENT_HELLO);
        connect(trusting, listener, handler);
        assertThat(handler.next()).isEqualTo(SERVER_HELLO);
        assertThat(nextAccepted().next()).isEqualTo(CLIENT_HELLO);
    }

    @Test
    void inTruststoreModeTheListenerRequiresATrustedClientCertificate() throws Exception {
        TlsIdentity serverIdentity = SelfSignedIdentity.generate("server");
        TlsIdentity known = SelfSignedIdentity.generate("known");
        TlsIdentity unknown = SelfSignedIdentity.generate("unknown");
        Path serverTrust = TlsTestSupport.trustStore(temp.resolve("server-trust.jks"), "JKS", "secret",
                known.certificate());
        Path clientTrust = TlsTestSupport.trustStore(temp.resolve("client-trust.p12"), "PKCS12", "secret",
                serverIdentity.certificate());
        Recording serverSecurity = new Recording(security(serverIdentity, TlsTrust.trustStore(serverTrust, "secret")));
        Listener listener = listen(tls(serverSecurity));

        // a client the listener does not trust: TLS 1.3 client authentication happens after the client
        // considers the handshake done, so the refusal can arrive as a close rather than a failed connect
        RecordingHandler refusedHandler = new RecordingHandler(CLIENT_HELLO);
        CompletableFuture<Connection> refused = tls(security(unknown, TlsTrust.trustStore(clientTrust, "secret")))
                .connect(listener.localAddress(), refusedHandler).toCompletableFuture();
        RecordingHandler refusedOnServer = nextAccepted();
        // the handler is made just before the pipeline (and its TLS handler) is built
        await().atMost(Duration.ofSeconds(30)).until(() -> !serverSecurity.servers.isEmpty());
        SslHandler serverTls = serverSecurity.servers.get(0);
        await().atMost(Duration.ofSeconds(30)).until(() -> serverTls.handshakeFuture().isDone());
        assertThat(serverTls.handshakeFuture().isSuccess()).isFalse();
        await().atMost(Duration.ofSeconds(30)).until(() -> refused.isCompletedExceptionally()
                || refusedHandler.closed.isDone());
        assertThat(refusedOnServer.opened).isNotDone();
        assertThat(refusedHandler.received).isEmpty();

        RecordingHandler handler = new RecordingHandler(CLIENT_HELLO);
        connect(tls(security(known, TlsTrust.trustStore(clientTrust, "secret"))), listener, handler);
        assertThat(handler.next()).isEqualTo(SERVER_HELLO);
        RecordingHandler server = nextAccepted();
        assertThat(server.next()).isEqualTo(CLIENT_HELLO);
        SSLSession session = serverSecurity.servers.get(1).engine().getSession();
        assertThat(TlsIdentity.fingerprint((X509Certificate) session.getPeerCertificates()[0]))
                .isEqualTo(known.fingerprint());
    }

    @Test
    void trustingNobodyRefusesEveryHandshakeWithTheReason() throws Exception {
        Listener listener = listen(tls(security(SelfSignedIdentity.generate("server"), TlsTrust.any())));
        NettyTransport client = tls(security(SelfSignedIdentity.generate("client"),
                TlsTrust.nobody("configuration org.iceshare.transport.tls is invalid: test")));
        CompletableFuture<Connection> refused = client.connect(listener.localAddress(), new RecordingHandler(CLIENT_HELLO))
                .toCompletableFuture();
        assertThatThrownBy(() -> refused.get(30, TimeUnit.SECONDS)).cause()
                .hasMessageStartingWith("TLS handshake failed: ")
                .hasMessageContaining("configuration org.iceshare.transport.tls is invalid: test");
    }

    @Test
    void reconfiguringChangesTheIdentityOfNewConnectionsOnly() throws Exception {
        TlsIdentity before = SelfSignedIdentity.generate("before");
        TlsIdentity after = SelfSignedIdentity.generate("after");
        TlsSecurity security = security(before, TlsTrust.any());
        Listener listener = listen(tls(security));
        Recording clientSecurity = new Recording(security(SelfSignedIdentity.generate("client"), TlsTrust.any()));
        NettyTransport client = tls(clientSecurity);

        RecordingHandler first = new RecordingHandler(CLIENT_HELLO);
        Connection c1 = connect(client, listener, first);
        RecordingHandler server1 = nextAccepted();
        security.reconfigure(after, TlsTrust.any(), HANDSHAKE_MILLIS);
        assertThat(security.identity()).isEqualTo(after);
        RecordingHandler second = new RecordingHandler(CLIENT_HELLO);
        connect(client, listener, second);
        assertThat(second.next()).isEqualTo(SERVER_HELLO);

        assertThat(TlsIdentity.fingerprint((X509Certificate) clientSecurity.clients.get(0).engine().getSession()
                .getPeerCertificates()[0])).isEqualTo(before.fingerprint());
        assertThat(TlsIdentity.fingerprint((X509Certificate) clientSecurity.clients.get(1).engine().getSession()
                .getPeerCertificates()[0])).isEqualTo(after.fingerprint());
        c1.send(new Ping(5));
        assertThat(server1.next()).isEqualTo(CLIENT_HELLO);
        assertThat(server1.next()).isEqualTo(new Ping(5));
    }

    @Test
    void theSettingsBuildAWorkingTransport() throws Exception {
        TlsSettings settings = TlsSettings.generated(TlsTestSupport.socket(HANDSHAKE_MILLIS), temp.resolve("id"));
        NettyTransport a = tls(TlsSecurity.of(settings));
        NettyTransport b = tls(TlsSecurity.of(settings.withSocket(TransportSettings.DEFAULTS)));
        RecordingHandler handler = new RecordingHandler(CLIENT_HELLO);
        connect(b, listen(a), handler);
        assertThat(handler.next()).isEqualTo(SERVER_HELLO);
    }

    /** For the raw JDK clients: this test is about the protocol version, not about trust. */
    private static final class TrustEverything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
