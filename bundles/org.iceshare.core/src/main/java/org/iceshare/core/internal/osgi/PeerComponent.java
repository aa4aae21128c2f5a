package org.iceshare.core.internal.osgi;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArraySet;

import org.iceshare.api.peer.ConnectionInfo;
import org.iceshare.api.peer.Peer;
import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.transport.Transport;
import org.iceshare.core.internal.peer.PeerEngine;
import org.iceshare.core.internal.peer.PeerSettings;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * A peer per factory configuration of {@code org.iceshare.peer}: thin DS wiring around
 * {@link PeerEngine}. It uses every {@link Transport} service there is (a dynamic, greedy, optional reference):
 * a transport that arrives is listened on at once, one that leaves has its connections moved to the
 * others. A change of the rate caps or of the transport preference applies at once; any other
 * configuration change restarts the peer (its storage survives and its swarms resume).
 */
@Component(service = Peer.class, configurationPid = Peer.FACTORY_PID, immediate = true,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = PeerComponent.Config.class, factory = true)
public final class PeerComponent implements Peer {

    @ObjectClassDefinition(name = "IceShare peer",
            description = "One IceShare peer: a peer port for other peers, a storage folder and a local HTTP "
                    + "endpoint for players. Make one factory configuration per peer.")
    public @interface Config {
        @AttributeDefinition(name = "Name", description = "Unique name of this peer in the container.")
        String name() default "default";

        @AttributeDefinition(name = "Host", description = "Address the peer port binds to and tells others.")
        String host() default "127.0.0.1";

        @AttributeDefinition(name = "Port", description = "Peer port (1..65535; 0 picks a free one).", min = "0",
                max = "65535")
        int port() default 7741;

        @AttributeDefinition(name = "Player host", description = "Address the player HTTP endpoint binds to.")
        String httpHost() default "127.0.0.1";

        @AttributeDefinition(name = "Player port", description = "Port of the player HTTP endpoint (0 picks a "
                + "free one, -1 turns it off).", min = "-1", max = "65535")
        int httpPort() default 8190;

        @AttributeDefinition(name = "Storage", description = "Folder for pieces; empty means "
                + "${karaf.data}/iceshare/<name>. Survives restarts.")
        String storage() default "";

        @AttributeDefinition(name = "Tracker", description = "host:port of the tracker used by publish when no "
                + "tracker is given.")
        String tracker() default "127.0.0.1:7740";

        @AttributeDefinition(name = "Transports", description = "Transport preference, comma-separated, for "
                + "example 'tls,tcp': a new connection uses the first of these that both sides have. The peer "
                + "listens on every installed transport; changing this applies to new connections at once, open "
                + "ones carry on.")
        String transports() default Peer.DEFAULT_TRANSPORTS;

        @AttributeDefinition(name = "Transport ports", description = "Ports of the transports other than tcp, "
                + "for example 'tls=7751'; a transport not listed listens on a free port. The tcp port is 'Port'.")
        String transportPorts() default "";

        @AttributeDefinition(name = "Requests per peer", description = "Piece requests in flight to one peer at "
                + "a time (1..64).", min = "1", max = "64")
        int slotsPerPeer() default 4;

        @AttributeDefinition(name = "Request timeout", description = "Seconds a piece request may stay "
                + "unanswered before it is given up and reassigned.", min = "1")
        int requestTimeoutSeconds() default 20;

        @AttributeDefinition(name = "Upload rate", description = "Upload cap in bytes per second; 0 means "
                + "no cap.", min = "0")
        long uploadRate() default 0;

        @AttributeDefinition(name = "Download rate", description = "Download cap in bytes per second; 0 means "
                + "no cap. Requests are paced so that pieces arrive no faster. Applies at once.", min = "0")
        long downloadRate() default 0;

        @AttributeDefinition(name = "Max peer connections", description = "Connections to other peers kept open; "
                + "beyond it the longest-idle ones with nothing in flight are closed (never one with a piece in "
                + "flight). 0 means no cap. The tracker's neighbourhoods (its 'Max neighbours') bound how many "
                + "peers a peer talks to.", min = "0")
        int maxPeerConnections() default PeerSettings.DEFAULT_MAX_LINKS;

        @AttributeDefinition(name = "Live start burst", description = "Seconds behind the live edge the player "
                + "endpoint starts a live player that asks for no burst of its own (?burst=SECONDS on its URL). "
                + "0 starts at the newest start point (lowest delay). At most 60, and at most the stream's window "
                + "less 2 s (a longer default is clamped; a longer ?burst is refused).", min = "0", max = "60")
        double liveBurstSeconds() default 0;

        @AttributeDefinition(name = "Live max lag", description = "Milliseconds of media a peer may fall behind "
                + "the live edge, beyond the deepest start burst its players play with, before it skips ahead to "
                + "the newest start point. 0 turns skipping off.", min = "0")
        long liveMaxLagMillis() default 8_000;
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PeerComponent.class);

    private final PluginRegistry plugins;
    /** Every transport service bound now. */
    private final Set<Transport> transports = new CopyOnWriteArraySet<>();
    private volatile PeerEngine engine;
    private PeerSettings settings;
    private boolean started;
    private boolean deactivated;

    /**
     * SCR binds the transports after this constructor; the engine starts with the first one. Until a
     * transport is there the peer does nothing (its methods report that it is not running).
     */
    @Activate
    public PeerComponent(@Reference PluginRegistry plugins, Config config) {
        this.plugins = plugins;
        this.settings = settings(config);
        this.engine = new PeerEngine(settings, List.of(), plugins);
    }

    @Reference(service = Transport.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    synchronized void bindTransport(Transport transport) throws IOException {
        transports.add(transport);
        if (deactivated) {
            return;
        }
        engine.addTransport(transport);
        if (!started) {
            engine.start();
            started = true;
        }
    }

    synchronized void unbindTransport(Transport transport) {
        transports.remove(transport);
        PeerEngine e = engine;
        e.removeTransport(transport);
    }

    /**
     * A new configuration: refused, with the reason logged, when a value is invalid (the peer keeps
     * running as it was); an upload rate change applies at once; anything else restarts the peer with
     * the new settings (its storage survives, its swarms resume), and if that fails the peer comes back
     * with the old ones.
     */
    @Modified
    synchronized void modified(Config config) {
        PeerSettings next;
        try {
            next = settings(config);
        } catch (IllegalArgumentException e) {
            LOG.error("peer {}: refusing the new configuration: {}; it keeps running as configured before",
                    settings.name(), e.getMessage());
            return;
        }
        if (next.equals(settings)) {
            return;
        }
        if (next.equals(settings.withLiveSettingsOf(next))) {
            if (next.uploadRate() != settings.uploadRate()) {
                LOG.info("peer {}: upload rate now {} B/s", next.name(), next.uploadRate());
                engine.uploadRate(next.uploadRate());
            }
            if (next.downloadRate() != settings.downloadRate()) {
                LOG.info("peer {}: download rate now {} B/s", next.name(), next.downloadRate());
                engine.downloadRate(next.downloadRate());
            }
            if (!next.transports().equals(settings.transports())) {
                engine.transportPreference(next.transports());
            }
            settings = next;
            return;
        }
        LOG.info("peer {}: restarting with its new configuration", next.name());
        engine.close();
        try {
            PeerEngine started = new PeerEngine(next, transports, plugins);
            started.start();
            engine = started;
            settings = next;
        } catch (IOException | RuntimeException e) {
            LOG.error("peer {}: cannot start with the new configuration ({}); back to the previous one",
                    next.name(), e.getMessage());
            try {
                PeerEngine old = new PeerEngine(settings, transports, plugins);
                old.start();
                engine = old;
            } catch (IOException ex) {
                LOG.error("peer {}: cannot restart with the previous configuration either: {}", settings.name(),
                        ex.getMessage());
            }
        }
    }

    static PeerSettings settings(Config c) {
        if (c.requestTimeoutSeconds() < 1) {
            throw new IllegalArgumentException("requestTimeoutSeconds must be >= 1: " + c.requestTimeoutSeconds());
        }
        String storage = c.storage().isBlank()
                ? Paths.get(System.getProperty("karaf.data", "data"), "iceshare", c.name()).toString()
                : c.storage();
        return new PeerSettings(c.name(), c.host(), c.port(), c.httpHost(), c.httpPort(), Path.of(storage),
                parseTracker(c.tracker()), c.slotsPerPeer(), Duration.ofSeconds(c.requestTimeoutSeconds()),
                c.uploadRate(), Duration.ofSeconds(15), true, parseTransports(c.transports()),
                portsOf(c.transportPorts()), c.downloadRate(), c.maxPeerConnections(),
                Duration.ofNanos(Math.round(checkBurst(c.liveBurstSeconds()) * 1e9)),
                Duration.ofMillis(c.liveMaxLagMillis()));
    }

    private static double checkBurst(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            throw new IllegalArgumentException("liveBurstSeconds must be a time in seconds, 0 or more: " + seconds);
        }
        return seconds;
    }

    private static Map<String, Integer> portsOf(String configured) {
        try {
            return Endpoint.parsePorts(configured);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("transportPorts: " + e.getMessage(), e);
        }
    }

    /** "tls, tcp" to [tls, tcp]. */
    static List<String> parseTransports(String s) {
        List<String> out = new ArrayList<>();
        for (String part : (s == null ? "" : s).split(",")) {
            String name = part.trim();
            if (!name.isEmpty()) {
                try {
                    out.add(Endpoint.checkName(name));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("transports: " + e.getMessage());
                }
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("transports must name at least one transport, for example 'tcp,tls'");
        }
        return out;
    }

    static InetSocketAddress parseTracker(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            IcetUrl url = IcetUrl.parse("icet://" + s.trim() + "/x");
            return InetSocketAddress.createUnresolved(url.host(), url.port());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tracker must be host:port, got '" + s + "'", e);
        }
    }

    @Deactivate
    synchronized void deactivate() {
        deactivated = true;
        engine.close();
    }

    @Override
    public List<Endpoint> endpoints() {
        return engine.endpoints();
    }

    @Override
    public List<ConnectionInfo> connections() {
        return engine.connections();
    }

    /** The names of the transports this peer has now. */
    public Set<String> transportNames() {
        return engine.transportNames();
    }

    /** The transport preference in force. */
    public synchronized List<String> transportPreference() {
        return settings.transports();
    }

    @Override
    public String name() {
        return engine.name();
    }

    @Override
    public PeerId id() {
        return engine.id();
    }

    @Override
    public InetSocketAddress address() {
        return engine.address();
    }

    @Override
    public URI httpBase() {
        return engine.httpBase();
    }

    @Override
    public CompletionStage<IcetUrl> publish(Path file, String name, InetSocketAddress tracker) {
        return engine.publish(file, name, tracker);
    }

    @Override
    public CompletionStage<org.iceshare.api.peer.LiveFeed> publishLive(String name, String mediaType,
            InetSocketAddress tracker, long windowMicros) {
        return engine.publishLive(name, mediaType, tracker, windowMicros);
    }

    @Override
    public CompletionStage<SwarmStatus> get(IcetUrl url) {
        return engine.get(url);
    }

    @Override
    public boolean stop(ContentId content) {
        return engine.stop(content);
    }

    @Override
    public List<SwarmStatus> swarms() {
        return engine.swarms();
    }

    @Override
    public Optional<SwarmStatus> swarm(ContentId content) {
        return engine.swarm(content);
    }
}
