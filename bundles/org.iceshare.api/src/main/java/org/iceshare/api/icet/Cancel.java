package org.iceshare.api.icet;

import java.util.Objects;

import org.iceshare.api.swarm.ContentId;

/** Peer to peer: "I no longer need this piece" (it arrived from elsewhere). No answer. */
public record Cancel(ContentId content, int piece) implements IcetMessage {
    public Cancel {
        Objects.requireNonNull(content, "content");
        if (piece < 0) {
            throw new IllegalArgumentException("piece must be >= 0");
        }
    }

    @Override
    public MessageType type() {
        return MessageType.CANCEL;
    }
}
