package org.iceshare.source.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

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
import io.netty.util.concurrent.DefaultThreadFactory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Icecast-compatible source push server: a Netty NIO listener whose connections each get a
 * {@link SourceRequestDecoder} and a {@link PushHandler}.
 *
 * <p>Bounded cost: one I/O thread; a request head of at most 8 KiB; at most {@code maxConnections}
 * open connections (more are closed at once), so connections that never send a head cannot pile up
 * beyond that (and each is closed after its head timeout).
 *
 * <p><b>Threading:</b> thread-safe; {@link #close} waits briefly for the I/O thread to stop.
 */
final class PushServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PushServer.class);

    private final EventLoopGroup group;
    private final Channel server;
    private final AtomicInteger open = new AtomicInteger();

    /**
     * Binds {@code host:port} (0 for a free port).
     *
     * @param maxConnections how many connections may be open at once
     * @throws IOException when the address cannot be bound
     */
    PushServer(String host, int port, PushGate gate, IntSupplier maxConnections) throws IOException {
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("iceshare-source-push", true),
                NioIoHandler.newFactory());
        ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        int n = open.incrementAndGet();
                        ch.closeFuture().addListener(f -> open.decrementAndGet());
                        if (n > maxConnections.getAsInt()) {
                            LOG.warn("push server: {} connections open, closing the one from {}", n - 1,
                                    ch.remoteAddress());
                            ch.close();
                            return;
                        }
                        ch.pipeline().addLast("head", new SourceRequestDecoder());
                        ch.pipeline().addLast("push", new PushHandler(gate));
                    }
                });
        ChannelFuture bound = b.bind(host, port).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            Throwable c = bound.cause();
            throw new IOException("cannot bind the push server to " + host + ":" + port + ": "
                    + (c == null ? "unknown error" : c.getMessage()), c);
        }
        server = bound.channel();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /** Connections open now. */
    int connections() {
        return open.get();
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
