package org.iceshare.api.swarm;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * What a publisher signs, and the check of its Ed25519 signatures (IceT version 4). A publisher signs
 * its manifest ({@link Manifest#signedBytes(byte[])}) and, for a live stream, every piece and chain
 * link it announces ({@link #livePiece}, {@link #liveLink}), so that peers can check what a tracker
 * passes on without trusting the tracker. Every signed byte string starts with its own ASCII tag, so a
 * signature of one kind never passes for another. Encodings are big-endian, as on the wire.
 *
 * <p>The JDK provides Ed25519 (JDK 15 and later); nothing else is involved.
 *
 * @since 1.6
 */
public final class Signatures {
    /** A raw Ed25519 public key is 32 bytes. */
    public static final int KEY_LENGTH = 32;
    /** An Ed25519 signature is 64 bytes. */
    public static final int SIGNATURE_LENGTH = 64;

    static final String MANIFEST_TAG = "IceT manifest v4";
    static final String PIECE_TAG = "IceT live piece v4";
    static final String LINK_TAG = "IceT live link v4";

    /** The X.509 SubjectPublicKeyInfo header of an Ed25519 key: the raw 32 bytes follow it. */
    private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private Signatures() {
    }

    /**
     * True when {@code signature} is the Ed25519 signature of {@code message} by the raw public key;
     * false for any bad input (wrong sizes, a key that is not a curve point).
     */
    public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        if (publicKey == null || publicKey.length != KEY_LENGTH || signature == null
                || signature.length != SIGNATURE_LENGTH || message == null) {
            return false;
        }
        try {
            byte[] x509 = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + KEY_LENGTH);
            System.arraycopy(publicKey, 0, x509, X509_PREFIX.length, KEY_LENGTH);
            PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(x509));
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(message);
            return s.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * The bytes a live source signs for one announced piece: the ASCII tag {@code IceT live piece v4},
     * the content id (16 bytes), then the piece as an ANNOUNCE entry carries it: index (u32), stream
     * offset (u64), length (u32), hash (u8 length, then the hash), startMicros, endMicros (i64), flags
     * (u8, bit 0 start point), link (u32). The cut time is not signed: it only feeds latency figures.
     */
    public static byte[] livePiece(ContentId content, PieceInfo piece) {
        Out out = new Out(128);
        out.ascii(PIECE_TAG);
        out.bytes(content.toBytes());
        out.u32(piece.index());
        out.i64(piece.offset());
        out.u32(piece.length());
        out.bytes8(piece.hash());
        out.i64(piece.startMicros());
        out.i64(piece.endMicros());
        out.u8(piece.startPoint() ? 1 : 0);
        out.u32(piece.link());
        return out.toByteArray();
    }

    /**
     * The bytes a live source signs for one chain link: the ASCII tag {@code IceT live link v4}, the
     * content id (16 bytes), the link's index (u32), the link as a manifest's link entry carries it
     * (firstPiece, headerPieces as u32, startMicros, endMicros as i64, codecs as u16 length and UTF-8),
     * then the 32-byte SHA-256 of its header pages. The headers themselves are covered by their digest.
     *
     * @param headers the link's header pages (read from position to limit, not moved)
     */
    public static byte[] liveLink(ContentId content, ChainLink link, ByteBuffer headers) {
        Out out = new Out(128);
        out.ascii(LINK_TAG);
        out.bytes(content.toBytes());
        out.u32(link.index());
        out.link(link);
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(headers.duplicate());
            out.bytes(sha.digest());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
        return out.toByteArray();
    }

    static byte[] checkedKey(byte[] key) {
        if (key == null || key.length != KEY_LENGTH) {
            throw new IllegalArgumentException("a publisher key is " + KEY_LENGTH + " bytes, got "
                    + (key == null ? "none" : key.length));
        }
        return key.clone();
    }

    /**
     * A signature's size check.
     *
     * @throws IllegalArgumentException unless it is {@value #SIGNATURE_LENGTH} bytes
     */
    public static byte[] checkedSignature(byte[] signature) {
        if (signature == null || signature.length != SIGNATURE_LENGTH) {
            throw new IllegalArgumentException("a signature is " + SIGNATURE_LENGTH + " bytes, got "
                    + (signature == null ? "none" : signature.length));
        }
        return signature.clone();
    }

    /** A growing big-endian byte array, laid out like the wire. */
    static final class Out {
        private byte[] buf;
        private int pos;

        Out(int capacity) {
            buf = new byte[capacity];
        }

        void ascii(String s) {
            bytes(s.getBytes(StandardCharsets.US_ASCII));
        }

        void string(String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            u16(utf8.length);
            bytes(utf8);
        }

        void link(ChainLink l) {
            u32(l.firstPiece());
            u32(l.headerPieces());
            i64(l.startMicros());
            i64(l.endMicros());
            string(l.codecs());
        }

        void bytes8(byte[] b) {
            u8(b.length);
            bytes(b);
        }

        void u8(int v) {
            ensure(1);
            buf[pos++] = (byte) v;
        }

        void u16(int v) {
            u8(v >>> 8);
            u8(v);
        }

        void u32(int v) {
            u16(v >>> 16);
            u16(v);
        }

        void i64(long v) {
            u32((int) (v >>> 32));
            u32((int) v);
        }

        void bytes(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, buf, pos, b.length);
            pos += b.length;
        }

        private void ensure(int n) {
            if (buf.length - pos < n) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
            }
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, pos);
        }
    }
}
