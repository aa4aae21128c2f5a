package org.iceshare.shell.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.table.ShellTable;
import org.iceshare.api.peer.ConnectionInfo;
import org.iceshare.api.peer.Peer;
import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.tracker.Tracker;
import org.iceshare.api.transport.Transport;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

@Service
@Command(scope = "iceshare", name = "transport", description = "Lists the installed transports and, per peer, its "
        + "transport preference, where it listens and its connections per transport; with a NAME, puts that "
        + "transport first in the preference of every peer (or --peer P), at once and without a restart.",
        detailedDescription = "Every peer and the tracker listen on every installed transport at once. A peer's "
                + "'transports' property (factory configuration org.iceshare.peer, default 'tcp,tls') is its "
                + "preference: a new connection uses the first transport in it that both sides have. "
                + "'iceshare:transport NAME' writes only that property, with NAME first and the previous order "
                + "after it (tls on tcp,tls gives tls,tcp); the other properties stay and the change is written "
                + "back to etc/org.iceshare.peer-<name>.cfg. It applies at once: open connections carry on and "
                + "finish their pieces, new connections use NAME where the other side has it. A NAME already "
                + "first writes nothing. Only an installed transport can be put first. --connections prints the "
                + "connection table: every open connection with its transport, direction and bytes.")
public class TransportCommand implements Action {

    /** The factory PID of the peers. */
    static final String PEER_FACTORY_PID = Peer.FACTORY_PID;
    /** The peers' property holding the transport preference, and its default (the core's). */
    static final String PREFERENCE = Peer.TRANSPORTS_PROPERTY;
    static final String PREFERENCE_DEFAULT = Peer.DEFAULT_TRANSPORTS;

    @Reference
    BundleContext bundleContext;

    @Reference
    Session session;

    @Reference
    ConfigurationAdmin configAdmin;

    @Reference(optional = true)
    Tracker tracker;

    @Argument(index = 0, name = "name", description = "The transport to put first in the peers' preference (see "
            + "the list without NAME)")
    @Completion(TransportNameCompleter.class)
    String name;

    @Option(name = "--peer", aliases = "-p", description = "Only this peer (its configuration when switching, its "
            + "row and connections when listing)")
    @Completion(PeerNameCompleter.class)
    String peerName;

    @Option(name = "--connections", aliases = "-c", description = "Print the connection table: every open "
            + "connection of the local peers with its transport, direction and bytes")
    boolean connections;

    @Option(name = "--bytes", aliases = "-b", description = "Exact byte counts in the connection table")
    boolean exact;

    @Override
    public Object execute() throws IOException {
        PrintStream out = session.getConsole();
        List<PluginService> installed = PluginService.list(bundleContext, Transport.class, Transport.NAME_PROPERTY);
        List<PeerConfig> configs = peerConfigurations(configAdmin);
        List<Peer> running = PeerLookup.all(bundleContext);
        if (peerName != null) {
            String wantedPeer = peerName.trim();
            List<PeerConfig> onlyConfig = configs.stream().filter(c -> c.name().equals(wantedPeer)).toList();
            List<Peer> onlyRunning = running.stream().filter(p -> p.name().equals(wantedPeer)).toList();
            if (onlyConfig.isEmpty() && onlyRunning.isEmpty()) {
                Set<String> known = new java.util.TreeSet<>();
                configs.forEach(c -> known.add(c.name()));
                running.forEach(p -> known.add(p.name()));
                out.println("Error: no peer named '" + wantedPeer + "'; peers: "
                        + (known.isEmpty() ? "none" : String.join(", ", known)));
                return null;
            }
            configs = onlyConfig;
            running = onlyRunning;
        }
        if (name == null) {
            if (connections) {
                connectionTable(out, running, exact);
            } else {
                list(out, installed, configs, running, tracker);
            }
            return null;
        }
        String wanted = name.trim();
        if (PluginService.named(installed, wanted).isEmpty()) {
            out.println("Error: no transport named '" + wanted + "' is installed; installed: "
                    + (installed.isEmpty() ? "none" : String.join(", ", PluginService.names(installed))));
            return null;
        }
        if (configs.isEmpty()) {
            out.println("Error: no peer is configured" + (peerName == null ? "" : " with the name '"
                    + peerName.trim() + "'") + " (factory configurations of " + PEER_FACTORY_PID + ")");
            return null;
        }
        int changed = 0;
        for (PeerConfig peer : configs) {
            List<String> before = preference(ConfigEdit.get(peer.configuration(), PREFERENCE, PREFERENCE_DEFAULT));
            List<String> after = first(before, wanted);
            if (after.equals(before)) {
                out.println("Peer " + peer.name() + ": " + wanted + " is already first (" + join(before)
                        + "); nothing written");
                continue;
            }
            ConfigEdit.set(peer.configuration(), PREFERENCE, join(after));
            changed++;
            out.println("Peer " + peer.name() + ": " + PREFERENCE + " " + join(before) + " -> " + join(after));
        }
        out.println(changed + " of " + Format.count(configs.size(), "peer") + " changed"
                + (changed == 0 ? "" : "; open connections carry on and finish their pieces, new connections use "
                        + wanted + " where the other side has it too"));
        return null;
    }

    private static void list(PrintStream out, List<PluginService> installed, List<PeerConfig> configs,
            List<Peer> running, Tracker tracker) {
        Map<String, Row> rows = rows(configs, running);
        Set<String> installedNames = new LinkedHashSet<>(PluginService.names(installed));
        out.println("Transports");
        ShellTable t = new ShellTable();
        t.column("Name");
        t.column("Ranking").alignRight();
        t.column("Bundle");
        t.column("First choice of");
        for (PluginService p : installed) {
            List<String> first = new ArrayList<>();
            rows.forEach((peer, row) -> {
                if (p.name().equals(inEffect(row.preference(), installedNames))) {
                    first.add(peer);
                }
            });
            t.addRow().addContent(p.name(), p.ranking(), p.bundle(), String.join(", ", first));
        }
        t.emptyTableText("(no transport installed: feature:install iceshare-transport-tcp)");
        t.print(out);
        out.println();
        out.println("Peers (preference: '" + PREFERENCE + "' of each " + PEER_FACTORY_PID + " configuration, default "
                + PREFERENCE_DEFAULT + ")");
        ShellTable p = new ShellTable();
        p.column("Peer");
        p.column("Preference");
        p.column("Listens on");
        p.column("Connections");
        rows.forEach((peer, row) -> p.addRow().addContent(peer, describe(row.preference(), installedNames),
                row.peer() == null ? "(not running)" : endpoints(row.peer().endpoints()),
                row.peer() == null ? "-" : counts(row.peer().connections())));
        p.emptyTableText("(no peer configured)");
        p.print(out);
        out.println("Tracker: " + (tracker == null ? "none runs in this container" : "listens on "
                + (tracker.endpoints().isEmpty() ? "no transport" : endpoints(tracker.endpoints()))
                + "; its address " + Format.address(tracker.address())));
    }

    /** The connection table: one line per open connection of each local peer. */
    static void connectionTable(PrintStream out, List<Peer> peers, boolean exact) {
        ShellTable t = new ShellTable();
        t.column("Peer");
        t.column("Kind");
        t.column("Other");
        t.column("Remote");
        t.column("Transport");
        t.column("Direction");
        t.column("Read").alignRight();
        t.column("Written").alignRight();
        int n = 0;
        for (Peer peer : peers) {
            List<ConnectionInfo> list = new ArrayList<>(peer.connections());
            list.sort(Comparator.comparing((ConnectionInfo c) -> c.kind()).thenComparing(ConnectionInfo::transport)
                    .thenComparing(c -> Format.address(c.remote())));
            for (ConnectionInfo c : list) {
                n++;
                t.addRow().addContent(peer.name(), c.kind() == ConnectionInfo.Kind.TRACKER ? "tracker" : "peer",
                        c.peer() == null ? "-" : c.peer().shortHex(), Format.address(c.remote()), c.transport(),
                        c.outbound() ? "out" : "in", exact ? Long.toString(c.bytesRead()) : Format.bytes(c.bytesRead()),
                        exact ? Long.toString(c.bytesWritten()) : Format.bytes(c.bytesWritten()));
            }
        }
        out.println("Connections (" + n + ")");
        t.emptyTableText(peers.isEmpty() ? "(no peer is running)" : "(no open connection)");
        t.print(out);
    }

    /** A peer's configured preference with its running service (null when it does not run). */
    record Row(List<String> preference, Peer peer) {
    }

    /** One row per peer name: every configuration, and every running peer without one. */
    private static Map<String, Row> rows(List<PeerConfig> configs, List<Peer> running) {
        Map<String, Row> rows = new TreeMap<>();
        for (PeerConfig c : configs) {
            Peer p = running.stream().filter(x -> x.name().equals(c.name())).findFirst().orElse(null);
            rows.put(c.name(), new Row(preference(ConfigEdit.get(c.configuration(), PREFERENCE, PREFERENCE_DEFAULT)),
                    p));
        }
        for (Peer p : running) {
            rows.putIfAbsent(p.name(), new Row(preference(PREFERENCE_DEFAULT), p));
        }
        return rows;
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
        preference.stream().filter(n -> !n.equals(name)).forEach(out::add);
        return List.copyOf(out);
    }

    /** The first transport of {@code preference} that is installed: what a new connection tries first. */
    static String inEffect(List<String> preference, Set<String> installed) {
        return preference.stream().filter(installed::contains).findFirst().orElse(null);
    }

    /** The preference as configured, marking what is not installed ("tls,tcp (tls not installed)"). */
    static String describe(List<String> preference, Set<String> installed) {
        List<String> missing = preference.stream().filter(n -> !installed.contains(n)).toList();
        return join(preference) + (missing.isEmpty() ? "" : " (" + String.join(", ", missing) + " not installed)");
    }

    /** "tcp:7741, tls:7751", or "-". */
    static String endpoints(List<Endpoint> endpoints) {
        return endpoints.isEmpty() ? "-" : endpoints.stream().map(Endpoint::toString).collect(Collectors.joining(", "));
    }

    /** The open connections counted per transport, by transport name: "tcp 3, tls 1", or "-". */
    static String counts(List<ConnectionInfo> connections) {
        Map<String, Integer> byTransport = countsByTransport(connections);
        if (byTransport.isEmpty()) {
            return "-";
        }
        return byTransport.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "));
    }

    /** How many connections each transport carries, by transport name. */
    static Map<String, Integer> countsByTransport(List<ConnectionInfo> connections) {
        Map<String, Integer> out = new TreeMap<>();
        for (ConnectionInfo c : connections) {
            out.merge(c.transport(), 1, Integer::sum);
        }
        return new LinkedHashMap<>(out);
    }

    private static String join(List<String> names) {
        return String.join(",", names);
    }

    /** A peer's factory configuration with the peer's name. */
    record PeerConfig(String name, Configuration configuration) {
    }

    /** The peers' configurations, by peer name. */
    static List<PeerConfig> peerConfigurations(ConfigurationAdmin admin) throws IOException {
        List<PeerConfig> out = new ArrayList<>();
        for (Configuration c : ConfigEdit.factory(admin, PEER_FACTORY_PID)) {
            out.add(new PeerConfig(ConfigEdit.get(c, "name", "default"), c));
        }
        out.sort(Comparator.comparing(PeerConfig::name));
        return out;
    }
}
