package org.iceshare.api.swarm;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One piece of a content: its index, where it lies in the content, its length and its
 * authoritative hash. For Ogg content a piece is always a run of whole pages.
 */
public final class PieceInfo {
    /** Largest piece the protocol carries: 4 MiB. */
    public static final int MAX_LENGTH = 4 * 1024 * 1024;

    private final int index;
    private final long offset;
    private final int length;
    private final byte[] hash;

    public PieceInfo(int index, long offset, int length, byte[] hash) {
        if (index < 0) {
            throw new IllegalArgumentException("piece index must be >= 0: " + index);
        }
        if (offset < 0) {
            throw new IllegalArgumentException("piece offset must be >= 0: " + offset);
        }
        if (length <= 0 || length > MAX_LENGTH) {
            throw new IllegalArgumentException("piece length must be in 1.." + MAX_LENGTH + ": " + length);
        }
        if (hash == null || hash.length == 0 || hash.length > 64) {
            throw new IllegalArgumentException("piece hash must be 1..64 bytes");
        }
        this.index = index;
        this.offset = offset;
        this.length = length;
        this.hash = hash.clone();
    }

    public int index() {
        return index;
    }

    public long offset() {
        return offset;
    }

    public int length() {
        return length;
    }

    /** Offset just past the piece. */
    public long end() {
        return offset + length;
    }

    /** A copy of the hash. */
    public byte[] hash() {
        return hash.clone();
    }

    /** The hash without a copy, for package-internal digesting. */
    byte[] hashBytes() {
        return hash;
    }

    /** Compares a digest with this piece's hash in constant time. */
    public boolean hashEquals(byte[] digest) {
        return digest != null && java.security.MessageDigest.isEqual(hash, digest);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PieceInfo p && p.index == index && p.offset == offset && p.length == length
                && Arrays.equals(p.hash, hash);
    }

    @Override
    public int hashCode() {
        return index * 31 + Arrays.hashCode(hash);
    }

    @Override
    public String toString() {
        return "piece " + index + " @" + offset + "+" + length + " " + HexFormat.of().formatHex(hash, 0, Math.min(4, hash.length));
    }
}
