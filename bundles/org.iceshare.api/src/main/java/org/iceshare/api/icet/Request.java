package org.iceshare.api.icet;

import java.util.Objects;

import org.iceshare.api.swarm.ContentId;

/**
 * Peer to peer: "send me this piece." Answered by {@link Piece} or {@link Reject}.
 *
 * <p>Since version 5 a request carries a priority: the serving peer answers the requests queued on a
 * connection highest priority first, in arrival order among equals, so a piece a player waits for does not
 * wait behind pieces fetched for later. {@link #NORMAL} (0) is every request of version 4 and is not
 * written on the wire; a higher priority is sent only on a connection both sides opened with version 5 or
 * later (an older decoder refuses the extra byte).
 *
 * @param priority 0 ({@link #NORMAL}) to 255; higher is served first
 */
public record Request(ContentId content, int piece, int priority) implements IcetMessage {

    /** Pieces fetched ahead of need (rarest first, say): the priority of every version 4 request. */
    public static final int NORMAL = 0;

    /** A piece a player waits for now (the next piece to play, a header, a seek target). */
    public static final int URGENT = 200;

    /** The highest priority. */
    public static final int MAX = 255;

    public Request {
        Objects.requireNonNull(content, "content");
        if (piece < 0) {
            throw new IllegalArgumentException("piece must be >= 0");
        }
        if (priority < 0 || priority > MAX) {
            throw new IllegalArgumentException("priority must be 0.." + MAX + ": " + priority);
        }
    }

    /** A request of {@link #NORMAL} priority. */
    public Request(ContentId content, int piece) {
        this(content, piece, NORMAL);
    }

    /** This request at another priority. */
    public Request withPriority(int newPriority) {
        return newPriority == priority ? this : new Request(content, piece, newPriority);
    }

    @Override
    public MessageType type() {
        return MessageType.REQUEST;
    }
}
