package org.iceshare.icet.internal;

import java.util.concurrent.TimeUnit;

import org.iceshare.api.icet.ErrorCode;
import org.iceshare.api.icet.ErrorReport;
import org.iceshare.api.icet.Hello;
import org.iceshare.api.icet.IcetMessage;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;

/**
 * Checks the first message of a connection: it must be a {@link Hello} whose version this side can
 * use. Sending this side's own Hello is the application's business (it sends it as soon as the
 * connection opens).
 *
 * <p><b>Version negotiation:</b> both sides send their highest version; both use the smaller of the
 * two. If that is below the lowest version this side speaks, it answers
 * {@link ErrorCode#UNSUPPORTED_VERSION} and closes. A peer announcing a higher version is accepted as
 * long as it also speaks ours (versions are backward compatible down to their lowest).
 *
 * <p>On an accepted Hello the negotiated version goes into {@link IcetPipeline#VERSION}, the Hello is
 * passed on, and this handler removes itself. Anything else first is refused:
 * <ul>
 * <li>another message: {@link ErrorCode#PROTOCOL} report, then close;</li>
 * <li>an {@link ErrorReport}: the peer refuses us. It is passed on, and the connection closed with
 * reason {@code "refused by peer: CODE: message"}, without an answer;</li>
 * <li>a {@link org.iceshare.api.codec.DecodeResult.Invalid}: passed on, for the last handler to report and
 * close.</li>
 * </ul>
 * Without a Hello within the timeout, it reports {@link ErrorCode#PROTOCOL} and closes with reason
 * {@code "handshake timeout"}.
 *
 * <p><b>Threading:</b> stateful, one instance per channel, used on the channel's event loop only.
 */
public final class IcetHandshakeHandler extends ChannelInboundHandlerAdapter {

    /** The lowest protocol version this implementation speaks: 4, whose manifests and announcements carry publisher signatures (older peers neither send nor check them). */
    public static final int LOWEST_VERSION = 4;

    private final long timeoutMillis;
    private final int lowest;
    private final int highest;
    private Future<?> timeout;

    /** A handler for the versions this implementation speaks, {@value #LOWEST_VERSION} to {@link IcetMessage#PROTOCOL_VERSION}. */
    public IcetHandshakeHandler(long timeoutMillis) {
        this(timeoutMillis, LOWEST_VERSION, IcetMessage.PROTOCOL_VERSION);
    }

    /** A handler for the versions {@code lowest..highest}. */
    public IcetHandshakeHandler(long timeoutMillis, int lowest, int highest) {
        if (timeoutMillis <= 0) {
            throw new IllegalArgumentException("handshake timeout must be > 0 ms: " + timeoutMillis);
        }
        if (lowest < 1 || highest < lowest || highest > 255) {
            throw new IllegalArgumentException("bad version range " + lowest + ".." + highest);
        }
        this.timeoutMillis = timeoutMillis;
        this.lowest = lowest;
        this.highest = highest;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            startTimer(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        startTimer(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelTimer();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimer();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (IcetPipeline.isClosing(ctx.channel())) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof Hello hello) {
            int version = Math.min(hello.version(), highest);
            if (version < lowest) {
                String detail = "unsupported version: peer speaks up to " + hello.version() + ", this side "
                        + lowest + ".." + highest;
                IcetPipeline.close(ctx.channel(), detail, ErrorReport.of(ErrorCode.UNSUPPORTED_VERSION, detail));
                return;
            }
            cancelTimer();
            ctx.channel().attr(IcetPipeline.VERSION).set(version);
            ctx.pipeline().remove(this);
            ctx.fireChannelRead(hello);
        } else if (msg instanceof ErrorReport error) {
            ctx.fireChannelRead(error);
            IcetPipeline.close(ctx.channel(), "refused by peer: " + error.code() + ": " + error.message(), null);
        } else if (msg instanceof IcetMessage other) {
            String detail = "expected Hello first, got " + other.type();
            IcetPipeline.close(ctx.channel(), detail, ErrorReport.of(ErrorCode.PROTOCOL, detail));
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    private void startTimer(ChannelHandlerContext ctx) {
        if (timeout == null) {
            timeout = ctx.executor().schedule(() -> IcetPipeline.refuse(ctx.channel(),
                    org.iceshare.api.transport.Refusals.HANDSHAKE_TIMEOUT, "handshake timeout",
                    ErrorReport.of(ErrorCode.PROTOCOL, "no Hello within " + timeoutMillis + " ms")), timeoutMillis,
                    TimeUnit.MILLISECONDS);
        }
    }

    private void cancelTimer() {
        if (timeout != null) {
            timeout.cancel(false);
        }
    }
}
