package org.iceshare.api.swarm;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a peer can be reached: its anonymous key, its host, and the transports and ports it listens
 * on. The peer's {@code port} is its first endpoint's; the endpoints list every transport it accepts,
 * in the peer's own order of preference.
 *
 * @param id the peer's anonymous key
 * @param host the host to dial, 1..255 characters
 * @param port the port of the first endpoint
 * @param endpoints the transports and ports, at least one, each transport once (see {@link Endpoint#checkList})
 */
public record PeerInfo(PeerId id, String host, int port, List<Endpoint> endpoints) {
    public PeerInfo {
        Objects.requireNonNull(id, "id");
        if (host == null || host.isBlank() || host.length() > 255) {
            throw new IllegalArgumentException("peer host must be 1..255 characters");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("peer port out of range 1..65535: " + port);
        }
        endpoints = Endpoint.checkList(endpoints);
        if (endpoints.isEmpty() || endpoints.get(0).port() != port) {
            throw new IllegalArgumentException("peer port " + port + " must be the first endpoint's, got " + endpoints);
        }
    }

    /** A peer reachable over {@code endpoints}, the first of which gives its {@link #port()}. */
    public static PeerInfo of(PeerId id, String host, List<Endpoint> endpoints) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("a peer needs at least one endpoint");
        }
        return new PeerInfo(id, host, endpoints.get(0).port(), endpoints);
    }

    /** The endpoint for {@code transport}, if the peer listens on it. */
    public Optional<Endpoint> endpoint(String transport) {
        return endpoints.stream().filter(e -> e.transport().equals(transport)).findFirst();
    }

    @Override
    public String toString() {
        return id.shortHex() + "@" + host + ":" + port + (endpoints.size() > 1 ? " " + endpoints : "");
    }
}
