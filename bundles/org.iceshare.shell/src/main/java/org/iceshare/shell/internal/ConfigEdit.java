package org.iceshare.shell.internal;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/** Changes configurations the way an operator means it: one property at a time, the others kept. */
final class ConfigEdit {
    private ConfigEdit() {
    }

    /** The existing configuration of {@code pid}, or null when there is none. */
    static Configuration find(ConfigurationAdmin admin, String pid) throws IOException {
        List<Configuration> found = list(admin, "(" + Constants.SERVICE_PID + "=" + pid + ")");
        return found.isEmpty() ? null : found.get(0);
    }

    /** The configurations of a factory PID, for example every {@code org.iceshare.peer}. */
    static List<Configuration> factory(ConfigurationAdmin admin, String factoryPid) throws IOException {
        return list(admin, "(" + ConfigurationAdmin.SERVICE_FACTORYPID + "=" + factoryPid + ")");
    }

    private static List<Configuration> list(ConfigurationAdmin admin, String filter) throws IOException {
        try {
            Configuration[] found = admin.listConfigurations(filter);
            return found == null ? List.of() : List.of(found);
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("bad filter " + filter, e);
        }
    }

    /**
     * The configuration of {@code pid}: the existing one (whatever bundle it is bound to), or a new,
     * unbound one, which the component that uses the PID picks up.
     */
    static Configuration configuration(ConfigurationAdmin admin, String pid) throws IOException {
        return admin.getConfiguration(pid, null);
    }

    /** A property of a configuration as a trimmed string, or {@code fallback} when it is not set. */
    static String get(Configuration c, String key, String fallback) {
        Dictionary<String, Object> props = c == null ? null : c.getProperties();
        Object v = props == null ? null : props.get(key);
        return v == null || v.toString().isBlank() ? fallback : v.toString().trim();
    }

    /**
     * Sets one property in a single update of {@code c}, keeping every other property (including
     * FileInstall's {@code felix.fileinstall.filename}, so the change is written back to its
     * {@code etc/*.cfg}).
     *
     * @return the previous value, or null
     */
    static Object set(Configuration c, String key, Object value) throws IOException {
        Object before = c.getProperties() == null ? null : c.getProperties().get(key);
        setAll(c, Map.of(key, value));
        return before;
    }

    /** Sets several properties in a single update of {@code c}, keeping every other property. */
    static void setAll(Configuration c, Map<String, Object> values) throws IOException {
        Dictionary<String, Object> props = c.getProperties();
        Hashtable<String, Object> copy = new Hashtable<>();
        if (props != null) {
            for (Enumeration<String> keys = props.keys(); keys.hasMoreElements();) {
                String k = keys.nextElement();
                copy.put(k, props.get(k));
            }
        }
        copy.putAll(values);
        c.update(copy);
    }
}
