package org.iceshare.core.internal.peer;

import static org.assertj.core.api.Assertions.assertThat;

import org.iceshare.api.icet.Rates;
import org.junit.jupiter.api.Test;

class RateMeterTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void measuresOncePerIntervalFromTheBytesCounted() {
        RateMeter meter = new RateMeter(5 * SECOND, 0);
        meter.uploaded(10_000);
        meter.downloaded(2_500);
        assertThat(meter.measure(4 * SECOND)).as("not an interval yet").isFalse();
        assertThat(meter.rates(0, 0)).isEqualTo(new Rates(0, 0, 0, 0));

        assertThat(meter.measure(5 * SECOND)).isTrue();
        assertThat(meter.rates(8000, 0)).isEqualTo(new Rates(8000, 0, 2000, 500));

        meter.uploaded(30_000);
        assertThat(meter.measure(15 * SECOND)).isTrue();
        assertThat(meter.rates(8000, 100)).as("only the bytes of the new interval, over its length")
                .isEqualTo(new Rates(8000, 100, 3000, 0));
    }
}
