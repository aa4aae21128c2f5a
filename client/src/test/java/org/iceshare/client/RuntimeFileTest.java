package org.iceshare.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/** The runtime file's values, written by hand, read back by {@link Properties#load(java.io.Reader)}. */
class RuntimeFileTest {

    @Test
    void valuesComeBackAsWritten() throws IOException {
        String[] values = {"play icet://a@127.0.0.1:9000/x.ogg", "C:\\music\\a b.ogg", " leading space", "\ttab",
            "two\nlines\r", "k=v: #not a comment !", "ünïcødé ♪", ""};
        StringBuilder b = new StringBuilder("# comment\n");
        for (int i = 0; i < values.length; i++) {
            b.append("k").append(i).append('=').append(ClientPeer.escaped(values[i])).append('\n');
        }
        Properties p = new Properties();
        p.load(new StringReader(b.toString()));
        for (int i = 0; i < values.length; i++) {
            assertThat(p.getProperty("k" + i)).as(values[i]).isEqualTo(values[i]);
        }
        assertThat(p).hasSize(values.length);
    }
}
