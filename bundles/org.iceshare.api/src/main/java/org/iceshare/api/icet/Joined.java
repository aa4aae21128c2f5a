package org.iceshare.api.icet;

import java.util.Objects;

import org.iceshare.api.swarm.Manifest;

/** Tracker to client: the authoritative manifest. Assignments follow in {@link Assign} messages. */
public record Joined(Manifest manifest) implements IcetMessage {
    public Joined {
        Objects.requireNonNull(manifest, "manifest");
    }

    @Override
    public MessageType type() {
        return MessageType.JOINED;
    }
}
