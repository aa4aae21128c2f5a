package org.iceshare.api.icet;

import java.util.Objects;

import org.iceshare.api.swarm.ContentId;

/** Client to tracker: "I no longer take part in this swarm." */
public record Leave(ContentId content) implements IcetMessage {
    public Leave {
        Objects.requireNonNull(content, "content");
    }

    @Override
    public MessageType type() {
        return MessageType.LEAVE;
    }
}
