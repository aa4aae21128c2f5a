package org.iceshare.core.internal.peer;

import org.iceshare.api.transport.Pacer;

/**
 * A token bucket for a byte rate. A rate of 0 means unlimited. The rate can change at run time.
 * The bucket may go into debt by one send, so a send larger than the burst is never starved.
 *
 * <p>As a {@link Pacer} ({@link #take}) it serves senders that write a piece in slices: each takes its
 * slice and waits until the debt is paid, so concurrent senders queue up at the bucket's rate.
 *
 * <p><b>Threading:</b> thread-safe: the engine thread decides what to send, the transport's I/O threads
 * take the slices of the pieces on their way.
 */
final class TokenBucket implements Pacer {
    /** A quarter second of traffic: smooth enough for players, large enough for whole pieces. */
    static final double QUARTER_SECOND = 0.25;
    /** A twentieth of a second: for uploads taken slice by slice, so a catch-up after a stall stays small. */
    static final double TWENTIETH_SECOND = 0.05;

    private final double burstSeconds;
    private long rate;
    private double tokens;
    private long lastNanos;

    TokenBucket(long bytesPerSecond, long nowNanos) {
        this(bytesPerSecond, nowNanos, QUARTER_SECOND);
    }

    /** @param burstSeconds how many seconds of traffic the bucket holds when full */
    TokenBucket(long bytesPerSecond, long nowNanos, double burstSeconds) {
        this.burstSeconds = burstSeconds;
        this.rate = Math.max(0, bytesPerSecond);
        this.lastNanos = nowNanos;
        this.tokens = burst();
    }

    synchronized void setRate(long bytesPerSecond, long nowNanos) {
        refill(nowNanos);
        this.rate = Math.max(0, bytesPerSecond);
        this.tokens = Math.min(tokens, burst());
    }

    synchronized long rate() {
        return rate;
    }

    /** Nanoseconds to wait before {@code bytes} may be sent; 0 when they may go now. */
    synchronized long delayNanos(long nowNanos) {
        if (rate == 0) {
            return 0;
        }
        refill(nowNanos);
        if (tokens > 0) {
            return 0;
        }
        return (long) Math.ceil(-tokens * 1e9 / rate) + 1;
    }

    /** Takes tokens for a send (callers first wait for {@link #delayNanos} to be 0). */
    synchronized void consume(long bytes, long nowNanos) {
        if (rate == 0) {
            return;
        }
        refill(nowNanos);
        tokens -= bytes;
    }

    /**
     * Takes {@code bytes} now, into debt if need be, and answers how long the sender waits before writing
     * them: until the debt is paid. Unlimited: 0.
     */
    @Override
    public synchronized long take(int bytes) {
        if (rate == 0) {
            return 0;
        }
        long now = System.nanoTime();
        refill(now);
        tokens -= bytes;
        return tokens >= 0 ? 0 : (long) Math.ceil(-tokens * 1e9 / rate);
    }

    private double burst() {
        return Math.max(1, rate * burstSeconds);
    }

    private void refill(long nowNanos) {
        long elapsed = nowNanos - lastNanos;
        if (elapsed <= 0) {
            return; // an older clock reading from another thread: the time was counted already
        }
        lastNanos = nowNanos;
        if (rate > 0) {
            tokens = Math.min(burst(), tokens + elapsed * (rate / 1e9));
        }
    }
}
