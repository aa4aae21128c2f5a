package org.iceshare.itests.swarm;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.iceshare.api.media.MediaFormat;
import org.iceshare.api.planner.Planner;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.transport.Transport;
import org.iceshare.core.internal.peer.PeerEngine;
import org.iceshare.core.internal.peer.PeerSettings;
import org.iceshare.icet.internal.NettyTransport;
import org.iceshare.icet.internal.TransportSettings;
import org.iceshare.media.ogg.internal.OggFormat;
import org.iceshare.planner.capacity.internal.CapacityPlanner;
import org.iceshare.planner.rarest.internal.RarestPlanner;
import org.iceshare.scheduler.deadline.internal.DeadlineScheduler;
import org.iceshare.scheduler.rarest.internal.RarestFirstScheduler;
import org.iceshare.tracker.internal.TrackerEngine;
import org.iceshare.tracker.internal.TrackerSettings;
import org.iceshare.verify.sha256.internal.Sha256Verifier;

/**
 * A whole swarm in one JVM, without OSGi: a tracker and any number of peers, each built with
 * {@code new} from the same plain classes the bundles wire up, talking over real loopback sockets
 * through one shared TCP transport (whose event loop serves every peer, as one container would).
 * {@link #addPeerAt} gives a peer an address of its own instead (127.0.0.x, say) with a transport of its own
 * bound to it, so that its listener and its outgoing connections all use that address, as a peer on
 * its own host would: what a lab needs to shape each peer's traffic by its address.
 */
public final class SwarmFixture implements AutoCloseable {

    /**
     * The fixture's transport settings: the defaults, but with connection caps and a partial-frame budget
     * for a whole swarm in one process. Every peer and the tracker share one transport and one address
     * (127.0.0.1), where a container would have its own transport and the peers their own addresses, so the
     * caps per listener and per remote address (1024, 32) and the budget (16 MiB) of one container would
     * throttle the fixture's 50 to 400 peers. The slow-frame rules stay as they are.
     */
    public static final TransportSettings LOOPBACK_SWARM = TransportSettings.DEFAULTS
            .withConnectionLimits(TransportSettings.MAX_CONNECTIONS, TransportSettings.MAX_CONNECTIONS)
            .withFrameLimits(TransportSettings.MAX_BUFFERED_FRAME_BYTES, TransportSettings.DEFAULT_FRAME_TIMEOUT_SECONDS,
                    TransportSettings.DEFAULT_MIN_FRAME_RATE);

    private final Path root;
    private final NettyTransport transport;
    private final SwitchablePlugins plugins;
    private final TrackerEngine tracker;
    /**
     * The tracker's planner; switched at run time as the tracker's configuration does in a container. The
     * system property {@value #PLANNER_PROPERTY} ({@code rarest} or {@code capacity}) picks the one the
     * fixture starts with, so the whole suite can run under either.
     */
    private volatile Planner planner = plannerNamed(System.getProperty(PLANNER_PROPERTY, RarestPlanner.NAME));

    /** The system property naming the planner a fixture starts with. */
    public static final String PLANNER_PROPERTY = "iceshare.itest.planner";

    /** A new planner of this name: {@code rarest} or {@code capacity}. */
    public static Planner plannerNamed(String name) {
        return switch (name) {
            case RarestPlanner.NAME -> new RarestPlanner();
            case CapacityPlanner.NAME -> new CapacityPlanner();
            default -> throw new IllegalArgumentException("no planner " + name + " (rarest, capacity)");
        };
    }
    private final List<PeerEngine> peers = new ArrayList<>();
    /** The transports of the peers that have their own address, closed with their peer. */
    private final Map<PeerEngine, NettyTransport> ownTransports = new IdentityHashMap<>();

    public SwarmFixture(Path root) throws IOException {
        this(root, TrackerSettings.loopback(), OggFormat.DEFAULT_PIECE_SIZE);
    }

    /** A swarm whose only media format is Ogg, cutting pieces of about {@code pieceSize} bytes. */
    public SwarmFixture(Path root, TrackerSettings trackerSettings, int pieceSize) throws IOException {
        this(root, trackerSettings, List.of(new OggFormat(pieceSize)));
    }

    /**
     * A swarm with the given media formats, best-ranked first (as the container orders them by
     * service ranking); a file goes to the format that probes it most confidently.
     */
    public SwarmFixture(Path root, TrackerSettings trackerSettings, List<MediaFormat> formats) throws IOException {
        this(root, trackerSettings, formats, LOOPBACK_SWARM);
    }

    /** A swarm whose shared transport has the given settings (a container's defaults, say). */
    public SwarmFixture(Path root, TrackerSettings trackerSettings, List<MediaFormat> formats,
            TransportSettings transportSettings) throws IOException {
        this(root, trackerSettings, formats, transportSettings, UnaryOperator.identity());
    }

    /**
     * A swarm whose tracker talks through {@code trackerTransport} applied to the shared transport (a
     * {@link CompromisedTransport}, say); the peers use the shared transport itself.
     */
    public SwarmFixture(Path root, TrackerSettings trackerSettings, List<MediaFormat> formats,
            TransportSettings transportSettings, UnaryOperator<Transport> trackerTransport) throws IOException {
        this.root = root;
        this.transport = NettyTransport.tcp(transportSettings);
        this.plugins = new SwitchablePlugins(new RarestFirstScheduler(), new Sha256Verifier(), formats);
        plugins.streamingScheduler(new DeadlineScheduler());
        this.tracker = new TrackerEngine(trackerSettings, List.of(trackerTransport.apply(transport)), () -> planner);
        tracker.start();
    }

    public TrackerEngine tracker() {
        return tracker;
    }

    public InetSocketAddress trackerAddress() {
        return tracker.address();
    }

    /** The tracker plans with {@code p} from its next planning step on (outstanding assignments stay). */
    public void planner(Planner p) {
        this.planner = p;
    }

    public Planner planner() {
        return planner;
    }

    public SwitchablePlugins plugins() {
        return plugins;
    }

    public NettyTransport transport() {
        return transport;
    }

    /** Starts a peer with loopback defaults (free ports, its own storage under the fixture's root). */
    public PeerEngine addPeer(String name) throws IOException {
        return addPeer(name, UnaryOperator.identity());
    }

    public PeerEngine addPeer(String name, UnaryOperator<PeerSettings> customize) throws IOException {
        return addPeer(name, customize, List.of(transport));
    }

    /** Starts a peer with its own set of transports (the fixture's TCP transport among them or not). */
    public PeerEngine addPeer(String name, UnaryOperator<PeerSettings> customize, Collection<Transport> transports)
            throws IOException {
        PeerSettings s = customize.apply(PeerSettings.loopback(name, root.resolve(name), trackerAddress()));
        PeerEngine p = new PeerEngine(s, transports, plugins);
        p.start();
        synchronized (peers) {
            peers.add(p);
        }
        return p;
    }

    /**
     * Starts a peer on an address of its own: its own TCP transport (the fixture's settings) bound to
     * {@code address} for listening and for outgoing connections, and its peer port on that address.
     * The tracker stays on the fixture's transport.
     */
    public PeerEngine addPeerAt(String name, InetAddress address, UnaryOperator<PeerSettings> customize)
            throws IOException {
        NettyTransport own = NettyTransport.tcp(transport.settings().withBindAddress(address));
        UnaryOperator<PeerSettings> at = s -> customize.apply(new PeerSettings(s.name(), address.getHostAddress(),
                s.port(), s.httpHost(), s.httpPort(), s.storage(), s.tracker(), s.slotsPerPeer(), s.requestTimeout(),
                s.uploadRate(), s.keepAlive(), s.resume(), s.transports(), s.transportPorts(), s.downloadRate()));
        try {
            PeerEngine p = addPeer(name, at, List.of(own));
            synchronized (peers) {
                ownTransports.put(p, own);
            }
            return p;
        } catch (IOException | RuntimeException e) {
            own.close();
            throw e;
        }
    }

    /** Stops one peer (its storage stays), and its own transport if it has one. */
    public void stopPeer(PeerEngine p) {
        NettyTransport own;
        synchronized (peers) {
            peers.remove(p);
            own = ownTransports.remove(p);
        }
        p.close();
        if (own != null) {
            own.close();
        }
    }

    /** The data file a peer stores a content in. */
    public Path dataFile(PeerEngine p, ContentId content) {
        return root.resolve(p.name()).resolve("contents").resolve(content.toHex()).resolve("data");
    }

    public static boolean sameBytes(Path a, Path b) throws IOException {
        return Files.mismatch(a, b) == -1L;
    }

    @Override
    public void close() {
        List<PeerEngine> all;
        List<NettyTransport> own;
        synchronized (peers) {
            all = new ArrayList<>(peers);
            peers.clear();
            own = new ArrayList<>(ownTransports.values());
            ownTransports.clear();
        }
        all.parallelStream().forEach(PeerEngine::close);
        own.parallelStream().forEach(NettyTransport::close);
        tracker.close();
        transport.close();
    }
}
