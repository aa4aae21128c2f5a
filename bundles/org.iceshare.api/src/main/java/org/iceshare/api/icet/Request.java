package org.iceshare.api.icet;

import java.util.Objects;

import org.iceshare.api.swarm.ContentId;

/** Peer to peer: "send me this piece." Answered by {@link Piece} or {@link Reject}. */
public record Request(ContentId content, int piece) implements IcetMessage {
    public Request {
        Objects.requireNonNull(content, "content");
        if (piece < 0) {
            throw new IllegalArgumentException("piece must be >= 0");
        }
    }

    @Override
    public MessageType type() {
        return MessageType.REQUEST;
    }
}
