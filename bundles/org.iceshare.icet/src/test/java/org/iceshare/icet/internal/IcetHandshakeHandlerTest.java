package org.iceshare.icet.internal;

import org.iceshare.api.swarm.Endpoint;
import java.util.List;
import static org.assertj.core.api.Assertions.assertThat;
import static org.iceshare.icet.internal.Samples.ALICE;
import static org.iceshare.icet.internal.Samples.CONTENT;

import java.util.concurrent.TimeUnit;

import org.iceshare.api.codec.DecodeResult;
import org.iceshare.api.icet.ErrorCode;
import org.iceshare.api.icet.ErrorReport;
import org.iceshare.api.icet.Hello;
import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.icet.Ping;
import org.iceshare.api.icet.Request;
import org.iceshare.api.icet.Role;
import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

class IcetHandshakeHandlerTest {

    private static final Hello HELLO_V1 = Hello.of(1, Role.PEER, ALICE, "", "test", List.of(new Endpoint("tcp", 7741)));
    private static final Hello HELLO_V2 = Hello.of(2, Role.PEER, ALICE, "", "test", List.of(new Endpoint("tcp", 7741)));
    private static final Hello HELLO_V3 = new Hello(3, Role.PEER, org.iceshare.api.swarm.PeerId.ofPublicKey(
            Samples.key("old")), "", 7741, "test", List.of(new Endpoint("tcp", 7741)), Samples.key("old"),
            Samples.key("nonce"));
    /** The Hello of this implementation's version. */
    private static final Hello HELLO = Hello.of(Role.PEER, Samples.key("test"), Samples.key("nonce"), "test",
            List.of(new Endpoint("tcp", 7741)));

    private EmbeddedChannel channel(IcetHandshakeHandler handshake) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast(new IcetFrameDecoder(IcetLimits.DEFAULT_MAX_FRAME_SIZE),
                IcetMessageDecoder.INSTANCE, IcetEncoder.INSTANCE, handshake);
        return channel;
    }

    @Test
    void helloPassesAndTheHandlerRemovesItself() {
        EmbeddedChannel channel = channel(new IcetHandshakeHandler(1000));
        channel.writeInbound(frames(HELLO, new Ping(5)));
        assertThat((Object) channel.readInbound()).isEqualTo(HELLO);
        assertThat((Object) channel.readInbound()).isEqualTo(new Ping(5));
        assertThat(channel.pipeline().get(IcetHandshakeHandler.class)).isNull();
        assertThat(channel.attr(IcetPipeline.VERSION).get()).isEqualTo(IcetMessage.PROTOCOL_VERSION);
        assertThat((Object) channel.readOutbound()).isNull();
        channel.advanceTimeBy(2, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isTrue();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void aHigherVersionFromThePeerIsFineWhenItAlsoSpeaksOurs() {
        EmbeddedChannel channel = channel(new IcetHandshakeHandler(1000));
        Hello future = new Hello(7, Role.CLIENT, org.iceshare.api.swarm.PeerId.ofPublicKey(Samples.key("9")), "", 0,
                "IceShare/9", List.of(), Samples.key("9"), Samples.key("nonce"));
        channel.writeInbound(frames(future));
        assertThat((Object) channel.readInbound()).isEqualTo(future);
        assertThat(channel.attr(IcetPipeline.VERSION).get()).isEqualTo(IcetMessage.PROTOCOL_VERSION);
        assertThat(channel.isOpen()).isTrue();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void theNegotiatedVersionIsTheSmallerOfBoth() {
        EmbeddedChannel channel = channel(new IcetHandshakeHandler(1000, 1, 3));
        channel.writeInbound(frames(Hello.of(2, Role.PEER, ALICE, "", "", List.of())));
        assertThat(channel.attr(IcetPipeline.VERSION).get()).isEqualTo(2);
        assertThat(channel.finishAndReleaseAll()).isTrue();
    }

    @Test
    void aVersionOneTwoOrThreeHelloIsRefusedCleanly() {
        for (Hello old : List.of(HELLO_V1, HELLO_V2, HELLO_V3)) {
            EmbeddedChannel channel = channel(new IcetHandshakeHandler(1000));
            channel.writeInbound(frames(old));
            ErrorReport report = readReport(channel);
            assertThat(report.code()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
            assertThat(report.message()).as("version 4 brought publisher signatures: older peers neither send nor"
                    + " check them").isEqualTo("unsupported version: peer speaks up to " + old.version()
                    + ", this side 4.." + IcetMessage.PROTOCOL_VERSION);
            assertThat(channel.isOpen()).isFalse();
        }
    }

    @Test
    void anUnsupportedVersionIsAnsweredAndClosed() {
        EmbeddedChannel channel = channel(new IcetHandshakeHandler(1000, 2, 3));
        channel.writeInbound(frames(HELLO_V1));
        assertThat((Object) channel.readInbound()).isNull();
        ErrorReport report = readReport(channel);
        assertThat(report.code()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
        assertThat(report.message()).isEqualTo("unsupported version: peer speaks up to 1, this side 2..3");
        assertThat(channel.isOpen()).isFalse();
        assertThat(IcetPipeline.closeReason(channel)).isEqualTo(report.message());
    }

    @Test
    void anotherMessageFirstIsAProtocolError() {
        EmbeddedChannel channel = channel(new IcetHandshakeHandler(1000));
        channel.writeInbound(frames(new Request(CONTENT, 1), HELLO_V1));
        assertThat((Object) channel.readInbound()).isNull();
        ErrorReport report = readReport(channel);
        assertThat(report).isEqualTo(new ErrorReport(ErrorCode.PROTOCOL, "expected Hello first, got REQUEST"));
        assertThat(channel.isOpen()).isFalse();
        assertThat(IcetPipeline.closeReason(channel)).isEqualTo("expected Hello first, got REQUEST");
        assertThat((Object) channel.readOutbound()).isNull();
    }

    @Test
    void anErrorReportFirstIsPassedOnAndClosesWithoutAnswer() {
        EmbeddedChannel channel = channel(new IcetHandshakeHandler(1000));
        ErrorReport refusal = new ErrorReport(ErrorCode.BANNED, "you served corrupt data");
        channel.writeInbound(frames(refusal));
        assertThat((Object) channel.readInbound()).isEqualTo(refusal);
        assertThat(channel.isOpen()).isFalse();
        assertThat(IcetPipeline.closeReason(channel)).isEqualTo("refused by peer: BANNED: you served corrupt data");
        ByteBuf written = channel.readOutbound();
        assertThat(written.readableBytes()).isZero(); // the flush marker of the graceful close, no report
        written.release();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void anInvalidFrameIsPassedOnForTheLastHandler() {
        EmbeddedChannel channel = channel(new IcetHandshakeHandler(1000));
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 1, 0x7f}));
        assertThat((Object) channel.readInbound())
                .isEqualTo(new DecodeResult.Invalid(ErrorCode.MALFORMED, "unknown message type 0x7f"));
        assertThat(channel.pipeline().get(IcetHandshakeHandler.class)).isNotNull();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void noHelloWithinTheTimeoutClosesTheConnection() {
        EmbeddedChannel channel = channel(new IcetHandshakeHandler(300));
        channel.advanceTimeBy(299, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isTrue();
        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(readReport(channel)).isEqualTo(new ErrorReport(ErrorCode.PROTOCOL, "no Hello within 300 ms"));
        assertThat(channel.isOpen()).isFalse();
        assertThat(IcetPipeline.closeReason(channel)).isEqualTo("handshake timeout");
    }

    @Test
    void messagesArrivingAfterTheRefusalAreDropped() {
        EmbeddedChannel channel = channel(new IcetHandshakeHandler(1000));
        IcetPipeline.markClosing(channel, "going away");
        channel.writeInbound(frames(HELLO_V1));
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    static ByteBuf frames(IcetMessage... messages) {
        ByteBuf all = Unpooled.buffer();
        for (IcetMessage m : messages) {
            ByteBuf f = IcetEncoder.encode(m);
            all.writeBytes(f);
            f.release();
        }
        return all;
    }

    static ErrorReport readReport(EmbeddedChannel channel) {
        ByteBuf frame = channel.readOutbound();
        assertThat(frame).as("an ErrorReport frame").isNotNull();
        try {
            frame.skipBytes(4);
            return (ErrorReport) ((DecodeResult.Decoded) IcetMessageDecoder.decode(frame)).message();
        } finally {
            frame.release();
        }
    }
}
