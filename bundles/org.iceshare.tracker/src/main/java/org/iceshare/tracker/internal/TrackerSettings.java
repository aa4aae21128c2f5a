package org.iceshare.tracker.internal;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

import org.iceshare.api.swarm.Endpoint;

/**
 * The settings of a tracker.
 *
 * @param host address to bind
 * @param port port of the {@code tcp} transport, the port of icet:// URLs (0 picks a free one)
 * @param peerTimeout a client silent this long is dropped (clients ping every 15 s)
 * @param window assignments outstanding per client: how far ahead a client is given work
 * @param maxServing assignments one peer serves at a time before others are preferred
 * @param assignmentTimeout an assignment neither verified nor reported failed this long is re-planned
 * @param transportPorts ports of the transports other than {@code tcp}; one not in here listens on a free port
 * @param reportsToAct how many independent members must report a member (that it did not serve what it was
 *        assigned, or served it corrupt) within two minutes before the tracker demotes or bans it: one report
 *        never takes anyone down
 * @param maxNeighbours how many other members one member of a content may fetch from and serve (its
 *        neighbourhood, chosen by the tracker; the source is outside it): what bounds a peer's connections
 */
public record TrackerSettings(String host, int port, Duration peerTimeout, int window, int maxServing,
        Duration assignmentTimeout, Map<String, Integer> transportPorts, int reportsToAct, int maxNeighbours) {

    /** Default {@link #reportsToAct}. */
    public static final int DEFAULT_REPORTS_TO_ACT = 3;
    /** Default {@link #maxNeighbours}. */
    public static final int DEFAULT_MAX_NEIGHBOURS = 32;
    /** The range of {@link #maxNeighbours}. */
    public static final int MIN_NEIGHBOURS = 2;
    public static final int MAX_NEIGHBOURS = 4096;

    public TrackerSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(peerTimeout, "peerTimeout");
        Objects.requireNonNull(assignmentTimeout, "assignmentTimeout");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("tracker port out of range 0..65535: " + port);
        }
        if (window < 1 || window > 1024) {
            throw new IllegalArgumentException("assignment window out of range 1..1024: " + window);
        }
        if (maxServing < 1 || maxServing > 1024) {
            throw new IllegalArgumentException("max serving out of range 1..1024: " + maxServing);
        }
        if (peerTimeout.toMillis() < 100) {
            throw new IllegalArgumentException("peer timeout below 100 ms: " + peerTimeout);
        }
        if (reportsToAct < 2 || reportsToAct > 100) {
            throw new IllegalArgumentException("reports to act out of range 2..100: " + reportsToAct);
        }
        if (maxNeighbours < MIN_NEIGHBOURS || maxNeighbours > MAX_NEIGHBOURS) {
            throw new IllegalArgumentException("max neighbours out of range " + MIN_NEIGHBOURS + ".." + MAX_NEIGHBOURS
                    + ": " + maxNeighbours);
        }
        transportPorts = Map.copyOf(transportPorts);
        transportPorts.forEach((t, p) -> {
            Endpoint.checkName(t);
            if (p < 0 || p > 65535) {
                throw new IllegalArgumentException("port of transport " + t + " out of range 0..65535: " + p);
            }
        });
    }

    public TrackerSettings(String host, int port, Duration peerTimeout, int window, int maxServing,
            Duration assignmentTimeout, Map<String, Integer> transportPorts) {
        this(host, port, peerTimeout, window, maxServing, assignmentTimeout, transportPorts, DEFAULT_REPORTS_TO_ACT,
                DEFAULT_MAX_NEIGHBOURS);
    }

    public TrackerSettings(String host, int port, Duration peerTimeout, int window, int maxServing,
            Duration assignmentTimeout) {
        this(host, port, peerTimeout, window, maxServing, assignmentTimeout, Map.of());
    }

    /** The same settings with another {@link #reportsToAct}. */
    public TrackerSettings withReportsToAct(int reports) {
        return new TrackerSettings(host, port, peerTimeout, window, maxServing, assignmentTimeout, transportPorts,
                reports, maxNeighbours);
    }

    /** The same settings with another {@link #maxNeighbours}. */
    public TrackerSettings withMaxNeighbours(int neighbours) {
        return new TrackerSettings(host, port, peerTimeout, window, maxServing, assignmentTimeout, transportPorts,
                reportsToAct, neighbours);
    }

    /** The port to listen on with {@code transport}: {@link #port()} for tcp, the configured one or 0 for others. */
    public int portFor(String transport) {
        return transport.equals("tcp") ? port : transportPorts.getOrDefault(transport, 0);
    }

    /** Loopback on a free port with default limits, for tests and embedded use. */
    public static TrackerSettings loopback() {
        return new TrackerSettings("127.0.0.1", 0, Duration.ofSeconds(45), 16, 12, Duration.ofSeconds(60));
    }
}
