package org.iceshare.api.icet;

import java.util.Objects;

import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.PeerId;

/**
 * Client to tracker: the piece could not be fetched from {@code source} (unreachable, refused, too
 * slow). The tracker assigns another source.
 */
public record FetchFailed(ContentId content, int piece, PeerId source, String reason) implements IcetMessage {
    public FetchFailed {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(source, "source");
        if (piece < 0) {
            throw new IllegalArgumentException("piece must be >= 0");
        }
        IcetMessage.text(reason, "reason");
    }

    @Override
    public MessageType type() {
        return MessageType.FETCH_FAILED;
    }
}
