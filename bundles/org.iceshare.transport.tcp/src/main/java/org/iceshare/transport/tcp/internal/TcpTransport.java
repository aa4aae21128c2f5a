package org.iceshare.transport.tcp.internal;

import java.io.IOException;
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

import org.iceshare.api.transport.Connection;
import org.iceshare.api.transport.ConnectionHandler;
import org.iceshare.api.transport.Listener;
import org.iceshare.api.transport.Transport;
import org.iceshare.icet.internal.ByteCounter;
import org.iceshare.icet.internal.IcetPipeline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
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
 * IceT over plain TCP, with Netty NIO. A plain class: build it with {@code new}, {@link #close()} it
 * when done.
 *
 * <p>Every connection, accepted or opened, gets the same pipeline: a {@link ByteCounter}, the IceT
 * chain of {@link IcetPipeline#install} and a {@link ConnectionBridge} to the application's handler.
 * The settings are read when a channel is initialised, so {@link #reconfigure} changes the limits of new
 * connections and leaves open ones alone. The number of I/O threads is fixed at construction.
 *
 * <p><b>Threading:</b> thread-safe. {@link #connect} never blocks; {@link #listen} blocks only to bind;
 * {@link #close} blocks until the I/O threads stopped (at most a few seconds). Do not call
 * {@code listen} or {@code close} on one of this transport's I/O threads.
 */
public final class TcpTransport implements Transport, AutoCloseable {

    /** The name of this transport, and its {@value Transport#NAME_PROPERTY} service property. */
    public static final String NAME = "tcp";

    private static final Logger LOG = LoggerFactory.getLogger(TcpTransport.class);
    private static final long CLOSE_DRAIN_MILLIS = 2_000;
    private static final long SHUTDOWN_TIMEOUT_SECONDS = 5;

    private final EventLoopGroup group;
    private final int ioThreads;
    private final Set<TcpListener> listeners = ConcurrentHashMap.newKeySet();
    private final Set<Channel> connections = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile TcpSettings settings;

    public TcpTransport(TcpSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.ioThreads = settings.ioThreads();
        this.group = new MultiThreadIoEventLoopGroup(ioThreads, new DefaultThreadFactory("iceshare-tcp", true),
                NioIoHandler.newFactory());
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The settings new connections get. */
    public TcpSettings settings() {
        return settings;
    }

    /**
     * Applies new settings to connections initialised from now on. Open connections keep theirs. A
     * changed {@code ioThreads} takes effect only when a new transport is built.
     */
    public void reconfigure(TcpSettings newSettings) {
        Objects.requireNonNull(newSettings, "settings");
        if (newSettings.ioThreads() != ioThreads) {
            LOG.info("ioThreads {} takes effect when the TCP transport restarts; it runs {} I/O threads now",
                    newSettings.ioThreads(), ioThreads);
        }
        settings = newSettings;
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
            throw new IOException("the tcp transport is closed");
        }
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ConnectionHandler handler;
                        try {
                            handler = Objects.requireNonNull(handlers.create(), "the factory made no handler");
                        } catch (RuntimeException e) {
                            LOG.warn("Connection handler factory failed; refusing the connection from {}",
                                    ch.remoteAddress(), e);
                            ch.close();
                            return;
                        }
                        initConnection(ch, handler, null);
                    }
                });
        ChannelFuture bind = bootstrap.bind(local).awaitUninterruptibly();
        if (!bind.isSuccess()) {
            Throwable cause = bind.cause();
            String why = cause.getMessage() != null ? cause.getMessage() : cause.toString();
            throw new IOException("cannot listen on " + local + ": " + why, cause);
        }
        TcpListener listener = new TcpListener(bind.channel());
        listeners.add(listener);
        bind.channel().closeFuture().addListener(f -> listeners.remove(listener));
        LOG.info("IceT over TCP listening on {}", listener.localAddress());
        return listener;
    }

    /**
     * Opens a connection. The stage completes once TCP is connected and the handler's {@code opened}
     * has run, so whatever the caller does next comes after what {@code opened} did (its Hello). It fails
     * with the connect error: refused, timed out after {@link TcpSettings#connectTimeoutMillis()},
     * unresolvable host, or closed before it opened.
     */
    @Override
    public CompletionStage<Connection> connect(InetSocketAddress remote, ConnectionHandler handler) {
        Objects.requireNonNull(remote, "remote");
        Objects.requireNonNull(handler, "handler");
        if (closed.get()) {
            return CompletableFuture.failedFuture(new IOException("the tcp transport is closed"));
        }
        CompletableFuture<Connection> result = new CompletableFuture<>();
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeoutMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        initConnection(ch, handler, result);
                    }
                });
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

    /** Builds a connection's pipeline with the settings of the moment. Runs on the channel's event loop. */
    private void initConnection(SocketChannel ch, ConnectionHandler handler, CompletableFuture<Connection> opened) {
        TcpSettings s = settings;
        ch.config().setTcpNoDelay(true);
        ch.config().setWriteBufferWaterMark(s.waterMark());
        ByteCounter counter = new ByteCounter();
        TcpConnection connection = new TcpConnection(ch, counter);
        ch.pipeline().addLast("bytes", counter);
        IcetPipeline.install(ch.pipeline(), s.limits());
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
        for (TcpListener l : listeners) {
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
            LOG.warn("TCP transport I/O threads did not stop within {} s", SHUTDOWN_TIMEOUT_SECONDS + 1);
        }
        LOG.info("TCP transport closed");
    }
}
