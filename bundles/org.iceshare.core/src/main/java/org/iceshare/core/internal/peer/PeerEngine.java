package org.iceshare.core.internal.peer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.iceshare.api.icet.Announce;
import org.iceshare.api.icet.Assign;
import org.iceshare.api.icet.Cancel;
import org.iceshare.api.icet.ErrorCode;
import org.iceshare.api.icet.ErrorReport;
import org.iceshare.api.icet.Hello;
import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.icet.Join;
import org.iceshare.api.icet.Joined;
import org.iceshare.api.icet.Leave;
import org.iceshare.api.icet.Peers;
import org.iceshare.api.icet.Piece;
import org.iceshare.api.icet.Ping;
import org.iceshare.api.icet.Pong;
import org.iceshare.api.icet.Publish;
import org.iceshare.api.icet.Published;
import org.iceshare.api.icet.Rates;
import org.iceshare.api.icet.Reject;
import org.iceshare.api.icet.Revoke;
import org.iceshare.api.icet.Request;
import org.iceshare.api.icet.Role;
import org.iceshare.api.icet.Verified;
import org.iceshare.api.media.MediaFormat;
import org.iceshare.api.peer.ConnectionInfo;
import org.iceshare.api.peer.LiveFeed;
import org.iceshare.api.peer.Peer;
import org.iceshare.api.peer.PublishException;
import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.peer.SwarmStatus.State;
import org.iceshare.api.scheduler.PieceScheduler;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.swarm.PeerInfo;
import org.iceshare.api.transport.Connection;
import org.iceshare.api.transport.Listener;
import org.iceshare.api.transport.Transport;
import org.iceshare.api.verify.PieceVerifier;
import org.iceshare.core.internal.http.PlayerHttpServer;
import org.iceshare.core.internal.http.PlayerSource;
import org.iceshare.core.internal.storage.LiveWindow;
import org.iceshare.core.internal.storage.PieceStore;
import org.iceshare.core.internal.storage.Pieces;
import org.iceshare.core.internal.storage.Storage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One IceShare peer, in plain Java: build it with {@code new}, {@link #start()} it, and it listens
 * for peers, talks to trackers, moves pieces and serves players over HTTP.
 *
 * <p><b>Threading:</b> all swarm, link and tracker state lives on one single-threaded executor
 * (the engine thread). Transport callbacks hand their events to it. Blocking file work for
 * publishing and reopening stores runs on a small separate pool. The public {@link Peer} methods
 * are thread-safe.
 */
public final class PeerEngine implements Peer, PlayerSource, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PeerEngine.class);
    private static final String AGENT = "IceShare/0.1";
    private static final int MAX_QUEUED_UPLOADS = 64;
    private static final int RESUME_ATTEMPTS = 120;
    /** A live piece not delivered in this time is fetched elsewhere: it would be late anyway. */
    private static final long LIVE_REQUEST_TIMEOUT_NANOS = 2_000_000_000L;
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    /** How often the measured rates are sent to the trackers. */
    private static final long RATES_INTERVAL_NANOS = 5_000_000_000L;

    private volatile PeerSettings settings;
    /** The transports this peer has, by name; changed on the engine thread, read anywhere. */
    private final Map<String, Transport> transports = new ConcurrentHashMap<>();
    /** Where this peer listens, by transport name; engine thread (and start/close). */
    private final Map<String, Listener> listeners = new ConcurrentHashMap<>();
    private final Plugins plugins;
    private final ScheduledExecutorService exec;
    private final ExecutorService work;
    private final Map<ContentId, Swarm> swarms = new ConcurrentHashMap<>();
    private final Map<PeerId, PeerLink> links = new HashMap<>();
    private final Set<PeerLink> allLinks = new HashSet<>();
    private final Map<PeerId, PeerInfo> addresses = new HashMap<>();
    private final Map<String, TrackerLink> trackers = new HashMap<>();
    private final ArrayDeque<PeerLink> uploadRotation = new ArrayDeque<>();
    private final TokenBucket uploadBucket;
    private final TokenBucket downloadBucket;
    /** Bytes moved by every swarm since start, and the rates measured from them (engine thread). */
    private long uploadedTotal;
    private long downloadedTotal;
    private long ratesAtNanos = System.nanoTime();
    private long ratesUploaded;
    private long ratesDownloaded;
    private Rates rates = new Rates(0, 0, 0, 0);
    private ScheduledFuture<?> uploadWake;
    /** Times a tracker link waited before reconnecting (every endpoint failed, or the tracker went away). */
    private volatile long backoffs;
    private Storage storage;
    private PeerId id;
    private PlayerHttpServer http;
    private volatile boolean running;
    private Thread engineThread;

    /** A peer with one transport; more can come and go with {@link #addTransport} and {@link #removeTransport}. */
    public PeerEngine(PeerSettings settings, Transport transport, Plugins plugins) {
        this(settings, List.of(transport), plugins);
    }

    /** A peer with the given transports (possibly none yet). */
    public PeerEngine(PeerSettings settings, Collection<Transport> transports, Plugins plugins) {
        this.settings = settings;
        for (Transport t : transports) {
            this.transports.put(t.name(), t);
        }
        this.plugins = plugins;
        String tag = settings.name() + "-" + INSTANCES.incrementAndGet();
        this.exec = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "iceshare-peer-" + tag);
            t.setDaemon(true);
            engineThread = t;
            return t;
        });
        this.work = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "iceshare-peer-io-" + tag);
            t.setDaemon(true);
            return t;
        });
        this.uploadBucket = new TokenBucket(settings.uploadRate(), System.nanoTime());
        this.downloadBucket = new TokenBucket(settings.downloadRate(), System.nanoTime());
    }

    // ------------------------------------------------------------------ lifecycle

    /** Opens storage, binds the peer port and the player endpoint, and rejoins stored swarms. */
    public synchronized void start() throws IOException {
        if (running) {
            return;
        }
        storage = new Storage(settings.storage());
        id = storage.peerId();
        IOException failed = null;
        for (Transport t : transports.values()) {
            try {
                listen(t);
            } catch (IOException e) {
                failed = e;
            }
        }
        if (listeners.isEmpty() && failed != null) {
            throw failed;
        }
        try {
            if (settings.httpPort() >= 0) {
                http = new PlayerHttpServer(this, settings.httpHost(), settings.httpPort());
            }
        } catch (IOException | RuntimeException e) {
            closeListeners();
            throw e;
        }
        running = true;
        long tick = Math.max(100, Math.min(250, settings.requestTimeout().toMillis() / 4));
        exec.scheduleWithFixedDelay(() -> guarded(this::tick), tick, tick, TimeUnit.MILLISECONDS);
        LOG.info("peer {} ({}) listening on {} {}, players on {}, storage {}", settings.name(), id.shortHex(),
                settings.host(), endpoints(), http == null ? "(disabled)" : httpBase(), settings.storage());
        if (settings.resume()) {
            resumeStoredSwarms();
        }
    }

    @Override
    public synchronized void close() {
        if (!running) {
            shutdownExecutors();
            return;
        }
        running = false;
        try {
            call(() -> {
                for (TrackerLink t : trackers.values()) {
                    if (t.reconnect != null) {
                        t.reconnect.cancel(false);
                    }
                    for (Swarm s : t.swarms) {
                        t.send(new Leave(s.manifest.id()));
                    }
                    if (t.connection != null) {
                        t.connection.close("peer " + settings.name() + " stopping");
                    }
                }
                for (PeerLink l : new ArrayList<>(allLinks)) {
                    l.close("peer " + settings.name() + " stopping");
                }
                for (Swarm s : swarms.values()) {
                    s.stop();
                    s.store.close();
                }
                swarms.clear();
                return null;
            });
        } catch (IOException e) {
            LOG.warn("peer {} did not stop cleanly: {}", settings.name(), e.getMessage());
        }
        closeListeners();
        if (http != null) {
            http.close();
        }
        shutdownExecutors();
        LOG.info("peer {} stopped", settings.name());
    }

    private void listen(Transport t) throws IOException {
        Listener l = t.listen(new InetSocketAddress(settings.host(), settings.portFor(t.name())),
                () -> new PeerLink(this, false, null));
        Listener old = listeners.put(t.name(), l);
        if (old != null) {
            old.close();
        }
    }

    private void closeListeners() {
        for (Listener l : listeners.values()) {
            l.close();
        }
        listeners.clear();
    }

    // ------------------------------------------------------------------ transports

    /**
     * A transport arrived: the peer listens on it too, tells its trackers, and uses it for new
     * connections where the preference and the other side allow. Any thread.
     */
    public void addTransport(Transport t) {
        transports.put(t.name(), t);
        if (!running) {
            return;
        }
        execute(() -> {
            if (transports.get(t.name()) != t || !running) {
                return;
            }
            try {
                listen(t);
                LOG.info("peer {}: listening over {} too, on {}", settings.name(), t.name(),
                        listeners.get(t.name()).localAddress());
            } catch (IOException e) {
                LOG.error("peer {}: cannot listen over {}: {}", settings.name(), t.name(), e.getMessage());
                return;
            }
            announceEndpoints();
            // trackers this peer could not reach may be reachable now: try at once, not at the next backoff
            for (TrackerLink tl : trackers.values()) {
                if (tl.connection == null && !tl.connecting && !tl.swarms.isEmpty()) {
                    if (tl.reconnect != null) {
                        tl.reconnect.cancel(false);
                    }
                    connect(tl);
                }
            }
        });
    }

    /**
     * A transport is going away: the peer stops listening on it and closes its connections over it;
     * the swarms fetch what was in flight again, over the transports left, and the trackers are
     * reached over another transport. Blocks until done (at most a few seconds). Any thread but the
     * engine's.
     */
    public void removeTransport(Transport t) {
        if (!transports.remove(t.name(), t)) {
            return;
        }
        if (!running) {
            return;
        }
        try {
            call(() -> {
                Listener l = listeners.remove(t.name());
                if (l != null) {
                    l.close();
                }
                String why = "transport " + t.name() + " removed";
                for (PeerLink link : new ArrayList<>(allLinks)) {
                    Connection c = link.connection;
                    if (c != null && c.transport().equals(t.name())) {
                        link.close(why);
                        onPeerClosed(link, why);
                    }
                }
                for (TrackerLink tl : trackers.values()) {
                    if (tl.connection != null && tl.connection.transport().equals(t.name())) {
                        // not a failure: reach the tracker again at once, over a transport that is left
                        Connection c = tl.connection;
                        detach(tl, why);
                        c.close(why);
                        if (transports.isEmpty()) {
                            LOG.info("peer {}: {}; tracker {} is reached again when a transport comes",
                                    settings.name(), why, tl.key);
                        } else if (!tl.swarms.isEmpty()) {
                            LOG.info("peer {}: {}; reaching tracker {} over another transport", settings.name(), why,
                                    tl.key);
                            connect(tl);
                        }
                    }
                }
                LOG.info("peer {}: {}; listening on {}", settings.name(), why, endpoints());
                announceEndpoints();
                return null;
            });
        } catch (IOException e) {
            LOG.warn("peer {}: removing transport {}: {}", settings.name(), t.name(), e.getMessage());
        }
    }

    /**
     * A new transport preference: connections opened from now on follow it; open ones carry on and
     * finish what they are moving. Any thread.
     */
    public void transportPreference(List<String> preference) {
        PeerSettings next = settings.withTransports(preference);
        settings = next;
        LOG.info("peer {}: transport preference now {}", next.name(), next.transports());
        if (running) {
            execute(this::announceEndpoints);
        }
    }

    /**
     * How often a tracker link backed off before reconnecting: every endpoint of the tracker failed, or the
     * tracker closed the connection over a transport it still offers. Any thread.
     */
    public long trackerBackoffs() {
        return backoffs;
    }

    /** The names of the transports this peer has now. */
    public Set<String> transportNames() {
        return Set.copyOf(transports.keySet());
    }

    /** Where this peer listens, in its order of preference. */
    @Override
    public List<Endpoint> endpoints() {
        List<Endpoint> out = new ArrayList<>();
        List<String> order = new ArrayList<>(settings.transports());
        List<String> others = new ArrayList<>(listeners.keySet());
        Collections.sort(others);
        for (String name : others) {
            if (!order.contains(name)) {
                order.add(name);
            }
        }
        for (String name : order) {
            Listener l = listeners.get(name);
            if (l != null) {
                out.add(new Endpoint(name, l.localAddress().getPort()));
            }
        }
        return out;
    }

    /** Tells every connected tracker where this peer listens now (a second Hello). Engine thread. */
    private void announceEndpoints() {
        Hello h = hello(Role.CLIENT);
        for (TrackerLink t : trackers.values()) {
            if (t.ready && t.connection != null) {
                t.connection.send(h);
            }
        }
    }

    /** The transport to reach {@code offered} with, by preference, or null. */
    private Endpoint choose(List<Endpoint> offered) {
        return Endpoint.choose(settings.transports(), offered, transports.keySet());
    }

    @Override
    public List<ConnectionInfo> connections() {
        try {
            return call(() -> {
                List<ConnectionInfo> out = new ArrayList<>();
                for (TrackerLink t : trackers.values()) {
                    Connection c = t.connection;
                    if (c != null && c.isOpen()) {
                        out.add(new ConnectionInfo(ConnectionInfo.Kind.TRACKER, null, c.remoteAddress(),
                                c.transport(), true, c.bytesRead(), c.bytesWritten()));
                    }
                }
                for (PeerLink l : allLinks) {
                    Connection c = l.connection;
                    if (c != null && c.isOpen() && !l.closed) {
                        out.add(new ConnectionInfo(ConnectionInfo.Kind.PEER, l.remote, c.remoteAddress(),
                                c.transport(), l.outbound, c.bytesRead(), c.bytesWritten()));
                    }
                }
                return out;
            });
        } catch (IOException e) {
            return List.of();
        }
    }

    private void shutdownExecutors() {
        exec.shutdown();
        work.shutdownNow();
        try {
            exec.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void resumeStoredSwarms() {
        List<Storage.StoredSwarm> stored;
        try {
            stored = storage.storedSwarms();
        } catch (IOException e) {
            LOG.warn("peer {}: cannot list stored swarms: {}", settings.name(), e.getMessage());
            return;
        }
        for (Storage.StoredSwarm s : stored) {
            resume(s, 0);
        }
    }

    /**
     * Reopens one stored swarm (re-verifying its pieces off the engine thread) and rejoins it. At
     * boot the verifier plugin may not be bound yet: then it tries again for up to a minute.
     */
    private void resume(Storage.StoredSwarm s, int attempt) {
        Manifest m;
        try {
            m = PieceStore.readManifest(s.dir());
        } catch (IOException e) {
            LOG.warn("peer {}: cannot reopen {}: {}", settings.name(), s.dir(), e.getMessage());
            return;
        }
        PieceVerifier v = plugins.verifier(m.verifier());
        if (v == null) {
            if (attempt < RESUME_ATTEMPTS && running) {
                LOG.debug("peer {}: waiting for a {} verifier to resume {}", settings.name(), m.verifier(), s.url());
                exec.schedule(() -> guarded(() -> resume(s, attempt + 1)), 500, TimeUnit.MILLISECONDS);
            } else {
                LOG.warn("peer {}: cannot resume {}: no verifier for {} is installed", settings.name(), s.url(),
                        m.verifier());
            }
            return;
        }
        CompletableFuture.supplyAsync(() -> {
            try {
                return PieceStore.open(s.dir(), v);
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, work).whenCompleteAsync((store, err) -> {
            if (err != null) {
                LOG.warn("peer {}: cannot reopen {}: {}", settings.name(), s.dir(), unwrap(err).getMessage());
                return;
            }
            if (!running || swarms.containsKey(store.manifest().id())) {
                store.close();
                return;
            }
            Swarm swarm = newSwarm(store, s.url(), s.source());
            LOG.info("peer {}: resuming {} ({}/{} pieces)", settings.name(), s.url(), store.verifiedCount(),
                    store.manifest().pieceCount());
            TrackerLink t = tracker(s.url().host(), s.url().port());
            swarm.tracker = t;
            t.swarms.add(swarm);
            if (t.ready) {
                rejoin(t, swarm);
            } else {
                connect(t);
            }
        }, exec);
    }

    // ------------------------------------------------------------------ Peer API

    @Override
    public String name() {
        return settings.name();
    }

    @Override
    public PeerId id() {
        return id;
    }

    /** Where this peer listens over its preferred transport, or null before it started. */
    @Override
    public InetSocketAddress address() {
        List<Endpoint> e = endpoints();
        if (e.isEmpty()) {
            return null;
        }
        Listener l = listeners.get(e.get(0).transport());
        return l == null ? null : l.localAddress();
    }

    @Override
    public URI httpBase() {
        PlayerHttpServer h = http;
        if (h == null) {
            return null;
        }
        InetSocketAddress a = h.localAddress();
        return URI.create("http://" + hostForUrl(a.getHostString()) + ":" + a.getPort() + "/");
    }


    @Override
    public CompletionStage<IcetUrl> publish(Path file, String name, InetSocketAddress tracker) {
        InetSocketAddress trackerAddress = tracker != null ? tracker : settings.tracker();
        String contentName;
        try {
            if (trackerAddress == null) {
                throw new PublishException("no tracker given and none configured for peer " + settings.name());
            }
            contentName = Manifest.checkName(name != null ? name : String.valueOf(file.getFileName()));
            requireRunning();
        } catch (PublishException e) {
            return CompletableFuture.failedFuture(e);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new PublishException("cannot publish " + file + ": "
                    + e.getMessage()));
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                Publication.Prepared p = Publication.prepare(file, contentName, plugins.formats(),
                        plugins.preferredVerifier());
                Path dir = storage.contentDir(p.manifest().id());
                PieceStore store = PieceStore.createComplete(dir, p.manifest(), file);
                LOG.info("peer {}: {} is {} ({}): the {} format cut it into {} pieces ({} chain link(s), {} header "
                        + "piece(s) in the first), properties {}", settings.name(), file, p.format(),
                        p.manifest().mediaType(), p.format(), p.manifest().pieceCount(), p.manifest().links().size(),
                        p.manifest().headerPieces(), p.layout().properties());
                return store;
            } catch (PublishException e) {
                throw new CompletionException(e);
            } catch (IOException e) {
                throw new CompletionException(new PublishException("cannot store " + file + ": " + e.getMessage(),
                        e));
            }
        }, work).thenComposeAsync(store -> publishStored(store, trackerAddress), exec);
    }

    private CompletionStage<IcetUrl> publishStored(PieceStore store, InetSocketAddress trackerAddress) {
        Manifest m = store.manifest();
        IcetUrl url = new IcetUrl(trackerAddress.getHostString(), trackerAddress.getPort(), m.name());
        Swarm existing = swarms.get(m.id());
        if (existing != null) {
            store.close();
        }
        Swarm swarm = existing != null ? existing : newSwarm(store, url, true);
        TrackerLink t = tracker(url.host(), url.port());
        swarm.tracker = t;
        CompletableFuture<IcetMessage> answer = t.request(new Publish(m));
        connect(t);
        return answer.thenApply(a -> {
            if (!(a instanceof Published p)) {
                throw new CompletionException(new PublishException("tracker answered " + a.type() + " to Publish"));
            }
            t.swarms.add(swarm);
            try {
                storage.remember(m.id(), url, true);
            } catch (IOException e) {
                LOG.warn("peer {}: cannot remember {}: {}", settings.name(), url, e.getMessage());
            }
            LOG.info("peer {}: published {} as {}", settings.name(), m, url);
            return url;
        }).whenComplete((u, err) -> {
            if (err != null && existing == null && !t.swarms.contains(swarm)) {
                swarms.remove(m.id());
                swarm.store.close();
            }
        });
    }

    @Override
    public CompletionStage<LiveFeed> publishLive(String name, String mediaType, InetSocketAddress tracker,
            long windowMicros) {
        InetSocketAddress trackerAddress = tracker != null ? tracker : settings.tracker();
        PieceVerifier verifier = plugins.preferredVerifier();
        try {
            requireRunning();
            if (trackerAddress == null) {
                throw new PublishException("no tracker given and none configured for peer " + settings.name());
            }
            if (verifier == null) {
                throw new PublishException("cannot start " + name + ": no piece verifier is installed");
            }
            Manifest.checkName(name);
            if (windowMicros <= 0) {
                throw new PublishException("a live window must be longer than 0");
            }
        } catch (PublishException e) {
            return CompletableFuture.failedFuture(e);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new PublishException("cannot start " + name + ": "
                    + e.getMessage()));
        }
        String format = mediaType == null ? null : formatOf(mediaType);
        if (format == null) {
            return CompletableFuture.failedFuture(new PublishException("cannot start " + name + ": no installed media"
                    + " format handles " + mediaType));
        }
        return CompletableFuture.supplyAsync(() -> {
            Manifest m = Manifest.live(ContentId.random(), name, mediaType, format, verifier.algorithm(), windowMicros);
            IcetUrl url = new IcetUrl(trackerAddress.getHostString(), trackerAddress.getPort(), name);
            Swarm swarm = newSwarm(new LiveWindow(m), url, true);
            LiveSourceFeed feed = new LiveSourceFeed(this, swarm, verifier);
            swarm.feed = feed;
            TrackerLink t = tracker(url.host(), url.port());
            swarm.tracker = t;
            CompletableFuture<IcetMessage> answer = t.request(new Publish(m));
            connect(t);
            return answer.thenApply(a -> {
                if (!(a instanceof Published)) {
                    throw new CompletionException(new PublishException("tracker answered " + a.type()
                            + " to Publish"));
                }
                t.swarms.add(swarm);
                LOG.info("peer {}: live stream {} on air as {}", settings.name(), m, url);
                return (LiveFeed) feed;
            }).whenComplete((f, err) -> {
                if (err != null) {
                    swarms.remove(m.id());
                    swarm.store.close();
                }
            });
        }, exec).thenCompose(f -> f);
    }

    /** The name of the installed media format that handles this media type (parameters ignored), or null. */
    private String formatOf(String mediaType) {
        int semi = mediaType.indexOf(';');
        String base = (semi < 0 ? mediaType : mediaType.substring(0, semi)).trim().toLowerCase(java.util.Locale.ROOT);
        for (org.iceshare.api.media.MediaFormat f : plugins.formats()) {
            if (f.handles(base)) {
                return f.name();
            }
        }
        return null;
    }

    @Override
    public CompletionStage<SwarmStatus> get(IcetUrl url) {
        try {
            requireRunning();
        } catch (PublishException e) {
            return CompletableFuture.failedFuture(e);
        }
        return CompletableFuture.supplyAsync(() -> {
            for (Swarm s : swarms.values()) {
                if (s.url.equals(url) && s.status != State.FAILED) {
                    return CompletableFuture.completedFuture(s.status());
                }
            }
            TrackerLink t = tracker(url.host(), url.port());
            CompletableFuture<IcetMessage> answer = t.request(new Join(url.name()));
            connect(t);
            // the answer completes on the engine thread: handle it there at once, before the Assign
            // messages the tracker sends right after Joined are processed
            return answer.thenApply(a -> joined(t, url, a));
        }, exec).thenCompose(f -> f);
    }

    private SwarmStatus joined(TrackerLink t, IcetUrl url, IcetMessage answer) {
        if (!(answer instanceof Joined j)) {
            throw new CompletionException(new PublishException("tracker answered " + answer.type() + " to Join"));
        }
        Manifest m = j.manifest();
        if (!m.name().equals(url.name()) || !m.idMatchesContents()) {
            throw new CompletionException(new PublishException("tracker " + t.key + " sent an inconsistent manifest"
                    + " for " + url.name()));
        }
        Swarm swarm = swarms.get(m.id());
        if (swarm == null) {
            PieceVerifier v = plugins.verifier(m.verifier());
            if (v == null) {
                throw new CompletionException(new PublishException("cannot fetch " + url + ": it needs verifier "
                        + m.verifier() + ", which is not installed"));
            }
            if (m.live()) {
                swarm = newSwarm(new LiveWindow(m), url, false);
            } else {
                Path dir = storage.contentDir(m.id());
                try {
                    PieceStore store = PieceStore.exists(dir) ? PieceStore.open(dir, v) : PieceStore.create(dir, m);
                    storage.remember(m.id(), url, false);
                    swarm = newSwarm(store, url, false);
                } catch (IOException e) {
                    throw new CompletionException(new PublishException("cannot store " + url + ": "
                            + e.getMessage(), e));
                }
            }
        }
        swarm.tracker = t;
        t.swarms.add(swarm);
        startSwarm(t, swarm);
        LOG.info("peer {}: joined {} ({}, {} pieces, {} held)", settings.name(), url, m, m.pieceCount(),
                swarm.store.verifiedCount());
        return swarm.status();
    }

    /** After a Join answer: report what we hold and start fetching. */
    private void startSwarm(TrackerLink t, Swarm swarm) {
        Manifest m = swarm.manifest;
        if (swarm.live) {
            // the tracker's announcements (links, window, start point) follow the Joined
            for (int i = swarm.state.firstPiece(); i < swarm.state.end(); i++) {
                if (swarm.store.has(i)) {
                    t.send(new Verified(m.id(), i, id, swarm.store.info(i).hash()));
                }
            }
            swarm.scheduleSoon();
            return;
        }
        if (swarm.status != State.STOPPED) {
            swarm.status = swarm.store.isComplete() ? State.COMPLETE : State.DOWNLOADING;
        }
        org.iceshare.api.swarm.Bitfield held = ((PieceStore) swarm.store).verified();
        for (int i = held.nextSet(0); i >= 0; i = held.nextSet(i + 1)) {
            t.send(new Verified(m.id(), i, id, m.piece(i).hash()));
        }
        swarm.scheduleSoon();
    }

    private Swarm newSwarm(Pieces store, IcetUrl url, boolean source) {
        Manifest m = store.manifest();
        Swarm s = new Swarm(this, store, url, source, plugins.verifier(m.verifier()), settings.slotsPerPeer());
        s.state.budget(this::takeDownload);
        swarms.put(m.id(), s);
        return s;
    }

    @Override
    public boolean stop(ContentId content) {
        try {
            return call(() -> {
                Swarm s = swarms.remove(content);
                if (s == null) {
                    return false;
                }
                s.stop();
                if (s.tracker != null) {
                    s.tracker.swarms.remove(s);
                    s.tracker.send(new Leave(content));
                }
                s.store.close();
                LOG.info("peer {}: left {}", settings.name(), s.url);
                return true;
            });
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public List<SwarmStatus> swarms() {
        try {
            return call(() -> {
                List<SwarmStatus> out = new ArrayList<>();
                for (Swarm s : swarms.values()) {
                    out.add(s.status());
                }
                out.sort(Comparator.comparing(s -> s.url().toString()));
                return out;
            });
        } catch (IOException e) {
            return List.of();
        }
    }

    @Override
    public Optional<SwarmStatus> swarm(ContentId content) {
        try {
            return call(() -> Optional.ofNullable(swarms.get(content)).map(s -> s.status()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    // ------------------------------------------------------------------ for the player endpoint (any thread)

    /** The store of a file content, or null (unknown here, or live). Any thread. */
    public PieceStore store(ContentId content) {
        Swarm s = swarms.get(content);
        return s == null || s.live ? null : (PieceStore) s.store;
    }

    /** The window of a live stream, or null (unknown here, or a file). Any thread. */
    public LiveWindow liveWindow(ContentId content) {
        Swarm s = swarms.get(content);
        return s == null || !s.live ? null : s.window;
    }

    /**
     * Where a new player of a live stream starts: the newest start point here, or the one the swarm
     * started at, or -1 when none has arrived yet. Any thread.
     */
    public int liveStart(ContentId content) {
        Swarm s = swarms.get(content);
        if (s == null || !s.live) {
            return -1;
        }
        int newest = s.window.newestStartPoint();
        return newest >= 0 ? newest : s.playback == null ? -1 : s.playback.startPiece();
    }

    /** Completes when the piece is verified here. Any thread. */
    public CompletableFuture<Void> awaitPiece(ContentId content, int piece) {
        Swarm s = swarms.get(content);
        if (s == null) {
            return CompletableFuture.failedFuture(new IOException("content " + content.shortHex() + " not here"));
        }
        if (s.store.has(piece)) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.supplyAsync(() -> s.await(piece), exec).thenCompose(f -> f);
    }

    /** Live: completes with a verified start point a new player can begin at. Any thread. */
    public CompletableFuture<Integer> awaitLiveStart(ContentId content) {
        Swarm s = swarms.get(content);
        if (s == null || !s.live) {
            return CompletableFuture.failedFuture(new IOException("no live stream " + content.shortHex() + " here"));
        }
        return CompletableFuture.supplyAsync(s::awaitStart, exec).thenCompose(f -> f);
    }

    /**
     * A player plays a file from its start in real time: the swarm keeps a playback clock (deadlines
     * for the scheduler, the playhead for the tracker, the startup delay it needed). Any thread.
     */
    public void play(ContentId content) {
        execute(() -> {
            Swarm s = swarms.get(content);
            if (s != null) {
                s.play();
            }
        });
    }

    /** A player reads from this piece on. Any thread. */
    public void playhead(ContentId content, int piece) {
        execute(() -> {
            Swarm s = swarms.get(content);
            if (s != null && s.state.playhead() != piece) {
                s.state.playhead(piece);
                s.scheduleSoon();
            }
        });
    }

    /**
     * A player starts at a time: returns where (the link's headers, then the seek point) and tells
     * the swarm and the tracker, so those pieces come first. Empty when the content has no time index.
     * Any thread.
     */
    public java.util.Optional<org.iceshare.api.swarm.SeekPoint> seek(ContentId content, long micros) {
        Swarm s = swarms.get(content);
        if (s == null) {
            return java.util.Optional.empty();
        }
        var point = s.manifest.seek(micros);
        point.ifPresent(p -> execute(() -> {
            if (s.tracker != null) {
                s.seek(micros, p.piece());
            }
        }));
        return point;
    }

    /** The installed media formats, for page-precise time starts. Any thread. */
    @Override
    public List<MediaFormat> mediaFormats() {
        return plugins.formats();
    }

    URI playerUrl(Swarm s) {
        URI base = httpBase();
        return base == null ? null : base.resolve("content/" + s.manifest.id().toHex() + "/" + s.manifest.name());
    }

    // ------------------------------------------------------------------ engine internals

    Plugins plugins() {
        return plugins;
    }

    Hello hello(Role role) {
        String host = settings.host();
        if (host.equals("0.0.0.0") || host.equals("::")) {
            host = "";
        }
        List<Endpoint> e = endpoints();
        return new Hello(IcetMessage.PROTOCOL_VERSION, role, id, host, e.isEmpty() ? 0 : e.get(0).port(), AGENT,
                e);
    }

    void execute(Runnable r) {
        try {
            exec.execute(() -> guarded(r));
        } catch (RejectedExecutionException e) {
            // stopping: late events from the transport are dropped
        }
    }

    private void guarded(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.error("peer {}: unexpected failure on the engine thread", settings.name(), e);
        }
    }

    /** Runs a task on the engine thread and waits for it (directly when already there). */
    private <T> T call(Callable<T> task) throws IOException {
        if (Thread.currentThread() == engineThread) {
            try {
                return task.call();
            } catch (Exception e) {
                throw new IOException(e.getMessage(), e);
            }
        }
        try {
            return exec.submit(task).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            throw new IOException("peer " + settings.name() + " did not answer: " + e, e);
        }
    }

    private void requireRunning() throws PublishException {
        if (!running) {
            throw new PublishException("peer " + settings.name() + " is not running");
        }
    }

    private void tick() {
        long now = System.nanoTime();
        long timeout = settings.requestTimeout().toNanos();
        for (Swarm s : swarms.values()) {
            if (s.status == State.DOWNLOADING) {
                s.expire(now, timeout);
            } else if (s.live && s.status == State.LIVE) {
                s.expire(now, Math.min(timeout, LIVE_REQUEST_TIMEOUT_NANOS));
            }
            s.tickPlayback(now);
            if (s.state.throttled()) {
                s.scheduleSoon(); // the download budget refilled a little
            }
        }
        measureRates(now);
        long keepAlive = settings.keepAlive().toNanos();
        for (TrackerLink t : trackers.values()) {
            if (t.ready && now - t.lastReceivedNanos > keepAlive) {
                t.send(new Ping(now));
                t.lastReceivedNanos = now;
            }
        }
        for (PeerLink l : allLinks) {
            if (l.ready && now - l.lastReceivedNanos > keepAlive) {
                l.send(new Ping(now));
                l.lastReceivedNanos = now;
            }
        }
    }

    // ------------------------------------------------------------------ peers

    boolean isLinked(PeerId peer) {
        PeerLink l = links.get(peer);
        return l != null && !l.closed;
    }

    /** Sends to a peer, dialling it if needed. Returns false when its address is unknown. Engine thread. */
    boolean sendToPeer(PeerId peer, IcetMessage m) {
        PeerLink link = links.get(peer);
        if (link == null) {
            PeerInfo info = addresses.get(peer);
            if (info == null || !running) {
                return false;
            }
            Endpoint via = choose(info.endpoints());
            if (via == null) {
                LOG.debug("peer {}: no common transport with {} (it offers {}, this peer has {})", settings.name(),
                        info, info.endpoints(), transports.keySet());
                return false;
            }
            Transport transport = transports.get(via.transport());
            PeerLink l = new PeerLink(this, true, peer);
            link = l;
            links.put(peer, l);
            allLinks.add(l);
            InetSocketAddress to = new InetSocketAddress(info.host(), via.port());
            transport.connect(to, l).whenComplete((c, err) -> {
                if (err != null) {
                    execute(() -> onPeerClosed(l, "cannot connect to " + to + ": " + unwrap(err).getMessage()));
                }
            });
        }
        link.send(m);
        return true;
    }

    void onPeerOpened(PeerLink link) {
        allLinks.add(link);
    }

    void onPeerMessage(PeerLink link, IcetMessage m) {
        if (link.closed) {
            return;
        }
        link.lastReceivedNanos = System.nanoTime();
        if (m instanceof Hello h) {
            onPeerHello(link, h);
            return;
        }
        if (!link.ready) {
            link.close("protocol error: " + m.type() + " before Hello");
            return;
        }
        if (m instanceof Request r) {
            onRequest(link, r);
        } else if (m instanceof Piece p) {
            Swarm s = swarms.get(p.content());
            if (s != null) {
                s.onPiece(link.remote, p.piece(), p.data());
            }
        } else if (m instanceof Reject r) {
            Swarm s = swarms.get(r.content());
            if (s != null && s.state.inWindow(r.piece())) {
                s.fetchFailed(r.piece(), link.remote, "refused: " + r.code() + " " + r.reason());
            }
        } else if (m instanceof Cancel c) {
            cancelUpload(link, c);
        } else if (m instanceof Ping p) {
            link.send(new Pong(p.nonce()));
        } else if (m instanceof ErrorReport e) {
            LOG.debug("peer {}: {} reports {} {}", settings.name(), link, e.code(), e.message());
        } else if (!(m instanceof Pong)) {
            link.close("protocol error: " + m.type() + " is not a peer-to-peer message");
        }
    }

    private void onPeerHello(PeerLink link, Hello h) {
        if (link.ready) {
            link.close("protocol error: second Hello");
            return;
        }
        if (h.role() != Role.PEER) {
            link.close("protocol error: expected a peer, got " + h.role());
            return;
        }
        if (link.outbound && !h.peerId().equals(link.remote)) {
            link.close("dialled " + link.remote + " but " + h.peerId() + " answered");
            return;
        }
        if (h.peerId().equals(id)) {
            link.close("connected to myself");
            return;
        }
        link.remote = h.peerId();
        link.ready = true;
        PeerLink known = links.get(link.remote);
        if (known == null || known.closed) {
            links.put(link.remote, link);
        }
        while (!link.queued.isEmpty()) {
            link.connection.send(link.queued.poll());
        }
    }

    void onPeerClosed(PeerLink link, String reason) {
        if (link.closed) {
            return;
        }
        link.closed = true;
        link.closeReason = reason;
        allLinks.remove(link);
        link.uploads.clear();
        if (link.remote != null) {
            if (links.get(link.remote) == link) {
                links.remove(link.remote);
            }
            LOG.debug("peer {}: link to {} closed: {}", settings.name(), link, reason);
            if (!links.containsKey(link.remote)) {
                for (Swarm s : swarms.values()) {
                    s.peerGone(link.remote, reason);
                }
            }
        }
    }

    // ------------------------------------------------------------------ uploads

    private void onRequest(PeerLink link, Request r) {
        LOG.trace("peer {}: {} asks for piece {} of {}", settings.name(), link, r.piece(), r.content().shortHex());
        Swarm s = swarms.get(r.content());
        if (s == null || s.status == State.STOPPED) {
            link.send(new Reject(r.content(), r.piece(), ErrorCode.UNKNOWN_CONTENT, "content not here"));
            return;
        }
        if (!s.store.has(r.piece())) {
            link.send(new Reject(r.content(), r.piece(), ErrorCode.NOT_HELD, "piece not held"));
            return;
        }
        if (link.uploads.size() >= MAX_QUEUED_UPLOADS) {
            link.send(new Reject(r.content(), r.piece(), ErrorCode.BUSY, "too many requests queued"));
            return;
        }
        if (link.uploads.isEmpty()) {
            uploadRotation.add(link);
        }
        link.uploads.add(r);
        pumpUploads();
    }

    private void cancelUpload(PeerLink link, Cancel c) {
        link.uploads.removeIf(r -> r.piece() == c.piece() && r.content().equals(c.content()));
    }

    /** Sends queued pieces, round-robin over writable links, within the upload rate. Engine thread. */
    void pumpUploads() {
        int idle = 0;
        while (!uploadRotation.isEmpty() && idle < uploadRotation.size()) {
            PeerLink link = uploadRotation.poll();
            if (link.closed || link.uploads.isEmpty()) {
                continue;
            }
            if (!link.writable()) {
                uploadRotation.add(link);
                idle++;
                continue;
            }
            long now = System.nanoTime();
            long delay = uploadBucket.delayNanos(now);
            if (delay > 0) {
                uploadRotation.addFirst(link);
                if (uploadWake == null) {
                    uploadWake = exec.schedule(() -> {
                        uploadWake = null;
                        guarded(this::pumpUploads);
                    }, delay, TimeUnit.NANOSECONDS);
                }
                return;
            }
            idle = 0;
            Request r = link.uploads.poll();
            Swarm s = swarms.get(r.content());
            if (s == null || !s.store.has(r.piece())) {
                link.send(new Reject(r.content(), r.piece(), ErrorCode.NOT_HELD, "piece no longer held"));
            } else {
                try {
                    ByteBuffer data = s.store.read(r.piece());
                    int length = data.remaining();
                    LOG.trace("peer {}: sending piece {} to {}", settings.name(), r.piece(), link);
                    link.send(new Piece(r.content(), r.piece(), data));
                    uploadBucket.consume(length, now);
                    s.noteUpload(link.remote, length);
                } catch (IOException | RuntimeException e) {
                    LOG.warn("peer {}: cannot read piece {} of {}: {}", settings.name(), r.piece(), s.manifest,
                            e.getMessage());
                    link.send(new Reject(r.content(), r.piece(), ErrorCode.INTERNAL, "cannot read piece"));
                }
            }
            if (!link.uploads.isEmpty()) {
                uploadRotation.add(link);
            }
        }
    }

    /** Changes the upload cap at run time. Any thread. */
    public void uploadRate(long bytesPerSecond) {
        execute(() -> {
            uploadBucket.setRate(bytesPerSecond, System.nanoTime());
            pumpUploads();
            sendRates();
        });
    }

    /** Changes the download cap (bytes per second, 0 for none) at once. Any thread. */
    public void downloadRate(long bytesPerSecond) {
        execute(() -> {
            downloadBucket.setRate(bytesPerSecond, System.nanoTime());
            for (Swarm s : swarms.values()) {
                s.scheduleSoon();
            }
            sendRates();
        });
    }

    void countUpload(int bytes) {
        uploadedTotal += bytes;
    }

    void countDownload(int bytes) {
        downloadedTotal += bytes;
    }

    /** The caps in force and the rates measured over the last interval. Engine thread. */
    private Rates currentRates() {
        rates = new Rates(uploadBucket.rate(), downloadBucket.rate(), rates.uploadRate(), rates.downloadRate());
        return rates;
    }

    /** Measures the rates (at most every {@link #RATES_INTERVAL_NANOS}) and tells the trackers. Engine thread. */
    private void measureRates(long now) {
        long elapsed = now - ratesAtNanos;
        if (elapsed < RATES_INTERVAL_NANOS) {
            return;
        }
        double seconds = elapsed / 1e9;
        rates = new Rates(uploadBucket.rate(), downloadBucket.rate(),
                Math.round((uploadedTotal - ratesUploaded) / seconds),
                Math.round((downloadedTotal - ratesDownloaded) / seconds));
        ratesAtNanos = now;
        ratesUploaded = uploadedTotal;
        ratesDownloaded = downloadedTotal;
        sendRates();
    }

    /** Tells every connected tracker the caps and the measured rates. Engine thread. */
    private void sendRates() {
        Rates r = currentRates();
        for (TrackerLink t : trackers.values()) {
            if (t.ready && t.connection != null) {
                t.connection.send(r);
            }
        }
    }

    /** The download budget of every swarm: requests are paced so that pieces arrive no faster than the cap. */
    private boolean takeDownload(int bytes, long now) {
        if (downloadBucket.delayNanos(now) > 0) {
            return false;
        }
        downloadBucket.consume(bytes, now);
        return true;
    }

    // ------------------------------------------------------------------ trackers

    private TrackerLink tracker(String host, int port) {
        String key = hostForUrl(host) + ":" + port;
        return trackers.computeIfAbsent(key, k -> new TrackerLink(this, InetSocketAddress.createUnresolved(host,
                port), k));
    }

    private void connect(TrackerLink t) {
        if (t.connection != null || t.connecting || !running) {
            return;
        }
        t.connecting = true;
        InetSocketAddress to;
        Transport transport;
        try {
            List<Endpoint> candidates = trackerEndpoints(t);
            if (candidates.isEmpty()) {
                throw new IOException(t.endpoints.isEmpty() ? "this peer has no transport"
                        : "no common transport: the tracker offers " + t.endpoints + ", this peer has "
                                + transports.keySet());
            }
            Endpoint via = candidates.get(Math.floorMod(t.probe, candidates.size()));
            transport = transports.get(via.transport());
            to = new InetSocketAddress(t.address.getHostString(), via.port());
            if (to.isUnresolved()) {
                throw new IOException("unknown host " + t.address.getHostString());
            }
        } catch (IOException | IllegalArgumentException e) {
            onTrackerConnectFailed(t, e);
            return;
        }
        transport.connect(to, t).whenComplete((c, err) -> {
            if (err != null) {
                execute(() -> onTrackerConnectFailed(t, unwrap(err)));
            }
        });
    }

    /**
     * Where to reach a tracker, best first: the endpoints it announced in its Hello, in this peer's order
     * of preference; or, before it has said, every transport of this peer at the port of its URL.
     */
    private List<Endpoint> trackerEndpoints(TrackerLink t) {
        List<Endpoint> out = new ArrayList<>();
        if (!t.endpoints.isEmpty()) {
            List<Endpoint> offered = new ArrayList<>(t.endpoints);
            Endpoint e;
            while ((e = choose(offered)) != null) {
                out.add(e);
                offered.remove(e);
            }
            return out;
        }
        List<String> names = new ArrayList<>();
        for (String name : settings.transports()) {
            if (transports.containsKey(name)) {
                names.add(name);
            }
        }
        List<String> rest = new ArrayList<>(transports.keySet());
        Collections.sort(rest);
        rest.removeAll(names);
        names.addAll(rest);
        for (String name : names) {
            out.add(new Endpoint(name, t.address.getPort()));
        }
        return out;
    }

    private void onTrackerConnectFailed(TrackerLink t, Throwable err) {
        t.connecting = false;
        t.probe++;
        t.attempts++;
        String why = "cannot reach tracker " + t.key + ": " + err.getMessage();
        if (running && (!t.swarms.isEmpty() || !t.pending.isEmpty())) {
            int candidates = trackerEndpoints(t).size();
            if (t.attempts < candidates) {
                // another of the tracker's endpoints is left to try in this round: at once, not after a backoff
                LOG.debug("peer {}: {}; trying its next endpoint", settings.name(), why);
                connect(t);
                return;
            }
        }
        t.attempts = 0;
        failPending(t, why);
        retryLater(t, why);
    }

    void onTrackerOpened(TrackerLink t, Connection c) {
        t.connection = c;
        t.connecting = false;
        t.lastReceivedNanos = System.nanoTime();
    }

    void onTrackerMessage(TrackerLink t, Connection c, IcetMessage m) {
        if (t.connection != c) {
            return;
        }
        t.lastReceivedNanos = System.nanoTime();
        if (m instanceof Hello h) {
            if (h.role() != Role.TRACKER) {
                c.close("protocol error: expected a tracker, got " + h.role());
                return;
            }
            if (t.ready) {
                // the tracker's endpoints changed
                t.endpoints = h.endpoints();
                return;
            }
            boolean reconnected = t.failures > 0 || !t.swarms.isEmpty();
            if (!h.endpoints().isEmpty()) {
                t.endpoints = h.endpoints();
                t.probe = 0; // next time, start again with the best of its endpoints
            }
            t.ready = true;
            t.failures = 0;
            t.attempts = 0;
            c.send(currentRates());
            while (!t.queued.isEmpty()) {
                c.send(t.queued.poll());
            }
            if (reconnected) {
                for (Swarm s : new ArrayList<>(t.swarms)) {
                    rejoin(t, s);
                }
            }
        } else if (m instanceof Published || m instanceof Joined || m instanceof ErrorReport) {
            answer(t, m);
        } else if (m instanceof Peers p) {
            for (PeerInfo info : p.peers()) {
                if (!info.id().equals(id)) {
                    addresses.put(info.id(), info);
                }
            }
        } else if (m instanceof Assign a) {
            Swarm s = swarms.get(a.content());
            if (s != null) {
                s.onAssign(a);
            }
        } else if (m instanceof Announce a) {
            Swarm s = swarms.get(a.content());
            if (s != null && s.live && !s.source) {
                s.onAnnounce(a);
            }
        } else if (m instanceof Revoke r) {
            Swarm s = swarms.get(r.content());
            if (s != null) {
                s.revoke(r.source());
            }
        } else if (m instanceof Ping p) {
            c.send(new Pong(p.nonce()));
        } else if (!(m instanceof Pong)) {
            c.close("protocol error: " + m.type() + " is not a tracker-to-client message");
        }
    }

    private void answer(TrackerLink t, IcetMessage m) {
        TrackerLink.Pending p = t.pending.poll();
        if (p == null) {
            if (m instanceof ErrorReport e) {
                LOG.warn("peer {}: tracker {} reports {}: {}", settings.name(), t.key, e.code(), e.message());
            }
            return;
        }
        if (m instanceof ErrorReport e) {
            p.answer().completeExceptionally(new PublishException("tracker " + t.key + " refused: " + e.message()
                    + " (" + e.code() + ")"));
        } else {
            p.answer().complete(m);
        }
    }

    /** Joins (or publishes) a swarm again after reconnecting or restarting. Engine thread. */
    private void rejoin(TrackerLink t, Swarm s) {
        Manifest m = s.manifest;
        CompletableFuture<IcetMessage> answer = t.request(s.source ? new Publish(m) : new Join(m.name()));
        answer.whenComplete((a, err) -> {
            if (err != null) {
                LOG.warn("peer {}: cannot rejoin {}: {}", settings.name(), s.url, unwrap(err).getMessage());
                return;
            }
            if (!s.source) {
                if (!(a instanceof Joined j) || !j.manifest().id().equals(m.id())) {
                    s.fail("the tracker now has different content under " + s.url);
                    return;
                }
                startSwarm(t, s);
            } else if (s.live && s.feed != null) {
                s.feed.reannounce();
            } else if (s.status != State.STOPPED) {
                s.status = State.COMPLETE;
            }
        });
    }

    void onTrackerClosed(TrackerLink t, Connection c, String reason) {
        if (t.connection != c) {
            return;
        }
        String why = "tracker " + t.key + " closed the connection: " + reason;
        detach(t, why);
        String over = c.transport();
        boolean trackerLeftIt = !t.endpoints.isEmpty()
                && t.endpoints.stream().noneMatch(e -> e.transport().equals(over));
        if ((trackerLeftIt || !transports.containsKey(over)) && running && !t.swarms.isEmpty()) {
            // not a failure: the transport went away (the tracker said so first); come back at once over another
            LOG.info("peer {}: {}; reaching it again over another transport (it offers {})", settings.name(), why,
                    t.endpoints);
            connect(t);
            return;
        }
        retryLater(t, why);
    }

    /** The link has no connection any more: what waited for an answer over it fails with {@code why}. */
    private void detach(TrackerLink t, String why) {
        t.connection = null;
        t.ready = false;
        t.connecting = false;
        failPending(t, why);
    }

    private void failPending(TrackerLink t, String why) {
        t.queued.clear();
        TrackerLink.Pending p;
        while ((p = t.pending.poll()) != null) {
            p.answer().completeExceptionally(new PublishException(why));
        }
    }

    private void retryLater(TrackerLink t, String why) {
        if (!running || t.swarms.isEmpty()) {
            return;
        }
        t.failures++;
        backoffs++;
        long delayMs = Math.min(30_000, 500L << Math.min(6, t.failures - 1));
        LOG.warn("peer {}: {}; retrying in {} ms", settings.name(), why, delayMs);
        t.reconnect = exec.schedule(() -> guarded(() -> connect(t)), delayMs, TimeUnit.MILLISECONDS);
    }

    // ------------------------------------------------------------------ helpers

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String hostForUrl(String host) {
        return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    }

    @Override
    public String toString() {
        return "peer " + settings.name();
    }
}
