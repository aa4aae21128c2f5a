package org.iceshare.api.codec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.iceshare.api.icet.Announce;
import org.iceshare.api.icet.Assign;
import org.iceshare.api.icet.BadPiece;
import org.iceshare.api.icet.Cancel;
import org.iceshare.api.icet.ErrorReport;
import org.iceshare.api.icet.FetchFailed;
import org.iceshare.api.icet.Auth;
import org.iceshare.api.icet.Hello;
import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.icet.Join;
import org.iceshare.api.icet.Joined;
import org.iceshare.api.icet.Leave;
import org.iceshare.api.icet.Peers;
import org.iceshare.api.icet.Ping;
import org.iceshare.api.icet.Pong;
import org.iceshare.api.icet.Publish;
import org.iceshare.api.icet.Published;
import org.iceshare.api.icet.Metadata;
import org.iceshare.api.icet.Rates;
import org.iceshare.api.icet.Reject;
import org.iceshare.api.icet.Request;
import org.iceshare.api.icet.Revoke;
import org.iceshare.api.icet.Seek;
import org.iceshare.api.icet.Verified;
import org.iceshare.api.swarm.ChainLink;
import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PeerInfo;
import org.iceshare.api.swarm.PieceInfo;
import org.iceshare.api.swarm.Signatures;

/**
 * Writes every message but a Piece into one frame, in a growing heap array (big-endian). One instance
 * per frame; the result wraps the array without a copy.
 */
final class FrameWriter {

    private byte[] buf;
    private int pos;

    private FrameWriter(int capacity) {
        buf = new byte[capacity];
    }

    /** The complete frame: length field, type, payload. */
    static ByteBuffer write(IcetMessage message) {
        FrameWriter w = new FrameWriter(sizeHint(message));
        w.u32(0);
        w.u8(message.type().code());
        w.payload(message);
        int length = w.pos - Framing.LENGTH_FIELD_SIZE;
        ByteBuffer frame = ByteBuffer.wrap(w.buf, 0, w.pos);
        frame.putInt(0, length);
        return frame;
    }

    private static int announceSize(Announce a) {
        int size = 64 + 160 * a.entries().size();
        for (Announce.Link l : a.links()) {
            size += 128 + l.headers().remaining();
        }
        return size;
    }

    private static int sizeHint(IcetMessage message) {
        return switch (message.type()) {
            case PUBLISH -> 352 + 64 * ((Publish) message).manifest().pieceCount();
            case JOINED -> 352 + 64 * ((Joined) message).manifest().pieceCount();
            case ASSIGN -> 32 + FrameReader.ASSIGN_ENTRY_SIZE * ((Assign) message).entries().size();
            case ANNOUNCE -> announceSize((Announce) message);
            case PEERS -> 16 + 64 * ((Peers) message).peers().size();
            case METADATA -> 160 + 3 * (((Metadata) message).title().length() + ((Metadata) message).artist().length());
            default -> 64;
        };
    }

    private void payload(IcetMessage message) {
        switch (message.type()) {
            case HELLO -> {
                Hello m = (Hello) message;
                u8(m.version());
                u8(m.role().code());
                bytes(m.peerId().toBytes());
                string(m.host());
                u16(m.listenPort());
                string(m.agent());
                if (m.version() >= 2) {
                    endpoints(m.endpoints());
                }
                if (m.version() >= 3) {
                    bytes8(m.publicKey());
                    bytes8(m.nonce());
                }
            }
            case AUTH -> bytes8(((Auth) message).signature());
            case ERROR -> {
                ErrorReport m = (ErrorReport) message;
                u8(m.code().code());
                string(m.message());
            }
            case PING -> i64(((Ping) message).nonce());
            case PONG -> i64(((Pong) message).nonce());
            case PUBLISH -> manifest(((Publish) message).manifest());
            case PUBLISHED -> {
                Published m = (Published) message;
                bytes(m.content().toBytes());
                string(m.name());
            }
            case JOIN -> string(((Join) message).name());
            case JOINED -> manifest(((Joined) message).manifest());
            case ASSIGN -> {
                Assign m = (Assign) message;
                bytes(m.content().toBytes());
                u32(m.entries().size());
                for (Assign.Entry e : m.entries()) {
                    u32(e.piece());
                    bytes(e.source().toBytes());
                    u32(e.availability());
                }
            }
            case PEERS -> {
                List<PeerInfo> peers = ((Peers) message).peers();
                u32(peers.size());
                for (PeerInfo p : peers) {
                    bytes(p.id().toBytes());
                    string(p.host());
                    u16(p.port());
                    endpoints(p.endpoints());
                }
            }
            case VERIFIED -> {
                Verified m = (Verified) message;
                bytes(m.content().toBytes());
                u32(m.piece());
                bytes(m.source().toBytes());
                bytes8(m.digest());
            }
            case BAD_PIECE -> {
                BadPiece m = (BadPiece) message;
                bytes(m.content().toBytes());
                u32(m.piece());
                bytes(m.source().toBytes());
                string(m.reason());
            }
            case FETCH_FAILED -> {
                FetchFailed m = (FetchFailed) message;
                bytes(m.content().toBytes());
                u32(m.piece());
                bytes(m.source().toBytes());
                string(m.reason());
            }
            case LEAVE -> bytes(((Leave) message).content().toBytes());
            case REVOKE -> {
                Revoke m = (Revoke) message;
                bytes(m.content().toBytes());
                bytes(m.source().toBytes());
                string(m.reason());
            }
            case ANNOUNCE -> announce((Announce) message);
            case RATES -> {
                Rates m = (Rates) message;
                i64(m.uploadCap());
                i64(m.downloadCap());
                i64(m.uploadRate());
                i64(m.downloadRate());
            }
            case METADATA -> {
                Metadata m = (Metadata) message;
                bytes(m.content().toBytes());
                i64(m.micros());
                string(m.title());
                string(m.artist());
                signature(m.signature(), m);
            }
            case SEEK -> {
                Seek m = (Seek) message;
                bytes(m.content().toBytes());
                i64(m.micros());
                u32(m.piece());
            }
            case REQUEST -> {
                Request m = (Request) message;
                bytes(m.content().toBytes());
                u32(m.piece());
                if (m.priority() != Request.NORMAL) {
                    u8(m.priority()); // version 5; a NORMAL request is the version 4 frame
                }
            }
            case REJECT -> {
                Reject m = (Reject) message;
                bytes(m.content().toBytes());
                u32(m.piece());
                u8(m.code().code());
                string(m.reason());
            }
            case CANCEL -> {
                Cancel m = (Cancel) message;
                bytes(m.content().toBytes());
                u32(m.piece());
            }
            case PIECE -> throw new IllegalStateException("a Piece is encoded by IcetCodec.encode");
        }
    }

    /**
     * The piece table carries each piece's length, hash, time, start-point flag and link; index and
     * offset follow from the order and from the lengths before it. The chain links follow.
     */
    private void manifest(Manifest m) {
        bytes(m.id().toBytes());
        string(m.name());
        string(m.mediaType());
        string(m.format());
        string(m.verifier());
        u8(m.live() ? 1 : 0);
        if (m.live()) {
            i64(m.windowMicros());
            signature(m);
            return;
        }
        i64(m.length());
        u32(m.headerPieces());
        u32(m.pieceCount());
        for (PieceInfo p : m.pieces()) {
            u32(p.length());
            bytes8(p.hash());
            timing(p);
        }
        u32(m.links().size());
        for (ChainLink l : m.links()) {
            link(l);
        }
        signature(m);
    }

    /** Version 4: the publisher's raw key (32 bytes) and its signature (64 bytes); an unsigned manifest is a bug. */
    private void signature(Manifest m) {
        if (!m.isSigned()) {
            throw new IllegalArgumentException("IceT 4 carries signed manifests only: " + m + " is unsigned");
        }
        bytes(m.publisherKey());
        bytes(m.signature());
    }

    private void signature(byte[] signature, Object what) {
        if (signature.length != Signatures.SIGNATURE_LENGTH) {
            throw new IllegalArgumentException("IceT 4 carries signed announcements only: " + what + " is unsigned");
        }
        bytes(signature);
    }

    /** What a piece entry carries after its hash: start, end, start-point flag, link. */
    private void timing(PieceInfo p) {
        i64(p.startMicros());
        i64(p.endMicros());
        u8(p.startPoint() ? 1 : 0);
        u32(p.link());
    }

    private void link(ChainLink l) {
        u32(l.firstPiece());
        u32(l.headerPieces());
        i64(l.startMicros());
        i64(l.endMicros());
        string(l.codecs());
    }

    /** Live pieces carry their absolute index and stream offset, then what a manifest entry carries. */
    private void announce(Announce a) {
        bytes(a.content().toBytes());
        u8(a.onAir() ? 1 : 0);
        u32(a.links().size());
        for (Announce.Link l : a.links()) {
            u32(l.link().index());
            link(l.link());
            ByteBuffer headers = l.headers();
            u32(headers.remaining());
            bytes(headers);
            signature(l.signature(), l);
        }
        u32(a.entries().size());
        for (Announce.Entry e : a.entries()) {
            PieceInfo p = e.piece();
            u32(p.index());
            i64(p.offset());
            u32(p.length());
            bytes8(p.hash());
            timing(p);
            i64(e.cutMillis());
            signature(e.signature(), e);
        }
    }

    /** A u8 count, then each endpoint: u8 name length, the ASCII name, u16 port. */
    private void endpoints(List<Endpoint> endpoints) {
        u8(endpoints.size());
        for (Endpoint e : endpoints) {
            bytes8(e.transport().getBytes(StandardCharsets.US_ASCII));
            u16(e.port());
        }
    }

    /** u16 byte length, then UTF-8. The API records already hold every string to {@link IcetMessage#MAX_STRING} bytes. */
    private void string(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > IcetMessage.MAX_STRING) {
            throw new IllegalArgumentException("string of " + utf8.length + " UTF-8 bytes exceeds "
                    + IcetMessage.MAX_STRING);
        }
        u16(utf8.length);
        bytes(utf8);
    }

    /** u8 length, then the bytes (digests, hashes, endpoint names). */
    private void bytes8(byte[] b) {
        u8(b.length);
        bytes(b);
    }

    private void ensure(int n) {
        if (buf.length - pos < n) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
        }
    }

    private void u8(int v) {
        ensure(1);
        buf[pos++] = (byte) v;
    }

    private void u16(int v) {
        ensure(2);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
    }

    private void u32(int v) {
        ensure(4);
        buf[pos++] = (byte) (v >>> 24);
        buf[pos++] = (byte) (v >>> 16);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
    }

    private void i64(long v) {
        u32((int) (v >>> 32));
        u32((int) v);
    }

    private void bytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
    }

    /** Copies the buffer's remaining bytes, moving its position. */
    private void bytes(ByteBuffer b) {
        int n = b.remaining();
        ensure(n);
        b.get(buf, pos, n);
        pos += n;
    }
}
