package org.iceshare.api.swarm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One way to reach a peer or a tracker: the name of a transport (as in
 * {@code org.iceshare.api.transport.Transport#name()}, for example {@code tcp} or {@code tls}) and the
 * port it listens on. The host is the one of the {@link PeerInfo} or connection it belongs to.
 *
 * @param transport the transport's name: 1 to 32 of {@code a-z 0-9 . -}, starting with a letter or digit
 * @param port the listening port, 1..65535
 */
public record Endpoint(String transport, int port) {

    /** At most this many endpoints per peer or tracker. */
    public static final int MAX_ENDPOINTS = 8;

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{0,31}");

    public Endpoint {
        checkName(transport);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("endpoint port out of range 1..65535: " + port);
        }
    }

    /** Returns {@code name} when it is a valid transport name, else throws IllegalArgumentException. */
    public static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("transport name must be 1..32 of [a-z0-9.-], starting with a letter"
                    + " or digit: " + name);
        }
        return name;
    }

    /**
     * An immutable copy of {@code endpoints}, checked: at most {@value #MAX_ENDPOINTS}, no transport
     * twice.
     */
    public static List<Endpoint> checkList(List<Endpoint> endpoints) {
        List<Endpoint> copy = List.copyOf(endpoints);
        if (copy.size() > MAX_ENDPOINTS) {
            throw new IllegalArgumentException("more than " + MAX_ENDPOINTS + " endpoints");
        }
        Set<String> seen = new HashSet<>();
        for (Endpoint e : copy) {
            if (!seen.add(e.transport())) {
                throw new IllegalArgumentException("transport " + e.transport() + " listed twice");
            }
        }
        return copy;
    }

    /**
     * Picks how to reach the other side: the first transport in {@code preference} that is in
     * {@code offered} and in {@code available} (the transports this side has now). Null when there is
     * none.
     */
    public static Endpoint choose(List<String> preference, List<Endpoint> offered, Set<String> available) {
        Objects.requireNonNull(preference, "preference");
        List<String> order = new ArrayList<>(preference);
        for (Endpoint e : offered) {
            if (!order.contains(e.transport())) {
                order.add(e.transport()); // the other side's own order after ours
            }
        }
        for (String name : order) {
            if (!available.contains(name)) {
                continue;
            }
            for (Endpoint e : offered) {
                if (e.transport().equals(name)) {
                    return e;
                }
            }
        }
        return null;
    }

    /**
     * Reads a configured list of transport ports, {@code "tls=7751, quic=7761"}: names checked, ports
     * 0..65535 (0: a free one), no name twice, and no {@code tcp} (whose port is configured on its own).
     * An empty string gives an empty map.
     *
     * @throws IllegalArgumentException naming the bad entry
     */
    public static Map<String, Integer> parsePorts(String configured) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String part : (configured == null ? "" : configured).split(",")) {
            String entry = part.trim();
            if (entry.isEmpty()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("transport ports are name=port, got '" + entry + "'");
            }
            String name = entry.substring(0, eq).trim();
            int port;
            try {
                checkName(name);
                port = Integer.parseInt(entry.substring(eq + 1).trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("transport port '" + entry + "': " + e.getMessage());
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("transport port '" + entry + "': port out of range 0..65535");
            }
            if (name.equals("tcp")) {
                throw new IllegalArgumentException("transport port '" + entry + "': the tcp port is configured as"
                        + " 'port'");
            }
            if (out.put(name, port) != null) {
                throw new IllegalArgumentException("transport ports name " + name + " twice");
            }
        }
        return Collections.unmodifiableMap(out);
    }

    @Override
    public String toString() {
        return transport + ":" + port;
    }
}
