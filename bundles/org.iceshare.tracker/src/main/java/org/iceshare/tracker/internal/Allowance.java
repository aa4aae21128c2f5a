package org.iceshare.tracker.internal;

/**
 * A token bucket: {@code perSecond} actions a second on average, {@code burst} at once. One per session and
 * kind of message, so that one client cannot keep the tracker busy; plain Java, touched by one thread.
 */
final class Allowance {
    private final double perNano;
    private final double burst;
    private double tokens;
    private long last;

    Allowance(double perSecond, double burst, long now) {
        if (perSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("an allowance needs a positive rate and a burst of at least 1");
        }
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.last = now;
    }

    /** Takes one token: true when the action is allowed at {@code now} (nanoseconds). */
    boolean take(long now) {
        if (now > last) {
            tokens = Math.min(burst, tokens + (now - last) * perNano);
            last = now;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
