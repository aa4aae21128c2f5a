package org.iceshare.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import org.apache.karaf.shell.api.console.Session;
import org.iceshare.api.peer.ConnectionInfo;
import org.iceshare.api.peer.LiveFeed;
import org.iceshare.api.peer.Peer;
import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.transport.Transport;
import org.iceshare.testkit.FakePeer;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

class TransportCommandTest {

    private static final String CFG = "felix.fileinstall.filename";

    /** Installed transports (name, ranking), running peers and the peers' configurations. */
    private final Map<String, Integer> transports = new LinkedHashMap<>();
    private final List<Peer> peers = new ArrayList<>();
    private final Map<String, Dictionary<String, Object>> configs = new LinkedHashMap<>();
    private final Map<String, Integer> updates = new HashMap<>();
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();

    TransportCommandTest() {
        transports.put("tcp", 100);
        transports.put("tls", 50);
    }

    // ------------------------------------------------------------------ listing

    @Test
    void theListShowsTransportsPreferencesEndpointsAndConnectionsPerTransport() throws Exception {
        PeerId other = PeerId.random();
        peers.add(connectedPeer("default", List.of(new Endpoint("tcp", 7741), new Endpoint("tls", 7751)),
                List.of(connection(ConnectionInfo.Kind.TRACKER, null, "tcp", true),
                        connection(ConnectionInfo.Kind.PEER, other, "tcp", false),
                        connection(ConnectionInfo.Kind.PEER, other, "tls", true))));
        peers.add(connectedPeer("second", List.of(new Endpoint("tls", 7752), new Endpoint("tcp", 7742)),
                List.of()));
        config("default", null);
        config("second", "tls, tcp");
        config("third", "quic,tcp");

        String out = run(null);

        assertThat(out).contains("Transports");
        assertThat(line(out, "tcp", "100", "org.iceshare.transport.tcp")).contains("default").contains("third")
                .doesNotContain("second");
        assertThat(line(out, "tls", "50", "org.iceshare.transport.tls")).contains("second");
        assertThat(line(out, "default", "tcp,tls", "tcp:7741, tls:7751")).contains("tcp 2, tls 1");
        assertThat(line(out, "second", "tls,tcp", "tls:7752, tcp:7742")).isNotNull();
        assertThat(line(out, "third", "quic,tcp (quic not installed)", "(not running)")).isNotNull();
        assertThat(out).contains("Tracker: none runs in this container");
        assertThat(updates).isEmpty();
    }

    @Test
    void theConnectionTableListsEveryConnection() throws Exception {
        PeerId other = PeerId.random();
        peers.add(connectedPeer("default", List.of(new Endpoint("tcp", 7741)),
                List.of(connection(ConnectionInfo.Kind.PEER, other, "tls", false),
                        connection(ConnectionInfo.Kind.TRACKER, null, "tcp", true))));
        peers.add(connectedPeer("idle", List.of(new Endpoint("tcp", 7742)), List.of()));

        TransportCommand c = command(null);
        c.connections = true;
        c.exact = true;
        String out = execute(c);

        assertThat(out).contains("Connections (2)");
        assertThat(line(out, "default", "tracker", "127.0.0.1:7740", "tcp", "out", "1000", "2000")).isNotNull();
        assertThat(line(out, "default", "peer", other.shortHex(), "tls", "in")).isNotNull();
        String lines = out.lines().filter(l -> l.contains("tracker")).findFirst().orElseThrow();
        assertThat(out.indexOf(lines)).isLessThan(out.indexOf(other.shortHex()));
        assertThat(out).doesNotContain("idle");

        TransportCommand one = command(null);
        one.connections = true;
        one.peerName = "idle";
        assertThat(execute(one)).contains("Connections (0)").contains("(no open connection)");
    }

    // ------------------------------------------------------------------ switching

    @Test
    void aNameGoesFirstWithThePreviousOrderAfterItAndOnlyThatKeyIsWritten() throws Exception {
        config("default", null);
        config("second", "tcp,tls");
        config("third", "tls,tcp");

        String out = run("tls");

        assertThat(configs.get("default").get("transports")).isEqualTo("tls,tcp");
        assertThat(configs.get("second").get("transports")).isEqualTo("tls,tcp");
        assertThat(configs.get("default").get(CFG)).isEqualTo("file:/etc/org.iceshare.peer-default.cfg");
        assertThat(configs.get("default").get("port")).isEqualTo(7741);
        assertThat(updates).containsOnly(Map.entry("default", 1), Map.entry("second", 1));
        assertThat(out).contains("Peer default: transports tcp,tls -> tls,tcp")
                .contains("Peer second: transports tcp,tls -> tls,tcp")
                .contains("Peer third: tls is already first (tls,tcp); nothing written")
                .contains("2 of 3 peers changed; open connections carry on and finish their pieces, new "
                        + "connections use tls where the other side has it too");
    }

    @Test
    void aNameAlreadyFirstWritesNothing() throws Exception {
        config("default", null);
        config("second", "tcp");

        String out = run("tcp");

        assertThat(updates).isEmpty();
        assertThat(out).contains("Peer default: tcp is already first (tcp,tls); nothing written")
                .contains("Peer second: tcp is already first (tcp); nothing written").contains("0 of 2 peers changed")
                .doesNotContain("open connections");
    }

    @Test
    void aTransportNotInThePreferenceIsAddedFirst() throws Exception {
        config("default", "tcp");
        run("tls");
        assertThat(configs.get("default").get("transports")).isEqualTo("tls,tcp");
    }

    @Test
    void onlyTheNamedPeerChanges() throws Exception {
        config("default", null);
        config("second", null);

        TransportCommand c = command("tls");
        c.peerName = "second";
        String out = execute(c);

        assertThat(updates).containsOnly(Map.entry("second", 1));
        assertThat(configs.get("default").get("transports")).isNull();
        assertThat(out).contains("1 of 1 peer changed");

        TransportCommand unknown = command("tls");
        unknown.peerName = "nobody";
        assertThat(execute(unknown)).contains("Error: no peer named 'nobody'; peers: default, second");
        assertThat(updates).containsOnly(Map.entry("second", 1));
    }

    @Test
    void anUnknownNameIsRefusedWithTheInstalledOnes() throws Exception {
        config("default", null);
        String out = run("quic");
        assertThat(out).contains("Error: no transport named 'quic' is installed; installed: tcp, tls");
        assertThat(updates).isEmpty();

        transports.clear();
        assertThat(run("tcp")).contains("installed: none");
    }

    @Test
    void withoutPeerConfigurationsThereIsNothingToSwitch() throws Exception {
        assertThat(run("tls")).contains("Error: no peer is configured");
    }

    // ------------------------------------------------------------------ helpers of the command

    @Test
    void preferencesAreReadLeniently() {
        assertThat(TransportCommand.preference(" tls , tcp,,tls ")).containsExactly("tls", "tcp");
        assertThat(TransportCommand.preference("")).isEmpty();
        assertThat(TransportCommand.first(List.of("tcp", "tls", "quic"), "tls")).containsExactly("tls", "tcp", "quic");
        assertThat(TransportCommand.first(List.of(), "tcp")).containsExactly("tcp");
        assertThat(TransportCommand.inEffect(List.of("quic", "tls", "tcp"), Set.of("tcp", "tls"))).isEqualTo("tls");
        assertThat(TransportCommand.inEffect(List.of("quic"), Set.of("tcp"))).isNull();
        assertThat(TransportCommand.counts(List.of())).isEqualTo("-");
        assertThat(TransportCommand.endpoints(List.of())).isEqualTo("-");
    }

    // ------------------------------------------------------------------ fixture

    private String run(String name) throws Exception {
        return execute(command(name));
    }

    private String execute(TransportCommand c) throws Exception {
        console.reset();
        c.execute();
        return console.toString(StandardCharsets.UTF_8);
    }

    private TransportCommand command(String name) {
        TransportCommand c = new TransportCommand();
        c.bundleContext = bundleContext();
        c.session = (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Session.class},
                (p, m, a) -> {
                    if (m.getName().equals("getConsole")) {
                        return new PrintStream(console, true, StandardCharsets.UTF_8);
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
        c.configAdmin = configAdmin();
        c.name = name;
        return c;
    }

    /** The first line containing every part, or null. */
    private static String line(String text, String... parts) {
        return text.lines().filter(l -> List.of(parts).stream().allMatch(l::contains)).findFirst().orElse(null);
    }

    private void config(String peer, String preference) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("name", peer);
        props.put("port", 7741);
        props.put(CFG, "file:/etc/org.iceshare.peer-" + peer + ".cfg");
        props.put(ConfigurationAdmin.SERVICE_FACTORYPID, TransportCommand.PEER_FACTORY_PID);
        if (preference != null) {
            props.put("transports", preference);
        }
        configs.put(peer, props);
    }

    private static ConnectionInfo connection(ConnectionInfo.Kind kind, PeerId peer, String transport,
            boolean outbound) {
        return new ConnectionInfo(kind, peer, new InetSocketAddress("127.0.0.1", kind == ConnectionInfo.Kind.TRACKER
                ? 7740 : 50_000), transport, outbound, 1000, 2000);
    }

    private ConfigurationAdmin configAdmin() {
        return (ConfigurationAdmin) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ConfigurationAdmin.class}, (p, m, a) -> {
                    if (m.getName().equals("listConfigurations")) {
                        if (!a[0].equals("(" + ConfigurationAdmin.SERVICE_FACTORYPID + "="
                                + TransportCommand.PEER_FACTORY_PID + ")")) {
                            return null;
                        }
                        List<Configuration> out = new ArrayList<>();
                        configs.keySet().forEach(peer -> out.add(configuration(peer)));
                        return out.isEmpty() ? null : out.toArray(new Configuration[0]);
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }

    @SuppressWarnings("unchecked")
    private Configuration configuration(String peer) {
        return (Configuration) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Configuration.class}, (p, m, a) -> switch (m.getName()) {
                    case "getProperties" -> new Hashtable<>((Map<String, Object>) (Map<?, ?>) configs.get(peer));
                    case "update" -> {
                        configs.put(peer, new Hashtable<>((Map<String, Object>) (Map<?, ?>) a[0]));
                        updates.merge(peer, 1, Integer::sum);
                        yield null;
                    }
                    case "getPid" -> TransportCommand.PEER_FACTORY_PID + "~" + peer;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    private BundleContext bundleContext() {
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                (p, m, a) -> switch (m.getName()) {
                    case "getServiceReferences" -> {
                        if (a[0] instanceof Class<?> type && type == Peer.class) {
                            List<ServiceReference<?>> refs = new ArrayList<>();
                            peers.forEach(peer -> refs.add(reference(Map.of("name", peer.name()), "org.iceshare.core",
                                    peer)));
                            yield refs;
                        }
                        if (Transport.class.getName().equals(a[0])) {
                            List<ServiceReference<?>> refs = new ArrayList<>();
                            long[] id = {10};
                            transports.forEach((n, ranking) -> refs.add(reference(Map.of(Transport.NAME_PROPERTY, n,
                                    "service.ranking", ranking, "service.id", id[0]++), "org.iceshare.transport." + n,
                                    null)));
                            yield refs.isEmpty() ? null : refs.toArray(new ServiceReference<?>[0]);
                        }
                        yield a[0] instanceof Class<?> ? Collections.emptyList() : null;
                    }
                    case "getService" -> ((Holder) Proxy.getInvocationHandler(a[0])).service;
                    case "ungetService" -> true;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    /** The invocation handler of a fake ServiceReference, which also holds the service. */
    private record Holder(Map<String, Object> props, String bsn, Object service)
            implements java.lang.reflect.InvocationHandler {
        @Override
        public Object invoke(Object proxy, java.lang.reflect.Method m, Object[] a) {
            return switch (m.getName()) {
                case "getPropertyKeys" -> props.keySet().toArray(new String[0]);
                case "getProperty" -> props.get((String) a[0]);
                case "getBundle" -> Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Bundle.class},
                        (bp, bm, ba) -> {
                            if (bm.getName().equals("getSymbolicName")) {
                                return bsn;
                            }
                            throw new UnsupportedOperationException(bm.getName());
                        });
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == a[0];
                default -> throw new UnsupportedOperationException(m.getName());
            };
        }
    }

    private static ServiceReference<?> reference(Map<String, Object> props, String bsn, Object service) {
        return (ServiceReference<?>) Proxy.newProxyInstance(TransportCommandTest.class.getClassLoader(),
                new Class<?>[] {ServiceReference.class}, new Holder(props, bsn, service));
    }

    /** A running peer with endpoints and connections, at the first endpoint's port. */
    private static FakePeer connectedPeer(String name, List<Endpoint> endpoints, List<ConnectionInfo> connections) {
        FakePeer peer = new FakePeer(name).address(new InetSocketAddress("127.0.0.1", endpoints.get(0).port()));
        peer.endpoints.addAll(endpoints);
        peer.connections.addAll(connections);
        return peer;
    }
}
