package org.iceshare.api.icet;

import java.util.List;
import java.util.Objects;

import org.iceshare.api.swarm.ChainLink;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.PieceInfo;

/**
 * Live streams: new pieces. The source sends one to the tracker as soon as it cuts pieces (with
 * their authoritative hashes); the tracker pushes them on to the stream's peers, so peers never poll.
 * A late joiner first gets the current link's header pieces and the window from a start point near the
 * live edge. An announcement with no pieces and {@code onAir} false tells the peers the source has
 * stalled or gone; the next announcement with {@code onAir} true resumes the stream.
 *
 * @param content the live stream
 * @param entries the pieces, in index order, each with the wall-clock time its source cut it
 * @param links the chain links the entries belong to (with absolute first piece indices)
 * @param onAir whether the source is sending
 * @since 1.2
 */
public record Announce(ContentId content, List<Entry> entries, List<ChainLink> links, boolean onAir)
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

    @Override
    public MessageType type() {
        return MessageType.ANNOUNCE;
    }
}
