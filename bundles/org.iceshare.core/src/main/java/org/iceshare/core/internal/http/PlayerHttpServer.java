package org.iceshare.core.internal.http;

import java.io.IOException;
import java.net.InetSocketAddress;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;

/**
 * The local HTTP endpoint for players: {@code GET /content/<content id>/<name>} streams a content
 * as its pieces are verified, with single byte ranges ({@code Range: bytes=...}). A player that
 * reads ahead of what is downloaded waits for the pieces, and its position steers the scheduler
 * (the playhead). {@code ?t=SECONDS} is a time start ({@link TimeStart}): the chain link's header
 * pages, then the content from the latest start at or before that time, a body with its own length
 * that byte ranges apply to. A live stream is streamed from near its live edge
 * ({@link LiveStreamer}). {@code GET /} lists the contents, {@code GET /stats.json} gives the swarms'
 * figures.
 *
 * <p>It knows the peer only as a {@link PlayerSource}.
 *
 * <p><b>Threading:</b> one Netty event loop; the handlers never block.
 */
public final class PlayerHttpServer implements AutoCloseable {
    /** Longest request line and header block accepted. */
    static final int MAX_HEADER = 8192;

    private final EventLoopGroup group;
    private final Channel server;

    public PlayerHttpServer(PlayerSource source, String host, int port) throws IOException {
        this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(new IdleStateHandler(0, 0, 300))
                                .addLast(new HttpServerCodec(MAX_HEADER, MAX_HEADER, 8192))
                                .addLast(new RequestHeads())
                                .addLast(new PlayerHandler(source));
                    }
                });
        try {
            this.server = b.bind(host, port).sync().channel();
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
            throw new IOException("cannot bind the player endpoint to " + host + ":" + port + ": " + e.getMessage(),
                    e);
        }
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) server.localAddress();
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly(2000);
        group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly(3000);
    }
}
