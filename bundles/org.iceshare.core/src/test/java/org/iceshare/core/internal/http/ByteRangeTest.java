package org.iceshare.core.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ByteRangeTest {
    private static Object parse(String h) {
        ByteRange.Parsed p = ByteRange.parse(h, 1000);
        return p instanceof ByteRange.Partial r ? r.range() : p.getClass().getSimpleName();
    }

    @Test
    void parsesTheThreeForms() {
        assertThat(parse("bytes=0-99")).isEqualTo(new ByteRange(0, 100));
        assertThat(parse("bytes=900-")).isEqualTo(new ByteRange(900, 1000));
        assertThat(parse("bytes=-100")).isEqualTo(new ByteRange(900, 1000));
        assertThat(parse("bytes=990-5000")).isEqualTo(new ByteRange(990, 1000));
        assertThat(parse("BYTES=1-1")).isEqualTo(new ByteRange(1, 2));
    }

    @Test
    void unsatisfiableAndIgnoredForms() {
        assertThat(parse("bytes=1000-")).isEqualTo("Unsatisfiable");
        assertThat(parse("bytes=-0")).isEqualTo("Unsatisfiable");
        assertThat(parse(null)).isEqualTo("Whole");
        assertThat(parse("bytes=5-1")).isEqualTo("Whole");
        assertThat(parse("bytes=0-1,5-6")).isEqualTo("Whole");
        assertThat(parse("items=0-1")).isEqualTo("Whole");
        assertThat(parse("bytes=abc-")).isEqualTo("Whole");
        assertThat(parse("bytes=99999999999999999999999-")).isEqualTo("Whole");
    }

    @Test
    void slicesOfABodyMadeOfRangesMapToTheContent() {
        long[] body = {100, 200, 500, 1000};
        assertThat(ByteRange.total(body)).isEqualTo(600);
        assertThat(ByteRange.slice(body, 0, 600)).containsExactly(100, 200, 500, 1000);
        assertThat(ByteRange.slice(body, 50, 150)).containsExactly(150, 200, 500, 550);
        assertThat(ByteRange.slice(body, 100, 600)).containsExactly(500, 1000);
        assertThat(ByteRange.slice(body, 0, 100)).containsExactly(100, 200);
        assertThat(ByteRange.slice(body, 599, 600)).containsExactly(999, 1000);
        assertThat(ByteRange.slice(body, 10, 10)).isEmpty();
        assertThatThrownBy(() -> ByteRange.slice(body, 0, 601)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ByteRange.slice(body, 5, 4)).isInstanceOf(IllegalArgumentException.class);
    }
}
