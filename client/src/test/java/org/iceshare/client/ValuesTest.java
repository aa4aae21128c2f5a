package org.iceshare.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class ValuesTest {

    @Test
    void ratesAreBytesPerSecondWithBinarySuffixes() {
        assertThat(Values.rate("0")).isZero();
        assertThat(Values.rate("1000")).isEqualTo(1000);
        assertThat(Values.rate("512k")).isEqualTo(512 * 1024);
        assertThat(Values.rate("2M")).isEqualTo(2 * 1024 * 1024);
        assertThat(Values.rate("1.5M")).isEqualTo(1536 * 1024);
        assertThat(Values.rate("2MiB/s")).isEqualTo(2 * 1024 * 1024);
        assertThat(Values.rate("1g")).isEqualTo(1024L * 1024 * 1024);
        assertThatThrownBy(() -> Values.rate("12q")).hasMessageContaining("bad rate '12q'");
        assertThatThrownBy(() -> Values.rate("-1k")).hasMessageContaining("bad rate");
        assertThatThrownBy(() -> Values.rate("")).hasMessageContaining("bad rate");
    }

    @Test
    void durationsTakeUnitsOrClockForm() {
        assertThat(Values.duration("90")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Values.duration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Values.duration("30m")).isEqualTo(Duration.ofMinutes(30));
        assertThat(Values.duration("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Values.duration("1:30:00")).isEqualTo(Duration.ofMinutes(90));
        assertThatThrownBy(() -> Values.duration("1x")).hasMessageContaining("bad duration '1x'");
        assertThatThrownBy(() -> Values.duration("m")).hasMessageContaining("bad duration");
    }

    @Test
    void mediaTimesAreSeconds() {
        assertThat(Values.mediaTime("1:30")).isEqualTo(90.0);
        assertThat(Values.mediaTime("1:02:03.5")).isEqualTo(3723.5);
        assertThat(Values.mediaTime("90")).isEqualTo(90.0);
        assertThatThrownBy(() -> Values.mediaTime("soon")).hasMessageContaining("bad start time 'soon'");
        assertThatThrownBy(() -> Values.mediaTime("1:x")).hasMessageContaining("bad time");
        assertThatThrownBy(() -> Values.mediaTime("1:2:3:4")).hasMessageContaining("bad time");
    }

    @Test
    void trackersAreHostAndPort() {
        assertThat(Values.hostPort("radio.example.org:7740").getHostString()).isEqualTo("radio.example.org");
        assertThat(Values.hostPort("[::1]:7740").getHostString()).isEqualTo("::1");
        assertThat(Values.hostPort("127.0.0.1:1").getPort()).isEqualTo(1);
        assertThatThrownBy(() -> Values.hostPort("nowhere")).hasMessageContaining("expected HOST:PORT");
        assertThatThrownBy(() -> Values.hostPort("h:70000")).hasMessageContaining("1..65535");
        assertThatThrownBy(() -> Values.hostPort("h:x")).hasMessageContaining("not a number");
    }

    @Test
    void peopleReadBytesAndClocks() {
        assertThat(Values.bytes(512)).isEqualTo("512 B");
        assertThat(Values.bytes(1536)).isEqualTo("1.5 KiB");
        assertThat(Values.bytes(3 * 1024 * 1024)).isEqualTo("3.0 MiB");
        assertThat(Values.clock(42)).isEqualTo("0:42");
        assertThat(Values.clock(3723)).isEqualTo("1:02:03");
        assertThat(Values.clock(-1)).isEqualTo("?");
    }
}
