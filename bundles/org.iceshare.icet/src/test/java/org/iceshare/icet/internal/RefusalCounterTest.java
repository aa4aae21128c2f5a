package org.iceshare.icet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.iceshare.api.transport.Refusals;
import org.junit.jupiter.api.Test;

class RefusalCounterTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final List<String> log = new ArrayList<>();
    private final RefusalCounter counter = new RefusalCounter("tcp", now::get, log::add);

    @Test
    void countsEveryRefusalButLogsAtMostOneLinePerReasonEveryTenSeconds() {
        for (int i = 0; i < 1000; i++) {
            counter.refused(Refusals.ADDRESS_LIMIT, "/10.0.0.1:" + (2000 + i), "33 connections from 10.0.0.1");
        }
        counter.refused(Refusals.SLOW_FRAME, "/10.0.0.2:5000", "slow frame");
        assertThat(counter.snapshot().counts()).containsEntry(Refusals.ADDRESS_LIMIT, 1000L)
                .containsEntry(Refusals.SLOW_FRAME, 1L);
        assertThat(log).containsExactly(
                "IceT over tcp: refused /10.0.0.1:2000 (address-limit): 33 connections from 10.0.0.1",
                "IceT over tcp: refused /10.0.0.2:5000 (slow-frame): slow frame");

        now.addAndGet(TimeUnit.SECONDS.toNanos(10));
        counter.refused(Refusals.ADDRESS_LIMIT, "/10.0.0.1:9999", "33 connections from 10.0.0.1");
        assertThat(log).last().isEqualTo("IceT over tcp: refused /10.0.0.1:9999 (address-limit): 33 connections from "
                + "10.0.0.1 (999 more refused for address-limit in the last 10 s, not logged one by one)");
        assertThat(counter.snapshot().total()).isEqualTo(1002);
    }

    @Test
    void nothingRefusedIsNone() {
        assertThat(counter.snapshot()).isSameAs(Refusals.NONE);
    }
}
