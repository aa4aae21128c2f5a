package org.iceshare.api.swarm;

import java.util.List;
import java.util.Objects;

/**
 * Everything a peer needs to fetch a file content: its id and name, its media type and format, the
 * verifier algorithm, and the piece table with the authoritative hashes. The tracker holds the
 * authoritative copy; a joining client receives it in a {@code Joined} message.
 *
 * <p>The pieces tile the content exactly: piece {@code i} starts where piece {@code i-1} ends, and
 * the last one ends at {@link #length()}. The first {@link #headerPieces()} pieces hold the stream
 * headers a player needs before anything else.
 */
public final class Manifest {
    /** At most this many pieces per content (64 MiB at 256 KiB is 256 pieces; 16 GiB is 65,536). */
    public static final int MAX_PIECES = 65_536;
    public static final int MAX_NAME_LENGTH = 255;

    private final ContentId id;
    private final String name;
    private final String mediaType;
    private final String format;
    private final String verifier;
    private final long length;
    private final int headerPieces;
    private final List<PieceInfo> pieces;

    public Manifest(ContentId id, String name, String mediaType, String format, String verifier, long length,
            int headerPieces, List<PieceInfo> pieces) {
        this.id = Objects.requireNonNull(id, "id");
        this.name = checkName(name);
        this.mediaType = requireText(mediaType, "media type");
        this.format = requireText(format, "format");
        this.verifier = requireText(verifier, "verifier");
        this.pieces = List.copyOf(Objects.requireNonNull(pieces, "pieces"));
        if (this.pieces.isEmpty() || this.pieces.size() > MAX_PIECES) {
            throw new IllegalArgumentException("a manifest needs 1.." + MAX_PIECES + " pieces, got " + this.pieces.size());
        }
        long expected = 0;
        for (int i = 0; i < this.pieces.size(); i++) {
            PieceInfo p = this.pieces.get(i);
            if (p.index() != i || p.offset() != expected) {
                throw new IllegalArgumentException("pieces must tile the content: " + p + " at position " + i
                        + " should start at " + expected);
            }
            expected = p.end();
        }
        if (expected != length) {
            throw new IllegalArgumentException("pieces cover " + expected + " bytes but the content has " + length);
        }
        if (headerPieces < 0 || headerPieces > this.pieces.size()) {
            throw new IllegalArgumentException("header pieces out of range: " + headerPieces);
        }
        this.length = length;
        this.headerPieces = headerPieces;
    }

    /** Builds a manifest whose id is {@link ContentId#derive derived} from its contents. */
    public static Manifest derived(String name, String mediaType, String format, String verifier, long length,
            int headerPieces, List<PieceInfo> pieces) {
        return new Manifest(ContentId.derive(name, length, verifier, pieces), name, mediaType, format, verifier, length,
                headerPieces, pieces);
    }

    /** A content name is a single URL path segment: 1..255 characters of [A-Za-z0-9._-]. */
    public static String checkName(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("content name must be 1.." + MAX_NAME_LENGTH + " characters: " + name);
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
                    || c == '_' || c == '-';
            if (!ok) {
                throw new IllegalArgumentException("content name may hold only letters, digits, '.', '_' and '-': "
                        + name);
            }
        }
        if (name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("content name must not be '.' or '..'");
        }
        return name;
    }

    private static String requireText(String s, String what) {
        if (s == null || s.isBlank() || s.length() > 255) {
            throw new IllegalArgumentException(what + " must be 1..255 characters");
        }
        return s;
    }

    /** True when this manifest was derived from its contents, so its id can be trusted. */
    public boolean idMatchesContents() {
        return id.equals(ContentId.derive(name, length, verifier, pieces));
    }

    public ContentId id() {
        return id;
    }

    public String name() {
        return name;
    }

    public String mediaType() {
        return mediaType;
    }

    public String format() {
        return format;
    }

    public String verifier() {
        return verifier;
    }

    public long length() {
        return length;
    }

    public int headerPieces() {
        return headerPieces;
    }

    public int pieceCount() {
        return pieces.size();
    }

    public PieceInfo piece(int index) {
        return pieces.get(index);
    }

    public List<PieceInfo> pieces() {
        return pieces;
    }

    /** The index of the piece holding the byte at {@code offset}, by binary search. */
    public int pieceAt(long offset) {
        if (offset < 0 || offset >= length) {
            throw new IndexOutOfBoundsException("offset " + offset + " outside 0.." + length);
        }
        int lo = 0;
        int hi = pieces.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (pieces.get(mid).offset() <= offset) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Manifest m && m.id.equals(id) && m.name.equals(name) && m.mediaType.equals(mediaType)
                && m.format.equals(format) && m.verifier.equals(verifier) && m.length == length
                && m.headerPieces == headerPieces && m.pieces.equals(pieces);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "Manifest[" + name + " " + id.shortHex() + ", " + length + " bytes, " + pieces.size() + " pieces]";
    }
}
