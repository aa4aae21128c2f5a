package org.iceshare.api.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.iceshare.api.codec.Samples.ALICE;
import static org.iceshare.api.codec.Samples.CONTENT;

import java.io.ByteArrayOutputStream;
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
import org.iceshare.api.swarm.ChainLink;
import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.swarm.PeerInfo;
import org.iceshare.api.swarm.PieceInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every message encodes to the documented bytes and decodes back to itself. */
class IcetCodecRoundTripTest {

    static Stream<IcetMessage> samples() {
        return Samples.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void everyMessageTypeRoundTrips(IcetMessage message) {
        assertThat(roundTrip(message)).isEqualTo(message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void theLengthFieldCountsTheRestOfTheFrame(IcetMessage message) {
        ByteBuffer frame = IcetCodec.encode(message).copy();
        assertThat(Framing.length(frame, 0)).isEqualTo(frame.remaining() - Framing.LENGTH_FIELD_SIZE);
        assertThat(frame.get(Framing.LENGTH_FIELD_SIZE) & 0xff).isEqualTo(message.type().code());
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
        EncodedFrame frame = IcetCodec.encode(piece);
        assertThat(frame.remaining() - Framing.LENGTH_FIELD_SIZE).isLessThanOrEqualTo(Framing.MIN_MAX_FRAME_SIZE);
        assertThat(Framing.check(frame.remaining() - Framing.LENGTH_FIELD_SIZE, Framing.MIN_MAX_FRAME_SIZE)).isEmpty();
    }

    @Test
    void emptyPiece() {
        Piece piece = new Piece(CONTENT, 3, ByteBuffer.allocate(0));
        assertThat(roundTrip(piece)).isEqualTo(piece);
    }

    @Test
    void pieceDataIsAViewNotACopy() {
        ByteBuffer direct = ByteBuffer.allocateDirect(64 * 1024);
        direct.put(Samples.data(64 * 1024, 3)).flip();
        EncodedFrame frame = IcetCodec.encode(new Piece(CONTENT, 1, direct));
        assertThat(frame.head().remaining()).isEqualTo(IcetCodec.PIECE_HEADER_SIZE);
        assertThat(frame.head().getInt(0)).isEqualTo(IcetCodec.PIECE_HEADER_SIZE - 4 + 64 * 1024);
        ByteBuffer data = frame.data();
        assertThat(data.isDirect()).isTrue();
        assertThat(data.isReadOnly()).isTrue();
        assertThat(data).isEqualTo(direct);
        direct.put(0, (byte) (direct.get(0) + 1)); // visible through the frame: the very same memory
        assertThat(data.get(0)).isEqualTo(direct.get(0));
        assertThat(frame.buffers()).containsExactly(frame.head(), data);
    }

    @Test
    void everyEncodeGivesTheCallerItsOwnBuffers() {
        Piece piece = new Piece(CONTENT, 1, Samples.data(100, 1));
        EncodedFrame first = IcetCodec.encode(piece);
        first.head().position(first.head().limit());
        first.data().position(first.data().limit());
        assertThat(first.remaining()).isZero();
        EncodedFrame second = IcetCodec.encode(piece);
        assertThat(second.remaining()).isEqualTo(IcetCodec.PIECE_HEADER_SIZE + 100);
        assertThat(piece.data().remaining()).isEqualTo(100);
        EncodedFrame ping = IcetCodec.encode(new Ping(1));
        assertThat(ping.data().remaining()).isZero();
        ping.copy();
        assertThat(ping.remaining()).as("copy() does not consume").isEqualTo(13);
    }

    @Test
    void decodedPieceDataIsCopiedOutOfTheFrame() {
        ByteBuffer body = Samples.frameBody(new Piece(CONTENT, 2, ByteBuffer.wrap(new byte[] {9, 8, 7})));
        Piece back = (Piece) ((DecodeResult.Decoded) IcetCodec.decode(body.duplicate())).message();
        body.put(body.limit() - 1, (byte) 0); // the caller reuses its buffer
        assertThat(back.data()).isEqualTo(ByteBuffer.wrap(new byte[] {9, 8, 7}));
    }

    @Test
    void aRequestsPriorityIsOneTrailingByteAndANormalRequestIsTheVersion4Frame() {
        byte[] normal = Samples.frame(new Request(CONTENT, 258));
        byte[] urgent = Samples.frame(new Request(CONTENT, 258, Request.URGENT));
        assertThat(normal).hasSize(Framing.LENGTH_FIELD_SIZE + 1 + 16 + 4);
        assertThat(urgent).hasSize(normal.length + 1);
        assertThat(urgent[urgent.length - 1] & 0xff).isEqualTo(Request.URGENT);
        assertThat(IcetCodec.decode(ByteBuffer.wrap(normal, 4, normal.length - 4)))
                .isEqualTo(new DecodeResult.Decoded(new Request(CONTENT, 258, Request.NORMAL)));
        assertThat(IcetCodec.decode(ByteBuffer.wrap(urgent, 4, urgent.length - 4)))
                .isEqualTo(new DecodeResult.Decoded(new Request(CONTENT, 258, Request.URGENT)));
        byte[] twoMore = java.util.Arrays.copyOf(urgent, urgent.length + 1);
        assertThat(IcetCodec.decode(ByteBuffer.wrap(twoMore, 4, twoMore.length - 4)))
                .as("one priority byte at most").isInstanceOf(DecodeResult.Invalid.class);
    }

    @Test
    void decodeReadsBigEndianWhateverTheBufferOrderAndConsumesTheFrame() {
        byte[] frame = Samples.frame(new Request(CONTENT, 258));
        ByteBuffer in = ByteBuffer.allocateDirect(frame.length + 7);
        in.position(3);
        in.put(frame, Framing.LENGTH_FIELD_SIZE, frame.length - Framing.LENGTH_FIELD_SIZE);
        in.flip().position(3);
        ByteBuffer littleEndian = in.asReadOnlyBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertThat(IcetCodec.decode(littleEndian)).isEqualTo(new DecodeResult.Decoded(new Request(CONTENT, 258)));
        assertThat(littleEndian.hasRemaining()).isFalse();
        assertThat(littleEndian.order()).isEqualTo(java.nio.ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void manifestWithHundredsOfPieces() {
        Manifest big = Samples.signed(Samples.manifest("lecture-series.ogg", 700, 512 * 1024, 3));
        assertThat(roundTrip(new Joined(big))).isEqualTo(new Joined(big));
        Manifest back = ((Publish) roundTrip(new Publish(big))).manifest();
        assertThat(back.pieces()).hasSize(700);
        assertThat(back.piece(699).offset()).isEqualTo(699L * 512 * 1024);
        assertThat(back.idMatchesContents()).isTrue();
        assertThat(back.signatureValid()).isTrue();
        assertThat(back.publisher()).isEqualTo(PeerId.ofPublicKey(Samples.PUBLISHER_KEY));
    }

    @Test
    void manifestAtTheLimitOfPieces() {
        Manifest max = Samples.signed(Samples.manifest("whole-archive.ogg", Manifest.MAX_PIECES, 256 * 1024, 1));
        assertThat(roundTrip(new Joined(max))).isEqualTo(new Joined(max));
    }

    @Test
    void listsAtTheirLimits() {
        List<Assign.Entry> entries = new ArrayList<>(Assign.MAX_ENTRIES);
        List<PeerInfo> peers = new ArrayList<>(Peers.MAX_PEERS);
        for (int i = 0; i < Assign.MAX_ENTRIES; i++) {
            PeerId id = PeerId.of(Samples.u32s(i));
            entries.add(new Assign.Entry(i, id, i % 7));
            peers.add(PeerInfo.of(id, "10.1." + (i >>> 8) + "." + (i & 0xff),
                    List.of(new Endpoint("tcp", 1 + i % 65535))));
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
        Hello hello = new Hello(255, Role.TRACKER, Samples.KEY_ID, "bücher.example", 65535, "Ice🧊Share",
                List.of(new Endpoint("tcp", 65535)), Samples.KEY, Samples.NONCE);
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
        Peers peers = new Peers(List.of(PeerInfo.of(ALICE, "10.0.0.1", eight),
                PeerInfo.of(ALICE, "h", List.of(new Endpoint("tcp", 9)))));
        assertThat(roundTrip(peers)).isEqualTo(peers);
    }

    @Test
    void largestDigest() {
        Verified v = new Verified(CONTENT, Integer.MAX_VALUE, ALICE, new byte[64]);
        assertThat(roundTrip(v)).isEqualTo(v);
    }

    @Test
    void messagesSurviveAnyFragmentationThroughTheStreamDecoder() {
        List<IcetMessage> all = Samples.all();
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (IcetMessage m : all) {
            stream.writeBytes(Samples.frame(m));
        }
        byte[] bytes = stream.toByteArray();
        StreamDecoder decoder = new StreamDecoder(Framing.DEFAULT_MAX_FRAME_SIZE);
        List<DecodeResult> results = new ArrayList<>();
        int[] chunkSizes = {1, 3, 7, 1000, 65536};
        int c = 0;
        for (int at = 0; at < bytes.length;) {
            int n = Math.min(chunkSizes[c++ % chunkSizes.length], bytes.length - at);
            results.addAll(decoder.feed(ByteBuffer.wrap(bytes, at, n)));
            at += n;
        }
        assertThat(results).containsExactlyElementsOf(all.stream().map(DecodeResult.Decoded::new).toList());
        assertThat(decoder.buffered()).isZero();
    }

    @Test
    void manyFramesInOneBuffer() {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        List<DecodeResult> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            stream.writeBytes(Samples.frame(new Ping(i)));
            expected.add(new DecodeResult.Decoded(new Ping(i)));
        }
        StreamDecoder decoder = new StreamDecoder(Framing.DEFAULT_MAX_FRAME_SIZE);
        assertThat(decoder.feed(ByteBuffer.wrap(stream.toByteArray()))).isEqualTo(expected);
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
        // version 3: the public key and the nonce follow, each with a u8 length
        assertThat(hex(new Hello(3, Role.CLIENT, Samples.KEY_ID, "h", 7741, "ab", List.of(new Endpoint("tcp", 7741)),
                Samples.KEY, Samples.NONCE)))
                .isEqualTo("00000065" + "01" + "03" + "01" + Samples.KEY_ID.toHex() + "000168" + "1e3d" + "00026162"
                        + "01" + "03" + "746370" + "1e3d" + "20" + hex.formatHex(Samples.KEY) + "20"
                        + hex.formatHex(Samples.NONCE));
        byte[] signature = new byte[64];
        signature[63] = 7;
        assertThat(hex(new org.iceshare.api.icet.Auth(signature))).isEqualTo("00000042" + "05" + "40"
                + "00".repeat(63) + "07");
        assertThat(hex(new Peers(List.of(PeerInfo.of(ALICE, "h", List.of(new Endpoint("tls", 7742),
                new Endpoint("tcp", 7741)))))))
                .isEqualTo("00000027" + "15" + "00000001" + ALICE.toHex() + "000168" + "1e3e"
                        + "02" + "03" + "746c73" + "1e3e" + "03" + "746370" + "1e3d");
        assertThat(hex(new ErrorReport(ErrorCode.FRAME_TOO_LARGE, "x"))).isEqualTo("00000005" + "02" + "02" + "000178");
        assertThat(hex(new Verified(CONTENT, 1, ALICE, new byte[] {(byte) 0xab, (byte) 0xcd})))
                .isEqualTo("00000028" + "16" + content + "00000001" + ALICE.toHex() + "02abcd");
        assertThat(hex(new Piece(CONTENT, 2, ByteBuffer.wrap(new byte[] {9, 8, 7}))))
                .isEqualTo("00000018" + "21" + content + "00000002" + "090807");
        Manifest one = Samples.signed(Manifest.derived("a.ogg", "audio/ogg", "ogg", "sha-256", 5, 1,
                List.of(new PieceInfo(0, 0, 5, new byte[] {1, 2}))));
        String manifestFields = one.id().toHex() + "0005" + hex.formatHex(
                "a.ogg".getBytes()) + "0009" + hex.formatHex("audio/ogg".getBytes()) + "0003" + hex.formatHex(
                        "ogg".getBytes()) + "0007" + hex.formatHex("sha-256".getBytes()) + "00" + "0000000000000005"
                + "00000001" + "00000001"
                // piece 0: length, hash, start -1, end -1, flags, link 0
                + "00000005" + "02" + "0102" + "ffffffffffffffff" + "ffffffffffffffff" + "00" + "00000000"
                // one link: first piece 0, 1 header piece, start -1, end -1, no codecs
                + "00000001" + "00000000" + "00000001" + "ffffffffffffffff" + "ffffffffffffffff" + "0000";
        // version 4: the publisher's 32-byte key and 64-byte signature end the manifest
        assertThat(hex(new Joined(one))).isEqualTo("000000dc" + "13" + manifestFields
                + hex.formatHex(Samples.PUBLISHER_KEY) + hex.formatHex(one.signature()));
        // what is signed: the tag "IceT manifest v4", the key, then exactly the manifest's fields on the wire
        assertThat(hex.formatHex(one.signedBytes(Samples.PUBLISHER_KEY))).isEqualTo(hex.formatHex(
                "IceT manifest v4".getBytes()) + hex.formatHex(Samples.PUBLISHER_KEY) + manifestFields);
        Manifest timed = Samples.signed(Manifest.derived("t.ogg", "audio/ogg", "ogg", "sha-256", 10,
                List.of(new PieceInfo(0, 0, 4, new byte[] {1}, -1, -1, false, 0),
                        new PieceInfo(1, 4, 6, new byte[] {2}, 0, 1_500_000, true, 0)),
                List.of(new ChainLink(0, 0, 1, 0, 1_500_000, "vorbis"))));
        assertThat(roundTrip(new Joined(timed))).isEqualTo(new Joined(timed));
        Manifest live = Samples.signed(Manifest.live(CONTENT, "radio.ogg", "audio/ogg", "ogg", "sha-256",
                30_000_000L));
        assertThat(roundTrip(new Joined(live))).isEqualTo(new Joined(live));
        assertThat(((Joined) roundTrip(new Joined(live))).manifest().signatureValid()).isTrue();
    }

    private static String hex(IcetMessage m) {
        return HexFormat.of().formatHex(Samples.frame(m));
    }

    private static IcetMessage roundTrip(IcetMessage message) {
        DecodeResult back = IcetCodec.decode(Samples.frameBody(message));
        assertThat(back).isInstanceOf(DecodeResult.Decoded.class);
        return ((DecodeResult.Decoded) back).message();
    }
}
