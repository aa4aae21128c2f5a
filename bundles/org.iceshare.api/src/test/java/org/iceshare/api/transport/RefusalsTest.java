package org.iceshare.api.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class RefusalsTest {

    @Test
    void countsByReasonInTheOrderOfTheNames() {
        Refusals r = new Refusals(Map.of(Refusals.SLOW_FRAME, 3L, Refusals.ADDRESS_LIMIT, 2L));
        assertThat(r.counts().keySet()).containsExactly(Refusals.ADDRESS_LIMIT, Refusals.SLOW_FRAME);
        assertThat(r.count(Refusals.SLOW_FRAME)).isEqualTo(3);
        assertThat(r.count(Refusals.FRAME_BUDGET)).isZero();
        assertThat(r.total()).isEqualTo(5);
        assertThat(r.isEmpty()).isFalse();
        assertThat(Refusals.NONE.isEmpty()).isTrue();
        assertThat(Refusals.NONE.total()).isZero();
    }

    @Test
    void addsUpReasonByReason() {
        Refusals tcp = new Refusals(Map.of(Refusals.SLOW_FRAME, 3L, Refusals.ADDRESS_LIMIT, 2L));
        Refusals tls = new Refusals(Map.of(Refusals.SLOW_FRAME, 1L, Refusals.TLS_HANDSHAKE, 4L));
        Refusals sum = tcp.plus(tls);
        assertThat(sum.counts()).containsExactly(Map.entry(Refusals.ADDRESS_LIMIT, 2L),
                Map.entry(Refusals.SLOW_FRAME, 4L), Map.entry(Refusals.TLS_HANDSHAKE, 4L));
        assertThat(tcp.plus(Refusals.NONE)).isSameAs(tcp);
        assertThat(Refusals.NONE.plus(tcp)).isEqualTo(tcp);
    }

    @Test
    void isASnapshotAndRefusesNonsense() {
        Map<String, Long> live = new HashMap<>(Map.of("x", 1L));
        Refusals r = new Refusals(live);
        live.put("x", 9L);
        assertThat(r.count("x")).isEqualTo(1);
        assertThatThrownBy(() -> r.counts().put("y", 1L)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> new Refusals(Map.of(" ", 1L))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Refusals(Map.of("x", 0L))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'x'");
    }

    @Test
    void aTransportThatCountsNothingSaysNone() {
        Transport t = new Transport() {
            @Override
            public String name() {
                return "none";
            }

            @Override
            public Listener listen(java.net.InetSocketAddress local, ConnectionHandler.Factory handlers) {
                throw new UnsupportedOperationException();
            }

            @Override
            public java.util.concurrent.CompletionStage<Connection> connect(java.net.InetSocketAddress remote,
                    ConnectionHandler handler) {
                throw new UnsupportedOperationException();
            }
        };
        assertThat(t.refusals()).isSameAs(Refusals.NONE);
    }
}
