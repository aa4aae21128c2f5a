package org.iceshare.api.icet;

import java.util.List;
import java.util.Objects;

import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.swarm.PeerId;

/**
 * The first message on every connection, in both directions.
 *
 * @param version the highest protocol version the sender speaks
 * @param role what the sender is in this conversation
 * @param peerId the sender's anonymous key (a tracker sends its own id)
 * @param host the host others should dial to reach the sender's peer port, or empty to mean
 *        "the address you see me connecting from"
 * @param listenPort the sender's peer port (its first endpoint's), or 0 when it accepts no peer
 *        connections
 * @param agent free text naming the software, for logs
 * @param endpoints every transport and port the sender accepts connections on, in its order of
 *        preference: empty when {@code listenPort} is 0, else starting with {@code listenPort}. A tracker
 *        lists its own, so that clients can reconnect over another transport.
 */
public record Hello(int version, Role role, PeerId peerId, String host, int listenPort, String agent,
        List<Endpoint> endpoints) implements IcetMessage {
    public Hello {
        if (version < 1 || version > 255) {
            throw new IllegalArgumentException("protocol version out of range 1..255: " + version);
        }
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(peerId, "peerId");
        IcetMessage.text(host, "host");
        IcetMessage.text(agent, "agent");
        if (listenPort < 0 || listenPort > 65535) {
            throw new IllegalArgumentException("listen port out of range 0..65535: " + listenPort);
        }
        endpoints = Endpoint.checkList(endpoints);
        if (listenPort != 0 && (endpoints.isEmpty() || endpoints.get(0).port() != listenPort)) {
            throw new IllegalArgumentException("listen port " + listenPort + " must be the first endpoint's, got "
                    + endpoints);
        }
    }

    /**
     * A Hello whose listen port is its first endpoint's (0 when it lists none).
     *
     * @since 1.4
     */
    public static Hello of(int version, Role role, PeerId peerId, String host, String agent,
            List<Endpoint> endpoints) {
        return new Hello(version, role, peerId, host, endpoints.isEmpty() ? 0 : endpoints.get(0).port(), agent,
                endpoints);
    }

    @Override
    public MessageType type() {
        return MessageType.HELLO;
    }
}
