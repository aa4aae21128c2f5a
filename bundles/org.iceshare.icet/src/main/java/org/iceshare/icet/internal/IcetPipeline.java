package org.iceshare.icet.internal;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.icet.IcetMessage;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.DefaultMessageSizeEstimator;
import io.netty.channel.FileRegion;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;

/**
 * Installs the IceT handler chain on a channel and closes channels with a reason, the same way for
 * every transport.
 *
 * <p>The chain, in inbound order, after whatever the transport put first (a byte counter, TLS):
 * <ol>
 * <li>{@value #IDLE}: closes the connection when nothing was read for the idle timeout (it sits
 * before the frame decoder so a large frame arriving slowly counts as traffic);</li>
 * <li>{@value #FRAMES}: {@link IcetFrameDecoder}, with the connection's share of the transport's
 * {@link FrameBudget} and the slow-frame rules of {@link IcetLimits};</li>
 * <li>{@value #MESSAGES}: {@link IcetMessageDecoder};</li>
 * <li>{@value #ENCODER}: {@link IcetEncoder} (outbound);</li>
 * <li>{@value #HANDSHAKE}: {@link IcetHandshakeHandler}, which removes itself after the Hello.</li>
 * </ol>
 * The transport adds its own last handler, which receives {@link IcetMessage}s and
 * {@link org.iceshare.api.codec.DecodeResult.Invalid}s. It answers an {@code Invalid} with its error
 * report and {@link #close closes} the channel with the frame's detail as the reason.
 *
 * <p><b>Close reasons:</b> whoever closes a channel first records why in {@link #CLOSE_REASON}; later
 * attempts keep the first reason. When the channel goes inactive without a recorded reason, the peer
 * closed it.
 */
public final class IcetPipeline {

    public static final String IDLE = "icet-idle";
    public static final String FRAMES = "icet-frames";
    public static final String MESSAGES = "icet-messages";
    public static final String ENCODER = "icet-encoder";
    public static final String HANDSHAKE = "icet-handshake";

    /** Why this side closed the channel; absent while open or when the peer closed it. */
    public static final AttributeKey<String> CLOSE_REASON = AttributeKey.valueOf(IcetPipeline.class, "closeReason");

    /** Counts the refusals of the channel's transport; absent on a channel outside a transport (tests). */
    public static final AttributeKey<RefusalCounter> REFUSALS = AttributeKey.valueOf(IcetPipeline.class, "refusals");

    /** The protocol version both sides use, set once the peer's Hello was accepted. */
    public static final AttributeKey<Integer> VERSION = AttributeKey.valueOf(IcetPipeline.class, "version");

    /** How long a graceful close may wait for queued writes and the peer's close before closing anyway. */
    public static final long CLOSE_TIMEOUT_MILLIS = 5_000;

    /**
     * Whether the channel's handler takes pieces lent ({@link org.iceshare.api.transport.ConnectionHandler#receivedPiece}):
     * set by {@link ConnectionBridge}; the message decoder then hands PIECE frames on without copying them.
     */
    static final AttributeKey<Boolean> LEND_PIECES = AttributeKey.valueOf(IcetPipeline.class, "lendPieces");

    /**
     * Counts a {@link FileRegion} (a piece sent from its file) with its size, as Netty counts a buffer, so
     * pieces sent from files fill the write buffer to its high-water mark and senders wait for writability
     * (Netty's default estimator counts a region as 0 bytes).
     */
    static final MessageSizeEstimator SIZE_ESTIMATOR = new MessageSizeEstimator() {
        private final MessageSizeEstimator.Handle fallback = DefaultMessageSizeEstimator.DEFAULT.newHandle();
        private final MessageSizeEstimator.Handle handle = msg -> msg instanceof FileRegion region
                ? (int) Math.min(Integer.MAX_VALUE, region.count())
                : fallback.size(msg);

        @Override
        public Handle newHandle() {
            return handle;
        }
    };

    private IcetPipeline() {
    }

    /**
     * Adds the IceT handlers at the end of {@code pipeline}, with no partial-frame budget shared with other
     * connections. Call it while initialising the channel.
     */
    public static void install(ChannelPipeline pipeline, IcetLimits limits) {
        install(pipeline, limits, null);
    }

    /**
     * Adds the IceT handlers at the end of {@code pipeline}. Call it while initialising the channel.
     *
     * @param budget the partial-frame budget the channel shares with the other connections of its
     *        transport, or null for none
     */
    public static void install(ChannelPipeline pipeline, IcetLimits limits, FrameBudget budget) {
        pipeline.channel().config().setMessageSizeEstimator(SIZE_ESTIMATOR);
        if (limits.idleTimeoutSeconds() > 0) {
            pipeline.addLast(IDLE, new IdleTimeout(limits.idleTimeoutSeconds()));
        }
        pipeline.addLast(FRAMES, new IcetFrameDecoder(limits, budget));
        pipeline.addLast(MESSAGES, IcetMessageDecoder.INSTANCE);
        pipeline.addLast(ENCODER, IcetEncoder.INSTANCE);
        pipeline.addLast(HANDSHAKE, new IcetHandshakeHandler(limits.handshakeTimeoutMillis()));
    }

    private static void shutdownOutput(DuplexChannel duplex) {
        if (!duplex.isActive() || duplex.isOutputShutdown()) {
            duplex.close();
            return;
        }
        duplex.shutdownOutput().addListener(shut -> {
            if (!shut.isSuccess()) {
                duplex.close();
            }
        });
    }

    /**
     * Closes a channel gracefully, so the peer reads everything queued, {@code last} included:
     * <ol>
     * <li>records the reason (from then on, inbound frames are discarded unread);</li>
     * <li>writes {@code last}, if not null, after everything already queued, and flushes;</li>
     * <li>then, on a socket, shuts the output down (the peer reads the end of the stream) and waits for
     * the peer to close its side, still draining input, so unread input cannot turn the close into a
     * reset that destroys what was sent; on other channels, closes at once;</li>
     * <li>closes anyway after {@link #CLOSE_TIMEOUT_MILLIS}.</li>
     * </ol>
     * Thread-safe.
     *
     * @return false when the channel was already closing; its first reason stands and nothing is written
     */
    public static boolean close(Channel channel, String reason, IcetMessage last) {
        if (!markClosing(channel, reason)) {
            return false;
        }
        Object tail = last != null ? last : Unpooled.EMPTY_BUFFER;
        channel.writeAndFlush(tail).addListener((ChannelFuture written) -> {
            if (written.isSuccess() && channel instanceof DuplexChannel duplex && duplex.isActive()
                    && !duplex.isOutputShutdown()) {
                SslHandler tls = channel.pipeline().get(SslHandler.class);
                if (tls != null) {
                    // TLS first says goodbye (close_notify), so the peer sees an orderly end, not a truncation
                    tls.closeOutbound().addListener(notified -> shutdownOutput(duplex));
                } else {
                    shutdownOutput(duplex);
                }
            } else {
                channel.close();
            }
        });
        try {
            Future<?> force = channel.eventLoop().schedule(() -> channel.close(), CLOSE_TIMEOUT_MILLIS,
                    TimeUnit.MILLISECONDS);
            channel.closeFuture().addListener(f -> force.cancel(false));
        } catch (RejectedExecutionException e) {
            channel.close(); // the event loop is shutting down and closes its channels anyway
        }
        return true;
    }

    /**
     * Closes a channel as {@link #close} does, and counts it as a refusal of {@code reason} (one of
     * {@link org.iceshare.api.transport.Refusals}'s) with the channel's transport, which logs it at INFO
     * (throttled). Nothing is counted when the channel was already closing. Thread-safe.
     *
     * @param detail the close reason, also logged
     * @return false when the channel was already closing
     */
    public static boolean refuse(Channel channel, String reason, String detail, IcetMessage last) {
        if (!close(channel, detail, last)) {
            return false;
        }
        count(channel, reason, detail);
        return true;
    }

    /**
     * Records {@code detail} as the close reason, counts a refusal of {@code reason} and closes the channel
     * at once, without writing anything (a failed TLS handshake). Nothing is counted when the channel was
     * already closing. Thread-safe.
     */
    public static boolean refuseNow(Channel channel, String reason, String detail) {
        if (!markClosing(channel, detail)) {
            return false;
        }
        count(channel, reason, detail);
        channel.close();
        return true;
    }

    private static void count(Channel channel, String reason, String detail) {
        RefusalCounter counter = channel.attr(REFUSALS).get();
        if (counter != null) {
            counter.refused(reason, channel.remoteAddress(), detail);
        }
    }

    /**
     * Records the reason without closing, for a caller that closes the channel itself right away (an
     * I/O error). Returns false when a reason was already recorded.
     */
    public static boolean markClosing(Channel channel, String reason) {
        return channel.attr(CLOSE_REASON).setIfAbsent(reason) == null;
    }

    /** True once this side decided to close the channel. */
    public static boolean isClosing(Channel channel) {
        return channel.attr(CLOSE_REASON).get() != null;
    }

    /** Why this side closed the channel, or {@code "closed by peer"} when it did not. */
    public static String closeReason(Channel channel) {
        String reason = channel.attr(CLOSE_REASON).get();
        return reason != null ? reason : "closed by peer";
    }

    /**
     * Closes the channel with reason {@code "idle timeout"} when nothing was read for the timeout (an
     * {@link org.iceshare.api.transport.Refusals#IDLE_TIMEOUT} refusal).
     */
    private static final class IdleTimeout extends IdleStateHandler {
        IdleTimeout(int seconds) {
            super(seconds, 0, 0, TimeUnit.SECONDS);
        }

        @Override
        protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent event) {
            IcetPipeline.refuse(ctx.channel(), org.iceshare.api.transport.Refusals.IDLE_TIMEOUT, "idle timeout",
                    null);
        }
    }
}
