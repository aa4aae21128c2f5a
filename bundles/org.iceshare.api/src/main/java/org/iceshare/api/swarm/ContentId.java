package org.iceshare.api.swarm;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;

/**
 * Identifies one content (a file or a live stream) across the swarm: 16 bytes, shown as 32 hex
 * digits. For a file it is derived from its manifest, so the same bytes cut the same way always
 * get the same id.
 */
public final class ContentId implements Comparable<ContentId> {
    public static final int LENGTH = 16;

    private final byte[] bytes;
    private final int hash;

    private ContentId(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    public static ContentId of(byte[] bytes) {
        return new ContentId(Ids.checked(bytes, LENGTH, "content id"));
    }

    public static ContentId parse(String hex) {
        return new ContentId(Ids.fromHex(hex, LENGTH, "content id"));
    }

    /** A fresh random id, as a live source takes for each stream it starts. @since 1.2 */
    public static ContentId random() {
        byte[] b = new byte[LENGTH];
        new java.security.SecureRandom().nextBytes(b);
        return new ContentId(b);
    }

    /**
     * Derives the id of a file content: the first 16 bytes of SHA-256 over its name, length,
     * verifier algorithm and piece table (offset, length and hash of every piece).
     */
    public static ContentId derive(String name, long length, String verifier, List<PieceInfo> pieces) {
        return derive(name, length, verifier, pieces, List.of(ChainLink.untimed(0, 0, 0)));
    }

    /**
     * Derives the id of a file content from everything its manifest says: name, length, verifier
     * algorithm, every piece (offset, length, hash, time, start-point flag, link) and every chain link.
     * A manifest whose id matches is exactly the one its publisher made.
     *
     * @since 1.1
     */
    public static ContentId derive(String name, long length, String verifier, List<PieceInfo> pieces,
            List<ChainLink> links) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(name.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(verifier.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(longBytes(length));
            for (PieceInfo p : pieces) {
                md.update(longBytes(p.offset()));
                md.update(longBytes(p.length()));
                md.update(p.hashBytes());
                if (p.hasTime() || p.startPoint() || p.link() != 0) {
                    md.update(longBytes(p.startMicros()));
                    md.update(longBytes(p.endMicros()));
                    md.update(longBytes(p.startPoint() ? 1 : 0));
                    md.update(longBytes(p.link()));
                }
            }
            for (ChainLink l : links) {
                if (!l.equals(ChainLink.untimed(0, 0, 0))) {
                    md.update(longBytes(l.firstPiece()));
                    md.update(longBytes(l.headerPieces()));
                    md.update(longBytes(l.startMicros()));
                    md.update(longBytes(l.endMicros()));
                    md.update(l.codecs().getBytes(StandardCharsets.UTF_8));
                    md.update((byte) 0);
                }
            }
            return new ContentId(Arrays.copyOf(md.digest(), LENGTH));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    private static byte[] longBytes(long v) {
        byte[] b = new byte[8];
        for (int i = 7; i >= 0; i--) {
            b[i] = (byte) v;
            v >>>= 8;
        }
        return b;
    }

    /** A copy of the 16 bytes. */
    public byte[] toBytes() {
        return bytes.clone();
    }

    public String toHex() {
        return Ids.toHex(bytes);
    }

    /** The first 8 hex digits, for logs and tables. */
    public String shortHex() {
        return toHex().substring(0, 8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ContentId other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public int compareTo(ContentId o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public String toString() {
        return toHex();
    }
}
