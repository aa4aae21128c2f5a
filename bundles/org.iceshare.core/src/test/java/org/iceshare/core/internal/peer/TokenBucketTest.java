package org.iceshare.core.internal.peer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void unlimitedNeverWaits() {
        TokenBucket b = new TokenBucket(0, 0);
        b.consume(1 << 30, 0);
        assertThat(b.delayNanos(0)).isZero();
    }

    @Test
    void keepsTheRateOverTime() {
        TokenBucket b = new TokenBucket(1_000_000, 0);
        long now = 0;
        long sent = 0;
        while (now < 10 * SECOND) {
            long d = b.delayNanos(now);
            if (d > 0) {
                now += d;
                continue;
            }
            b.consume(65_536, now);
            sent += 65_536;
        }
        // 10 s at 1 MB/s, plus at most the initial burst and one send of debt
        assertThat(sent).isBetween(9_900_000L, 10_000_000L + 250_000 + 65_536);
    }

    @Test
    void rateChangesAtRunTime() {
        TokenBucket b = new TokenBucket(1000, 0);
        b.consume(10_000, 0);
        assertThat(b.delayNanos(0)).isGreaterThan(9 * SECOND);
        b.setRate(0, 0);
        assertThat(b.delayNanos(0)).isZero();
    }
}
