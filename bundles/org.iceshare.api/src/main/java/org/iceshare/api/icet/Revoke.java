package org.iceshare.api.icet;

import java.util.Objects;

import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.PeerId;

/** Tracker to client: stop fetching anything of this content from {@code source} (it left, or it was banned). */
public record Revoke(ContentId content, PeerId source, String reason) implements IcetMessage {
    public Revoke {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(source, "source");
        IcetMessage.text(reason, "reason");
    }

    @Override
    public MessageType type() {
        return MessageType.REVOKE;
    }
}
