package org.iceshare.api.swarm;

import java.util.List;
import java.util.Objects;

/**
 * Everything a peer needs to fetch a file content: its id and name, its media type and format, the
 * verifier algorithm, and the piece table with the authoritative hashes. The tracker holds the
 * authoritative copy; a joining client receives it in a {@code Joined} message.
 *
 * <p>The pieces tile the content exactly: piece {@code i} starts where piece {@code i-1} ends, and
 * the last one ends at {@link #length()}. The content is one or more {@linkplain ChainLink chain
 * links}; each link's first pieces hold its stream headers, which a player needs before its data. When
 * the pieces know their time, {@link #seek(long)} finds where playback for a time starts: the seek
 * index, held by the tracker with the rest of the manifest.
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
    private final List<ChainLink> links;
    private final long windowMicros;
    /** The publisher's raw Ed25519 public key and its signature of {@link #signedBytes()}; empty when unsigned. */
    private final byte[] publisherKey;
    private final byte[] signature;

    /** A manifest of one chain link whose first {@code headerPieces} pieces hold the headers. */
    public Manifest(ContentId id, String name, String mediaType, String format, String verifier, long length,
            int headerPieces, List<PieceInfo> pieces) {
        this(id, name, mediaType, format, verifier, length, pieces, List.of(ChainLink.untimed(0, 0, headerPieces)));
    }

    /**
     * A manifest of one or more chain links.
     *
     * @since 1.1
     */
    public Manifest(ContentId id, String name, String mediaType, String format, String verifier, long length,
            List<PieceInfo> pieces, List<ChainLink> links) {
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
        this.links = List.copyOf(Objects.requireNonNull(links, "links"));
        checkLinks(this.pieces, this.links);
        this.length = length;
        this.headerPieces = this.links.get(0).headerPieces();
        this.windowMicros = 0;
        this.publisherKey = NONE;
        this.signature = NONE;
    }

    /** A live stream: no pieces yet, they arrive in announcements. */
    private Manifest(ContentId id, String name, String mediaType, String format, String verifier, long windowMicros) {
        this.id = Objects.requireNonNull(id, "id");
        this.name = checkName(name);
        this.mediaType = requireText(mediaType, "media type");
        this.format = requireText(format, "format");
        this.verifier = requireText(verifier, "verifier");
        if (windowMicros <= 0) {
            throw new IllegalArgumentException("a live window must be longer than 0: " + windowMicros);
        }
        this.pieces = List.of();
        this.links = List.of();
        this.length = -1;
        this.headerPieces = 0;
        this.windowMicros = windowMicros;
        this.publisherKey = NONE;
        this.signature = NONE;
    }

    /** A copy of {@code m} with a publisher key and signature (checked for size only). */
    private Manifest(Manifest m, byte[] publisherKey, byte[] signature) {
        this.id = m.id;
        this.name = m.name;
        this.mediaType = m.mediaType;
        this.format = m.format;
        this.verifier = m.verifier;
        this.pieces = m.pieces;
        this.links = m.links;
        this.length = m.length;
        this.headerPieces = m.headerPieces;
        this.windowMicros = m.windowMicros;
        this.publisherKey = Signatures.checkedKey(publisherKey);
        this.signature = Signatures.checkedSignature(signature);
    }

    private static final byte[] NONE = new byte[0];

    /**
     * The manifest of a live stream: its identity and format, and how much of it peers keep (the
     * sliding window). It lists no pieces: they are announced as the source cuts them
     * ({@link org.iceshare.api.icet.Announce}), each with its absolute index, stream offset, hash,
     * time and link.
     *
     * @since 1.2
     */
    public static Manifest live(ContentId id, String name, String mediaType, String format, String verifier,
            long windowMicros) {
        return new Manifest(id, name, mediaType, format, verifier, windowMicros);
    }

    private static void checkLinks(List<PieceInfo> pieces, List<ChainLink> links) {
        if (links.isEmpty() || links.size() > pieces.size()) {
            throw new IllegalArgumentException("a manifest needs 1.." + pieces.size() + " chain links, got "
                    + links.size());
        }
        for (int k = 0; k < links.size(); k++) {
            ChainLink l = links.get(k);
            int end = k + 1 < links.size() ? links.get(k + 1).firstPiece() : pieces.size();
            if (l.index() != k || (k == 0 && l.firstPiece() != 0) || l.firstPiece() >= end
                    || l.firstPiece() + l.headerPieces() > end) {
                throw new IllegalArgumentException("chain link " + k + " is out of place: " + l);
            }
            for (int i = l.firstPiece(); i < end; i++) {
                if (pieces.get(i).link() != k) {
                    throw new IllegalArgumentException("piece " + i + " says link " + pieces.get(i).link()
                            + " but lies in link " + k);
                }
            }
        }
    }

    /** Builds a one-link manifest whose id is {@link ContentId#derive derived} from its contents. */
    public static Manifest derived(String name, String mediaType, String format, String verifier, long length,
            int headerPieces, List<PieceInfo> pieces) {
        return derived(name, mediaType, format, verifier, length, pieces,
                List.of(ChainLink.untimed(0, 0, headerPieces)));
    }

    /**
     * Builds a manifest whose id is {@link ContentId#derive derived} from all of its contents.
     *
     * @since 1.1
     */
    public static Manifest derived(String name, String mediaType, String format, String verifier, long length,
            List<PieceInfo> pieces, List<ChainLink> links) {
        return new Manifest(ContentId.derive(name, length, verifier, pieces, links), name, mediaType, format,
                verifier, length, pieces, links);
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

    /** True for a live stream, whose pieces are announced as they are cut. @since 1.2 */
    public boolean live() {
        return windowMicros > 0;
    }

    /** How much of a live stream peers keep, in microseconds; 0 for a file. @since 1.2 */
    public long windowMicros() {
        return windowMicros;
    }

    /**
     * True when this manifest was derived from its contents, so its id can be trusted. A live
     * stream's id is chosen by its source, so it always matches.
     */
    public boolean idMatchesContents() {
        if (live()) {
            return true;
        }
        return id.equals(ContentId.derive(name, length, verifier, pieces, links));
    }

    /**
     * This manifest signed by its publisher: {@code signature} is the Ed25519 signature, by the key
     * {@code publisherKey}, of {@link #signedBytes(byte[]) signedBytes(publisherKey)}. Only the sizes are
     * checked here; {@link #signatureValid()} checks the signature.
     *
     * @param publisherKey the raw 32-byte Ed25519 public key
     * @param signature the 64-byte signature
     * @throws IllegalArgumentException when a size is wrong
     * @since 1.6
     */
    public Manifest signed(byte[] publisherKey, byte[] signature) {
        return new Manifest(this, publisherKey, signature);
    }

    /** True when this manifest carries a publisher key and signature (valid or not). @since 1.6 */
    public boolean isSigned() {
        return publisherKey.length == Signatures.KEY_LENGTH;
    }

    /** The publisher's raw 32-byte Ed25519 public key, or an empty array when unsigned. @since 1.6 */
    public byte[] publisherKey() {
        return publisherKey.clone();
    }

    /** The publisher's 64-byte signature, or an empty array when unsigned. @since 1.6 */
    public byte[] signature() {
        return signature.clone();
    }

    /** The publisher's id (derived from its key), or null when unsigned. @since 1.6 */
    public PeerId publisher() {
        return isSigned() ? PeerId.ofPublicKey(publisherKey) : null;
    }

    /**
     * True when the manifest is signed and the signature, by its publisher key, covers exactly these
     * contents. A manifest whose any field (a piece hash, the name, the key itself) was changed after
     * signing is not valid.
     *
     * @since 1.6
     */
    public boolean signatureValid() {
        return isSigned() && Signatures.verify(publisherKey, signedBytes(publisherKey), signature);
    }

    /**
     * The bytes a publisher signs (IceT version 4, section 4.4): the ASCII tag {@code IceT manifest v4},
     * the 32-byte publisher key, then every field of the manifest exactly as the wire carries it, from
     * the content id to the last chain link (the key and signature fields excluded).
     *
     * @param publisherKey the raw 32-byte key that signs
     * @since 1.6
     */
    public byte[] signedBytes(byte[] publisherKey) {
        Signatures.Out out = new Signatures.Out(256 + 64 * pieces.size());
        out.ascii(Signatures.MANIFEST_TAG);
        out.bytes(Signatures.checkedKey(publisherKey));
        out.bytes(id.toBytes());
        out.string(name);
        out.string(mediaType);
        out.string(format);
        out.string(verifier);
        out.u8(live() ? 1 : 0);
        if (live()) {
            out.i64(windowMicros);
            return out.toByteArray();
        }
        out.i64(length);
        out.u32(headerPieces);
        out.u32(pieces.size());
        for (PieceInfo p : pieces) {
            out.u32(p.length());
            out.bytes8(p.hash());
            out.i64(p.startMicros());
            out.i64(p.endMicros());
            out.u8(p.startPoint() ? 1 : 0);
            out.u32(p.link());
        }
        out.u32(links.size());
        for (ChainLink l : links) {
            out.link(l);
        }
        return out.toByteArray();
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

    /** How many pieces hold the first link's headers. */
    public int headerPieces() {
        return headerPieces;
    }

    /** The chain links, in order; one for unchained content. @since 1.1 */
    public List<ChainLink> links() {
        return links;
    }

    /** The link a piece belongs to. @since 1.1 */
    public ChainLink linkOf(int piece) {
        return links.get(pieces.get(piece).link());
    }

    /** True when every piece knows its time, so {@link #seek} can answer. @since 1.1 */
    public boolean timed() {
        for (PieceInfo p : pieces) {
            if (!p.hasTime()) {
                return false;
            }
        }
        return true;
    }

    /** The content's duration in microseconds (end of the last timed piece), or -1. @since 1.1 */
    public long durationMicros() {
        long end = -1;
        for (PieceInfo p : pieces) {
            end = Math.max(end, p.endMicros());
        }
        return end;
    }

    /**
     * The seek index: where playback for {@code micros} starts. That is the link playing at that time,
     * and its last start-point piece that starts at or before the time (its first data piece when none
     * does). Times past the end seek to the last link's last start point.
     *
     * @return the seek point, or empty when the pieces do not know their time
     * @since 1.1
     */
    public java.util.Optional<SeekPoint> seek(long micros) {
        if (!timed()) {
            return java.util.Optional.empty();
        }
        long t = Math.max(0, micros);
        ChainLink link = links.get(0);
        for (ChainLink l : links) {
            int firstData = Math.min(l.firstPiece() + l.headerPieces(), pieces.size() - 1);
            if (pieces.get(firstData).startMicros() <= t || l.index() == 0) {
                link = l;
            }
        }
        int end = link.index() + 1 < links.size() ? links.get(link.index() + 1).firstPiece() : pieces.size();
        int first = Math.min(link.firstPiece() + link.headerPieces(), end - 1);
        int best = -1;
        for (int i = first; i < end; i++) {
            PieceInfo p = pieces.get(i);
            if (p.startPoint() && p.startMicros() <= t) {
                best = i;
            }
        }
        if (best < 0) {
            best = first;
            for (int i = first; i < end; i++) {
                if (pieces.get(i).startPoint()) {
                    best = i;
                    break;
                }
            }
        }
        return java.util.Optional.of(new SeekPoint(link, best, pieces.get(best).startMicros()));
    }

    /** Pieces of a file; 0 for a live stream (its pieces are announced). */
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
                && m.headerPieces == headerPieces && m.pieces.equals(pieces) && m.links.equals(links)
                && m.windowMicros == windowMicros && java.util.Arrays.equals(m.publisherKey, publisherKey)
                && java.util.Arrays.equals(m.signature, signature);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        if (live()) {
            return "Manifest[" + name + " " + id.shortHex() + ", live, window " + windowMicros / 1000 + " ms"
                    + by() + "]";
        }
        return "Manifest[" + name + " " + id.shortHex() + ", " + length + " bytes, " + pieces.size() + " pieces"
                + by() + "]";
    }

    private String by() {
        return isSigned() ? ", by " + publisher().shortHex() : ", unsigned";
    }
}
