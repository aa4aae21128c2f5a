package org.iceshare.transport.tls.internal;

import java.net.InetSocketAddress;
import java.util.Objects;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedKeyManager;

import org.iceshare.icet.internal.ChannelSecurity;
import org.iceshare.icet.internal.NettyTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;

/**
 * TLS 1.3 for the channels of a {@link NettyTransport}: one server and one client {@link SslContext}
 * (JDK provider, {@value #PROTOCOL} only) built from an identity and a trust policy. A TLS 1.2 or
 * plaintext peer fails the handshake. A plain class: build it with {@code new} and pass it to
 * {@code new NettyTransport("tls", settings, security)}.
 *
 * <p>{@link #reconfigure} swaps identity, trust and handshake timeout for the connections set up from
 * then on; open connections keep what they negotiated.
 *
 * <p><b>Threading:</b> thread-safe. {@link #server} and {@link #client} run on event loops and do not
 * block; the constructor and {@link #reconfigure} only build contexts (no I/O).
 */
public final class TlsSecurity implements ChannelSecurity {

    public static final String PROTOCOL = "TLSv1.3";

    private static final Logger LOG = LoggerFactory.getLogger(TlsSecurity.class);

    private volatile State state;

    private record State(TlsIdentity identity, TlsTrust trust, long handshakeTimeoutMillis, SslContext server,
            SslContext client) {
    }

    /**
     * @param handshakeTimeoutMillis how long the TLS handshake may take before the connection is closed;
     *        the transport's handshake timeout
     * @throws IllegalArgumentException when this Java runtime cannot set up TLS 1.3 with the identity
     */
    public TlsSecurity(TlsIdentity identity, TlsTrust trust, long handshakeTimeoutMillis) {
        this.state = build(identity, trust, handshakeTimeoutMillis);
    }

    /** Loads identity and trust of {@code settings}; refuses with a message naming the property at fault. */
    public static TlsSecurity of(TlsSettings settings) {
        return new TlsSecurity(settings.loadIdentity(), settings.loadTrust(),
                settings.socket().handshakeTimeoutMillis());
    }

    /** Applies to connections set up from now on. On failure, nothing changes. */
    public void reconfigure(TlsIdentity identity, TlsTrust trust, long handshakeTimeoutMillis) {
        state = build(identity, trust, handshakeTimeoutMillis);
    }

    public TlsIdentity identity() {
        return state.identity();
    }

    public TlsTrust trust() {
        return state.trust();
    }

    private static State build(TlsIdentity identity, TlsTrust trust, long handshakeTimeoutMillis) {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(trust, "trust");
        if (handshakeTimeoutMillis <= 0) {
            throw new IllegalArgumentException("handshakeTimeoutMillis must be > 0: " + handshakeTimeoutMillis);
        }
        X509ExtendedKeyManager keys = identity.keyManager();
        try {
            SslContext server = SslContextBuilder.forServer(keys)
                    .sslProvider(SslProvider.JDK)
                    .protocols(PROTOCOL)
                    .trustManager(trust.manager())
                    .clientAuth(trust.clientAuth())
                    .build();
            SslContext client = SslContextBuilder.forClient()
                    .sslProvider(SslProvider.JDK)
                    .protocols(PROTOCOL)
                    .keyManager(keys)
                    .trustManager(trust.manager())
                    // peers are reached by the address the tracker hands out, not by a name in their certificate
                    .endpointIdentificationAlgorithm(null)
                    .build();
            return new State(identity, trust, handshakeTimeoutMillis, server, client);
        } catch (SSLException | RuntimeException e) {
            throw new IllegalArgumentException("cannot set up " + PROTOCOL + " with the identity " + identity.describe()
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public SslHandler server(SocketChannel channel) {
        State s = state;
        return watch(s, s.server().newHandler(channel.alloc()), channel);
    }

    @Override
    public SslHandler client(SocketChannel channel, InetSocketAddress remote) {
        State s = state;
        return watch(s, s.client().newHandler(channel.alloc(), remote.getHostString(), remote.getPort()), channel);
    }

    private static SslHandler watch(State s, SslHandler handler, SocketChannel channel) {
        handler.setHandshakeTimeoutMillis(s.handshakeTimeoutMillis());
        if (LOG.isDebugEnabled()) {
            handler.handshakeFuture().addListener(f -> {
                if (f.isSuccess()) {
                    SSLSession session = handler.engine().getSession();
                    LOG.debug("{} {} with {}: {}, peer {}", handler.engine().getUseClientMode() ? "Opened" : "Accepted",
                            session.getProtocol(), channel.remoteAddress(), session.getCipherSuite(), peer(session));
                }
            });
        }
        return handler;
    }

    private static String peer(SSLSession session) {
        try {
            return session.getPeerPrincipal().getName();
        } catch (SSLPeerUnverifiedException e) {
            return "anonymous";
        }
    }

    @Override
    public String toString() {
        State s = state;
        return PROTOCOL + ", identity " + s.identity().describe() + ", trust " + s.trust();
    }
}
