package org.iceshare.api.codec;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.iceshare.api.icet.Announce;
import org.iceshare.api.icet.Assign;
import org.iceshare.api.icet.BadPiece;
import org.iceshare.api.icet.Cancel;
import org.iceshare.api.icet.ErrorCode;
import org.iceshare.api.icet.ErrorReport;
import org.iceshare.api.icet.FetchFailed;
import org.iceshare.api.icet.Auth;
import org.iceshare.api.icet.Hello;
import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.icet.Join;
import org.iceshare.api.icet.Joined;
import org.iceshare.api.icet.Leave;
import org.iceshare.api.icet.MessageType;
import org.iceshare.api.icet.Peers;
import org.iceshare.api.icet.Piece;
import org.iceshare.api.icet.Ping;
import org.iceshare.api.icet.Pong;
import org.iceshare.api.icet.Publish;
import org.iceshare.api.icet.Published;
import org.iceshare.api.icet.Metadata;
import org.iceshare.api.icet.Rates;
import org.iceshare.api.icet.Reject;
import org.iceshare.api.icet.Request;
import org.iceshare.api.icet.Revoke;
import org.iceshare.api.icet.Role;
import org.iceshare.api.icet.Seek;
import org.iceshare.api.icet.Verified;
import org.iceshare.api.swarm.ChainLink;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.swarm.PeerInfo;
import org.iceshare.api.swarm.PieceInfo;
import org.iceshare.api.swarm.Signatures;

/**
 * Reads the fields of one frame; every read checks the bytes left first, so nothing is allocated for a
 * length or count the frame cannot hold. One instance per frame.
 */
final class FrameReader {

    /** One Assign entry: u32 piece, id16 source, u32 availability. */
    static final int ASSIGN_ENTRY_SIZE = 4 + PeerId.LENGTH + 4;
    /** An endpoint: name length, a name of at least one byte, port. */
    static final int MIN_ENDPOINT_SIZE = 1 + 1 + 2;
    /** A peer: id, host length, port, endpoint count, its first endpoint (a host has at least one byte too). */
    static final int MIN_PEER_ENTRY_SIZE = PeerId.LENGTH + 2 + 2 + 1 + MIN_ENDPOINT_SIZE;
    /** The smallest piece table entry: u32 length, u8 hash length, one hash byte, start, end, flags, link. */
    static final int MIN_PIECE_ENTRY_SIZE = 4 + 1 + 1 + 8 + 8 + 1 + 4;
    /** Smallest Announce entry: index, offset, length, one-byte hash, start, end, flags, link, cut time. */
    static final int MIN_ANNOUNCE_ENTRY_SIZE = 4 + 8 + 4 + 1 + 1 + 8 + 8 + 1 + 4 + 8 + Signatures.SIGNATURE_LENGTH;
    /** Smallest link entry of a manifest: first piece, header pieces, start, end, empty codecs. */
    static final int MIN_LINK_ENTRY_SIZE = 4 + 4 + 8 + 8 + 2;

    private final ByteBuffer buf;
    private final MessageType type;
    private CharsetDecoder utf8;

    private FrameReader(ByteBuffer buf, MessageType type) {
        this.buf = buf;
        this.type = type;
    }

    /** Decodes the type byte and payload between the big-endian buffer's position and limit. */
    static DecodeResult read(ByteBuffer buf) {
        if (!buf.hasRemaining()) {
            return new DecodeResult.Invalid(ErrorCode.MALFORMED, "empty frame: no type byte");
        }
        int code = buf.get() & 0xff;
        MessageType type = MessageType.fromCode(code);
        if (type == null) {
            return new DecodeResult.Invalid(ErrorCode.MALFORMED, String.format("unknown message type 0x%02x", code));
        }
        FrameReader in = new FrameReader(buf, type);
        try {
            IcetMessage message = in.message();
            if (buf.hasRemaining()) {
                throw in.malformed(buf.remaining() + " trailing bytes");
            }
            return new DecodeResult.Decoded(message);
        } catch (Malformed e) {
            return new DecodeResult.Invalid(ErrorCode.MALFORMED, e.getMessage());
        } catch (IllegalArgumentException e) {
            return new DecodeResult.Invalid(ErrorCode.MALFORMED, type + ": " + e.getMessage());
        }
    }

    private IcetMessage message() {
        // Arguments are evaluated left to right, which is the order of the fields on the wire.
        return switch (type) {
            case HELLO -> hello();
            case AUTH -> new Auth(bytes8("signature"));
            case ERROR -> new ErrorReport(errorCode("code"), string("message"));
            case PING -> new Ping(i64("nonce"));
            case PONG -> new Pong(i64("nonce"));
            case PUBLISH -> new Publish(manifest());
            case PUBLISHED -> new Published(contentId("content"), string("name"));
            case JOIN -> new Join(string("name"));
            case JOINED -> new Joined(manifest());
            case ASSIGN -> assign();
            case PEERS -> peers();
            case VERIFIED -> new Verified(contentId("content"), index("piece"), peerId("source"), bytes8("digest"));
            case BAD_PIECE -> new BadPiece(contentId("content"), index("piece"), peerId("source"), string("reason"));
            case FETCH_FAILED -> new FetchFailed(contentId("content"), index("piece"), peerId("source"),
                    string("reason"));
            case LEAVE -> new Leave(contentId("content"));
            case REVOKE -> new Revoke(contentId("content"), peerId("source"), string("reason"));
            case REQUEST -> new Request(contentId("content"), index("piece"),
                    buf.hasRemaining() ? u8("priority") : Request.NORMAL);
            case PIECE -> piece();
            case REJECT -> new Reject(contentId("content"), index("piece"), errorCode("code"), string("reason"));
            case CANCEL -> new Cancel(contentId("content"), index("piece"));
            case RATES -> new Rates(u63("uploadCap"), u63("downloadCap"), u63("uploadRate"), u63("downloadRate"));
            case SEEK -> new Seek(contentId("content"), i64("micros"), i32("piece"));
            case ANNOUNCE -> announce();
            case METADATA -> new Metadata(contentId("content"), i64("micros"), string("title"), string("artist"),
                    fixed(Signatures.SIGNATURE_LENGTH, "metadata signature"));
        };
    }

    private Malformed malformed(String what) {
        return new Malformed(type + ": " + what);
    }

    private void need(long n, String field) {
        if (buf.remaining() < n) {
            throw new Malformed("truncated " + type + ": need " + n + " bytes for " + field + ", "
                    + buf.remaining() + " left");
        }
    }

    private int u8(String field) {
        need(1, field);
        return buf.get() & 0xff;
    }

    private int u16(String field) {
        need(2, field);
        return buf.getShort() & 0xffff;
    }

    /** A u32 that must fit a non-negative int: piece indices, counts of pieces, availability. */
    private int index(String field) {
        need(4, field);
        long v = buf.getInt() & 0xffffffffL;
        if (v > Integer.MAX_VALUE) {
            throw malformed(field + " out of range: " + v);
        }
        return (int) v;
    }

    private int i32(String field) {
        need(4, field);
        return buf.getInt();
    }

    private long i64(String field) {
        need(8, field);
        return buf.getLong();
    }

    /** A u64 that must fit a non-negative long. */
    private long u63(String field) {
        need(8, field);
        long v = buf.getLong();
        if (v < 0) {
            throw malformed(field + " out of range: " + Long.toUnsignedString(v));
        }
        return v;
    }

    private byte[] raw(int n) {
        byte[] b = new byte[n];
        buf.get(b);
        return b;
    }

    private ContentId contentId(String field) {
        need(ContentId.LENGTH, field);
        return ContentId.of(raw(ContentId.LENGTH));
    }

    private PeerId peerId(String field) {
        need(PeerId.LENGTH, field);
        return PeerId.of(raw(PeerId.LENGTH));
    }

    /** u16 length (at most {@link IcetMessage#MAX_STRING}), then that many bytes of valid UTF-8. */
    private String string(String field) {
        int n = u16(field + " length");
        if (n > IcetMessage.MAX_STRING) {
            throw malformed(field + " is " + n + " bytes, limit " + IcetMessage.MAX_STRING);
        }
        need(n, field);
        if (utf8 == null) {
            utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
        }
        ByteBuffer bytes = buf.slice(buf.position(), n);
        buf.position(buf.position() + n);
        try {
            return utf8.decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw malformed(field + " is not valid UTF-8");
        }
    }

    private byte[] bytes8(String field) {
        int n = u8(field + " length");
        need(n, field);
        return raw(n);
    }

    /**
     * A HELLO: its endpoints (version 2) are read only from a sender of version 2 or later, so that an
     * older peer's HELLO still decodes and gets a clean UNSUPPORTED_VERSION answer (its endpoints are
     * then left empty: version 1 could not say which transport its port speaks).
     */
    private Hello hello() {
        int version = u8("version");
        Role role = role("role");
        PeerId peerId = peerId("peerId");
        String host = string("host");
        int listenPort = u16("listenPort");
        String agent = string("agent");
        if (version < 2) {
            return new Hello(version, role, peerId, host, 0, agent, List.of());
        }
        List<Endpoint> endpoints = endpoints("endpoints");
        if (version < 3) {
            return new Hello(version, role, peerId, host, listenPort, agent, endpoints);
        }
        return new Hello(version, role, peerId, host, listenPort, agent, endpoints, bytes8("publicKey"),
                bytes8("nonce"));
    }

    /** A u8 count (at most {@link Endpoint#MAX_ENDPOINTS}), then each: u8 name length, name, u16 port. */
    private List<Endpoint> endpoints(String field) {
        int n = u8(field + " count");
        if (n > Endpoint.MAX_ENDPOINTS) {
            throw malformed(n + " " + field + ", limit " + Endpoint.MAX_ENDPOINTS);
        }
        need((long) n * MIN_ENDPOINT_SIZE, n + " " + field);
        List<Endpoint> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] name = bytes8(field + " transport");
            list.add(new Endpoint(new String(name, StandardCharsets.US_ASCII), u16(field + " port")));
        }
        return list;
    }

    private Role role(String field) {
        int code = u8(field);
        Role role = Role.fromCode(code);
        if (role == null) {
            throw malformed("unknown " + field + " " + code);
        }
        return role;
    }

    /** Unknown error codes read as {@link ErrorCode#INTERNAL}, so codes can be added without a new version. */
    private ErrorCode errorCode(String field) {
        return ErrorCode.fromCode(u8(field));
    }

    /** A u32 list count: at most {@code limit}, and the entries must fit the bytes left. */
    private int count(String field, int limit, int minEntrySize) {
        need(4, field + " count");
        long n = buf.getInt() & 0xffffffffL;
        if (n > limit) {
            throw malformed(n + " " + field + ", limit " + limit);
        }
        need(n * minEntrySize, n + " " + field);
        return (int) n;
    }

    /** Start, end, flags (bit 0: a start point; the others must be 0) of piece {@code piece}. */
    private int flags(long piece) {
        int flags = u8("piece flags");
        if ((flags & ~1) != 0) {
            throw malformed("piece " + piece + " has unknown flags " + flags);
        }
        return flags;
    }

    private Manifest manifest() {
        ContentId id = contentId("manifest id");
        String name = string("name");
        String mediaType = string("mediaType");
        String format = string("format");
        String verifier = string("verifier");
        int kind = u8("manifest kind");
        if (kind == 1) {
            long window = i64("window");
            return signed(Manifest.live(id, name, mediaType, format, verifier, window));
        }
        if (kind != 0) {
            throw malformed("unknown manifest kind " + kind);
        }
        long length = u63("length");
        int headerPieces = index("headerPieces");
        int count = count("pieces", Manifest.MAX_PIECES, MIN_PIECE_ENTRY_SIZE);
        List<PieceInfo> pieces = new ArrayList<>(count);
        long offset = 0;
        for (int i = 0; i < count; i++) {
            need(5, "piece table");
            int pieceLength = buf.getInt();
            int hashLength = buf.get() & 0xff;
            need(hashLength, "piece hash");
            byte[] hash = raw(hashLength);
            long start = i64("piece start");
            long end = i64("piece end");
            int flags = flags(i);
            int link = index("piece link");
            pieces.add(new PieceInfo(i, offset, pieceLength, hash, start, end, (flags & 1) != 0, link));
            offset += pieceLength;
        }
        int linkCount = count("links", Math.max(1, count), MIN_LINK_ENTRY_SIZE);
        List<ChainLink> links = new ArrayList<>(linkCount);
        for (int k = 0; k < linkCount; k++) {
            links.add(new ChainLink(k, index("link first piece"), index("link header pieces"), i64("link start"),
                    i64("link end"), string("link codecs")));
        }
        if (!links.isEmpty() && links.get(0).headerPieces() != headerPieces) {
            throw malformed("headerPieces " + headerPieces + " differs from the first link's");
        }
        return signed(new Manifest(id, name, mediaType, format, verifier, length, pieces, links));
    }

    /**
     * Version 4: the publisher key and signature that end a manifest. Any 32 and 64 bytes decode; whether
     * they sign the manifest is the receiver's check, answered with a clear error rather than MALFORMED.
     */
    private Manifest signed(Manifest m) {
        byte[] key = fixed(Signatures.KEY_LENGTH, "publisher key");
        return m.signed(key, fixed(Signatures.SIGNATURE_LENGTH, "manifest signature"));
    }

    private byte[] fixed(int n, String what) {
        need(n, what);
        return raw(n);
    }

    private Announce announce() {
        ContentId content = contentId("content");
        int onAir = u8("onAir");
        if (onAir > 1) {
            throw malformed("onAir must be 0 or 1, got " + onAir);
        }
        int linkCount = count("links", Announce.MAX_ENTRIES, 4 + MIN_LINK_ENTRY_SIZE + 4
                + Signatures.SIGNATURE_LENGTH);
        List<Announce.Link> links = new ArrayList<>(linkCount);
        for (int k = 0; k < linkCount; k++) {
            ChainLink link = new ChainLink(index("link index"), index("link first piece"), index("link header pieces"),
                    i64("link start"), i64("link end"), string("link codecs"));
            int n = index("link headers length");
            if (n > ChainLink.MAX_HEADER_BYTES) {
                throw malformed("link headers are " + n + " bytes, limit " + ChainLink.MAX_HEADER_BYTES);
            }
            need(n, "link headers");
            ByteBuffer headers = ByteBuffer.wrap(raw(n));
            links.add(new Announce.Link(link, headers, fixed(Signatures.SIGNATURE_LENGTH, "link signature")));
        }
        int n = count("entries", Announce.MAX_ENTRIES, MIN_ANNOUNCE_ENTRY_SIZE);
        List<Announce.Entry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int piece = index("piece");
            long offset = u63("piece offset");
            int length = i32("piece length");
            byte[] hash = bytes8("piece hash");
            long start = i64("piece start");
            long end = i64("piece end");
            int flags = flags(piece);
            int link = index("piece link");
            long cut = i64("cut time");
            byte[] signature = fixed(Signatures.SIGNATURE_LENGTH, "piece signature");
            entries.add(new Announce.Entry(new PieceInfo(piece, offset, length, hash, start, end, (flags & 1) != 0,
                    link), cut, signature));
        }
        return new Announce(content, entries, links, onAir == 1);
    }

    private Assign assign() {
        ContentId content = contentId("content");
        int n = count("entries", Assign.MAX_ENTRIES, ASSIGN_ENTRY_SIZE);
        List<Assign.Entry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            entries.add(new Assign.Entry(index("piece"), peerId("source"), index("availability")));
        }
        return new Assign(content, entries);
    }

    private Peers peers() {
        int n = count("peers", Peers.MAX_PEERS, MIN_PEER_ENTRY_SIZE);
        List<PeerInfo> peers = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            peers.add(new PeerInfo(peerId("peer id"), string("host"), u16("port"), endpoints("endpoints")));
        }
        return new Peers(peers);
    }

    /** The rest of the frame, copied once into a heap buffer of its own: the frame may be reused after. */
    private Piece piece() {
        ContentId content = contentId("content");
        int piece = index("piece");
        int n = buf.remaining();
        if (n > PieceInfo.MAX_LENGTH) {
            throw malformed("data is " + n + " bytes, limit " + PieceInfo.MAX_LENGTH);
        }
        ByteBuffer data = ByteBuffer.allocate(n);
        data.put(buf);
        return new Piece(content, piece, data.flip());
    }

    /** A decode failure inside this class; never escapes {@link #read}. No stack trace: it is a value. */
    private static final class Malformed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message, null, false, false);
        }
    }
}
