package org.iceshare.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class MiniJsonTest {

    @Test
    void readsWhatStatsJsonHolds() {
        Object doc = MiniJson.parse("{\"peer\":\"a\\\"b\",\"swarms\":[{\"verified\":3,\"live\":true,\"error\":\"\","
                + "\"quality\":{\"continuity\":0.99500}}],\"none\":null,\"u\":\"\\u00e9\"}");
        assertThat(doc).isInstanceOf(Map.class);
        Map<?, ?> m = (Map<?, ?>) doc;
        assertThat(m.get("peer")).isEqualTo("a\"b");
        assertThat(m.get("u")).isEqualTo("é");
        assertThat(m.containsKey("none")).isTrue();
        Map<?, ?> swarm = (Map<?, ?>) ((List<?>) m.get("swarms")).get(0);
        assertThat(swarm.get("verified")).isEqualTo(3.0);
        assertThat(swarm.get("live")).isEqualTo(true);
        assertThat(((Map<?, ?>) swarm.get("quality")).get("continuity")).isEqualTo(0.995);
        assertThat(MiniJson.parse(" [ ] ")).isEqualTo(List.of());
    }

    @Test
    void refusesMalformedDocuments() {
        assertThatThrownBy(() -> MiniJson.parse("{\"a\":1")).hasMessageContaining("malformed JSON");
        assertThatThrownBy(() -> MiniJson.parse("{\"a\":1} x")).hasMessageContaining("trailing");
        assertThatThrownBy(() -> MiniJson.parse("\"open")).hasMessageContaining("unterminated");
        assertThatThrownBy(() -> MiniJson.parse("[1,]")).hasMessageContaining("malformed JSON");
    }
}
