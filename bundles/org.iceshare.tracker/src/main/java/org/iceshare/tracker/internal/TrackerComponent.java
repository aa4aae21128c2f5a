package org.iceshare.tracker.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

import org.iceshare.api.planner.Planner;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.tracker.TrackedContent;
import org.iceshare.api.tracker.TrackedPeer;
import org.iceshare.api.tracker.Tracker;
import org.iceshare.api.transport.Refusals;
import org.iceshare.api.transport.Transport;
import org.iceshare.engine.internal.Identity;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * IceTracker as a DS component (PID {@code org.iceshare.tracker}): thin wiring around
 * {@link TrackerEngine}. It listens on every {@link Transport} service there is (a dynamic, greedy,
 * optional reference; without any it waits for one): a transport that arrives is listened on at once,
 * and when one leaves its clients come back over the others.
 *
 * <p>It plans with the {@link Planner} service its configuration names ({@code planner}), tracked with a
 * dynamic, greedy, multiple reference: a planner deployed, selected or removed applies at the next planning
 * step, while transfers run; with the named one absent the highest-ranked one plans.
 */
@Component(service = Tracker.class, configurationPid = "org.iceshare.tracker", immediate = true)
@Designate(ocd = TrackerComponent.Config.class)
public final class TrackerComponent implements Tracker {

    @ObjectClassDefinition(name = "IceShare tracker",
            description = "IceTracker: registers contents and peers, holds the authoritative piece hashes and "
                    + "tells each client which pieces to fetch from which peers.")
    public @interface Config {
        @AttributeDefinition(name = "Host", description = "Address to listen on.")
        String host() default "127.0.0.1";

        @AttributeDefinition(name = "Port", description = "Port clients connect to (the port of icet:// URLs).",
                min = "0", max = "65535")
        int port() default 7740;

        @AttributeDefinition(name = "Peer timeout", description = "Seconds of silence after which a client is "
                + "dropped (clients ping every 15 s).", min = "5")
        int peerTimeoutSeconds() default 45;

        @AttributeDefinition(name = "Assignment window", description = "Pieces assigned to a client at a time.",
                min = "1", max = "1024")
        int window() default 16;

        @AttributeDefinition(name = "Max serving", description = "Assignments one peer serves at once before "
                + "others are preferred.", min = "1", max = "1024")
        int maxServing() default 12;

        @AttributeDefinition(name = "Transport ports", description = "Ports of the transports other than tcp, "
                + "for example 'tls=7750'; a transport not listed listens on a free port. Clients learn them when "
                + "they connect. The tcp port is 'Port'.")
        String transportPorts() default "";

        @AttributeDefinition(name = "Reports to act", description = "How many independent members must report a "
                + "member within two minutes (it did not serve what it was assigned, or served it corrupt) before the "
                + "tracker demotes or bans it. One report never takes anyone down. 2..100.", min = "2", max = "100")
        int reportsToAct() default TrackerSettings.DEFAULT_REPORTS_TO_ACT;

        @AttributeDefinition(name = "Max neighbours", description = "How many other members one member of a "
                + "content may fetch from and serve (its neighbourhood, chosen by the tracker); the source is "
                + "outside it. What bounds a peer's connections in a big swarm. 2..4096.", min = "2", max = "4096")
        int maxNeighbours() default TrackerSettings.DEFAULT_MAX_NEIGHBOURS;

        @AttributeDefinition(name = "Publishers", description = "Who may publish a new name: 'local' (clients on "
                + "the tracker's machine; the default), 'listed' (only the peer ids below), or 'anyone'. A name once "
                + "published belongs to its publisher's key, whoever may publish.", options = {
                    @Option(label = "clients on this machine", value = "local"),
                    @Option(label = "listed peer ids only", value = "listed"),
                    @Option(label = "anyone", value = "anyone")})
        String publishers() default "local";

        @AttributeDefinition(name = "Publisher ids", description = "Peer ids (32 hex digits, comma-separated) that "
                + "may publish new names whatever 'Publishers' says. A peer's id is in iceshare:status.")
        String publisherIds() default "";

        @AttributeDefinition(name = "Storage", description = "Folder of the tracker's own files, its key pair "
                + "(tracker.key, readable by its owner only) among them. Empty: ${karaf.data}/iceshare/tracker. The "
                + "key is the tracker's identity: clients see it in the tracker's HELLO.")
        String storage() default "";

        @AttributeDefinition(name = "State folder", description = "Folder of the tracker's durable state "
                + "(tracker.mv: published manifests, name owners, ratios per peer key, bans), kept across restarts. "
                + "Publications and bans are on disk before they are acknowledged; ratios are written every second. "
                + "Empty: the Storage folder. Back it up with the tracker stopped; see the operator guide.")
        String stateFolder() default "";

        @AttributeDefinition(name = "Planner", description = "Name of the planner (the planner.name property of a "
                + "Planner service), for example rarest or capacity: the policy that orders each client's pieces and "
                + "picks who serves each. It changes in the middle of transfers. When no installed planner has this "
                + "name, the highest-ranked one plans until it appears.")
        String planner() default Planner.DEFAULT;
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TrackerComponent.class);

    private final Set<Transport> transports = new CopyOnWriteArraySet<>();
    /** The tracker's key pair, kept in its storage folder (loaded once: a restart keeps the same identity). */
    private final Identity identity;
    /** The folder of its key. */
    private final Path storage;
    /** The folder of its durable state store. */
    private final Path state;
    private volatile TrackerEngine engine;
    /** The installed planners and the one selected; every engine this component starts asks it. */
    private final PlannerSelection planners;
    private TrackerSettings settings;
    private boolean started;
    private boolean deactivated;

    /** SCR binds the transports after this constructor; the tracker starts with the first. */
    @Activate
    public TrackerComponent(Config c) {
        this.settings = settings(c);
        this.storage = c.storage().isBlank()
                ? Paths.get(System.getProperty("karaf.data", "data"), "iceshare", "tracker") : Paths.get(c.storage());
        this.state = c.stateFolder().isBlank() ? storage : Paths.get(c.stateFolder());
        this.identity = identity(storage);
        this.planners = new PlannerSelection(c.planner());
        try {
            this.engine = new TrackerEngine(settings, List.of(), identity, state, planners);
        } catch (RuntimeException e) {
            // the component does not activate (no retry loop): the operator fixes the store and restarts it
            LOG.error("tracker: not starting: {}", e.getMessage());
            throw e;
        }
        engine.publishers(policy(c));
    }

    /** The publish policy, or local-only with the reason logged when the configuration is invalid. */
    private static PublishPolicy policy(Config c) {
        try {
            return PublishPolicy.parse(c.publishers(), c.publisherIds());
        } catch (IllegalArgumentException e) {
            LOG.error("tracker: {}; new names may be published from this machine only", e.getMessage());
            return PublishPolicy.LOCAL;
        }
    }

    /** The identity in the storage folder; a fresh one not kept when the folder cannot hold it (logged). */
    private static Identity identity(Path folder) {
        try {
            Identity id = Identity.loadOrCreate(folder.resolve("tracker.key"));
            LOG.info("tracker: identity {} (key in {})", id.id(), folder.resolve("tracker.key"));
            return id;
        } catch (IOException | RuntimeException e) {
            LOG.error("tracker: cannot keep its key in {}: {}; using a fresh identity that changes on every start",
                    folder, e.getMessage());
            return Identity.generate();
        }
    }

    @Reference(service = Transport.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    synchronized void bindTransport(Transport transport) {
        transports.add(transport);
        if (deactivated) {
            return;
        }
        engine.addTransport(transport);
        if (!started) {
            try {
                engine.start();
                started = true;
            } catch (IOException e) {
                LOG.error("tracker: cannot start: {}", e.getMessage());
            }
        }
    }

    synchronized void unbindTransport(Transport transport) {
        transports.remove(transport);
        engine.removeTransport(transport);
    }

    @Reference(service = Planner.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindPlanner(Planner planner, Map<String, Object> props) {
        Object name = props.get(Planner.NAME_PROPERTY);
        int ranking = props.get("service.ranking") instanceof Integer i ? i : 0;
        long id = props.get("service.id") instanceof Long l ? l : 0L;
        planners.add(planner, name == null ? planner.name() : name.toString(), ranking, id);
    }

    void unbindPlanner(Planner planner) {
        planners.remove(planner);
    }

    static TrackerSettings settings(Config c) {
        if (c.peerTimeoutSeconds() < 5 || c.peerTimeoutSeconds() > 3600) {
            throw new IllegalArgumentException("peerTimeoutSeconds must be in 5..3600: " + c.peerTimeoutSeconds());
        }
        return new TrackerSettings(c.host(), c.port(), Duration.ofSeconds(c.peerTimeoutSeconds()), c.window(),
                c.maxServing(), Duration.ofSeconds(60), transportPorts(c.transportPorts()), c.reportsToAct(),
                c.maxNeighbours());
    }

    private static Map<String, Integer> transportPorts(String configured) {
        try {
            return Endpoint.parsePorts(configured);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("transportPorts: " + e.getMessage(), e);
        }
    }

    /**
     * A new configuration: refused, with the reason logged, when a value is invalid (the tracker keeps
     * running as it was); otherwise the tracker restarts with it (clients reconnect and rejoin by
     * themselves), and if that fails it comes back with the old one.
     */
    @Modified
    synchronized void modified(Config c) {
        TrackerSettings next;
        try {
            next = settings(c);
        } catch (IllegalArgumentException e) {
            LOG.error("tracker: refusing the new configuration: {}; it keeps running as configured before",
                    e.getMessage());
            return;
        }
        PublishPolicy policy;
        try {
            policy = PublishPolicy.parse(c.publishers(), c.publisherIds());
        } catch (IllegalArgumentException e) {
            LOG.error("tracker: refusing the new configuration: {}; it keeps running as configured before",
                    e.getMessage());
            return;
        }
        engine.publishers(policy);
        // the planner is asked at each planning step: a new selection needs no restart
        planners.select(c.planner());
        if (next.equals(settings)) {
            return;
        }
        engine.close();
        try {
            TrackerEngine restarted = new TrackerEngine(next, transports, identity, state, planners);
            restarted.publishers(policy);
            restarted.start();
            engine = restarted;
            settings = next;
        } catch (IOException | RuntimeException e) {
            LOG.error("tracker: cannot start with the new configuration ({}); back to the previous one",
                    e.getMessage());
            try {
                TrackerEngine old = new TrackerEngine(settings, transports, identity, state, planners);
                old.publishers(policy);
                old.start();
                engine = old;
            } catch (IOException | RuntimeException ex) {
                LOG.error("tracker: cannot restart with the previous configuration either: {}", ex.getMessage());
            }
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
    public InetSocketAddress address() {
        return engine.address();
    }

    @Override
    public List<TrackedContent> contents() {
        return engine.contents();
    }

    @Override
    public Optional<TrackedContent> content(String name) {
        return engine.content(name);
    }

    @Override
    public List<TrackedPeer> peers(ContentId content) {
        return engine.peers(content);
    }

    @Override
    public int[] availability(ContentId content) {
        return engine.availability(content);
    }

    /** The refusals of the engine running now (a configuration change that restarts it starts them afresh). */
    @Override
    public Refusals refusals() {
        return engine.refusals();
    }
}
