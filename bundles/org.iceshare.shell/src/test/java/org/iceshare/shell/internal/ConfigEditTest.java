package org.iceshare.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.osgi.service.cm.Configuration;

class ConfigEditTest {

    /** A Configuration that keeps its properties and records each update. */
    private static final class Recorder {
        Dictionary<String, Object> properties;
        final List<Dictionary<String, ?>> updates = new CopyOnWriteArrayList<>();

        @SuppressWarnings("unchecked")
        Configuration configuration() {
            return (Configuration) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {Configuration.class}, (proxy, method, args) -> {
                        switch (method.getName()) {
                            case "getProperties":
                                return properties == null ? null : copy(properties);
                            case "update":
                                if (args != null && args.length == 1) {
                                    properties = copy((Dictionary<String, Object>) args[0]);
                                    updates.add(properties);
                                }
                                return null;
                            case "getPid":
                                return "org.iceshare.scheduler";
                            default:
                                throw new UnsupportedOperationException(method.getName());
                        }
                    });
        }

        private static Dictionary<String, Object> copy(Dictionary<String, Object> d) {
            Hashtable<String, Object> out = new Hashtable<>();
            for (java.util.Enumeration<String> k = d.keys(); k.hasMoreElements();) {
                String key = k.nextElement();
                out.put(key, d.get(key));
            }
            return out;
        }
    }

    @Test
    void oneUpdateSetsTheKeyAndKeepsTheOthers() throws Exception {
        Recorder r = new Recorder();
        Hashtable<String, Object> start = new Hashtable<>();
        start.put("name", "rarest");
        start.put("streaming", "deadline");
        start.put("felix.fileinstall.filename", "file:/opt/iceshare/etc/org.iceshare.scheduler.cfg");
        r.properties = start;
        Configuration c = r.configuration();

        assertThat(ConfigEdit.set(c, "name", "sequential")).isEqualTo("rarest");

        assertThat(r.updates).hasSize(1);
        assertThat(r.properties.get("name")).isEqualTo("sequential");
        assertThat(r.properties.get("streaming")).isEqualTo("deadline");
        assertThat(r.properties.get("felix.fileinstall.filename")).isEqualTo(
                "file:/opt/iceshare/etc/org.iceshare.scheduler.cfg");
        assertThat(ConfigEdit.get(c, "name", "rarest")).isEqualTo("sequential");
    }

    @Test
    void aNewConfigurationGetsItsFirstProperty() throws Exception {
        Recorder r = new Recorder();
        assertThat(ConfigEdit.get(r.configuration(), "streaming", "deadline")).isEqualTo("deadline");
        assertThat(ConfigEdit.set(r.configuration(), "streaming", "sequential")).isNull();
        assertThat(r.properties.size()).isEqualTo(1);
        assertThat(ConfigEdit.get(r.configuration(), "streaming", "deadline")).isEqualTo("sequential");
    }

    @Test
    void blankOrMissingReadsAsTheFallback() {
        Recorder r = new Recorder();
        Hashtable<String, Object> start = new Hashtable<>();
        start.put("name", "  ");
        start.put("streaming", " deadline ");
        r.properties = start;
        assertThat(ConfigEdit.get(r.configuration(), "name", "rarest")).isEqualTo("rarest");
        assertThat(ConfigEdit.get(r.configuration(), "streaming", "x")).isEqualTo("deadline");
        assertThat(ConfigEdit.get(null, "name", "rarest")).isEqualTo("rarest");
    }
}
