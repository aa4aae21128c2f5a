package org.iceshare.webconsole.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class RateSamplerTest {
    private static final long S = TimeUnit.SECONDS.toNanos(1);

    @Test
    void rateIsTheDifferenceOverTheTimeBetweenSamples() {
        RateSampler r = new RateSampler(10);
        assertThat(r.rate("k", 0, 0, 0)).isEqualTo(RateSampler.Rate.ZERO);
        RateSampler.Rate rate = r.rate("k", 2 * S, 4000, 1000);
        assertThat(rate.up()).isEqualTo(2000.0);
        assertThat(rate.down()).isEqualTo(500.0);
    }

    @Test
    void pollsCloserThanTheMinimumIntervalSeeTheSameRate() {
        RateSampler r = new RateSampler(10);
        r.rate("k", 0, 0, 0);
        RateSampler.Rate first = r.rate("k", S, 1000, 0);
        assertThat(r.rate("k", S + S / 10, 5000, 0)).isEqualTo(first);
        // the next real sample measures over the window, from the first sample (at 0 s)
        assertThat(r.rate("k", 2 * S, 3000, 0).up()).isEqualTo(1500.0);
    }

    @Test
    void aMovingWindowSmoothsCountersThatGrowAPieceAtATime() {
        RateSampler r = new RateSampler(10);
        double max = 0;
        for (int t = 0; t <= 30; t++) {
            long uploaded = 256_000L * (t / 6);
            max = Math.max(max, r.rate("k", t * S, uploaded, 0).up());
        }
        assertThat(max).isEqualTo(256_000 / 5.0);
        // once the transfer stops, the rate falls to 0 within the window
        for (int t = 31; t <= 37; t++) {
            r.rate("k", t * S, 256_000L * 5, 0);
        }
        assertThat(r.rate("k", 38 * S, 256_000L * 5, 0).up()).isZero();
    }

    @Test
    void aLongGapOrACounterGoingDownCountsAsZero() {
        RateSampler r = new RateSampler(10);
        r.rate("k", 0, 0, 0);
        assertThat(r.rate("k", 60 * S, 1_000_000, 0)).isEqualTo(RateSampler.Rate.ZERO);
        assertThat(r.rate("k", 61 * S, 10, 0).up()).isZero();
    }

    @Test
    void historyKeepsTheLatestPointsAndCountersNotSeenForMinutesAreForgotten() {
        RateSampler r = new RateSampler(3);
        r.rate("old", 0, 0, 0);
        for (int i = 0; i < 5; i++) {
            r.record(i * S, 1000L * i, new RateSampler.Rate(i, 2 * i));
        }
        assertThat(r.history()).extracting(RateSampler.Point::epochMillis).containsExactly(2000L, 3000L, 4000L);
        r.record(10 * S, 10_000, new RateSampler.Rate(0, 0));
        r.record(10 * S + S / 10, 10_100, new RateSampler.Rate(0, 0));
        assertThat(r.history()).hasSize(3).last().extracting(RateSampler.Point::epochMillis).isEqualTo(10_000L);
        assertThat(r.tracked()).isEqualTo(1);
        r.record(200 * S, 200_000, new RateSampler.Rate(0, 0));
        assertThat(r.tracked()).isZero();
    }
}
