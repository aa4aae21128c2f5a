package org.iceshare.api.icet;

import java.util.Objects;

import org.iceshare.api.swarm.PeerId;

/**
 * The first message on every connection, in both directions.
 *
 * @param version the highest protocol version the sender speaks
 * @param role what the sender is in this conversation
 * @param peerId the sender's anonymous key (a tracker sends its own id)
 * @param host the host others should dial to reach the sender's peer port, or empty to mean
 *        "the address you see me connecting from"
 * @param listenPort the sender's peer port, or 0 when it accepts no peer connections
 * @param agent free text naming the software, for logs
 */
public record Hello(int version, Role role, PeerId peerId, String host, int listenPort, String agent)
        implements IcetMessage {
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
    }

    @Override
    public MessageType type() {
        return MessageType.HELLO;
    }
}
