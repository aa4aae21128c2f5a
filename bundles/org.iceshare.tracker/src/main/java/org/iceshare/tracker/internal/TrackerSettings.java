package org.iceshare.tracker.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * The settings of a tracker.
 *
 * @param host address to bind
 * @param port port to bind (0 picks a free one)
 * @param peerTimeout a client silent this long is dropped (clients ping every 15 s)
 * @param window assignments outstanding per client: how far ahead a client is given work
 * @param maxServing assignments one peer serves at a time before others are preferred
 * @param assignmentTimeout an assignment neither verified nor reported failed this long is re-planned
 */
public record TrackerSettings(String host, int port, Duration peerTimeout, int window, int maxServing,
        Duration assignmentTimeout) {

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
    }

    /** Loopback on a free port with default limits, for tests and embedded use. */
    public static TrackerSettings loopback() {
        return new TrackerSettings("127.0.0.1", 0, Duration.ofSeconds(45), 16, 12, Duration.ofSeconds(60));
    }
}
