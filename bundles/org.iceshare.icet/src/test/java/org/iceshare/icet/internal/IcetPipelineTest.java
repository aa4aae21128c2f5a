package org.iceshare.icet.internal;

import org.iceshare.api.swarm.Endpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.iceshare.icet.internal.IcetHandshakeHandlerTest.frames;
import static org.iceshare.icet.internal.Samples.ALICE;
import static org.iceshare.icet.internal.Samples.CONTENT;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.codec.IcetCodec;
import org.iceshare.api.icet.Hello;
import org.iceshare.api.icet.Piece;
import org.iceshare.api.icet.Ping;
import org.iceshare.api.icet.Role;
import org.iceshare.api.swarm.PieceInfo;
import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;

class IcetPipelineTest {

    private final List<Object> received = new ArrayList<>();
    private final ByteCounter counter = new ByteCounter();

    private EmbeddedChannel channel(IcetLimits limits) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast(counter);
        IcetPipeline.install(channel.pipeline(), limits);
        channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                received.add(msg);
            }
        });
        return channel;
    }

    @Test
    void installsTheChainInOrder() {
        EmbeddedChannel channel = channel(IcetLimits.DEFAULTS);
        assertThat(channel.pipeline().names()).containsSubsequence(IcetPipeline.IDLE, IcetPipeline.FRAMES,
                IcetPipeline.MESSAGES, IcetPipeline.ENCODER, IcetPipeline.HANDSHAKE);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void zeroIdleTimeoutInstallsNoIdleHandler() {
        EmbeddedChannel channel = channel(new IcetLimits(IcetLimits.DEFAULT_MAX_FRAME_SIZE, 1000, 0));
        assertThat(channel.pipeline().get(IcetPipeline.IDLE)).isNull();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void messagesFlowBothWaysAndBytesAreCounted() {
        EmbeddedChannel channel = channel(IcetLimits.DEFAULTS);
        Hello hello = Hello.of(Role.PEER, Samples.key("test"), Samples.key("nonce"), "test", List.of(new Endpoint("tcp", 7741)));
        ByteBuf in = frames(hello, new Ping(1));
        int inBytes = in.readableBytes();
        channel.writeInbound(in);
        assertThat(received).containsExactly(hello, new Ping(1));
        assertThat(counter.bytesRead()).isEqualTo(inBytes);

        Piece piece = new Piece(CONTENT, 3, Samples.data(1000, 3));
        channel.writeAndFlush(piece);
        ByteBuf out = channel.readOutbound();
        assertThat(out.readableBytes()).isEqualTo(IcetCodec.PIECE_HEADER_SIZE + 1000);
        assertThat(counter.bytesWritten()).isEqualTo(IcetCodec.PIECE_HEADER_SIZE + 1000);
        out.release();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void aChangedLimitAppliesToTheChannelItIsInstalledOn() {
        int max = PieceInfo.MAX_LENGTH + 1024;
        EmbeddedChannel channel = channel(new IcetLimits(max, 1000, 90));
        assertThat(channel.pipeline().get(IcetFrameDecoder.class).maxFrameSize()).isEqualTo(max);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void idleConnectionsAreClosed() {
        EmbeddedChannel channel = channel(new IcetLimits(IcetLimits.DEFAULT_MAX_FRAME_SIZE, 100_000, 90));
        channel.advanceTimeBy(60, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        channel.writeInbound(frames(Hello.of(Role.PEER, Samples.key(""), Samples.key("nonce"), "", List.of())));
        channel.advanceTimeBy(89, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isTrue();
        channel.advanceTimeBy(1, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isFalse();
        assertThat(IcetPipeline.closeReason(channel)).isEqualTo("idle timeout");
        channel.finishAndReleaseAll();
    }

    @Test
    void theFirstCloseReasonWins() {
        EmbeddedChannel channel = channel(IcetLimits.DEFAULTS);
        assertThat(IcetPipeline.isClosing(channel)).isFalse();
        assertThat(IcetPipeline.closeReason(channel)).isEqualTo("closed by peer");
        assertThat(IcetPipeline.close(channel, "first", new Ping(9))).isTrue();
        assertThat(IcetPipeline.close(channel, "second", new Ping(10))).isFalse();
        assertThat(IcetPipeline.closeReason(channel)).isEqualTo("first");
        assertThat(channel.isOpen()).isFalse();
        ByteBuf last = channel.readOutbound();
        assertThat(last.readableBytes()).isEqualTo(13);
        last.release();
        assertThat((Object) channel.readOutbound()).isNull();
    }

    @Test
    void limitsAreValidated() {
        assertThatThrownBy(() -> new IcetLimits(PieceInfo.MAX_LENGTH, 1000, 90))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 4195328");
        assertThatThrownBy(() -> new IcetLimits(IcetLimits.DEFAULT_MAX_FRAME_SIZE, 0, 90))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new IcetLimits(IcetLimits.DEFAULT_MAX_FRAME_SIZE, 1000, -1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
