package org.iceshare.api.icet;

import java.util.List;
import java.util.Objects;

import org.iceshare.api.swarm.ChainLink;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.PieceInfo;

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
     */
    public record Entry(PieceInfo piece, long cutMillis) {
        public Entry {
            Objects.requireNonNull(piece, "piece");
        }
    }

    /**
     * A chain link and, the first time it is announced to a receiver, its header pages.
     *
     * @param link the link: index, first data piece, start time, codecs ({@code headerPieces} is 0)
     * @param headers the link's header pages, exactly as in the stream, or an empty buffer when the
     *        receiver has them already
     */
    public record Link(ChainLink link, java.nio.ByteBuffer headers) {
        public Link {
            Objects.requireNonNull(link, "link");
            Objects.requireNonNull(headers, "headers");
            if (headers.remaining() > ChainLink.MAX_HEADER_BYTES) {
                throw new IllegalArgumentException("link headers longer than " + ChainLink.MAX_HEADER_BYTES
                        + " bytes");
            }
            headers = headers.asReadOnlyBuffer();
        }

        @Override
        public java.nio.ByteBuffer headers() {
            return headers.duplicate();
        }

        public boolean hasHeaders() {
            return headers.hasRemaining();
        }
    }

    @Override
    public MessageType type() {
        return MessageType.ANNOUNCE;
    }
}
