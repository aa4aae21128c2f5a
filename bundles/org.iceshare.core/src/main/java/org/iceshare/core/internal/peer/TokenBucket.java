package org.iceshare.core.internal.peer;

/**
 * A token bucket for a byte rate. A rate of 0 means unlimited. The rate can change at run time.
 * The bucket may go into debt by one send, so a send larger than the burst is never starved.
 *
 * <p><b>Threading:</b> not thread-safe; used on one executor.
 */
final class TokenBucket {
    private long rate;
    private double tokens;
    private long lastNanos;

    TokenBucket(long bytesPerSecond, long nowNanos) {
        this.rate = Math.max(0, bytesPerSecond);
        this.lastNanos = nowNanos;
        this.tokens = burst();
    }

    void setRate(long bytesPerSecond, long nowNanos) {
        refill(nowNanos);
        this.rate = Math.max(0, bytesPerSecond);
        this.tokens = Math.min(tokens, burst());
    }

    long rate() {
        return rate;
    }

    /** Nanoseconds to wait before {@code bytes} may be sent; 0 when they may go now. */
    long delayNanos(long nowNanos) {
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
    void consume(long bytes, long nowNanos) {
        if (rate == 0) {
            return;
        }
        refill(nowNanos);
        tokens -= bytes;
    }

    private double burst() {
        // a quarter second of traffic: smooth enough for players, large enough for whole pieces
        return Math.max(1, rate / 4.0);
    }

    private void refill(long nowNanos) {
        long elapsed = nowNanos - lastNanos;
        lastNanos = nowNanos;
        if (rate > 0 && elapsed > 0) {
            tokens = Math.min(burst(), tokens + elapsed * (rate / 1e9));
        }
    }
}
