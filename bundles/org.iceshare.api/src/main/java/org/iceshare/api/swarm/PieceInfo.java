package org.iceshare.api.swarm;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One piece of a content: its index, where it lies in the content, its length and its
 * authoritative hash. For Ogg content a piece is always a run of whole pages.
 *
 * <p>Media that know time also say when the piece plays ({@link #startMicros()} to
 * {@link #endMicros()}, presentation time from the start of the content, -1 when unknown), whether a
 * decoder can start at its first byte once it has its chain link's headers ({@link #startPoint()}),
 * and which chain link it belongs to ({@link #link()}).
 */
public final class PieceInfo {
    /** Largest piece the protocol carries: 4 MiB. */
    public static final int MAX_LENGTH = 4 * 1024 * 1024;

    private final int index;
    private final long offset;
    private final int length;
    private final byte[] hash;
    private final long startMicros;
    private final long endMicros;
    private final boolean startPoint;
    private final int link;

    /** A piece without time: times unknown, not a start point, in link 0. */
    public PieceInfo(int index, long offset, int length, byte[] hash) {
        this(index, offset, length, hash, -1, -1, false, 0);
    }

    /**
     * A piece that knows its time.
     *
     * @param startMicros presentation time of its first sample or frame, or -1 when unknown
     * @param endMicros presentation time just after its last one, or -1 when unknown
     * @param startPoint true when a decoder that has the link's headers can start at the piece's first byte
     * @param link the chain link the piece belongs to (0 for unchained content)
     * @since 1.1
     */
    public PieceInfo(int index, long offset, int length, byte[] hash, long startMicros, long endMicros,
            boolean startPoint, int link) {
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
        if (startMicros < -1 || endMicros < -1 || (startMicros >= 0 && endMicros >= 0 && endMicros < startMicros)) {
            throw new IllegalArgumentException("piece " + index + " has a bad time range " + startMicros + ".."
                    + endMicros);
        }
        if (link < 0) {
            throw new IllegalArgumentException("link must be >= 0: " + link);
        }
        this.startMicros = startMicros;
        this.endMicros = endMicros;
        this.startPoint = startPoint;
        this.link = link;
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

    /** Presentation time of the piece's first sample or frame in microseconds, or -1. @since 1.1 */
    public long startMicros() {
        return startMicros;
    }

    /** Presentation time just after the piece's last sample or frame in microseconds, or -1. @since 1.1 */
    public long endMicros() {
        return endMicros;
    }

    /** True when the piece's start and end times are known. @since 1.1 */
    public boolean hasTime() {
        return startMicros >= 0 && endMicros >= 0;
    }

    /** True when a decoder holding the link's headers can start at this piece's first byte. @since 1.1 */
    public boolean startPoint() {
        return startPoint;
    }

    /** The chain link this piece belongs to. @since 1.1 */
    public int link() {
        return link;
    }

    /** Compares a digest with this piece's hash in constant time. */
    public boolean hashEquals(byte[] digest) {
        return digest != null && java.security.MessageDigest.isEqual(hash, digest);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PieceInfo p && p.index == index && p.offset == offset && p.length == length
                && Arrays.equals(p.hash, hash) && p.startMicros == startMicros && p.endMicros == endMicros
                && p.startPoint == startPoint && p.link == link;
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
