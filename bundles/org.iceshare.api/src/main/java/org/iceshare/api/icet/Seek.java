package org.iceshare.api.icet;

import java.util.Objects;

import org.iceshare.api.swarm.ContentId;

/**
 * Client to tracker: "a player here needs this position now." The tracker answers with an
 * {@link Assign} that puts the position's pieces first: the chain link's header pieces and the
 * pieces from the seek point on, from the quickest holders, ahead of the usual plan. One round trip.
 *
 * @param content the content
 * @param micros the presentation time asked for, used when {@code piece} is -1: the tracker finds
 *        the seek point in its seek index
 * @param piece the piece the player needs next (for a byte position), or -1 to seek by time
 * @since 1.1
 */
public record Seek(ContentId content, long micros, int piece) implements IcetMessage {
    public Seek {
        Objects.requireNonNull(content, "content");
        if (piece < -1) {
            throw new IllegalArgumentException("piece must be >= -1");
        }
        if (piece == -1 && micros < 0) {
            throw new IllegalArgumentException("a seek by time needs a time >= 0");
        }
    }

    /** A seek to a time. */
    public static Seek toTime(ContentId content, long micros) {
        return new Seek(content, micros, -1);
    }

    /** A seek to a piece. */
    public static Seek toPiece(ContentId content, int piece) {
        return new Seek(content, -1, piece);
    }

    @Override
    public MessageType type() {
        return MessageType.SEEK;
    }
}
