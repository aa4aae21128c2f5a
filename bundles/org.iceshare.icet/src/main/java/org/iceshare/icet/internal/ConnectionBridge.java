package org.iceshare.icet.internal;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

import javax.net.ssl.SSLException;

import org.iceshare.api.codec.DecodeResult;
import org.iceshare.api.icet.ErrorCode;
import org.iceshare.api.icet.ErrorReport;
import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.transport.Connection;
import org.iceshare.api.transport.ConnectionHandler;
import org.iceshare.api.transport.Refusals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of a connection's pipeline: it turns channel events into {@link ConnectionHandler}
 * calls.
 *
 * <ul>
 * <li>{@code opened} when the channel becomes active (then an outgoing connection's {@code connect}
 * stage completes); {@code closed} exactly once when it goes inactive after that, with the reason
 * recorded by whoever closed it ({@link IcetPipeline#closeReason}).</li>
 * <li>Messages go to {@code received}, except once the connection is closing.</li>
 * <li>A {@link DecodeResult.Invalid} (input the codec refused) is answered with its {@link ErrorReport}, and the connection closed with
 * the frame's detail as the reason (a {@link Refusals#MALFORMED_FRAME} refusal).</li>
 * <li>An exception thrown by the handler is logged; the connection is closed (with an
 * {@link ErrorCode#INTERNAL} report) and nothing else is affected.</li>
 * </ul>
 *
 * <p><b>Threading:</b> one instance per channel, called on its event loop only; the handler's calls
 * are therefore in order and never concurrent, as {@link ConnectionHandler} promises.
 */
final class ConnectionBridge extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionBridge.class);

    private final NettyConnection connection;
    private final ConnectionHandler handler;
    private final CompletableFuture<Connection> openedStage;
    private boolean opened;
    private boolean closed;

    /**
     * @param openedStage for an outgoing connection, the stage {@code connect} returned; completed once
     *        {@code opened} has run. Null for accepted connections.
     */
    ConnectionBridge(NettyConnection connection, ConnectionHandler handler, CompletableFuture<Connection> openedStage) {
        this.connection = connection;
        this.handler = handler;
        this.openedStage = openedStage;
    }

    /** This handler passes pieces on lent: the message decoder may hand PIECE frames over without a copy. */
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ctx.channel().attr(IcetPipeline.LEND_PIECES).set(Boolean.TRUE);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        SslHandler tls = ctx.pipeline().get(SslHandler.class);
        if (tls == null) {
            open(ctx);
            return;
        }
        // secured: the application sees the connection once the handshake succeeded
        tls.handshakeFuture().addListener(f -> {
            if (f.isSuccess()) {
                if (ctx.channel().isActive()) {
                    open(ctx);
                }
                return;
            }
            boolean timedOut = f.cause() instanceof SslHandshakeTimeoutException;
            String reason = timedOut ? "handshake timeout: " + message(f.cause())
                    : "TLS handshake failed: " + message(f.cause());
            LOG.debug("{} on {}", reason, connection);
            if (openedStage != null) {
                openedStage.completeExceptionally(new IOException(reason, f.cause()));
            }
            IcetPipeline.refuseNow(ctx.channel(), timedOut ? Refusals.HANDSHAKE_TIMEOUT : Refusals.TLS_HANDSHAKE,
                    reason);
        });
    }

    private static String message(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.toString();
    }

    private void open(ChannelHandlerContext ctx) {
        connection.localAddress();
        connection.remoteAddress();
        opened = true;
        LOG.debug("Opened {}", connection);
        try {
            handler.opened(connection);
        } catch (RuntimeException e) {
            handlerFailed(ctx, "opened", e);
        }
        if (openedStage != null) {
            openedStage.complete(connection);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof IcetMessage message) {
            if (IcetPipeline.isClosing(ctx.channel())) {
                return;
            }
            try {
                handler.received(connection, message);
            } catch (RuntimeException e) {
                handlerFailed(ctx, "received", e);
            }
        } else if (msg instanceof LentPiece lent) {
            if (IcetPipeline.isClosing(ctx.channel())) {
                lent.release();
                return;
            }
            try {
                handler.receivedPiece(connection, lent.content, lent.piece, lent.data(), once(lent));
            } catch (RuntimeException e) {
                handlerFailed(ctx, "receivedPiece", e);
            }
        } else if (msg instanceof DecodeResult.Invalid invalid) {
            LOG.debug("Invalid frame on {}: {}", connection, invalid.detail());
            IcetPipeline.refuse(ctx.channel(), Refusals.MALFORMED_FRAME, invalid.detail(), invalid.toErrorReport());
        } else {
            ReferenceCountUtil.release(msg);
            LOG.warn("Dropped an unexpected {} on {}", msg.getClass().getName(), connection);
        }
    }

    /** Releases the lent frame on the first run only, so a handler that releases twice frees nothing twice. */
    private static Runnable once(LentPiece lent) {
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (done.compareAndSet(false, true)) {
                lent.release();
            }
        };
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (!opened || closed) {
            return;
        }
        try {
            handler.writable(connection, ctx.channel().isWritable());
        } catch (RuntimeException e) {
            handlerFailed(ctx, "writable", e);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        String reason;
        if (cause instanceof DecoderException && cause.getCause() instanceof SSLException) {
            reason = "TLS error: " + message(cause);
            LOG.debug("{} on {}", reason, connection);
        } else if (cause instanceof IOException) {
            reason = "I/O error: " + cause.getMessage();
            LOG.debug("{} on {}", reason, connection);
        } else {
            reason = "internal error: " + cause;
            LOG.warn("Closing {} after an unexpected error", connection, cause);
        }
        IcetPipeline.markClosing(ctx.channel(), reason);
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!opened || closed) {
            return;
        }
        closed = true;
        String reason = IcetPipeline.closeReason(ctx.channel());
        LOG.debug("Closed {}: {}", connection, reason);
        try {
            handler.closed(connection, reason);
        } catch (RuntimeException e) {
            LOG.warn("Connection handler failed in closed() on {}", connection, e);
        }
    }

    private void handlerFailed(ChannelHandlerContext ctx, String method, RuntimeException e) {
        LOG.warn("Connection handler failed in {}() on {}; closing the connection", method, connection, e);
        IcetPipeline.close(ctx.channel(), "handler failed: " + e,
                ErrorReport.of(ErrorCode.INTERNAL, "internal error"));
    }
}
