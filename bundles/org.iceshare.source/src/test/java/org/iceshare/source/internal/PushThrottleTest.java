package org.iceshare.source.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class PushThrottleTest {

    private final AtomicLong now = new AtomicLong(5_000_000_000L);
    private final PushThrottle throttle = new PushThrottle(now::get);

    private static InetAddress address(String a) throws Exception {
        return InetAddress.getByName(a);
    }

    private void pass(long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    @Test
    void fiveWrongPasswordsLockTheAddressOutAndEachFurtherOneDoublesTheLockout() throws Exception {
        InetAddress a = address("192.0.2.1");
        for (int i = 1; i < PushThrottle.FREE_FAILURES; i++) {
            assertThat(throttle.failed(a)).as("failure %d", i).isZero();
            assertThat(throttle.lockedFor(a)).isZero();
        }
        assertThat(throttle.failed(a)).isEqualTo(1_000);
        assertThat(throttle.lockedFor(a)).isBetween(999L, 1_001L);
        pass(1_000);
        assertThat(throttle.lockedFor(a)).isZero();
        assertThat(throttle.failed(a)).isEqualTo(2_000);
        pass(2_000);
        assertThat(throttle.failed(a)).isEqualTo(4_000);
        for (int i = 0; i < 30; i++) {
            pass(throttle.lockedFor(a));
            throttle.failed(a);
        }
        assertThat(throttle.lockedFor(a)).as("at most five minutes").isBetween(299_000L, 300_001L);
    }

    @Test
    void anotherAddressIsNotAffectedAndTheRightPasswordResets() throws Exception {
        InetAddress a = address("192.0.2.1");
        InetAddress b = address("192.0.2.2");
        for (int i = 0; i < PushThrottle.FREE_FAILURES; i++) {
            throttle.failed(a);
        }
        assertThat(throttle.lockedFor(a)).isPositive();
        assertThat(throttle.lockedFor(b)).isZero();
        pass(1_000);
        throttle.succeeded(a);
        for (int i = 1; i < PushThrottle.FREE_FAILURES; i++) {
            assertThat(throttle.failed(a)).isZero();
        }
    }

    @Test
    void rememberedAddressesAreBounded() throws Exception {
        for (int i = 0; i < PushThrottle.MAX_ADDRESSES + 100; i++) {
            throttle.failed(InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i}));
        }
        assertThat(throttle.size()).isLessThanOrEqualTo(PushThrottle.MAX_ADDRESSES);
        pass(TimeUnit.SECONDS.toMillis(PushThrottle.FORGET_SECONDS + 1));
        throttle.failed(address("192.0.2.9"));
        assertThat(throttle.size()).as("the quiet ones are forgotten").isEqualTo(1);
    }
}
