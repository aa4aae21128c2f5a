package org.iceshare.icet.internal;

import java.nio.ByteBuffer;
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
import org.iceshare.api.icet.Reject;
import org.iceshare.api.icet.Request;
import org.iceshare.api.icet.Seek;
import org.iceshare.api.icet.Rates;
import org.iceshare.api.icet.Revoke;
import org.iceshare.api.icet.Role;
import org.iceshare.api.icet.Verified;
import org.iceshare.api.swarm.ChainLink;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.swarm.PeerInfo;
import org.iceshare.api.swarm.PieceInfo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Turns one frame (the bytes after the length field: type byte and payload) into an
 * {@link IcetMessage}, or into an {@link InvalidFrame} when anything is wrong: an unknown type, a
 * truncated field, trailing bytes, a string or list over its limit, invalid UTF-8, an unknown role, or
 * a value the API records refuse. It never throws for bad input.
 *
 * <p>Allocation is bounded by the frame: every length and count is checked against the bytes left in
 * the frame before anything is allocated from it. Piece data is copied once, out of the frame into a
 * heap buffer, because {@link Piece} is not reference counted.
 *
 * <p><b>Threading:</b> stateless and {@link Sharable}; use {@link #INSTANCE}. (It is a plain inbound
 * handler rather than a {@code MessageToMessageDecoder}, which keeps per-instance read flags.)
 */
@Sharable
public final class IcetMessageDecoder extends ChannelInboundHandlerAdapter {

    public static final IcetMessageDecoder INSTANCE = new IcetMessageDecoder();

    /** One Assign entry: u32 piece, id16 source, u32 availability. */
    static final int ASSIGN_ENTRY_SIZE = 4 + PeerId.LENGTH + 4;
    /** The smallest Peers entry: id16, an empty string, u16 port. */
    /** An endpoint: name length, a name of at least one byte, port. */
    static final int MIN_ENDPOINT_SIZE = 1 + 1 + 2;
    /** A peer: id, host length, port, endpoint count, its first endpoint (a host has at least one byte too). */
    static final int MIN_PEER_ENTRY_SIZE = PeerId.LENGTH + 2 + 2 + 1 + MIN_ENDPOINT_SIZE;
    /** The smallest piece table entry: u32 length, u8 hash length, one hash byte. */
    static final int MIN_PIECE_ENTRY_SIZE = 4 + 1 + 1 + 8 + 8 + 1 + 4;
    /** Smallest Announce entry: index, offset, length, one-byte hash, start, end, flags, link, cut time. */
    static final int MIN_ANNOUNCE_ENTRY_SIZE = 4 + 8 + 4 + 1 + 1 + 8 + 8 + 1 + 4 + 8;
    /** Smallest link entry of a manifest: first piece, header pieces, start, end, empty codecs. */
    static final int MIN_LINK_ENTRY_SIZE = 4 + 4 + 8 + 8 + 2;

    private IcetMessageDecoder() {
    }

    /** Decodes a frame from {@link IcetFrameDecoder} and releases it; passes anything else on. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf frame) {
            Object decoded;
            try {
                decoded = decode(frame);
            } finally {
                frame.release();
            }
            ctx.fireChannelRead(decoded);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    /**
     * Decodes one frame, consuming all of it.
     *
     * @param frame the type byte and the payload, without the length field
     * @return an {@link IcetMessage}, or an {@link InvalidFrame} with code {@link ErrorCode#MALFORMED}
     */
    public static Object decode(ByteBuf frame) {
        if (!frame.isReadable()) {
            return new InvalidFrame(ErrorCode.MALFORMED, "empty frame: no type byte");
        }
        int code = frame.readUnsignedByte();
        MessageType type = MessageType.fromCode(code);
        if (type == null) {
            frame.skipBytes(frame.readableBytes());
            return new InvalidFrame(ErrorCode.MALFORMED, String.format("unknown message type 0x%02x", code));
        }
        Reader in = new Reader(frame, type);
        try {
            IcetMessage message = read(type, in);
            if (frame.isReadable()) {
                throw in.malformed(frame.readableBytes() + " trailing bytes");
            }
            return message;
        } catch (Malformed e) {
            frame.skipBytes(frame.readableBytes());
            return new InvalidFrame(ErrorCode.MALFORMED, e.getMessage());
        } catch (IllegalArgumentException e) {
            frame.skipBytes(frame.readableBytes());
            return new InvalidFrame(ErrorCode.MALFORMED, type + ": " + e.getMessage());
        }
    }

    private static IcetMessage read(MessageType type, Reader in) {
        // Arguments are evaluated left to right, which is the order of the fields on the wire.
        return switch (type) {
            case HELLO -> in.hello();
            case ERROR -> new ErrorReport(in.errorCode("code"), in.string("message"));
            case PING -> new Ping(in.i64("nonce"));
            case PONG -> new Pong(in.i64("nonce"));
            case PUBLISH -> new Publish(in.manifest());
            case PUBLISHED -> new Published(in.contentId("content"), in.string("name"));
            case JOIN -> new Join(in.string("name"));
            case JOINED -> new Joined(in.manifest());
            case ASSIGN -> in.assign();
            case PEERS -> in.peers();
            case VERIFIED -> new Verified(in.contentId("content"), in.index("piece"), in.peerId("source"),
                    in.bytes8("digest"));
            case BAD_PIECE -> new BadPiece(in.contentId("content"), in.index("piece"), in.peerId("source"),
                    in.string("reason"));
            case FETCH_FAILED -> new FetchFailed(in.contentId("content"), in.index("piece"), in.peerId("source"),
                    in.string("reason"));
            case LEAVE -> new Leave(in.contentId("content"));
            case REVOKE -> new Revoke(in.contentId("content"), in.peerId("source"), in.string("reason"));
            case REQUEST -> new Request(in.contentId("content"), in.index("piece"));
            case PIECE -> in.piece();
            case REJECT -> new Reject(in.contentId("content"), in.index("piece"), in.errorCode("code"),
                    in.string("reason"));
            case CANCEL -> new Cancel(in.contentId("content"), in.index("piece"));
            case RATES -> new Rates(in.u63("uploadCap"), in.u63("downloadCap"), in.u63("uploadRate"),
                    in.u63("downloadRate"));
            case SEEK -> new Seek(in.contentId("content"), in.i64("micros"), in.i32("piece"));
            case ANNOUNCE -> in.announce();
        };
    }

    /** Reads the fields of one frame; every read checks the bytes left first. */
    private static final class Reader {
        private final ByteBuf buf;
        private final MessageType type;

        Reader(ByteBuf buf, MessageType type) {
            this.buf = buf;
            this.type = type;
        }

        Malformed malformed(String what) {
            return new Malformed(type + ": " + what);
        }

        private void need(long n, String field) {
            if (buf.readableBytes() < n) {
                throw new Malformed("truncated " + type + ": need " + n + " bytes for " + field + ", "
                        + buf.readableBytes() + " left");
            }
        }

        int u8(String field) {
            need(1, field);
            return buf.readUnsignedByte();
        }

        int u16(String field) {
            need(2, field);
            return buf.readUnsignedShort();
        }

        /** A u32 that must fit a non-negative int: piece indices, counts of pieces, availability. */
        int index(String field) {
            need(4, field);
            long v = buf.readUnsignedInt();
            if (v > Integer.MAX_VALUE) {
                throw malformed(field + " out of range: " + v);
            }
            return (int) v;
        }

        int i32(String field) {
            need(4, field);
            return buf.readInt();
        }

        long i64(String field) {
            need(8, field);
            return buf.readLong();
        }

        /** A u64 that must fit a non-negative long. */
        long u63(String field) {
            need(8, field);
            long v = buf.readLong();
            if (v < 0) {
                throw malformed(field + " out of range: " + Long.toUnsignedString(v));
            }
            return v;
        }

        ContentId contentId(String field) {
            need(ContentId.LENGTH, field);
            byte[] b = new byte[ContentId.LENGTH];
            buf.readBytes(b);
            return ContentId.of(b);
        }

        PeerId peerId(String field) {
            need(PeerId.LENGTH, field);
            byte[] b = new byte[PeerId.LENGTH];
            buf.readBytes(b);
            return PeerId.of(b);
        }

        String string(String field) {
            int n = u16(field + " length");
            if (n > IcetMessage.MAX_STRING) {
                throw malformed(field + " is " + n + " bytes, limit " + IcetMessage.MAX_STRING);
            }
            need(n, field);
            int start = buf.readerIndex();
            if (!ByteBufUtil.isText(buf, start, n, StandardCharsets.UTF_8)) {
                throw malformed(field + " is not valid UTF-8");
            }
            String s = buf.toString(start, n, StandardCharsets.UTF_8);
            buf.skipBytes(n);
            return s;
        }

        byte[] bytes8(String field) {
            int n = u8(field + " length");
            need(n, field);
            byte[] b = new byte[n];
            buf.readBytes(b);
            return b;
        }

        /**
         * A HELLO: its endpoints (version 2) are read only from a sender of version 2 or later, so that an
         * older peer's HELLO still decodes and gets a clean UNSUPPORTED_VERSION answer (its endpoints are
         * then left empty: version 1 could not say which transport its port speaks).
         */
        Hello hello() {
            int version = u8("version");
            Role role = role("role");
            PeerId peerId = peerId("peerId");
            String host = string("host");
            int listenPort = u16("listenPort");
            String agent = string("agent");
            if (version < 2) {
                return new Hello(version, role, peerId, host, 0, agent, List.of());
            }
            return new Hello(version, role, peerId, host, listenPort, agent, endpoints("endpoints"));
        }

        /** A u8 count (at most {@link Endpoint#MAX_ENDPOINTS}), then each: u8 name length, name, u16 port. */
        List<Endpoint> endpoints(String field) {
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

        Role role(String field) {
            int code = u8(field);
            Role role = Role.fromCode(code);
            if (role == null) {
                throw malformed("unknown " + field + " " + code);
            }
            return role;
        }

        /** Unknown error codes read as {@link ErrorCode#INTERNAL}, so codes can be added without a new version. */
        ErrorCode errorCode(String field) {
            return ErrorCode.fromCode(u8(field));
        }

        /** A u32 list count: at most {@code limit}, and the entries must fit the bytes left. */
        int count(String field, int limit, int minEntrySize) {
            need(4, field + " count");
            long n = buf.readUnsignedInt();
            if (n > limit) {
                throw malformed(n + " " + field + ", limit " + limit);
            }
            need(n * minEntrySize, n + " " + field);
            return (int) n;
        }

        Manifest manifest() {
            ContentId id = contentId("manifest id");
            String name = string("name");
            String mediaType = string("mediaType");
            String format = string("format");
            String verifier = string("verifier");
            int kind = u8("manifest kind");
            if (kind == 1) {
                long window = i64("window");
                return Manifest.live(id, name, mediaType, format, verifier, window);
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
                int pieceLength = buf.readInt();
                int hashLength = buf.readUnsignedByte();
                need(hashLength, "piece hash");
                byte[] hash = new byte[hashLength];
                buf.readBytes(hash);
                long start = i64("piece start");
                long end = i64("piece end");
                int flags = u8("piece flags");
                if ((flags & ~1) != 0) {
                    throw malformed("piece " + i + " has unknown flags " + flags);
                }
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
            return new Manifest(id, name, mediaType, format, verifier, length, pieces, links);
        }

        Announce announce() {
            ContentId content = contentId("content");
            int onAir = u8("onAir");
            if (onAir > 1) {
                throw malformed("onAir must be 0 or 1, got " + onAir);
            }
            int linkCount = count("links", Announce.MAX_ENTRIES, 4 + MIN_LINK_ENTRY_SIZE + 4);
            List<Announce.Link> links = new ArrayList<>(linkCount);
            for (int k = 0; k < linkCount; k++) {
                ChainLink link = new ChainLink(index("link index"), index("link first piece"),
                        index("link header pieces"), i64("link start"), i64("link end"), string("link codecs"));
                int n = index("link headers length");
                if (n > ChainLink.MAX_HEADER_BYTES) {
                    throw malformed("link headers are " + n + " bytes, limit " + ChainLink.MAX_HEADER_BYTES);
                }
                need(n, "link headers");
                byte[] headers = new byte[n];
                buf.readBytes(headers);
                links.add(new Announce.Link(link, java.nio.ByteBuffer.wrap(headers)));
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
                int flags = u8("piece flags");
                if ((flags & ~1) != 0) {
                    throw malformed("piece " + piece + " has unknown flags " + flags);
                }
                int link = index("piece link");
                long cut = i64("cut time");
                entries.add(new Announce.Entry(new PieceInfo(piece, offset, length, hash, start, end, (flags & 1) != 0,
                        link), cut));
            }
            return new Announce(content, entries, links, onAir == 1);
        }

        Assign assign() {
            ContentId content = contentId("content");
            int n = count("entries", Assign.MAX_ENTRIES, ASSIGN_ENTRY_SIZE);
            List<Assign.Entry> entries = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                entries.add(new Assign.Entry(index("piece"), peerId("source"), index("availability")));
            }
            return new Assign(content, entries);
        }

        Peers peers() {
            int n = count("peers", Peers.MAX_PEERS, MIN_PEER_ENTRY_SIZE);
            List<PeerInfo> peers = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                peers.add(new PeerInfo(peerId("peer id"), string("host"), u16("port"), endpoints("endpoints")));
            }
            return new Peers(peers);
        }

        Piece piece() {
            ContentId content = contentId("content");
            int piece = index("piece");
            int n = buf.readableBytes();
            if (n > PieceInfo.MAX_LENGTH) {
                throw malformed("data is " + n + " bytes, limit " + PieceInfo.MAX_LENGTH);
            }
            ByteBuffer data = ByteBuffer.allocate(n);
            buf.readBytes(data);
            data.flip();
            return new Piece(content, piece, data);
        }
    }

    /** A decode failure inside this class; never escapes {@link #decode(ByteBuf)}. No stack trace: it is a value. */
    private static final class Malformed extends RuntimeException {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }
}
