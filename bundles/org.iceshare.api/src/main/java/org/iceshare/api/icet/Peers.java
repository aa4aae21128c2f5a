package org.iceshare.api.icet;

import java.util.List;

import org.iceshare.api.swarm.PeerInfo;

/** Tracker to client: the addresses of peers named in assignments. Sent before the assignments that use them. */
public record Peers(List<PeerInfo> peers) implements IcetMessage {
    public static final int MAX_PEERS = 65_536;

    public Peers {
        peers = List.copyOf(peers);
        if (peers.size() > MAX_PEERS) {
            throw new IllegalArgumentException("more than " + MAX_PEERS + " peers in one message");
        }
    }

    @Override
    public MessageType type() {
        return MessageType.PEERS;
    }
}
