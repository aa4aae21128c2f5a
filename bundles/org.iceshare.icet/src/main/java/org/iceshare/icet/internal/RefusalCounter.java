package org.iceshare.icet.internal;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import org.iceshare.api.transport.Refusals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the connections a transport refused or closed to protect itself, by reason
 * ({@link Refusals}), and logs them at INFO, at most one line per reason every
 * {@value #LOG_INTERVAL_SECONDS} s (a line says how many of that reason it did not log since the last one):
 * an attack of thousands of connections costs a few log lines, not thousands.
 *
 * <p><b>Threading:</b> thread-safe; {@link #refused} is called from any I/O thread.
 */
public final class RefusalCounter {

    static final long LOG_INTERVAL_SECONDS = 10;
    private static final Logger LOG = LoggerFactory.getLogger(RefusalCounter.class);

    private final String transport;
    private final LongSupplier nanos;
    private final Consumer<String> log;
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final Map<String, Throttle> throttles = new ConcurrentHashMap<>();

    /** When a reason was last logged, and how many were not logged since. */
    private static final class Throttle {
        final AtomicLong lastLogged;
        final AtomicLong unlogged = new AtomicLong();

        Throttle(long never) {
            lastLogged = new AtomicLong(never);
        }
    }

    /** @param transport the transport's name, for the log */
    public RefusalCounter(String transport) {
        this(transport, System::nanoTime, LOG::info);
    }

    /** A counter with its own clock and log line sink (tests). */
    RefusalCounter(String transport, LongSupplier nanos, Consumer<String> log) {
        this.transport = transport;
        this.nanos = nanos;
        this.log = log;
    }

    /**
     * Counts one refusal and logs it (or counts it for the next line of its reason).
     *
     * @param reason one of the {@link Refusals} reasons
     * @param remote who was refused, for the log
     * @param detail what happened, for the log
     */
    public void refused(String reason, Object remote, String detail) {
        counts.computeIfAbsent(reason, r -> new LongAdder()).increment();
        long now = nanos.getAsLong();
        long interval = TimeUnit.SECONDS.toNanos(LOG_INTERVAL_SECONDS);
        Throttle t = throttles.computeIfAbsent(reason, r -> new Throttle(now - interval));
        long last = t.lastLogged.get();
        if (now - last >= interval && t.lastLogged.compareAndSet(last, now)) {
            long skipped = t.unlogged.getAndSet(0);
            String line = "IceT over " + transport + ": refused " + remote + " (" + reason + "): " + detail;
            if (skipped > 0) {
                line += " (" + skipped + " more refused for " + reason + " in the last "
                        + TimeUnit.NANOSECONDS.toSeconds(now - last) + " s, not logged one by one)";
            }
            log.accept(line);
        } else {
            t.unlogged.incrementAndGet();
        }
    }

    /** The counts so far. */
    public Refusals snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((reason, n) -> {
            long v = n.sum();
            if (v > 0) {
                out.put(reason, v);
            }
        });
        return out.isEmpty() ? Refusals.NONE : new Refusals(out);
    }
}
