package org.iceshare.api.transport;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How many connections (or requests) a server refused or closed to protect itself, counted by reason
 * since it started: a snapshot, for the operator. The reasons are short lower-case names; the ones a socket
 * transport and the push server use are the constants below, and an implementation may add its own.
 *
 * @param counts the count of each reason, every count positive; iterated in the order of the reasons' names
 * @since 1.2
 */
public record Refusals(Map<String, Long> counts) {

    /** A connection beyond a listener's cap of open connections, closed at once. */
    public static final String CONNECTION_LIMIT = "connection-limit";
    /** A connection beyond the cap of open connections from one remote address, closed at once. */
    public static final String ADDRESS_LIMIT = "address-limit";
    /**
     * A connection closed because the bytes of partial frames the transport buffers, all connections
     * together, would have gone over the transport's budget (the connection with the oldest partial frame
     * goes first).
     */
    public static final String FRAME_BUDGET = "frame-budget";
    /** A connection whose partial frame arrived below the minimum rate, or did not complete in time. */
    public static final String SLOW_FRAME = "slow-frame";
    /** A connection that did not complete its handshake (TLS, then Hello) in time. */
    public static final String HANDSHAKE_TIMEOUT = "handshake-timeout";
    /** A connection whose TLS handshake failed (an untrusted certificate, a plaintext or TLS 1.2 client). */
    public static final String TLS_HANDSHAKE = "tls-handshake";
    /** A connection closed because it sent a frame that does not decode (malformed, too large, empty). */
    public static final String MALFORMED_FRAME = "malformed-frame";
    /** A connection closed because it sent nothing for the idle timeout. */
    public static final String IDLE_TIMEOUT = "idle-timeout";
    /** A push with wrong or missing credentials (answered 401). */
    public static final String PUSH_PASSWORD = "push-password";
    /** A push refused without checking its password, because its address failed too often (answered 429). */
    public static final String PUSH_THROTTLED = "push-throttled";

    /** Nothing refused. */
    public static final Refusals NONE = new Refusals(Map.of());

    /**
     * @throws IllegalArgumentException for a blank reason or a count below 1
     */
    public Refusals {
        Objects.requireNonNull(counts, "counts");
        TreeMap<String, Long> sorted = new TreeMap<>();
        counts.forEach((reason, count) -> {
            if (reason == null || reason.isBlank()) {
                throw new IllegalArgumentException("a refusal reason must not be blank");
            }
            if (count == null || count < 1) {
                throw new IllegalArgumentException("the count of '" + reason + "' must be at least 1: " + count);
            }
            sorted.put(reason, count);
        });
        counts = Collections.unmodifiableMap(sorted);
    }

    /** How many were refused for {@code reason}; 0 when none. */
    public long count(String reason) {
        return counts.getOrDefault(reason, 0L);
    }

    /** How many were refused, all reasons together. */
    public long total() {
        long sum = 0;
        for (long c : counts.values()) {
            sum += c;
        }
        return sum;
    }

    /** True when nothing was refused. */
    public boolean isEmpty() {
        return counts.isEmpty();
    }

    /** The counts of both, added up reason by reason (for example over every transport of a container). */
    public Refusals plus(Refusals other) {
        if (other.isEmpty()) {
            return this;
        }
        TreeMap<String, Long> sum = new TreeMap<>(counts);
        other.counts.forEach((reason, count) -> sum.merge(reason, count, Long::sum));
        return new Refusals(sum);
    }
}
