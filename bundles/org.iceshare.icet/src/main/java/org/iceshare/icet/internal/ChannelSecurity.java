package org.iceshare.icet.internal;

import java.net.InetSocketAddress;

import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslHandler;

/**
 * Secures the channels of a {@link NettyTransport}: makes the handler that goes first in each pipeline,
 * below the IceT framing. The TLS transport returns an {@link SslHandler}; {@link ConnectionBridge}
 * then reports a connection open only once its handshake succeeded.
 *
 * <p><b>Threading:</b> called on the channel's event loop while the pipeline is built; must not block.
 */
public interface ChannelSecurity {

    /** The handler for a connection this side accepted. */
    SslHandler server(SocketChannel channel);

    /** The handler for a connection this side opened to {@code remote}. */
    SslHandler client(SocketChannel channel, InetSocketAddress remote);
}
