package org.iceshare.icet.internal;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.iceshare.api.transport.Refusals;

/**
 * The connections one listener holds open, in all and from each remote address, against the caps of
 * {@link TransportSettings#maxConnections()} and {@link TransportSettings#maxConnectionsPerAddress()}.
 * The caps are passed at each admission, so a changed configuration applies to the next connection;
 * connections already open are never closed for a lowered cap.
 *
 * <p><b>Threading:</b> thread-safe; connections are admitted and released on any I/O thread.
 */
final class ConnectionLimits {

    /** Why a connection was refused: the reason ({@link Refusals}) and what to log and tell the client. */
    record Refusal(String reason, String detail) {
    }

    private final AtomicInteger open = new AtomicInteger();
    private final Map<InetAddress, Integer> byAddress = new ConcurrentHashMap<>();

    /**
     * Admits a connection from {@code address}, or refuses it when one of the caps is reached. An admitted
     * connection must be {@link #release released} once closed.
     *
     * @return null when admitted
     */
    Refusal admit(InetAddress address, int maxConnections, int maxPerAddress) {
        int n = open.incrementAndGet();
        if (n > maxConnections) {
            open.decrementAndGet();
            return new Refusal(Refusals.CONNECTION_LIMIT, "the listener holds " + (n - 1)
                    + " connections, its maximum (maxConnections " + maxConnections + ")");
        }
        int[] count = new int[1];
        byAddress.compute(address, (a, c) -> {
            int next = c == null ? 1 : c + 1;
            count[0] = next;
            return next > maxPerAddress ? c : Integer.valueOf(next);
        });
        if (count[0] > maxPerAddress) {
            open.decrementAndGet();
            return new Refusal(Refusals.ADDRESS_LIMIT, (count[0] - 1) + " connections from "
                    + address.getHostAddress() + " are open, its maximum (maxConnectionsPerAddress " + maxPerAddress
                    + ")");
        }
        return null;
    }

    /** Releases an admitted connection from {@code address}. */
    void release(InetAddress address) {
        byAddress.computeIfPresent(address, (a, c) -> c <= 1 ? null : c - 1);
        open.decrementAndGet();
    }

    /** Connections open now. */
    int open() {
        return open.get();
    }

    /** Connections open now from {@code address}. */
    int open(InetAddress address) {
        return byAddress.getOrDefault(address, 0);
    }
}
