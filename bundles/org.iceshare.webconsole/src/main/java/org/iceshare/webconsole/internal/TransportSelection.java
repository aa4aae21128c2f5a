package org.iceshare.webconsole.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.iceshare.api.peer.Peer;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Reads and changes the peers' transport preference: the property {@value #KEY} of each factory
 * configuration of {@value #FACTORY_PID}, a comma-separated list of transport names (default
 * {@value #DEFAULT}). A new connection uses the first transport in it that both sides have. The core
 * applies a change at once without restarting the peer (open connections carry on, new ones follow the
 * new order), and Karaf's file install writes it back to {@code etc/org.iceshare.peer-<name>.cfg}.
 *
 * <p><b>Threading:</b> thread-safe; {@link #select} blocks only for the ConfigAdmin updates.
 */
final class TransportSelection {
    static final String FACTORY_PID = Peer.FACTORY_PID;
    static final String KEY = Peer.TRANSPORTS_PROPERTY;
    /** The core's preference when the configuration does not say. */
    static final String DEFAULT = Peer.DEFAULT_TRANSPORTS;

    /** One peer configuration's preference. */
    record Preference(String peer, List<String> transports) {
        /** The first name, the one a change puts there. */
        String first() {
            return transports.isEmpty() ? null : transports.get(0);
        }
    }

    /** What selecting did to one peer configuration. */
    record Change(String peer, List<String> before, List<String> after) {
        boolean changed() {
            return !before.equals(after);
        }
    }

    private final ConfigurationAdmin configAdmin;

    TransportSelection(ConfigurationAdmin configAdmin) {
        this.configAdmin = configAdmin;
    }

    /** The preference of every peer configuration, by peer name. */
    List<Preference> current() throws IOException {
        List<Preference> out = new ArrayList<>();
        for (Configuration c : configurations()) {
            Dictionary<String, Object> props = c.getProperties();
            out.add(new Preference(value(props, "name", "default"), preference(value(props, KEY, DEFAULT))));
        }
        out.sort(Comparator.comparing(Preference::peer));
        return out;
    }

    /**
     * Puts {@code name} first in the preference of every peer configuration, or only of the one named
     * {@code peer}, keeping the previous order after it ({@code tls} on {@code tcp,tls} gives
     * {@code tls,tcp}). Only {@value #KEY} is written, and only where it changes: a configuration whose
     * preference already starts with {@code name} is not updated.
     *
     * @param installed the names of the installed transports
     * @throws ApiException 400 for a missing or not installed name or an unknown peer, 409 when no peer
     *         is configured
     */
    List<Change> select(String name, String peer, List<String> installed) throws ApiException, IOException {
        if (name == null || name.isBlank()) {
            throw ApiException.badRequest("name is required: one of " + installed);
        }
        String n = name.trim();
        if (!installed.contains(n)) {
            throw ApiException.badRequest("unknown transport '" + n + "'; installed: " + installed);
        }
        List<Configuration> all = configurations();
        if (all.isEmpty()) {
            throw new ApiException(409, "no peer is configured: create one with a factory configuration of "
                    + FACTORY_PID);
        }
        List<Configuration> chosen = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Configuration c : all) {
            String peerName = value(c.getProperties(), "name", "default");
            names.add(peerName);
            if (peer == null || peer.isBlank() || peerName.equals(peer.trim())) {
                chosen.add(c);
            }
        }
        if (chosen.isEmpty()) {
            names.sort(null);
            throw ApiException.badRequest("no peer configuration named '" + peer.trim() + "'; peers: " + names);
        }
        List<Change> out = new ArrayList<>();
        for (Configuration c : chosen) {
            Dictionary<String, Object> props = c.getProperties();
            List<String> before = preference(value(props, KEY, DEFAULT));
            List<String> after = first(before, n);
            Change change = new Change(value(props, "name", "default"), before, after);
            if (change.changed()) {
                Dictionary<String, Object> update = new Hashtable<>();
                if (props != null) {
                    for (var e = props.keys(); e.hasMoreElements();) {
                        String k = e.nextElement();
                        update.put(k, props.get(k));
                    }
                }
                update.put(KEY, String.join(",", after));
                c.update(update);
            }
            out.add(change);
        }
        out.sort(Comparator.comparing(Change::peer));
        return out;
    }

    private List<Configuration> configurations() throws IOException {
        try {
            Configuration[] found = configAdmin.listConfigurations("(" + ConfigurationAdmin.SERVICE_FACTORYPID + "="
                    + FACTORY_PID + ")");
            return found == null ? List.of() : List.of(found);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException("constant filter", e);
        }
    }

    /** "tls, tcp" to [tls, tcp]: trimmed, blanks and repeats left out. */
    static List<String> preference(String configured) {
        Set<String> out = new LinkedHashSet<>();
        for (String part : (configured == null ? "" : configured).split(",")) {
            String n = part.trim();
            if (!n.isEmpty()) {
                out.add(n);
            }
        }
        return List.copyOf(out);
    }

    /** {@code preference} with {@code name} first and the others in their order after it. */
    static List<String> first(List<String> preference, String name) {
        List<String> out = new ArrayList<>();
        out.add(name);
        preference.stream().filter(x -> !x.equals(name)).forEach(out::add);
        return List.copyOf(out);
    }

    private static String value(Dictionary<String, Object> props, String key, String fallback) {
        Object v = props == null ? null : props.get(key);
        return v == null || v.toString().isBlank() ? fallback : v.toString().trim();
    }
}
