package org.iceshare.webconsole.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void writesNestedValuesInOrder() {
        Json.Obj o = Json.obj().with("a", 1).with("b", List.of(true, false)).with("c", null)
                .with("d", new int[] {3, 0, 2}).with("e", Map.of("x", 1.5)).with("f", 2.0);
        assertThat(Json.write(o)).isEqualTo("{\"a\":1,\"b\":[true,false],\"c\":null,\"d\":[3,0,2],\"e\":{\"x\":1.5},"
                + "\"f\":2}");
    }

    @Test
    void escapesStringsSoTheyAreSafeInScriptsAndHtml() {
        assertThat(Json.write("a\"b\\c\n</script>&\u2028\u0001"))
                .isEqualTo("\"a\\\"b\\\\c\\n\\u003c/script\\u003e\\u0026\\u2028\\u0001\"");
    }

    @Test
    void nonFiniteNumbersBecomeNull() {
        assertThat(Json.write(Arrays.asList(Double.NaN, Double.POSITIVE_INFINITY, 0.25))).isEqualTo("[null,null,0.25]");
    }
}
