package org.iceshare.api.icet;

import java.util.Objects;

import org.iceshare.api.swarm.Manifest;

/** Client to tracker: "I hold all of this content; register it under its name." Answered by {@link Published}. */
public record Publish(Manifest manifest) implements IcetMessage {
    public Publish {
        Objects.requireNonNull(manifest, "manifest");
    }

    @Override
    public MessageType type() {
        return MessageType.PUBLISH;
    }
}
