package org.iceshare.icet.internal;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.codec.DecodeResult;
import org.iceshare.api.codec.Framing;
import org.iceshare.api.icet.ErrorCode;
import org.iceshare.api.icet.ErrorReport;
import org.iceshare.api.transport.Refusals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;

/**
 * Splits the inbound byte stream into IceT frames. A frame is a {@code u32} big-endian length followed
 * by that many bytes (the type byte and the payload); this decoder emits those bytes, without the length
 * field, as a retained slice for {@link IcetMessageDecoder}.
 *
 * <p>The length is checked by {@link Framing#check} as soon as it is read (nothing of the frame is
 * buffered): a length of zero or above the maximum frame size emits one {@link DecodeResult.Invalid}, and
 * every byte after it is discarded: the connection is about to be closed. Input is discarded as well
 * once the channel is {@linkplain IcetPipeline#close closing}, and the buffer of a partial frame is freed
 * at once.
 *
 * <p><b>Bounded memory.</b> A frame whose body has not arrived yet (a partial frame) is buffered, and
 * nothing is allocated for it before its bytes arrive: the buffer grows as they do (doubling, or to the
 * frame's end once that is within twice the bytes arrived plus {@value #GROWTH_SLACK}, never past the
 * frame's own end), so a connection holds at most one frame of the maximum size plus one read. With
 * the limits of a transport ({@link #IcetFrameDecoder(IcetLimits, FrameBudget)}):
 * <ul>
 * <li>the buffer's size is counted in the transport's {@link FrameBudget}, which closes the connections
 * with the oldest partial frames when all of them together would take more than the budget;</li>
 * <li>a partial frame must keep coming ({@link IcetLimits}): one that is not complete
 * {@code frameTimeoutMillis} after its first byte, or that arrived below {@code minFrameBytesPerSecond}
 * during the last {@code slowFrameWindowMillis}, closes the connection ({@link Refusals#SLOW_FRAME}, with a
 * {@link ErrorCode#PROTOCOL} report).</li>
 * </ul>
 *
 * <p><b>Threading:</b> stateful, one instance per channel, used on the channel's event loop only.
 */
public final class IcetFrameDecoder extends ByteToMessageDecoder {

    /**
     * A partial frame's buffer of this size or more is not taken from the channel's pooling allocator: it
     * is allocated on its own and given back to the system as soon as it is released. Pooled, the buffers
     * of hundreds of partial frames growing by doubling, each freed at a different time, leave the pool's
     * chunks partly used, and the pool keeps them all: an attack's memory would stay after its
     * connections are closed and far exceed the budget while they are open.
     */
    static final int UNPOOLED_FROM = 128 * 1024;
    private static final ByteBufAllocator UNPOOLED = new UnpooledByteBufAllocator(true);

    /**
     * How far past twice the arrived bytes a partial frame's buffer may grow at once, to its end: a frame
     * whose body is a power of two (a piece) plus its head then needs one buffer instead of three.
     */
    static final int GROWTH_SLACK = 1024;

    private final int maxFrameSize;
    private final IcetLimits limits;
    private final FrameBudget budget;
    private FrameBudget.Share share;
    private ChannelHandlerContext context;
    private boolean failed;
    private boolean discarded;

    /** 4 + length of the frame at the head of the buffer, once its length field is there; else 0. */
    private long frameEnd;
    /** Frames emitted so far: tells a frame that completed and a new one begun from one still partial. */
    private long frames;
    private boolean partial;
    private long partialSinceNanos;
    private long partialFrameNumber;

    private Future<?> checker;
    private boolean partialAtLastCheck;
    private long framesAtLastCheck;
    private long windowsPartial;
    private long bytesSinceCheck;

    /** A decoder with no budget and no slow-frame rules (tests, fuzzing, a pipeline of one's own). */
    public IcetFrameDecoder(int maxFrameSize) {
        if (maxFrameSize < 1) {
            throw new IllegalArgumentException("maximum frame size must be >= 1: " + maxFrameSize);
        }
        this.maxFrameSize = maxFrameSize;
        this.limits = null;
        this.budget = null;
        setCumulator(this::cumulate);
    }

    /**
     * A decoder with the limits of a transport.
     *
     * @param budget the partial-frame budget shared with the transport's other connections, or null
     */
    public IcetFrameDecoder(IcetLimits limits, FrameBudget budget) {
        this.maxFrameSize = limits.maxFrameSize();
        this.limits = limits;
        this.budget = budget;
        setCumulator(this::cumulate);
    }

    public int maxFrameSize() {
        return maxFrameSize;
    }

    /** The bytes the partial frame's buffer takes now (its capacity), 0 when none is partial. */
    public long buffered() {
        ByteBuf b = internalBuffer();
        return b.isReadable() ? b.capacity() : 0;
    }

    /** The buffer of the partial frame (tests see where it was allocated). */
    ByteBuf partialFrameBuffer() {
        return internalBuffer();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        context = ctx;
        if (budget != null) {
            share = budget.share(ctx.channel(), this::evicted);
        }
        super.handlerAdded(ctx);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        stopChecker();
        if (share != null) {
            share.release();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stopChecker();
        if (share != null) {
            share.release();
        }
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (discarded) {
            ReferenceCountUtil.release(msg);
            return;
        }
        int n = msg instanceof ByteBuf b ? b.readableBytes() : 0;
        super.channelRead(ctx, msg);
        afterRead(ctx, n);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed || IcetPipeline.isClosing(ctx.channel())) {
            in.skipBytes(in.readableBytes());
            frameEnd = 0;
            return;
        }
        if (in.readableBytes() < Framing.LENGTH_FIELD_SIZE) {
            frameEnd = 0;
            return;
        }
        long length = in.getUnsignedInt(in.readerIndex());
        Optional<DecodeResult.Invalid> invalid = Framing.check(length, maxFrameSize);
        if (invalid.isPresent()) {
            failed = true;
            frameEnd = 0;
            in.skipBytes(in.readableBytes());
            out.add(invalid.get());
            return;
        }
        frameEnd = Framing.LENGTH_FIELD_SIZE + length;
        if (in.readableBytes() - Framing.LENGTH_FIELD_SIZE < length) {
            return;
        }
        in.skipBytes(Framing.LENGTH_FIELD_SIZE);
        out.add(in.readRetainedSlice((int) length));
        frames++;
        frameEnd = 0;
    }

    /**
     * Grows the buffer of a partial frame no further than the frame's end: doubling while the frame's length
     * is known (so a frame arriving in many reads is copied a few times only), else to what the bytes need.
     * Otherwise as Netty's merge cumulator: the bytes are copied into one buffer and the read's buffer is
     * freed, so a slow sender holds its bytes, not a read buffer per read.
     */
    private ByteBuf cumulate(ByteBufAllocator alloc, ByteBuf cumulation, ByteBuf in) {
        if (cumulation == in) {
            in.release();
            return cumulation;
        }
        if (!cumulation.isReadable() && in.isContiguous()) {
            cumulation.release();
            return in;
        }
        try {
            int add = in.readableBytes();
            if (cumulation.refCnt() == 1 && !cumulation.isReadOnly() && add <= cumulation.writableBytes()) {
                cumulation.writeBytes(in, in.readerIndex(), add);
                in.readerIndex(in.writerIndex());
                return cumulation;
            }
            long needed = (long) cumulation.readableBytes() + add;
            long capacity = needed;
            if (frameEnd > needed) {
                capacity = Math.min(frameEnd, Math.max(needed, 2L * cumulation.readableBytes()));
                if (frameEnd <= 2 * needed + GROWTH_SLACK) {
                    // within twice what arrived (and a frame head's slack): take the frame's whole size now,
                    // so a piece-sized frame is copied once on its way in, not at every doubling and again
                    // for its last few bytes
                    capacity = frameEnd;
                }
            }
            if (capacity > Integer.MAX_VALUE) {
                capacity = needed;
            }
            ByteBuf grown = capacity >= UNPOOLED_FROM ? UNPOOLED.directBuffer((int) capacity) : alloc.buffer((int) capacity);
            try {
                grown.writeBytes(cumulation, cumulation.readerIndex(), cumulation.readableBytes());
                grown.writeBytes(in, in.readerIndex(), add);
                in.readerIndex(in.writerIndex());
            } catch (RuntimeException e) {
                grown.release();
                throw e;
            }
            cumulation.release();
            return grown;
        } finally {
            in.release();
        }
    }

    /** Accounts for the partial frame after a read, and closes the connection when a limit says so. */
    private void afterRead(ChannelHandlerContext ctx, int bytesRead) {
        if (discarded) {
            return;
        }
        if (failed || IcetPipeline.isClosing(ctx.channel())) {
            discard(ctx);
            return;
        }
        ByteBuf buffer = internalBuffer();
        if (!buffer.isReadable()) {
            partial = false;
            if (share != null) {
                share.hold(0, 0);
            }
            return;
        }
        if (!partial || partialFrameNumber != frames) {
            partial = true;
            partialFrameNumber = frames;
            partialSinceNanos = System.nanoTime();
        }
        bytesSinceCheck += bytesRead;
        if (share != null && !share.hold(buffer.capacity(), partialSinceNanos)) {
            refuse(ctx, Refusals.FRAME_BUDGET, "partial frame of " + buffer.capacity() + " bytes refused: the "
                    + "transport's partial frames would take more than " + budget.limit()
                    + " bytes (maxBufferedFrameBytes), and none is older", ErrorCode.BUSY,
                    "partial-frame budget exhausted");
            return;
        }
        if (limits != null && limits.checksSlowFrames() && checker == null) {
            startChecker(ctx);
        }
    }

    private void startChecker(ChannelHandlerContext ctx) {
        long window = limits.slowFrameWindowMillis();
        partialAtLastCheck = false;
        windowsPartial = 0;
        bytesSinceCheck = 0;
        checker = ctx.executor().scheduleAtFixedRate(() -> check(ctx), window, window, TimeUnit.MILLISECONDS);
    }

    private void stopChecker() {
        if (checker != null) {
            checker.cancel(false);
            checker = null;
        }
    }

    /** Every window while a frame is partial: is it complete in time, and arriving fast enough? */
    private void check(ChannelHandlerContext ctx) {
        if (discarded || failed || IcetPipeline.isClosing(ctx.channel())) {
            stopChecker();
            return;
        }
        if (!partial) {
            stopChecker();
            return;
        }
        long window = limits.slowFrameWindowMillis();
        boolean sameFrame = partialAtLastCheck && framesAtLastCheck == frames;
        windowsPartial = sameFrame ? windowsPartial + 1 : 0;
        long received = bytesSinceCheck;
        partialAtLastCheck = true;
        framesAtLastCheck = frames;
        bytesSinceCheck = 0;
        if (!sameFrame) {
            return;
        }
        long buffered = internalBuffer().readableBytes();
        String frame = frameEnd > 0 ? "frame of " + (frameEnd - Framing.LENGTH_FIELD_SIZE) + " bytes"
                : "frame (length not read yet)";
        if (limits.frameTimeoutMillis() > 0 && windowsPartial * window >= limits.frameTimeoutMillis()) {
            refuse(ctx, Refusals.SLOW_FRAME, "slow frame: a " + frame + " is not complete after "
                    + windowsPartial * window / 1000.0 + " s (" + buffered + " bytes arrived; frameTimeoutSeconds "
                    + limits.frameTimeoutMillis() / 1000 + ")", ErrorCode.PROTOCOL, "frame not complete in time");
        } else if (limits.minFrameBytesPerSecond() > 0
                && received * 1000 < (long) limits.minFrameBytesPerSecond() * window) {
            refuse(ctx, Refusals.SLOW_FRAME, "slow frame: a partial " + frame + " arrived at "
                    + received * 1000 / window + " B/s over " + window / 1000.0 + " s, below the minimum of "
                    + limits.minFrameBytesPerSecond() + " B/s (minFrameRate; " + buffered + " bytes buffered)",
                    ErrorCode.PROTOCOL, "frame arriving too slowly");
        }
    }

    private void refuse(ChannelHandlerContext ctx, String reason, String detail, ErrorCode code, String message) {
        IcetPipeline.refuse(ctx.channel(), reason, detail, ErrorReport.of(code, message));
        discard(ctx);
    }

    /**
     * The budget closed this connection to make room for another's frame: frees the partial frame now
     * rather than when the channel is gone. Called on the other connection's event loop: when that is this
     * channel's too, the buffer is freed at once (before the loop reads on), else as this loop's next task.
     */
    void evicted() {
        ChannelHandlerContext ctx = context;
        if (ctx == null) {
            return;
        }
        if (ctx.executor().inEventLoop()) {
            discard(ctx);
        } else {
            ctx.executor().execute(() -> discard(ctx));
        }
    }

    /**
     * Frees the partial frame's buffer at once and drops all further input: the connection is closing, and
     * a graceful close can take seconds. The decoder gives way to a handler that only releases input.
     */
    private void discard(ChannelHandlerContext ctx) {
        if (discarded) {
            return;
        }
        discarded = true;
        failed = true;
        stopChecker();
        if (share != null) {
            share.release();
        }
        ByteBuf buffer = internalBuffer();
        if (buffer.isReadable()) {
            buffer.skipBytes(buffer.readableBytes());
        }
        if (!ctx.isRemoved()) {
            ctx.pipeline().replace(this, IcetPipeline.FRAMES, Discard.INSTANCE);
        }
    }

    /** Releases every inbound buffer: what a closing connection's frame decoder becomes. */
    @Sharable
    static final class Discard extends ChannelInboundHandlerAdapter {
        static final Discard INSTANCE = new Discard();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }
    }
}
