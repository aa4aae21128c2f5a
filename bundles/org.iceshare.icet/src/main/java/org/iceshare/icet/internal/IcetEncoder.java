package org.iceshare.icet.internal;

import java.nio.ByteBuffer;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.iceshare.api.icet.Announce;
import org.iceshare.api.icet.Assign;
import org.iceshare.api.icet.BadPiece;
import org.iceshare.api.icet.Cancel;
import org.iceshare.api.icet.ErrorReport;
import org.iceshare.api.icet.FetchFailed;
import org.iceshare.api.icet.Hello;
import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.icet.Join;
import org.iceshare.api.icet.Joined;
import org.iceshare.api.icet.Leave;
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
import org.iceshare.api.icet.Verified;
import org.iceshare.api.swarm.ChainLink;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.swarm.PeerInfo;
import org.iceshare.api.swarm.PieceInfo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;

/**
 * Turns an {@link IcetMessage} into one complete frame: {@code u32} length, {@code u8} type, payload
 * (layout in {@code docs/icet-protocol.md}).
 *
 * <p>A {@link Piece} is not copied: its frame is a composite of a 25-byte header and a read-only
 * wrapper of the piece's {@code ByteBuffer}. (NIO still copies heap data into a direct buffer when it
 * writes to the socket; a direct or mapped piece buffer goes out as is.)
 *
 * <p><b>Threading:</b> stateless and {@link Sharable}; use {@link #INSTANCE}.
 */
@Sharable
public final class IcetEncoder extends MessageToMessageEncoder<IcetMessage> {

    public static final IcetEncoder INSTANCE = new IcetEncoder();

    /** Length field, type, content id, piece index. */
    static final int PIECE_HEADER_SIZE = IcetFrameDecoder.LENGTH_FIELD_SIZE + 1 + ContentId.LENGTH + 4;

    private IcetEncoder() {
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, IcetMessage message, List<Object> out) {
        out.add(encode(ctx.alloc(), message));
    }

    /** Encodes one message as a complete frame. The caller owns the returned buffer. */
    public static ByteBuf encode(ByteBufAllocator alloc, IcetMessage message) {
        if (message instanceof Piece piece) {
            return encodePiece(alloc, piece);
        }
        ByteBuf buf = alloc.ioBuffer(sizeHint(message));
        boolean done = false;
        try {
            buf.writeInt(0);
            buf.writeByte(message.type().code());
            writePayload(buf, message);
            buf.setInt(0, buf.readableBytes() - IcetFrameDecoder.LENGTH_FIELD_SIZE);
            done = true;
            return buf;
        } finally {
            if (!done) {
                buf.release();
            }
        }
    }

    private static ByteBuf encodePiece(ByteBufAllocator alloc, Piece piece) {
        ByteBuf header = alloc.ioBuffer(PIECE_HEADER_SIZE);
        header.writeInt(PIECE_HEADER_SIZE - IcetFrameDecoder.LENGTH_FIELD_SIZE + piece.length());
        header.writeByte(piece.type().code());
        writeId(header, piece.content());
        header.writeInt(piece.piece());
        return alloc.compositeBuffer(2).addComponents(true, header, Unpooled.wrappedBuffer(piece.data()));
    }

    private static int announceSize(Announce a) {
        int size = 64 + 96 * a.entries().size();
        for (Announce.Link l : a.links()) {
            size += 64 + l.headers().remaining();
        }
        return size;
    }

    private static int sizeHint(IcetMessage message) {
        return switch (message.type()) {
            case PUBLISH -> 256 + 64 * ((Publish) message).manifest().pieceCount();
            case JOINED -> 256 + 64 * ((Joined) message).manifest().pieceCount();
            case ASSIGN -> 32 + IcetMessageDecoder.ASSIGN_ENTRY_SIZE * ((Assign) message).entries().size();
            case ANNOUNCE -> announceSize((Announce) message);
            case PEERS -> 16 + 64 * ((Peers) message).peers().size();
            default -> 64;
        };
    }

    private static void writePayload(ByteBuf buf, IcetMessage message) {
        switch (message.type()) {
            case HELLO -> {
                Hello m = (Hello) message;
                buf.writeByte(m.version());
                buf.writeByte(m.role().code());
                writeId(buf, m.peerId());
                writeString(buf, m.host());
                buf.writeShort(m.listenPort());
                writeString(buf, m.agent());
                if (m.version() >= 2) {
                    writeEndpoints(buf, m.endpoints());
                }
            }
            case ERROR -> {
                ErrorReport m = (ErrorReport) message;
                buf.writeByte(m.code().code());
                writeString(buf, m.message());
            }
            case PING -> buf.writeLong(((Ping) message).nonce());
            case PONG -> buf.writeLong(((Pong) message).nonce());
            case PUBLISH -> writeManifest(buf, ((Publish) message).manifest());
            case PUBLISHED -> {
                Published m = (Published) message;
                writeId(buf, m.content());
                writeString(buf, m.name());
            }
            case JOIN -> writeString(buf, ((Join) message).name());
            case JOINED -> writeManifest(buf, ((Joined) message).manifest());
            case ASSIGN -> {
                Assign m = (Assign) message;
                writeId(buf, m.content());
                buf.writeInt(m.entries().size());
                for (Assign.Entry e : m.entries()) {
                    buf.writeInt(e.piece());
                    writeId(buf, e.source());
                    buf.writeInt(e.availability());
                }
            }
            case PEERS -> {
                List<PeerInfo> peers = ((Peers) message).peers();
                buf.writeInt(peers.size());
                for (PeerInfo p : peers) {
                    writeId(buf, p.id());
                    writeString(buf, p.host());
                    buf.writeShort(p.port());
                    writeEndpoints(buf, p.endpoints());
                }
            }
            case VERIFIED -> {
                Verified m = (Verified) message;
                writeId(buf, m.content());
                buf.writeInt(m.piece());
                writeId(buf, m.source());
                byte[] digest = m.digest();
                buf.writeByte(digest.length);
                buf.writeBytes(digest);
            }
            case BAD_PIECE -> {
                BadPiece m = (BadPiece) message;
                writeId(buf, m.content());
                buf.writeInt(m.piece());
                writeId(buf, m.source());
                writeString(buf, m.reason());
            }
            case FETCH_FAILED -> {
                FetchFailed m = (FetchFailed) message;
                writeId(buf, m.content());
                buf.writeInt(m.piece());
                writeId(buf, m.source());
                writeString(buf, m.reason());
            }
            case LEAVE -> writeId(buf, ((Leave) message).content());
            case REVOKE -> {
                Revoke m = (Revoke) message;
                writeId(buf, m.content());
                writeId(buf, m.source());
                writeString(buf, m.reason());
            }
            case ANNOUNCE -> writeAnnounce(buf, (Announce) message);
            case RATES -> {
                Rates m = (Rates) message;
                buf.writeLong(m.uploadCap());
                buf.writeLong(m.downloadCap());
                buf.writeLong(m.uploadRate());
                buf.writeLong(m.downloadRate());
            }
            case SEEK -> {
                Seek m = (Seek) message;
                writeId(buf, m.content());
                buf.writeLong(m.micros());
                buf.writeInt(m.piece());
            }
            case REQUEST -> {
                Request m = (Request) message;
                writeId(buf, m.content());
                buf.writeInt(m.piece());
            }
            case REJECT -> {
                Reject m = (Reject) message;
                writeId(buf, m.content());
                buf.writeInt(m.piece());
                buf.writeByte(m.code().code());
                writeString(buf, m.reason());
            }
            case CANCEL -> {
                Cancel m = (Cancel) message;
                writeId(buf, m.content());
                buf.writeInt(m.piece());
            }
            case PIECE -> throw new IllegalStateException("Piece is encoded by encodePiece");
        }
    }

    /**
     * The piece table carries each piece's length, hash, time, start-point flag and link; index and
     * offset follow from the order and from the lengths before it. The chain links follow.
     */
    private static void writeManifest(ByteBuf buf, Manifest m) {
        writeId(buf, m.id());
        writeString(buf, m.name());
        writeString(buf, m.mediaType());
        writeString(buf, m.format());
        writeString(buf, m.verifier());
        buf.writeByte(m.live() ? 1 : 0);
        if (m.live()) {
            buf.writeLong(m.windowMicros());
            return;
        }
        buf.writeLong(m.length());
        buf.writeInt(m.headerPieces());
        buf.writeInt(m.pieceCount());
        for (PieceInfo p : m.pieces()) {
            buf.writeInt(p.length());
            byte[] hash = p.hash();
            buf.writeByte(hash.length);
            buf.writeBytes(hash);
            buf.writeLong(p.startMicros());
            buf.writeLong(p.endMicros());
            buf.writeByte(p.startPoint() ? 1 : 0);
            buf.writeInt(p.link());
        }
        buf.writeInt(m.links().size());
        for (ChainLink l : m.links()) {
            writeLink(buf, l);
        }
    }

    private static void writeLink(ByteBuf buf, ChainLink l) {
        buf.writeInt(l.firstPiece());
        buf.writeInt(l.headerPieces());
        buf.writeLong(l.startMicros());
        buf.writeLong(l.endMicros());
        writeString(buf, l.codecs());
    }

    /** Live pieces carry their absolute index and stream offset, then what a manifest entry carries. */
    private static void writeAnnounce(ByteBuf buf, Announce a) {
        writeId(buf, a.content());
        buf.writeByte(a.onAir() ? 1 : 0);
        buf.writeInt(a.links().size());
        for (Announce.Link l : a.links()) {
            buf.writeInt(l.link().index());
            writeLink(buf, l.link());
            ByteBuffer headers = l.headers();
            buf.writeInt(headers.remaining());
            buf.writeBytes(headers);
        }
        buf.writeInt(a.entries().size());
        for (Announce.Entry e : a.entries()) {
            PieceInfo p = e.piece();
            buf.writeInt(p.index());
            buf.writeLong(p.offset());
            buf.writeInt(p.length());
            byte[] hash = p.hash();
            buf.writeByte(hash.length);
            buf.writeBytes(hash);
            buf.writeLong(p.startMicros());
            buf.writeLong(p.endMicros());
            buf.writeByte(p.startPoint() ? 1 : 0);
            buf.writeInt(p.link());
            buf.writeLong(e.cutMillis());
        }
    }

    private static void writeId(ByteBuf buf, ContentId id) {
        buf.writeBytes(id.toBytes());
    }

    private static void writeId(ByteBuf buf, PeerId id) {
        buf.writeBytes(id.toBytes());
    }

    /** u16 byte length, then UTF-8. The API records already hold every string to {@link IcetMessage#MAX_STRING} bytes. */
    private static void writeEndpoints(ByteBuf buf, List<Endpoint> endpoints) {
        buf.writeByte(endpoints.size());
        for (Endpoint e : endpoints) {
            byte[] name = e.transport().getBytes(StandardCharsets.US_ASCII);
            buf.writeByte(name.length);
            buf.writeBytes(name);
            buf.writeShort(e.port());
        }
    }

    private static void writeString(ByteBuf buf, String s) {
        int lengthIndex = buf.writerIndex();
        buf.writeShort(0);
        int n = ByteBufUtil.writeUtf8(buf, s);
        if (n > IcetMessage.MAX_STRING) {
            throw new IllegalArgumentException("string of " + n + " UTF-8 bytes exceeds " + IcetMessage.MAX_STRING);
        }
        buf.setShort(lengthIndex, n);
    }
}
