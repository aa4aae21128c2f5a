package org.iceshare.icet.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.iceshare.icet.internal.IcetHandshakeHandlerTest.readReport;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.icet.ErrorCode;
import org.iceshare.api.icet.ErrorReport;
import org.iceshare.api.icet.Piece;
import org.iceshare.api.transport.Refusals;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * The partial-frame limits of one connection, on {@link EmbeddedChannel}s with a frozen clock: the buffer
 * grows with the bytes that arrived (not with the length announced), the slow-frame rules, and the budget
 * the connections of a transport share.
 */
class FrameLimitsTest {

    private static final int MAX = 8 * 1024 * 1024;
    /** 8 MiB frames, handshake and idle far away, 60 s per frame, 1 KiB/s over 5 s windows. */
    private static final IcetLimits LIMITS = new IcetLimits(MAX, 600_000, 0);

    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private final List<String> logged = new ArrayList<>();
    private final RefusalCounter refusals = new RefusalCounter("test", System::nanoTime, logged::add);
    private final List<Object> received = new ArrayList<>();

    @AfterEach
    void release() {
        for (EmbeddedChannel c : channels) {
            c.finishAndReleaseAll();
        }
        for (Object o : received) {
            io.netty.util.ReferenceCountUtil.release(o);
        }
    }

    private EmbeddedChannel channel(IcetLimits limits, FrameBudget budget) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.attr(IcetPipeline.REFUSALS).set(refusals);
        IcetPipeline.install(channel.pipeline(), limits, budget);
        channel.pipeline().remove(IcetPipeline.HANDSHAKE);
        channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                received.add(msg);
            }
        });
        channels.add(channel);
        return channel;
    }

    private static ByteBuf header(int length) {
        ByteBuf b = Unpooled.buffer(4);
        b.writeInt(length);
        return b;
    }

    private static ByteBuf bytes(int n) {
        ByteBuf b = Unpooled.buffer(n);
        b.writeZero(n);
        return b;
    }

    private static void pass(EmbeddedChannel c, long millis) {
        c.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        c.runScheduledPendingTasks();
        c.runPendingTasks();
    }

    private static IcetFrameDecoder decoder(EmbeddedChannel c) {
        return c.pipeline().get(IcetFrameDecoder.class);
    }

    @Test
    void aPartialFrameHoldsTheBytesThatArrivedNotTheLengthItAnnounced() {
        EmbeddedChannel c = channel(LIMITS, null);
        c.writeInbound(header(MAX));
        c.writeInbound(bytes(100));
        assertThat(decoder(c).buffered()).isBetween(104L, 64L * 1024);
    }

    @Test
    void aPartialFrameNeverTakesMoreThanTheFrameItself() {
        int length = 5 * 1024 * 1024 + 17;
        EmbeddedChannel c = channel(LIMITS, null);
        c.writeInbound(header(length));
        long most = 0;
        int sent = 0;
        while (sent < length - 1) {
            int n = Math.min(64 * 1024, length - 1 - sent);
            c.writeInbound(bytes(n));
            sent += n;
            most = Math.max(most, decoder(c).buffered());
        }
        // Netty's own cumulator would have doubled to 8 MiB here; the frame is 5 MiB
        assertThat(most).isLessThanOrEqualTo(4L + length);
        c.writeInbound(bytes(1));
        assertThat(received).as("the whole frame went on (to be refused by the message decoder: type 0)")
                .hasSize(1);
        assertThat(decoder(c).buffered()).isZero();
    }

    @Test
    void aPartialFrameArrivingBelowTheMinimumRateClosesTheConnection() {
        EmbeddedChannel c = channel(LIMITS, null);
        c.writeInbound(header(MAX));
        c.writeInbound(bytes(6 * 1024 * 1024));
        pass(c, 5_000); // first check: the frame began within this window, nothing to measure yet
        assertThat(c.isOpen()).isTrue();
        c.writeInbound(bytes(1));
        pass(c, 5_000);
        assertThat(c.isOpen()).isFalse();
        assertThat(IcetPipeline.closeReason(c)).startsWith("slow frame: a partial frame of 8388608 bytes arrived at 0 B/s")
                .contains("below the minimum of 1024 B/s");
        ErrorReport report = readReport(c);
        assertThat(report.code()).isEqualTo(ErrorCode.PROTOCOL);
        assertThat(refusals.snapshot().count(Refusals.SLOW_FRAME)).isEqualTo(1);
        assertThat(logged).singleElement().asString().contains("(slow-frame)");
        // the 6 MiB are freed at once, not when the peer gets round to closing
        assertThat(c.pipeline().get(IcetFrameDecoder.class)).isNull();
    }

    @Test
    void aFrameArrivingFastEnoughStaysUntilItsDeadline() {
        EmbeddedChannel c = channel(LIMITS, null);
        c.writeInbound(header(MAX));
        for (int i = 0; i < 12; i++) {
            c.writeInbound(bytes(8 * 1024)); // 8 KiB every 5 s: above 1 KiB/s
            pass(c, 5_000);
            assertThat(c.isOpen()).as("after %d s", (i + 1) * 5).isTrue();
        }
        c.writeInbound(bytes(8 * 1024));
        pass(c, 5_000);
        assertThat(c.isOpen()).isFalse();
        assertThat(IcetPipeline.closeReason(c)).startsWith("slow frame: a frame of 8388608 bytes is not complete after 60.0 s");
        assertThat(refusals.snapshot().count(Refusals.SLOW_FRAME)).isEqualTo(1);
    }

    @Test
    void framesThatCompleteAreNeverSlowWhateverTheGapsBetweenThem() {
        EmbeddedChannel c = channel(LIMITS, null);
        for (int i = 0; i < 30; i++) {
            c.writeInbound(IcetEncoder.encode(new Piece(Samples.CONTENT, i, Samples.data(3000, i))));
            pass(c, 5_000);
        }
        assertThat(c.isOpen()).isTrue();
        assertThat(received).hasSize(30);
        assertThat(refusals.snapshot().isEmpty()).isTrue();
    }

    @Test
    void aFrameIsNotJudgedByTheWindowItBeganIn() {
        EmbeddedChannel c = channel(LIMITS, null);
        c.writeInbound(header(100));
        c.writeInbound(bytes(99));
        pass(c, 5_000);
        pass(c, 4_999);
        c.writeInbound(bytes(1)); // the first frame ends, the next begins just before the check
        c.writeInbound(header(100_000));
        c.writeInbound(bytes(10));
        pass(c, 1);
        assertThat(c.isOpen()).as("15 bytes in the window, but the frame began in it").isTrue();
        c.writeInbound(bytes(6_000));
        pass(c, 5_000);
        assertThat(c.isOpen()).isTrue();
        pass(c, 5_000);
        assertThat(c.isOpen()).as("a whole window without a byte").isFalse();
    }

    @Test
    void theBudgetClosesTheConnectionWithTheOldestPartialFrame() {
        FrameBudget budget = new FrameBudget(3584L * 1024);
        EmbeddedChannel slow = channel(LIMITS, budget);
        EmbeddedChannel honest = channel(LIMITS, budget);
        slow.writeInbound(header(MAX));
        slow.writeInbound(bytes(2 * 1024 * 1024));
        assertThat(budget.used()).isGreaterThanOrEqualTo(2L * 1024 * 1024);

        ByteBuf piece = IcetEncoder.encode(new Piece(Samples.CONTENT, 7, Samples.data(2 * 1024 * 1024, 7)));
        honest.writeInbound(piece.readRetainedSlice(1024 * 1024));
        slow.runPendingTasks();
        assertThat(slow.isOpen()).isTrue();
        honest.writeInbound(piece.readRetainedSlice(512 * 1024));
        slow.runPendingTasks();
        assertThat(slow.isOpen()).isFalse();
        assertThat(IcetPipeline.closeReason(slow)).contains("maxBufferedFrameBytes").contains("is the oldest");
        assertThat(readReport(slow).code()).isEqualTo(ErrorCode.BUSY);
        assertThat(slow.pipeline().get(IcetFrameDecoder.class)).as("its frame is freed").isNull();
        honest.writeInbound(piece);
        assertThat(honest.isOpen()).isTrue();
        assertThat(received).singleElement().isInstanceOf(Piece.class);
        assertThat(((Piece) received.get(0)).length()).isEqualTo(2 * 1024 * 1024);
        assertThat(budget.used()).isZero();
        assertThat(refusals.snapshot().count(Refusals.FRAME_BUDGET)).isEqualTo(1);
    }

    @Test
    void whenTheGrowingFrameIsTheOldestItIsTheOneClosed() {
        FrameBudget budget = new FrameBudget(3L * 1024 * 1024);
        EmbeddedChannel first = channel(LIMITS, budget);
        EmbeddedChannel second = channel(LIMITS, budget);
        first.writeInbound(header(MAX));
        first.writeInbound(bytes(512 * 1024));
        second.writeInbound(header(MAX));
        second.writeInbound(bytes(2 * 1024 * 1024));
        first.writeInbound(bytes(1024 * 1024));
        assertThat(first.isOpen()).isFalse();
        assertThat(IcetPipeline.closeReason(first)).contains("none is older");
        assertThat(second.isOpen()).isTrue();
        assertThat(budget.used()).isLessThanOrEqualTo(budget.limit());
    }

    @Test
    void aClosedConnectionGivesItsShareBack() {
        FrameBudget budget = new FrameBudget(64L * 1024 * 1024);
        EmbeddedChannel c = channel(LIMITS, budget);
        c.writeInbound(header(MAX));
        c.writeInbound(bytes(1024 * 1024));
        assertThat(budget.used()).isPositive();
        c.close();
        assertThat(budget.used()).isZero();
    }
}
