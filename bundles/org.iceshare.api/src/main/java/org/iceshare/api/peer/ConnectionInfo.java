package org.iceshare.api.peer;

import java.net.InetSocketAddress;
import java.util.Objects;

import org.iceshare.api.swarm.PeerId;

/**
 * One open connection of a peer: the connection table that operators read to see which transport
 * carries what.
 *
 * @param kind whether the other side is a tracker or a peer
 * @param peer the other peer's key, or null for a tracker (or a peer whose Hello has not arrived yet)
 * @param remote the other side's address
 * @param transport the name of the transport carrying the connection, for example {@code tcp} or {@code tls}
 * @param outbound true when this peer opened the connection
 * @param bytesRead bytes received so far, framing included
 * @param bytesWritten bytes sent so far, framing included
 */
public record ConnectionInfo(Kind kind, PeerId peer, InetSocketAddress remote, String transport, boolean outbound,
        long bytesRead, long bytesWritten) {

    /** What is at the other end. */
    public enum Kind {
        TRACKER, PEER
    }

    public ConnectionInfo {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(transport, "transport");
    }
}
