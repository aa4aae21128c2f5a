package org.iceshare.api.icet;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.iceshare.api.swarm.ChainLink;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.PieceInfo;
import org.iceshare.api.swarm.Signatures;

/**
 * Live streams: new pieces. The source sends one to the tracker as soon as it cuts pieces (with
 * their authoritative hashes); the tracker pushes them on to the stream's peers, so peers never poll.
 *
 * <p>A live stream's pieces are its data pages; each chain link's header pages travel with the link
 * itself ({@link Link#headers()}), through the tracker, so a late joiner gets the current link's
 * headers at once, however long ago the link began, and then the window from a start point near the
 * live edge. A link's headers are sent once per receiver; later announcements name the link with an
 * empty header buffer.
 *
 * <p>Since IceT version 4 the source signs every piece and link it announces with the key that signed
 * the stream's manifest; the tracker passes the signatures on unchanged, and a peer accepts a piece
 * hash or a link's headers only when the signature checks against the manifest's publisher key. The
 * {@code onAir} flag and the cut times are not signed.
 *
 * <p>An announcement with no pieces and {@code onAir} false tells the peers the source has stalled or
 * gone; the next announcement with {@code onAir} true resumes the stream.
 *
 * @param content the live stream
 * @param entries the pieces, in index order, each with the wall-clock time its source cut it
 * @param links the chain links the entries belong to (absolute first piece index; no header pieces)
 * @param onAir whether the source is sending
 * @since 1.2
 */
public record Announce(ContentId content, List<Entry> entries, List<Link> links, boolean onAir)
        implements IcetMessage {

    /** At most this many pieces per message. */
    public static final int MAX_ENTRIES = 4096;

    public Announce {
        Objects.requireNonNull(content, "content");
        entries = List.copyOf(entries);
        links = List.copyOf(links);
        if (entries.size() > MAX_ENTRIES || links.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("more than " + MAX_ENTRIES + " entries in one announcement");
        }
    }

    /**
     * One announced piece.
     *
     * @param piece the piece: absolute index and stream offset, length, hash, time, start point, link
     * @param cutMillis when the source cut it (milliseconds since the epoch), for latency figures
     * @param signature the source's Ed25519 signature (64 bytes) of
     *        {@link Signatures#livePiece Signatures.livePiece(content, piece)}, or empty when unsigned
     *        (IceT version 4 carries only signed entries)
     */
    public record Entry(PieceInfo piece, long cutMillis, byte[] signature) {
        public Entry {
            Objects.requireNonNull(piece, "piece");
            signature = signature == null || signature.length == 0 ? NONE : Signatures.checkedSignature(signature);
        }

        /** An unsigned entry (to be {@linkplain #signed signed} before it is sent). */
        public Entry(PieceInfo piece, long cutMillis) {
            this(piece, cutMillis, NONE);
        }

        /** The same entry with a signature. @since 1.6 */
        public Entry signed(byte[] signature) {
            return new Entry(piece, cutMillis, signature);
        }

        @Override
        public byte[] signature() {
            return signature.clone();
        }

        /** True when it carries a signature (valid or not). @since 1.6 */
        public boolean isSigned() {
            return signature.length == Signatures.SIGNATURE_LENGTH;
        }

        /** True when the signature is the publisher's over this piece of {@code content}. @since 1.6 */
        public boolean signatureValid(ContentId content, byte[] publisherKey) {
            return isSigned() && Signatures.verify(publisherKey, Signatures.livePiece(content, piece), signature);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e && e.piece.equals(piece) && e.cutMillis == cutMillis
                    && Arrays.equals(e.signature, signature);
        }

        @Override
        public int hashCode() {
            return piece.hashCode() * 31 + Long.hashCode(cutMillis);
        }

        @Override
        public String toString() {
            return "Entry[" + piece + ", cut " + cutMillis + (isSigned() ? ", signed]" : ", unsigned]");
        }
    }

    /**
     * A chain link and, the first time it is announced to a receiver, its header pages.
     *
     * @param link the link: index, first data piece, start time, codecs ({@code headerPieces} is 0)
     * @param headers the link's header pages, exactly as in the stream, or an empty buffer when the
     *        receiver has them already
     * @param signature the source's Ed25519 signature (64 bytes) of
     *        {@link Signatures#liveLink Signatures.liveLink(content, link, headers)} over the full headers
     *        (also when this copy carries none), or empty when unsigned
     */
    public record Link(ChainLink link, java.nio.ByteBuffer headers, byte[] signature) {
        public Link {
            Objects.requireNonNull(link, "link");
            Objects.requireNonNull(headers, "headers");
            if (headers.remaining() > ChainLink.MAX_HEADER_BYTES) {
                throw new IllegalArgumentException("link headers longer than " + ChainLink.MAX_HEADER_BYTES
                        + " bytes");
            }
            headers = headers.asReadOnlyBuffer();
            signature = signature == null || signature.length == 0 ? NONE : Signatures.checkedSignature(signature);
        }

        /** An unsigned link (to be {@linkplain #signed signed} before it is sent). */
        public Link(ChainLink link, java.nio.ByteBuffer headers) {
            this(link, headers, NONE);
        }

        /** The same link with a signature. @since 1.6 */
        public Link signed(byte[] signature) {
            return new Link(link, headers, signature);
        }

        /** The same link and signature without the header pages (for a receiver that has them). @since 1.6 */
        public Link withoutHeaders() {
            return new Link(link, java.nio.ByteBuffer.allocate(0), signature);
        }

        @Override
        public java.nio.ByteBuffer headers() {
            return headers.duplicate();
        }

        @Override
        public byte[] signature() {
            return signature.clone();
        }

        public boolean hasHeaders() {
            return headers.hasRemaining();
        }

        /** True when it carries a signature (valid or not). @since 1.6 */
        public boolean isSigned() {
            return signature.length == Signatures.SIGNATURE_LENGTH;
        }

        /**
         * True when the signature is the publisher's over this link of {@code content} and these header
         * pages; a link without headers can only be checked against headers the receiver already has.
         *
         * @since 1.6
         */
        public boolean signatureValid(ContentId content, byte[] publisherKey) {
            return isSigned() && Signatures.verify(publisherKey, Signatures.liveLink(content, link, headers),
                    signature);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Link l && l.link.equals(link) && l.headers.equals(headers)
                    && Arrays.equals(l.signature, signature);
        }

        @Override
        public int hashCode() {
            return link.hashCode() * 31 + headers.hashCode();
        }

        @Override
        public String toString() {
            return "Link[" + link + ", " + headers.remaining() + " header bytes"
                    + (isSigned() ? ", signed]" : ", unsigned]");
        }
    }

    private static final byte[] NONE = new byte[0];

    @Override
    public MessageType type() {
        return MessageType.ANNOUNCE;
    }
}
