package org.iceshare.icet.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.iceshare.api.icet.ErrorCode;
import org.iceshare.api.icet.ErrorReport;
import org.iceshare.api.transport.Connection;
import org.iceshare.api.transport.ConnectionHandler;
import org.iceshare.api.transport.Listener;
import org.iceshare.api.transport.Refusals;
import org.iceshare.api.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;

/**
 * IceT over a TCP socket, with Netty NIO: the machinery every socket transport shares. The TCP
 * transport builds it plain; the TLS transport passes a {@link ChannelSecurity} that puts a TLS handler
 * first in each pipeline. A plain class: build it with {@code new}, {@link #close()} it when done.
 *
 * <p>Every connection, accepted or opened, gets the same pipeline: the security handler if any, a
 * {@link ByteCounter}, the IceT chain of {@link IcetPipeline#install} and a {@link ConnectionBridge} to
 * the application's handler. With security, the handler's {@code opened} runs once the secure
 * handshake succeeded; a failed handshake closes the connection and fails {@link #connect}.
 * With a {@link TransportSettings#bindAddress()}, every listener binds that address (on the port asked for)
 * and every outgoing connection uses it as its source address.
 * The settings are read when a channel is initialised, so {@link #reconfigure} changes the limits of new
 * connections and leaves open ones alone. The number of I/O threads is fixed at construction.
 *
 * <p><b>Bounded costs.</b> Each listener holds at most {@link TransportSettings#maxConnections()} connections,
 * and at most {@link TransportSettings#maxConnectionsPerAddress()} from one remote address: one more is
 * closed as soon as it is accepted (over plain TCP after an {@link ErrorCode#BUSY} report saying why; over
 * TLS without a handshake). The partial frames of all connections, accepted and opened, share one
 * {@link FrameBudget} of {@link TransportSettings#maxBufferedFrameBytes()}, and each connection follows the
 * slow-frame rules of {@link IcetLimits}. Every refusal is counted by reason ({@link #refusals()}) and logged
 * at INFO (throttled, {@link RefusalCounter}).
 *
 * <p><b>Threading:</b> thread-safe. {@link #connect} never blocks; {@link #listen} blocks only to bind;
 * {@link #close} blocks until the I/O threads stopped (at most a few seconds). Do not call
 * {@code listen} or {@code close} on one of this transport's I/O threads.
 */
public final class NettyTransport implements Transport, AutoCloseable {

    /** The name of the plain TCP transport, and its {@value Transport#NAME_PROPERTY} service property. */
    public static final String TCP = "tcp";

    private static final Logger LOG = LoggerFactory.getLogger(NettyTransport.class);
    private static final long CLOSE_DRAIN_MILLIS = 2_000;
    private static final long SHUTDOWN_TIMEOUT_SECONDS = 5;

    private final String name;
    private final ChannelSecurity security;
    private final EventLoopGroup group;
    private final int ioThreads;
    private final Set<NettyListener> listeners = ConcurrentHashMap.newKeySet();
    private final Set<Channel> connections = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final RefusalCounter refusals;
    private final FrameBudget budget;
    private volatile TransportSettings settings;
    private volatile long slowFrameWindowMillis = IcetLimits.DEFAULT_SLOW_FRAME_WINDOW_MILLIS;

    /**
     * @param name the transport's name, as {@link Transport#name()} and every connection report it
     * @param security what secures each channel, or null for plain TCP
     */
    public NettyTransport(String name, TransportSettings settings, ChannelSecurity security) {
        if (name == null || !name.matches("[a-z0-9][a-z0-9.-]{0,31}")) {
            throw new IllegalArgumentException("transport name must be 1..32 of [a-z0-9.-]: " + name);
        }
        this.name = name;
        this.security = security;
        this.settings = Objects.requireNonNull(settings, "settings");
        this.ioThreads = settings.ioThreads();
        this.refusals = new RefusalCounter(name);
        this.budget = new FrameBudget(settings.maxBufferedFrameBytes());
        this.group = new MultiThreadIoEventLoopGroup(ioThreads, new DefaultThreadFactory("iceshare-" + name, true),
                NioIoHandler.newFactory());
    }

    /** Plain IceT over TCP, named {@value #TCP}. */
    public static NettyTransport tcp(TransportSettings settings) {
        return new NettyTransport(TCP, settings, null);
    }

    @Override
    public String name() {
        return name;
    }

    /** The settings new connections get. */
    public TransportSettings settings() {
        return settings;
    }

    /**
     * Applies new settings to connections initialised from now on. Open connections keep theirs. A
     * changed {@code ioThreads} takes effect only when a new transport is built.
     */
    public void reconfigure(TransportSettings newSettings) {
        Objects.requireNonNull(newSettings, "settings");
        if (newSettings.ioThreads() != ioThreads) {
            LOG.info("ioThreads {} takes effect when the {} transport restarts; it runs {} I/O threads now",
                    newSettings.ioThreads(), name, ioThreads);
        }
        settings = newSettings;
        budget.limit(newSettings.maxBufferedFrameBytes());
    }

    /** The connections refused or closed to protect this transport, by reason, since it was built. */
    @Override
    public Refusals refusals() {
        return refusals.snapshot();
    }

    /**
     * Changes how often new connections check their partial frames, and the window their rate is measured
     * over ({@value IcetLimits#DEFAULT_SLOW_FRAME_WINDOW_MILLIS} ms): for tests that cannot wait for it.
     */
    void slowFrameWindow(long millis) {
        slowFrameWindowMillis = millis;
    }

    /** The partial-frame budget every connection of this transport shares. */
    public FrameBudget frameBudget() {
        return budget;
    }

    /** Connections open now, accepted and opened. */
    public int openConnections() {
        return connections.size();
    }

    @Override
    public Listener listen(InetSocketAddress local, ConnectionHandler.Factory handlers) throws IOException {
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(handlers, "handlers");
        if (closed.get()) {
            throw new IOException("the " + name + " transport is closed");
        }
        InetSocketAddress at = bound(local, settings.bindAddress());
        ConnectionLimits limits = new ConnectionLimits();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (!admit(ch, limits)) {
                            return;
                        }
                        ConnectionHandler handler;
                        try {
                            handler = Objects.requireNonNull(handlers.create(), "the factory made no handler");
                        } catch (RuntimeException e) {
                            LOG.warn("Connection handler factory failed; refusing the connection from {}",
                                    ch.remoteAddress(), e);
                            ch.close();
                            return;
                        }
                        initConnection(ch, handler, null, null);
                    }
                });
        ChannelFuture bind = bootstrap.bind(at).awaitUninterruptibly();
        if (!bind.isSuccess()) {
            Throwable cause = bind.cause();
            String why = cause.getMessage() != null ? cause.getMessage() : cause.toString();
            throw new IOException("cannot listen on " + at + ": " + why, cause);
        }
        NettyListener listener = new NettyListener(name, bind.channel());
        listeners.add(listener);
        bind.channel().closeFuture().addListener(f -> listeners.remove(listener));
        LOG.info("IceT over {} listening on {}", name, listener.localAddress());
        return listener;
    }

    /**
     * Opens a connection. The stage completes once TCP is connected and the handler's {@code opened}
     * has run, so whatever the caller does next comes after what {@code opened} did (its Hello). It fails
     * with the connect error: refused, timed out after {@link TransportSettings#connectTimeoutMillis()},
     * unresolvable host, or closed before it opened.
     */
    @Override
    public CompletionStage<Connection> connect(InetSocketAddress remote, ConnectionHandler handler) {
        Objects.requireNonNull(remote, "remote");
        Objects.requireNonNull(handler, "handler");
        if (closed.get()) {
            return CompletableFuture.failedFuture(new IOException("the " + name + " transport is closed"));
        }
        CompletableFuture<Connection> result = new CompletableFuture<>();
        TransportSettings s = settings;
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) s.connectTimeoutMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        initConnection(ch, handler, result, remote);
                    }
                });
        if (s.bindAddress() != null) {
            // the source address too, not only the listener's: a host (or a lab's traffic shaping) that tells
            // peers apart by address sees all of this transport's traffic as coming from one
            bootstrap.localAddress(new InetSocketAddress(s.bindAddress(), 0));
        }
        bootstrap.connect(remote).addListener((ChannelFuture f) -> {
            if (f.isSuccess()) {
                // normally opened() completed the stage already; this covers a close before that
                f.channel().closeFuture().addListener(c -> result.completeExceptionally(new ClosedChannelException()));
            } else {
                result.completeExceptionally(f.cause());
            }
        });
        return result;
    }

    /** Where a listener asked for at {@code local} binds: the bind address, if any, with the asked port. */
    static InetSocketAddress bound(InetSocketAddress local, InetAddress bindAddress) {
        return bindAddress == null ? local : new InetSocketAddress(bindAddress, local.getPort());
    }

    /**
     * Checks an accepted connection against its listener's caps. A refused one is counted, logged and closed
     * at once: over plain TCP after an {@link ErrorCode#BUSY} report (so the client sees why), over TLS
     * without a handshake (which would cost what the cap saves). Runs on the channel's event loop.
     *
     * @return false when the connection was refused
     */
    private boolean admit(SocketChannel ch, ConnectionLimits limits) {
        TransportSettings s = settings;
        InetSocketAddress remote = ch.remoteAddress();
        if (remote == null || remote.getAddress() == null) {
            ch.close();
            return false;
        }
        ConnectionLimits.Refusal refusal = limits.admit(remote.getAddress(), s.maxConnections(),
                s.maxConnectionsPerAddress());
        if (refusal == null) {
            ch.closeFuture().addListener(f -> limits.release(remote.getAddress()));
            return true;
        }
        IcetPipeline.markClosing(ch, refusal.detail());
        refusals.refused(refusal.reason(), remote, refusal.detail());
        if (security == null) {
            ch.pipeline().addLast(IcetPipeline.ENCODER, IcetEncoder.INSTANCE);
            ch.eventLoop().execute(() -> ch.writeAndFlush(ErrorReport.of(ErrorCode.BUSY, refusal.detail()))
                    .addListener(ChannelFutureListener.CLOSE));
        } else {
            ch.close();
        }
        return false;
    }

    /** Builds a connection's pipeline with the settings of the moment. Runs on the channel's event loop. */
    private void initConnection(SocketChannel ch, ConnectionHandler handler, CompletableFuture<Connection> opened,
            InetSocketAddress remote) {
        TransportSettings s = settings;
        ch.attr(IcetPipeline.REFUSALS).set(refusals);
        ch.config().setTcpNoDelay(true);
        ch.config().setWriteBufferWaterMark(s.waterMark());
        if (security != null) {
            ch.pipeline().addLast("security", remote == null ? security.server(ch) : security.client(ch, remote));
        }
        ByteCounter counter = new ByteCounter();
        NettyConnection connection = new NettyConnection(name, ch, counter);
        ch.pipeline().addLast("bytes", counter);
        IcetPipeline.install(ch.pipeline(), s.limits().withSlowFrameWindow(slowFrameWindowMillis), budget);
        ch.pipeline().addLast("connection", new ConnectionBridge(connection, handler, opened));
        connections.add(ch);
        ch.closeFuture().addListener(f -> connections.remove(ch));
        if (closed.get()) {
            IcetPipeline.close(ch, "closed locally: transport closed", null);
        }
    }

    /**
     * Stops listening, closes every connection (reason {@code "closed locally: transport closed"}, after
     * up to two seconds for queued writes) and stops the I/O threads. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        boolean onIoThread = false;
        for (EventExecutor e : group) {
            onIoThread |= e.inEventLoop();
        }
        for (NettyListener l : listeners) {
            l.close();
        }
        List<ChannelFuture> closing = new ArrayList<>();
        for (Channel ch : connections) {
            IcetPipeline.close(ch, "closed locally: transport closed", null);
            closing.add(ch.closeFuture());
        }
        if (!onIoThread) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_DRAIN_MILLIS);
            for (ChannelFuture f : closing) {
                f.awaitUninterruptibly(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        }
        var terminated = group.shutdownGracefully(0, SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!onIoThread && !terminated.awaitUninterruptibly(SHUTDOWN_TIMEOUT_SECONDS + 1, TimeUnit.SECONDS)) {
            LOG.warn("{} transport I/O threads did not stop within {} s", name, SHUTDOWN_TIMEOUT_SECONDS + 1);
        }
        LOG.info("{} transport closed", name);
    }
}
