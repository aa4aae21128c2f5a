package org.iceshare.api.icet;

import java.util.Objects;

import org.iceshare.api.swarm.ContentId;

/** Peer to peer: the request for this piece is refused. */
public record Reject(ContentId content, int piece, ErrorCode code, String reason) implements IcetMessage {
    public Reject {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(code, "code");
        if (piece < 0) {
            throw new IllegalArgumentException("piece must be >= 0");
        }
        IcetMessage.text(reason, "reason");
    }

    @Override
    public MessageType type() {
        return MessageType.REJECT;
    }
}
