package org.iceshare.icet.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.iceshare.icet.internal.Samples.ALICE;
import static org.iceshare.icet.internal.Samples.CONTENT;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import org.iceshare.api.icet.Assign;
import org.iceshare.api.icet.ErrorCode;
import org.iceshare.api.icet.ErrorReport;
import org.iceshare.api.icet.Hello;
import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.icet.Joined;
import org.iceshare.api.icet.Peers;
import org.iceshare.api.icet.Piece;
import org.iceshare.api.icet.Ping;
import org.iceshare.api.icet.Publish;
import org.iceshare.api.icet.Request;
import org.iceshare.api.icet.Role;
import org.iceshare.api.icet.Verified;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.swarm.PeerInfo;
import org.iceshare.api.swarm.PieceInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

class IcetCodecRoundTripTest {

    private final EmbeddedChannel sender = new EmbeddedChannel(IcetEncoder.INSTANCE);
    private final EmbeddedChannel receiver = new EmbeddedChannel(new IcetFrameDecoder(IcetLimits.DEFAULT_MAX_FRAME_SIZE),
            IcetMessageDecoder.INSTANCE);

    @AfterEach
    void finish() {
        assertThat(sender.finishAndReleaseAll()).isFalse();
        assertThat(receiver.finishAndReleaseAll()).isFalse();
    }

    static Stream<IcetMessage> samples() {
        return Samples.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void everyMessageTypeRoundTrips(IcetMessage message) {
        assertThat(roundTrip(message)).isEqualTo(message);
    }

    @Test
    void onePieceOfOneMebibyte() {
        Piece piece = new Piece(CONTENT, 7, Samples.data(1024 * 1024, 7));
        Piece back = (Piece) roundTrip(piece);
        assertThat(back.length()).isEqualTo(1024 * 1024);
        assertThat(back).isEqualTo(piece);
    }

    @Test
    void theLargestPieceFitsTheSmallestMaximumFrameSize() {
        Piece piece = new Piece(CONTENT, 0, Samples.data(PieceInfo.MAX_LENGTH, 1));
        ByteBuf frame = IcetEncoder.encode(ByteBufAllocator.DEFAULT, piece);
        try {
            assertThat(frame.readableBytes() - 4).isLessThanOrEqualTo(IcetLimits.MIN_MAX_FRAME_SIZE);
        } finally {
            frame.release();
        }
    }

    @Test
    void emptyPiece() {
        Piece piece = new Piece(CONTENT, 3, ByteBuffer.allocate(0));
        assertThat(roundTrip(piece)).isEqualTo(piece);
    }

    @Test
    void pieceDataIsWrappedNotCopied() {
        ByteBuffer direct = ByteBuffer.allocateDirect(64 * 1024);
        direct.put(Samples.data(64 * 1024, 3)).flip();
        ByteBuf frame = IcetEncoder.encode(ByteBufAllocator.DEFAULT, new Piece(CONTENT, 1, direct));
        try {
            assertThat(frame).isInstanceOf(CompositeByteBuf.class);
            CompositeByteBuf composite = (CompositeByteBuf) frame;
            assertThat(composite.numComponents()).isEqualTo(2);
            assertThat(composite.component(0).readableBytes()).isEqualTo(IcetEncoder.PIECE_HEADER_SIZE);
            ByteBuf data = composite.component(1);
            assertThat(data.isDirect()).isTrue();
            assertThat(data.isReadOnly()).isTrue();
            assertThat(data.nioBuffer()).isEqualTo(direct);
            assertThat(composite.getUnsignedInt(0)).isEqualTo(IcetEncoder.PIECE_HEADER_SIZE - 4 + 64 * 1024);
        } finally {
            frame.release();
        }
    }

    @Test
    void manifestWithHundredsOfPieces() {
        Manifest big = Samples.manifest("lecture-series.ogg", 700, 512 * 1024, 3);
        assertThat(roundTrip(new Joined(big))).isEqualTo(new Joined(big));
        Manifest back = ((Publish) roundTrip(new Publish(big))).manifest();
        assertThat(back.pieces()).hasSize(700);
        assertThat(back.piece(699).offset()).isEqualTo(699L * 512 * 1024);
        assertThat(back.idMatchesContents()).isTrue();
    }

    @Test
    void manifestAtTheLimitOfPieces() {
        Manifest max = Samples.manifest("whole-archive.ogg", Manifest.MAX_PIECES, 256 * 1024, 1);
        assertThat(roundTrip(new Joined(max))).isEqualTo(new Joined(max));
    }

    @Test
    void listsAtTheirLimits() {
        List<Assign.Entry> entries = new ArrayList<>(Assign.MAX_ENTRIES);
        List<PeerInfo> peers = new ArrayList<>(Peers.MAX_PEERS);
        for (int i = 0; i < Assign.MAX_ENTRIES; i++) {
            PeerId id = PeerId.of(Samples.u32s(i));
            entries.add(new Assign.Entry(i, id, i % 7));
            peers.add(PeerInfo.of(id, "10.1." + (i >>> 8) + "." + (i & 0xff), List.of(new Endpoint("tcp", 1 + i % 65535))));
        }
        assertThat(roundTrip(new Assign(CONTENT, entries))).isEqualTo(new Assign(CONTENT, entries));
        assertThat(roundTrip(new Peers(peers))).isEqualTo(new Peers(peers));
    }

    @Test
    void emptyListsAndStrings() {
        assertThat(roundTrip(new Assign(CONTENT, List.of()))).isEqualTo(new Assign(CONTENT, List.of()));
        assertThat(roundTrip(new Peers(List.of()))).isEqualTo(new Peers(List.of()));
        Hello anonymous = Hello.of(2, Role.PEER, ALICE, "", "", List.of());
        assertThat(roundTrip(anonymous)).isEqualTo(anonymous);
    }

    @Test
    void stringsAtTheLimitAndBeyondAscii() {
        String longest = "é".repeat(512); // 1024 UTF-8 bytes
        ErrorReport report = new ErrorReport(ErrorCode.INTERNAL, longest);
        assertThat(roundTrip(report)).isEqualTo(report);
        Hello hello = Hello.of(255, Role.TRACKER, ALICE, "bücher.example", "Ice🧊Share", List.of(new Endpoint("tcp", 65535)));
        assertThat(roundTrip(hello)).isEqualTo(hello);
    }

    @Test
    void endpointsRoundTrip() {
        List<Endpoint> eight = new ArrayList<>();
        for (int i = 0; i < Endpoint.MAX_ENDPOINTS; i++) {
            eight.add(new Endpoint(i == 0 ? "a" : "transport-" + "x".repeat(20) + "." + i, 1 + i));
        }
        Hello tracker = new Hello(2, Role.TRACKER, ALICE, "", 0, "t", eight);
        assertThat(roundTrip(tracker)).isEqualTo(tracker);
        Hello peer = new Hello(2, Role.PEER, ALICE, "", 1, "p", eight);
        assertThat(roundTrip(peer)).isEqualTo(peer);
        Peers peers = new Peers(List.of(PeerInfo.of(ALICE, "10.0.0.1", eight), PeerInfo.of(ALICE, "h", List.of(new Endpoint("tcp", 9)))));
        assertThat(roundTrip(peers)).isEqualTo(peers);
    }

    @Test
    void largestDigest() {
        Verified v = new Verified(CONTENT, Integer.MAX_VALUE, ALICE, new byte[64]);
        assertThat(roundTrip(v)).isEqualTo(v);
    }

    @Test
    void messagesSurviveAnyFragmentation() {
        List<IcetMessage> all = Samples.all();
        ByteBuf stream = Unpooled.buffer();
        for (IcetMessage m : all) {
            ByteBuf frame = IcetEncoder.encode(ByteBufAllocator.DEFAULT, m);
            stream.writeBytes(frame);
            frame.release();
        }
        int[] chunkSizes = {1, 3, 7, 1000, 65536};
        int c = 0;
        while (stream.isReadable()) {
            int n = Math.min(chunkSizes[c++ % chunkSizes.length], stream.readableBytes());
            receiver.writeInbound(stream.readRetainedSlice(n));
        }
        stream.release();
        for (IcetMessage m : all) {
            assertThat((Object) receiver.readInbound()).isEqualTo(m);
        }
        assertThat((Object) receiver.readInbound()).isNull();
    }

    @Test
    void manyFramesInOneBuffer() {
        ByteBuf stream = Unpooled.buffer();
        for (int i = 0; i < 100; i++) {
            ByteBuf frame = IcetEncoder.encode(ByteBufAllocator.DEFAULT, new Ping(i));
            stream.writeBytes(frame);
            frame.release();
        }
        receiver.writeInbound(stream);
        for (int i = 0; i < 100; i++) {
            assertThat((Object) receiver.readInbound()).isEqualTo(new Ping(i));
        }
    }

    /** Pins the byte layout documented in docs/icet-protocol.md. */
    @Test
    void wireLayoutMatchesTheSpecification() {
        HexFormat hex = HexFormat.of();
        String content = CONTENT.toHex();
        assertThat(hex(new Request(CONTENT, 258))).isEqualTo("00000015" + "20" + content + "00000102");
        assertThat(hex(new Ping(1))).isEqualTo("00000009" + "03" + "0000000000000001");
        assertThat(hex(Hello.of(2, Role.CLIENT, ALICE, "h", "ab", List.of(new Endpoint("tcp", 7741)))))
                .isEqualTo("00000023" + "01" + "02" + "01" + ALICE.toHex() + "000168" + "1e3d" + "00026162"
                        + "01" + "03" + "746370" + "1e3d");
        assertThat(hex(new Peers(List.of(PeerInfo.of(ALICE, "h", List.of(new Endpoint("tls", 7742),
                new Endpoint("tcp", 7741)))))))
                .isEqualTo("00000027" + "15" + "00000001" + ALICE.toHex() + "000168" + "1e3e"
                        + "02" + "03" + "746c73" + "1e3e" + "03" + "746370" + "1e3d");
        assertThat(hex(new ErrorReport(ErrorCode.FRAME_TOO_LARGE, "x"))).isEqualTo("00000005" + "02" + "02" + "000178");
        assertThat(hex(new Verified(CONTENT, 1, ALICE, new byte[] {(byte) 0xab, (byte) 0xcd})))
                .isEqualTo("00000028" + "16" + content + "00000001" + ALICE.toHex() + "02abcd");
        assertThat(hex(new Piece(CONTENT, 2, ByteBuffer.wrap(new byte[] {9, 8, 7}))))
                .isEqualTo("00000018" + "21" + content + "00000002" + "090807");
        Manifest one = Manifest.derived("a.ogg", "audio/ogg", "ogg", "sha-256", 5, 1,
                List.of(new PieceInfo(0, 0, 5, new byte[] {1, 2})));
        assertThat(hex(new Joined(one))).isEqualTo("0000007c" + "13" + one.id().toHex() + "0005" + hex.formatHex(
                "a.ogg".getBytes()) + "0009" + hex.formatHex("audio/ogg".getBytes()) + "0003" + hex.formatHex(
                        "ogg".getBytes()) + "0007" + hex.formatHex("sha-256".getBytes()) + "00" + "0000000000000005"
                + "00000001" + "00000001"
                // piece 0: length, hash, start -1, end -1, flags, link 0
                + "00000005" + "02" + "0102" + "ffffffffffffffff" + "ffffffffffffffff" + "00" + "00000000"
                // one link: first piece 0, 1 header piece, start -1, end -1, no codecs
                + "00000001" + "00000000" + "00000001" + "ffffffffffffffff" + "ffffffffffffffff" + "0000");
        Manifest timed = Manifest.derived("t.ogg", "audio/ogg", "ogg", "sha-256", 10,
                List.of(new PieceInfo(0, 0, 4, new byte[] {1}, -1, -1, false, 0),
                        new PieceInfo(1, 4, 6, new byte[] {2}, 0, 1_500_000, true, 0)),
                List.of(new org.iceshare.api.swarm.ChainLink(0, 0, 1, 0, 1_500_000, "vorbis")));
        assertThat(roundTrip(new Joined(timed))).isEqualTo(new Joined(timed));
        Manifest live = Manifest.live(CONTENT, "radio.ogg", "audio/ogg", "ogg", "sha-256", 30_000_000L);
        assertThat(roundTrip(new Joined(live))).isEqualTo(new Joined(live));
    }

    private static String hex(IcetMessage m) {
        ByteBuf frame = IcetEncoder.encode(ByteBufAllocator.DEFAULT, m);
        try {
            return io.netty.buffer.ByteBufUtil.hexDump(frame);
        } finally {
            frame.release();
        }
    }

    private Object roundTrip(IcetMessage message) {
        assertThat(sender.writeOutbound(message)).isTrue();
        ByteBuf frame = sender.readOutbound();
        assertThat((Object) sender.readOutbound()).isNull();
        assertThat(receiver.writeInbound(frame)).isTrue();
        Object back = receiver.readInbound();
        assertThat((Object) receiver.readInbound()).isNull();
        assertThat(back).isNotInstanceOf(InvalidFrame.class);
        return back;
    }
}
