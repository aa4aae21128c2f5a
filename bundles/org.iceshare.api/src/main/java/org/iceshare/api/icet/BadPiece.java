package org.iceshare.api.icet;

import java.util.Objects;

import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.PeerId;

/** Client to tracker: the piece {@code source} sent failed verification. The tracker bans the liar and reassigns. */
public record BadPiece(ContentId content, int piece, PeerId source, String reason) implements IcetMessage {
    public BadPiece {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(source, "source");
        if (piece < 0) {
            throw new IllegalArgumentException("piece must be >= 0");
        }
        IcetMessage.text(reason, "reason");
    }

    @Override
    public MessageType type() {
        return MessageType.BAD_PIECE;
    }
}
