package org.iceshare.api.swarm;

import java.util.Objects;

/**
 * Where a peer can be reached: its anonymous key, and the host and port its transport listens on.
 */
public record PeerInfo(PeerId id, String host, int port) {
    public PeerInfo {
        Objects.requireNonNull(id, "id");
        if (host == null || host.isBlank() || host.length() > 255) {
            throw new IllegalArgumentException("peer host must be 1..255 characters");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("peer port out of range 1..65535: " + port);
        }
    }

    @Override
    public String toString() {
        return id.shortHex() + "@" + host + ":" + port;
    }
}
