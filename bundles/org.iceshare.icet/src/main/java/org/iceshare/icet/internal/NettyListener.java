package org.iceshare.icet.internal;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.transport.Listener;

import io.netty.channel.Channel;

/**
 * A bound server channel. Closing it stops accepting; accepted connections stay open.
 *
 * <p><b>Threading:</b> thread-safe. {@link #close} waits until the socket is released, unless it is
 * called on an I/O thread, where it only starts the close.
 */
final class NettyListener implements Listener {

    private static final long CLOSE_WAIT_SECONDS = 5;

    private final String transport;
    private final Channel server;
    private final InetSocketAddress address;

    NettyListener(String transport, Channel server) {
        this.transport = transport;
        this.server = server;
        this.address = (InetSocketAddress) server.localAddress();
    }

    @Override
    public InetSocketAddress localAddress() {
        return address;
    }

    @Override
    public String transport() {
        return transport;
    }

    boolean isOpen() {
        return server.isOpen();
    }

    @Override
    public void close() {
        server.close();
        if (!server.eventLoop().inEventLoop()) {
            server.closeFuture().awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    @Override
    public String toString() {
        return transport + " listener " + address;
    }
}
