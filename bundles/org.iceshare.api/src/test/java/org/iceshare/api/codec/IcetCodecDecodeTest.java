package org.iceshare.api.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.iceshare.api.codec.Samples.ALICE;
import static org.iceshare.api.codec.Samples.CONTENT;
import static org.iceshare.api.codec.Samples.body;
import static org.iceshare.api.codec.Samples.u16;
import static org.iceshare.api.codec.Samples.u32;
import static org.iceshare.api.codec.Samples.u64;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.iceshare.api.icet.Assign;
import org.iceshare.api.icet.ErrorCode;
import org.iceshare.api.icet.ErrorReport;
import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.icet.Joined;
import org.iceshare.api.icet.Peers;
import org.iceshare.api.icet.Ping;
import org.iceshare.api.icet.Reject;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PieceInfo;
import org.junit.jupiter.api.Test;


/** Every kind of malformed frame comes back as a {@link DecodeResult.Invalid} value; nothing throws. */
class IcetCodecDecodeTest {

    private static final int HELLO = 0x01, ERROR = 0x02, PING = 0x03, JOIN = 0x12, JOINED = 0x13, ASSIGN = 0x14,
            PEERS = 0x15, VERIFIED = 0x16, REQUEST = 0x20, PIECE = 0x21, REJECT = 0x22;

    private static final String HASH32 = "0123456789abcdef0123456789abcdef";

    @Test
    void unknownType() {
        assertMalformed(body(0x7f, 1, 2, 3), "unknown message type 0x7f");
        assertMalformed(body(0x00), "unknown message type 0x00");
    }

    @Test
    void emptyFrameBody() {
        assertMalformed(ByteBuffer.allocate(0), "empty frame: no type byte");
    }

    @Test
    void truncatedU8() {
        assertMalformed(body(HELLO), "truncated HELLO: need 1 bytes for version, 0 left");
    }

    @Test
    void truncatedId() {
        assertMalformed(body(REQUEST, new byte[10]), "truncated REQUEST: need 16 bytes for content, 10 left");
        assertMalformed(body(HELLO, 1, 1, new byte[15]), "truncated HELLO: need 16 bytes for peerId, 15 left");
    }

    @Test
    void truncatedU32() {
        assertMalformed(body(REQUEST, CONTENT, 0, 0), "truncated REQUEST: need 4 bytes for piece, 2 left");
    }

    @Test
    void truncatedU16() {
        assertMalformed(body(HELLO, 1, 1, ALICE, "host", 0x1e), "truncated HELLO: need 2 bytes for listenPort, 1 left");
    }

    @Test
    void truncatedI64() {
        assertMalformed(body(PING, u32(7)), "truncated PING: need 8 bytes for nonce, 4 left");
    }

    @Test
    void truncatedStringLength() {
        assertMalformed(body(JOIN, 0), "truncated JOIN: need 2 bytes for name length, 1 left");
    }

    @Test
    void truncatedStringBytes() {
        assertMalformed(body(JOIN, u16(10), "abc".getBytes(StandardCharsets.US_ASCII)),
                "truncated JOIN: need 10 bytes for name, 3 left");
    }

    @Test
    void truncatedByteArray() {
        assertMalformed(body(VERIFIED, CONTENT, u32(1), ALICE, 32, new byte[5]),
                "truncated VERIFIED: need 32 bytes for digest, 5 left");
        assertMalformed(body(VERIFIED, CONTENT, u32(1), ALICE), "truncated VERIFIED: need 1 bytes for digest length");
    }

    @Test
    void truncatedListCount() {
        assertMalformed(body(ASSIGN, CONTENT, 0, 0), "truncated ASSIGN: need 4 bytes for entries count, 2 left");
    }

    @Test
    void listCountLargerThanTheFrameAllowsIsRefusedBeforeAllocating() {
        assertMalformed(body(ASSIGN, CONTENT, u32(1000)), "truncated ASSIGN: need 24000 bytes for 1000 entries, 0 left");
        assertMalformed(body(PEERS, u32(65536)), "truncated PEERS: need 1638400 bytes for 65536 peers, 0 left");
    }

    @Test
    void truncatedListEntry() {
        assertMalformed(body(PEERS, u32(2), ALICE, "peer-a.example.org", u16(7741), 1, ep("tcp", 7741), ALICE, "x",
                1), "truncated PEERS: need 2 bytes for port, 1 left");
    }

    @Test
    void truncatedManifest() {
        byte[] full = frameBody(new Joined(Samples.MANIFEST));
        // cut inside the piece table, the header, the u64 length, and the strings
        assertMalformed(ByteBuffer.wrap(full, 0, full.length - 10), "truncated JOINED: need");
        // the last piece entry is 32 hash bytes + 21 bytes of time, flags and link; then one link of 26 bytes,
        // the 32-byte publisher key and the 64-byte signature
        assertMalformed(ByteBuffer.wrap(full, 0, full.length - 96 - 26 - 4 - 21 - 30),
                "truncated JOINED: need 32 bytes for piece hash, 2 left");
        assertMalformed(ByteBuffer.wrap(full, 0, 1 + 16 + 1), "truncated JOINED: need 2 bytes for name length");
        Object[] head = {Samples.CONTENT, "a.ogg", "audio/ogg", "ogg", "sha-256", 0};
        assertMalformed(body(JOINED, head, 0, 0, 0), "truncated JOINED: need 8 bytes for length, 3 left");
        assertMalformed(body(JOINED, head, u64(5), u32(1), u32(1), u32(5)),
                "truncated JOINED: need 27 bytes for 1 pieces, 4 left");
        // two entries need at least 54 bytes: the first takes 50 (a 24-byte hash), 4 are left for the second
        assertMalformed(body(JOINED, head, u64(5), u32(1), u32(2), u32(5), 24, new byte[24], u64(-1), u64(-1), 0,
                u32(0), u32(5)), "truncated JOINED: need 5 bytes for piece table, 4 left");
    }

    @Test
    void trailingBytes() {
        assertMalformed(body(PING, u64(1), 0), "PING: 1 trailing bytes");
        byte[] valid = frameBody(new org.iceshare.api.icet.Request(CONTENT, 1));
        ByteBuffer request = ByteBuffer.allocate(valid.length + 3).put(valid).put(new byte[] {1, 2, 3}).flip();
        // the first of the three is a priority (version 5); the other two trail
        assertMalformed(request, "REQUEST: 2 trailing bytes");
    }

    @Test
    void stringLongerThanTheLimit() {
        assertMalformed(body(JOIN, u16(1025), new byte[1025]), "JOIN: name is 1025 bytes, limit 1024");
        assertMalformed(body(JOIN, u16(65535)), "JOIN: name is 65535 bytes, limit 1024");
    }

    @Test
    void invalidUtf8() {
        assertMalformed(body(JOIN, u16(2), new byte[] {(byte) 0xc3, 0x28}), "JOIN: name is not valid UTF-8");
        assertMalformed(body(JOIN, u16(3), new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}),
                "JOIN: name is not valid UTF-8");
    }

    @Test
    void listCountAboveTheLimit() {
        assertMalformed(body(ASSIGN, CONTENT, u32(Assign.MAX_ENTRIES + 1)), "ASSIGN: 65537 entries, limit 65536");
        assertMalformed(body(PEERS, u32(Peers.MAX_PEERS + 1)), "PEERS: 65537 peers, limit 65536");
        assertMalformed(body(PEERS, u32(0xffffffffL)), "PEERS: 4294967295 peers, limit 65536");
        assertMalformed(body(JOINED, CONTENT, "a.ogg", "audio/ogg", "ogg", "sha-256", 0, u64(5), u32(1),
                u32(Manifest.MAX_PIECES + 1)), "JOINED: 65537 pieces, limit 65536");
    }

    @Test
    void malformedLiveMessages() {
        int announce = org.iceshare.api.icet.MessageType.ANNOUNCE.code();
        assertMalformed(body(announce, CONTENT, 2, u32(0), u32(0)), "ANNOUNCE: onAir must be 0 or 1, got 2");
        assertMalformed(body(announce, CONTENT, 1, u32(0), u32(4097)), "ANNOUNCE: 4097 entries, limit 4096");
        assertMalformed(body(announce, CONTENT, 1, u32(0), u32(1), u32(7), u64(0), u32(0), 1, 9, u64(-1), u64(-1),
                0, u32(0), u64(0), new byte[64]), "ANNOUNCE: piece length must be in 1..4194304: 0");
        assertMalformed(body(announce, CONTENT, 1, u32(1), u32(0), u32(0), u32(0), u64(-1), u64(-1), u16(0),
                u32(2_000_000), new byte[104]), "ANNOUNCE: link headers are 2000000 bytes, limit 1048576");
        assertMalformed(body(JOINED, CONTENT, "live.ogg", "audio/ogg", "ogg", "sha-256", 1, u64(0)),
                "JOINED: a live window must be longer than 0: 0");
        assertMalformed(body(JOINED, CONTENT, "live.ogg", "audio/ogg", "ogg", "sha-256", 7, u64(0)),
                "JOINED: unknown manifest kind 7");
    }

    @Test
    void signaturesAreFixedSizeAndTruncationIsMalformed() {
        // version 4: a manifest ends with a 32-byte key and a 64-byte signature, an announced piece with
        // a 64-byte signature; a frame cut inside them is MALFORMED, naming the field
        byte[] full = frameBody(new Joined(Samples.MANIFEST));
        assertMalformed(ByteBuffer.wrap(full, 0, full.length - 64 - 2), "truncated JOINED: need 32 bytes for publisher"
                + " key, 30 left");
        assertMalformed(ByteBuffer.wrap(full, 0, full.length - 1), "truncated JOINED: need 64 bytes for manifest"
                + " signature, 63 left");
        int announce = org.iceshare.api.icet.MessageType.ANNOUNCE.code();
        assertMalformed(body(announce, CONTENT, 1, u32(0), u32(1), u32(7), u64(0), u32(5), 1, 9, u64(-1), u64(-1),
                0, u32(0), u64(0), new byte[63]), "truncated ANNOUNCE: need");
    }

    @Test
    void badEnumCode() {
        assertMalformed(body(HELLO, 1, 9, ALICE, "", u16(0), ""), "HELLO: unknown role 9");
        assertMalformed(body(HELLO, 1, 0, ALICE, "", u16(0), ""), "HELLO: unknown role 0");
    }

    @Test
    void unknownErrorCodesReadAsInternal() {
        assertThat(IcetCodec.decode(body(ERROR, 200, "from the future")))
                .isEqualTo(new DecodeResult.Decoded(new ErrorReport(ErrorCode.INTERNAL, "from the future")));
        assertThat(IcetCodec.decode(body(REJECT, CONTENT, u32(1), 0, "zero")))
                .isEqualTo(new DecodeResult.Decoded(new Reject(CONTENT, 1, ErrorCode.INTERNAL, "zero")));
    }

    @Test
    void negativeRatesAreMalformed() {
        assertMalformed(body(0x1D, new byte[8], new byte[8], new byte[] {(byte) 0x80, 0, 0, 0, 0, 0, 0, 0},
                new byte[8]), "RATES: uploadRate out of range: 9223372036854775808");
        assertMalformed(body(0x1D, new byte[8], new byte[8]), "truncated RATES: need 8 bytes for uploadRate, 0 left");
    }

    @Test
    void malformedMetadata() {
        byte[] signature = new byte[64];
        assertMalformed(body(0x1E, CONTENT, new byte[] {(byte) 0xff, -1, -1, -1, -1, -1, -1, -1}, "title", "",
                signature), "METADATA: micros must be >= 0, got -1");
        assertMalformed(body(0x1E, CONTENT, new byte[8], "title", "", new byte[63]),
                "truncated METADATA: need 64 bytes for metadata signature, 63 left");
        assertMalformed(body(0x1E, CONTENT, new byte[8], "title"),
                "truncated METADATA: need 2 bytes for artist length, 0 left");
        // an unsigned update never goes on the wire: the tracker could not pass it on as the source's
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> IcetCodec.encode(
                new org.iceshare.api.icet.Metadata(CONTENT, 0, "t", ""))).hasMessageContaining("unsigned");
    }

    @Test
    void metadataSignatureCoversEveryField() {
        var m = Samples.signed(new org.iceshare.api.icet.Metadata(CONTENT, 10_000_000L, "A", "B"));
        assertThat(m.signatureValid(Samples.PUBLISHER_KEY)).isTrue();
        var moved = new org.iceshare.api.icet.Metadata(CONTENT, 10_000_001L, "A", "B", m.signature());
        var retitled = new org.iceshare.api.icet.Metadata(CONTENT, 10_000_000L, "AB", "", m.signature());
        assertThat(moved.signatureValid(Samples.PUBLISHER_KEY)).isFalse();
        assertThat(retitled.signatureValid(Samples.PUBLISHER_KEY)).isFalse();
    }

    @Test
    void badEndpoints() {
        assertMalformed(body(HELLO, 2, 2, ALICE, "", u16(7741), "", 9), "HELLO: 9 endpoints, limit 8");
        assertMalformed(body(HELLO, 2, 2, ALICE, "", u16(7741), "", 2, ep("tcp", 7741)),
                "truncated HELLO: need 8 bytes for 2 endpoints, 6 left");
        assertMalformed(body(HELLO, 2, 2, ALICE, "", u16(7741), "", 1, ep("TCP", 7741)),
                "HELLO: transport name must be 1..32 of [a-z0-9.-], starting with a letter or digit: TCP");
        assertMalformed(body(HELLO, 2, 2, ALICE, "", u16(7741), "", 2, ep("tcp", 7741), ep("tcp", 7742)),
                "HELLO: transport tcp listed twice");
        assertMalformed(body(HELLO, 2, 2, ALICE, "", u16(7741), "", 1, ep("tls", 7742)),
                "HELLO: listen port 7741 must be the first endpoint's, got [tls:7742]");
        assertMalformed(body(HELLO, 2, 2, ALICE, "", u16(7741), "", 0),
                "HELLO: listen port 7741 must be the first endpoint's, got []");
        assertMalformed(body(PEERS, u32(1), ALICE, "10.0.0.1", u16(7741), 0, new byte[4]),
                "PEERS: peer port 7741 must be the first endpoint's, got []");
    }

    private static Object[] ep(String transport, int port) {
        return new Object[] {transport.length(), transport.getBytes(StandardCharsets.US_ASCII), u16(port)};
    }

    @Test
    void valuesOutOfRange() {
        assertMalformed(body(REQUEST, CONTENT, u32(0x80000000L)), "REQUEST: piece out of range: 2147483648");
        assertMalformed(body(HELLO, 0, 1, ALICE, "", u16(0), ""), "HELLO: protocol version out of range 1..255: 0");
        assertMalformed(body(VERIFIED, CONTENT, u32(1), ALICE, 0), "VERIFIED: digest must be 1..64 bytes");
        assertMalformed(body(VERIFIED, CONTENT, u32(1), ALICE, 65, new byte[65]), "VERIFIED: digest must be 1..64 bytes");
        assertMalformed(body(PEERS, u32(1), ALICE, "10.0.0.1", u16(0), 1, ep("tcp", 0)),
                "PEERS: endpoint port out of range 1..65535: 0");
        assertMalformed(body(PEERS, u32(1), ALICE, " ", u16(7741), 1, ep("tcp", 7741)),
                "PEERS: peer host must be 1..255 characters");
        assertMalformed(body(ASSIGN, CONTENT, u32(1), u32(1), ALICE, u32(0xffffffffL)),
                "ASSIGN: availability out of range: 4294967295");
    }

    @Test
    void invalidManifests() {
        Object[] head = {Samples.CONTENT, "a.ogg", "audio/ogg", "ogg", "sha-256", 0};
        byte[] hash = Samples.sha256("x");
        Object[] untimed = {u64(-1), u64(-1), 0, u32(0)};
        Object[] oneLink = {u32(1), u32(0), u32(0), u64(-1), u64(-1), u16(0)};
        assertMalformed(body(JOINED, head, u64(5), u32(0), u32(1), u32(5), 32, hash, u64(-1), u64(-1), 2, u32(0),
                oneLink), "JOINED: piece 0 has unknown flags 2");
        assertMalformed(body(JOINED, head, u64(5), u32(0), u32(1), u32(5), 32, hash, u64(9), u64(3), 0, u32(0),
                oneLink), "JOINED: piece 0 has a bad time range 9..3");
        assertMalformed(body(JOINED, head, u64(5), u32(0), u32(1), u32(5), 32, hash, untimed, u32(0)),
                "JOINED: a manifest needs 1..1 chain links, got 0");
        assertMalformed(body(JOINED, head, u64(5), u32(1), u32(1), u32(5), 32, hash, untimed, oneLink),
                "JOINED: headerPieces 1 differs from the first link's");
        assertMalformed(body(JOINED, head, u64(5), u32(0), u32(1), u32(5), 32, hash, u64(-1), u64(-1), 0, u32(1),
                oneLink), "JOINED: piece 0 says link 1 but lies in link 0");
        assertMalformed(body(JOINED, head, u64(-1), u32(0), u32(1), u32(5), 32, hash, untimed, oneLink),
                "JOINED: length out of range: 18446744073709551615");
        assertMalformed(body(JOINED, head, u64(6), u32(0), u32(1), u32(5), 32, hash, untimed, oneLink),
                "JOINED: pieces cover 5 bytes but the content has 6");
        assertMalformed(body(JOINED, head, u64(5), u32(2), u32(1), u32(5), 32, hash, untimed,
                u32(1), u32(0), u32(2), u64(-1), u64(-1), u16(0)), "JOINED: chain link 0 is out of place");
        assertMalformed(body(JOINED, head, u64(0), u32(0), u32(1), u32(0), 32, hash, untimed, oneLink),
                "JOINED: piece length must be in 1..4194304: 0");
        assertMalformed(body(JOINED, head, u64(0), u32(0), u32(0), u32(0)), "JOINED: a manifest needs 1..65536 pieces, got 0");
        assertMalformed(body(JOINED, head, u64(5), u32(0), u32(1), u32(5), 0, untimed, oneLink),
                "JOINED: piece hash must be 1..64 bytes");
        assertMalformed(body(JOINED, Samples.CONTENT, "a/b.ogg", "audio/ogg", "ogg", "sha-256", 0, u64(5), u32(0),
                u32(1), u32(5), 32, hash, untimed, oneLink), "JOINED: content name may hold only");
        assertMalformed(body(JOINED, Samples.CONTENT, "a.ogg", "", "ogg", "sha-256", 0, u64(5), u32(0), u32(1), u32(5),
                32, hash, untimed, oneLink), "JOINED: media type must be 1..255 characters");
    }

    @Test
    void pieceDataOverTheLimit() {
        ByteBuffer head = body(PIECE, CONTENT, u32(1));
        ByteBuffer big = ByteBuffer.allocate(head.remaining() + PieceInfo.MAX_LENGTH + 1).put(head).rewind();
        assertMalformed(big, "PIECE: data is 4194305 bytes, limit 4194304");
    }

    @Test
    void decodingConsumesTheWholeFrameEvenWhenInvalid() {
        ByteBuffer frame = body(JOIN, u16(10), "abc".getBytes(StandardCharsets.US_ASCII));
        IcetCodec.decode(frame);
        assertThat(frame.hasRemaining()).isFalse();
    }

    @Test
    void aValidMessageDecodesToAValue() {
        assertThat(IcetCodec.decode(body(PING, u64(7)))).isEqualTo(new DecodeResult.Decoded(new Ping(7)));
    }

    @Test
    void theInvalidValueCarriesTheReportToSend() {
        DecodeResult.Invalid invalid = (DecodeResult.Invalid) IcetCodec.decode(body(0x7f));
        assertThat(invalid.toErrorReport()).isEqualTo(ErrorReport.of(ErrorCode.MALFORMED, "unknown message type 0x7f"));
    }

    private static byte[] frameBody(IcetMessage m) {
        ByteBuffer body = Samples.frameBody(m);
        byte[] b = new byte[body.remaining()];
        body.get(b);
        return b;
    }

    private static void assertMalformed(ByteBuffer frame, String detail) {
        DecodeResult result = IcetCodec.decode(frame);
        assertThat(result).isInstanceOf(DecodeResult.Invalid.class);
        DecodeResult.Invalid invalid = (DecodeResult.Invalid) result;
        assertThat(invalid.code()).isEqualTo(ErrorCode.MALFORMED);
        assertThat(invalid.detail()).startsWith(detail);
        assertThat(frame.hasRemaining()).isFalse();
    }
}
