package org.iceshare.api.codec;

import org.iceshare.api.swarm.Endpoint;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;

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
import org.iceshare.api.icet.Revoke;
import org.iceshare.api.icet.Role;
import org.iceshare.api.icet.Verified;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.swarm.PeerInfo;
import org.iceshare.api.swarm.PieceInfo;
import org.iceshare.api.swarm.Signatures;


/** Realistic messages of every type, and helpers to build raw frames by hand. */
final class Samples {
    static final PeerId ALICE = PeerId.parse("a11ce000000000000000000000000001");
    static final PeerId BOB = PeerId.parse("b0b00000000000000000000000000002");
    static final PeerId TRACKER = PeerId.parse("7ac4e700000000000000000000000003");
    /** A 32-byte public key (any 32 bytes do for the codec) and its id, and a nonce: for version 3 HELLOs. */
    static final byte[] KEY = sha256("alice's public key");
    static final PeerId KEY_ID = PeerId.ofPublicKey(KEY);
    static final byte[] NONCE = sha256("a nonce");

    /** The publisher's Ed25519 key pair: IceT 4 carries signed manifests and announcements only. */
    static final KeyPair PUBLISHER = keyPair();
    static final byte[] PUBLISHER_KEY = rawKey(PUBLISHER);

    /** A 40 MiB Ogg file cut into 160 pieces of 256 KiB, SHA-256 hashes, two header pieces, signed. */
    static final Manifest MANIFEST = signed(manifest("concert-2024.ogg", 160, 256 * 1024, 2));
    static final ContentId CONTENT = MANIFEST.id();

    private Samples() {
    }

    static Manifest manifest(String name, int count, int pieceLength, int headerPieces) {
        List<PieceInfo> pieces = new ArrayList<>(count);
        long offset = 0;
        for (int i = 0; i < count; i++) {
            int length = i == count - 1 ? pieceLength / 2 + 17 : pieceLength;
            pieces.add(new PieceInfo(i, offset, length, sha256("piece " + i)));
            offset += length;
        }
        return Manifest.derived(name, "audio/ogg", "ogg", "sha-256", offset, headerPieces, pieces);
    }

    static KeyPair keyPair() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The raw 32 bytes of an Ed25519 public key: the end of its X.509 encoding. */
    static byte[] rawKey(KeyPair pair) {
        byte[] x509 = pair.getPublic().getEncoded();
        return java.util.Arrays.copyOfRange(x509, x509.length - 32, x509.length);
    }

    static byte[] sign(KeyPair pair, byte[] message) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(pair.getPrivate());
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The manifest signed by {@link #PUBLISHER}. */
    static Manifest signed(Manifest m) {
        return m.signed(PUBLISHER_KEY, sign(PUBLISHER, m.signedBytes(PUBLISHER_KEY)));
    }

    static Announce.Entry signed(ContentId content, Announce.Entry e) {
        return e.signed(sign(PUBLISHER, Signatures.livePiece(content, e.piece())));
    }

    static Announce.Link signed(ContentId content, Announce.Link l) {
        return l.signed(sign(PUBLISHER, Signatures.liveLink(content, l.link(), l.headers())));
    }

    static org.iceshare.api.icet.Metadata signed(org.iceshare.api.icet.Metadata m) {
        return m.signed(sign(PUBLISHER, m.signable()));
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static ByteBuffer data(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return ByteBuffer.wrap(b);
    }

    /** One realistic message of every type, in MessageType order. */
    static List<IcetMessage> all() {
        List<Assign.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 160; i++) {
            entries.add(new Assign.Entry(i, i % 3 == 0 ? ALICE : BOB, 1 + i % 5));
        }
        List<IcetMessage> all = List.of(
                new Hello(4, Role.CLIENT, KEY_ID, "peer-a.example.org", 7741, "IceShare/0.2.0 (Karaf 4.4.10)",
                        List.of(new Endpoint("tcp", 7741), new Endpoint("tls", 7751)), KEY, NONCE),
                new ErrorReport(ErrorCode.UNKNOWN_CONTENT, "no content named 'concert-2023.ogg'"),
                new Ping(0x0123456789abcdefL),
                new Pong(-42L),
                new org.iceshare.api.icet.Auth(java.util.Arrays.copyOf(sha256("signature"), 64)),
                new Publish(MANIFEST),
                new Published(CONTENT, MANIFEST.name()),
                new Join("concert-2024.ogg"),
                new Joined(MANIFEST),
                new Assign(CONTENT, entries),
                new Peers(List.of(PeerInfo.of(ALICE, "10.0.0.17", List.of(new Endpoint("tcp", 7741))), PeerInfo.of(BOB, "2001:db8::2", List.of(new Endpoint("tcp", 7742))),
                        PeerInfo.of(TRACKER, "tracker.iceshare.example", List.of(new Endpoint("tcp", 7740))))),
                new Verified(CONTENT, 17, BOB, sha256("piece 17")),
                new BadPiece(CONTENT, 18, BOB, "sha-256 mismatch: got 5e884898, expected 9f86d081"),
                new FetchFailed(CONTENT, 19, ALICE, "connect timed out after 10000 ms"),
                new Leave(CONTENT),
                new Revoke(CONTENT, BOB, "banned: served a corrupt piece"),
                org.iceshare.api.icet.Seek.toTime(CONTENT, 95_500_000L),
                new Announce(CONTENT, List.of(
                        signed(CONTENT, new Announce.Entry(new PieceInfo(1200, 9_600_000L, 4096, sha256("h"),
                                -1, -1, false, 3), 1_764_230_000_000L)),
                        signed(CONTENT, new Announce.Entry(new PieceInfo(1201, 9_604_096L, 8000, sha256("d"),
                                600_000_000L, 600_500_000L, true, 3), 1_764_230_000_500L))),
                        List.of(signed(CONTENT, new Announce.Link(new org.iceshare.api.swarm.ChainLink(3, 1200, 0,
                                600_000_000L, -1, "vorbis"), data(4200, 3)))), true),
                new org.iceshare.api.icet.Rates(2_500_000L, 0L, 1_234_567L, 987_654L),
                signed(new org.iceshare.api.icet.Metadata(CONTENT, 612_345_678L, "Nachtmusik – Satz 2", "Orchester")),
                new Request(CONTENT, 42),
                new Piece(CONTENT, 42, data(256 * 1024, 42)),
                new Reject(CONTENT, 43, ErrorCode.BUSY, "12 uploads in progress, limit 12"),
                new Cancel(CONTENT, 43));
        if (all.size() != MessageType.values().length) {
            throw new IllegalStateException("a sample is missing");
        }
        return all;
    }

    /** A frame body (type byte + payload) from bytes and ints (each int is one byte). */
    static ByteBuffer body(int type, Object... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(type);
        for (Object p : parts) {
            write(b, p);
        }
        return ByteBuffer.wrap(b.toByteArray());
    }

    private static void write(ByteArrayOutputStream b, Object p) {
        if (p instanceof Integer i) {
            b.write(i);
        } else if (p instanceof byte[] bytes) {
            b.writeBytes(bytes);
        } else if (p instanceof ContentId c) {
            b.writeBytes(c.toBytes());
        } else if (p instanceof PeerId c) {
            b.writeBytes(c.toBytes());
        } else if (p instanceof String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            b.writeBytes(u16(utf8.length));
            b.writeBytes(utf8);
        } else if (p instanceof Object[] nested) {
            for (Object n : nested) {
                write(b, n);
            }
        } else {
            throw new IllegalArgumentException("cannot write " + p);
        }
    }

    static byte[] u16(int v) {
        return new byte[] {(byte) (v >>> 8), (byte) v};
    }

    static byte[] u32(long v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    /** 16 bytes: twelve zeros and {@code v} big-endian, for distinct ids. */
    static byte[] u32s(int v) {
        byte[] b = new byte[16];
        System.arraycopy(u32(v), 0, b, 12, 4);
        return b;
    }

    static byte[] u64(long v) {
        byte[] b = new byte[8];
        for (int i = 7; i >= 0; i--) {
            b[i] = (byte) v;
            v >>>= 8;
        }
        return b;
    }

    /** The whole encoded frame (length field included) as one array. */
    static byte[] frame(IcetMessage message) {
        ByteBuffer all = IcetCodec.encode(message).copy();
        byte[] b = new byte[all.remaining()];
        all.get(b);
        return b;
    }

    /** The encoded frame without its length field: what {@link IcetCodec#decode} takes. */
    static ByteBuffer frameBody(IcetMessage message) {
        byte[] frame = frame(message);
        return ByteBuffer.wrap(frame, Framing.LENGTH_FIELD_SIZE, frame.length - Framing.LENGTH_FIELD_SIZE).slice();
    }
}
