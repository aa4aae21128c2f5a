package org.iceshare.webconsole.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Upload and download rates from successive samples of byte counters, and a short history of the
 * container's total rates for the chart.
 *
 * <p>Samples are taken when the page polls, not by a thread of their own. A counter is sampled again
 * only after {@link #MIN_INTERVAL_NANOS}, so several pages polling at once see the same rate instead of
 * noise over a few milliseconds. The rate is measured over the samples of the last {@link #WINDOW_NANOS}
 * (a moving window): counters grow a whole piece at a time, and a one-second difference would show a
 * rate-capped transfer as spikes. A gap longer than {@link #MAX_INTERVAL_NANOS} (nobody looked) or a
 * counter that goes down (a peer restarted) starts the counter over, at rate 0.
 *
 * <p><b>Threading:</b> thread-safe (synchronized; every call is short).
 */
final class RateSampler {
    static final long MIN_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(5);
    static final long MAX_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Counters not sampled for this long are forgotten (swarms stopped, peers gone). */
    static final long FORGET_NANOS = TimeUnit.MINUTES.toNanos(2);

    /** Bytes per second, up and down. */
    record Rate(double up, double down) {
        static final Rate ZERO = new Rate(0, 0);
    }

    /** One point of the chart: wall-clock time and the container's total rates. */
    record Point(long epochMillis, double up, double down) {
    }

    private record Sample(long nanos, long up, long down) {
    }

    /** The samples of one counter pair, oldest first, and the rate last computed from them. */
    private static final class Series {
        final ArrayDeque<Sample> samples = new ArrayDeque<>();
        Rate rate = Rate.ZERO;

        long lastNanos() {
            return samples.getLast().nanos();
        }
    }

    private final Map<String, Series> series = new HashMap<>();
    private final ArrayDeque<Point> history = new ArrayDeque<>();
    private int historySize;
    private long lastPointNanos = Long.MIN_VALUE;

    RateSampler(int historySize) {
        this.historySize = Math.max(1, historySize);
    }

    synchronized void historySize(int size) {
        this.historySize = Math.max(1, size);
        while (history.size() > historySize) {
            history.removeFirst();
        }
    }

    /**
     * The rate of one pair of counters.
     *
     * @param key what the counters belong to, stable between calls
     * @param nowNanos {@link System#nanoTime()} of this poll
     */
    synchronized Rate rate(String key, long nowNanos, long up, long down) {
        Series s = series.computeIfAbsent(key, k -> new Series());
        if (!s.samples.isEmpty()) {
            Sample last = s.samples.getLast();
            long dt = nowNanos - last.nanos();
            if (dt < MIN_INTERVAL_NANOS) {
                return s.rate;
            }
            if (dt > MAX_INTERVAL_NANOS || up < last.up() || down < last.down()) {
                s.samples.clear();
            }
        }
        s.samples.addLast(new Sample(nowNanos, up, down));
        while (s.samples.size() > 2 && nowNanos - s.samples.getFirst().nanos() > WINDOW_NANOS) {
            s.samples.removeFirst();
        }
        Sample first = s.samples.getFirst();
        double seconds = (nowNanos - first.nanos()) / 1e9;
        s.rate = s.samples.size() < 2 ? Rate.ZERO
                : new Rate((up - first.up()) / seconds, (down - first.down()) / seconds);
        return s.rate;
    }

    /**
     * Adds a point to the chart's history unless one was added less than a
     * {@link #MIN_INTERVAL_NANOS} ago, and forgets counters that were not sampled for
     * {@link #FORGET_NANOS}.
     */
    synchronized void record(long nowNanos, long epochMillis, Rate total) {
        if (lastPointNanos != Long.MIN_VALUE && nowNanos - lastPointNanos < MIN_INTERVAL_NANOS) {
            return;
        }
        lastPointNanos = nowNanos;
        history.addLast(new Point(epochMillis, total.up(), total.down()));
        while (history.size() > historySize) {
            history.removeFirst();
        }
        for (Iterator<Series> it = series.values().iterator(); it.hasNext();) {
            if (nowNanos - it.next().lastNanos() > FORGET_NANOS) {
                it.remove();
            }
        }
    }

    synchronized List<Point> history() {
        return new ArrayList<>(history);
    }

    synchronized int tracked() {
        return series.size();
    }
}
