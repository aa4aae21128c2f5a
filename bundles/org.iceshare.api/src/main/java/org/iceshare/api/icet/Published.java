package org.iceshare.api.icet;

import java.util.Objects;

import org.iceshare.api.swarm.ContentId;

/** Tracker to client: the content is registered under this name; the publisher is its source. */
public record Published(ContentId content, String name) implements IcetMessage {
    public Published {
        Objects.requireNonNull(content, "content");
        IcetMessage.text(name, "name");
    }

    @Override
    public MessageType type() {
        return MessageType.PUBLISHED;
    }
}
