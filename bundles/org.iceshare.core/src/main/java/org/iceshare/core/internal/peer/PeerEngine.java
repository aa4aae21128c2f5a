package org.iceshare.core.internal.peer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.iceshare.api.icet.Hello;
import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.icet.Rates;
import org.iceshare.api.icet.Role;
import org.iceshare.api.peer.ConnectionInfo;
import org.iceshare.api.peer.LiveFeed;
import org.iceshare.api.peer.Peer;
import org.iceshare.api.peer.PublishException;
import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.peer.SwarmStatus.State;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.transport.Connection;
import org.iceshare.api.transport.ConnectionHandler;
import org.iceshare.api.transport.Transport;
import org.iceshare.engine.internal.Handshake;
import org.iceshare.engine.internal.Identity;
import org.iceshare.engine.internal.TransportSet;
import org.iceshare.core.internal.http.PlayerHttpServer;
import org.iceshare.core.internal.http.PlayerSource;
import org.iceshare.core.internal.storage.LiveWindow;
import org.iceshare.core.internal.storage.PieceStore;
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
 *
 * <p><b>Size.</b> About 640 lines, most of them the {@link Peer} API's thread-safe entry points (each hands
 * its work to the engine thread); the work itself lives in {@link Swarms}, {@link PeerLinks},
 * {@link TrackerClient} and {@link UploadQueue}.
 */
public final class PeerEngine implements Peer, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PeerEngine.class);
    private static final String AGENT = "IceShare/0.1";
    private static final int RESUME_ATTEMPTS = 120;
    /** A live piece not delivered in this time is fetched elsewhere: it would be late anyway. */
    private static final long LIVE_REQUEST_TIMEOUT_NANOS = 2_000_000_000L;
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    /** How often the measured rates are sent to the trackers. */
    private static final long RATES_INTERVAL_NANOS = 5_000_000_000L;

    private volatile PeerSettings settings;
    /** The transports this peer has and where it listens on each; changed on the engine thread, read anywhere. */
    private final TransportSet transports;
    private final Plugins plugins;
    private final ScheduledExecutorService exec;
    private final ExecutorService work;
    private final Swarms swarms = new Swarms(this);
    private final PeerLinks peers;
    private final TrackerClient trackers;
    private final UploadQueue uploads;
    private final TokenBucket downloadBucket;
    /** Bytes moved by every swarm since start, and the rates measured from them (engine thread). */
    private final RateMeter meter = new RateMeter(RATES_INTERVAL_NANOS, System.nanoTime());
    private Storage storage;
    private volatile Identity identity;
    private volatile PeerId id;
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
        this.transports = new TransportSet(settings.host(), settings::portFor, this::accepted, transports);
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
        this.uploads = new UploadQueue(settings.name(), this::served, exec, settings.uploadRate());
        this.peers = new PeerLinks(this, this.transports, () -> this.settings.transports(), swarms::get, uploads);
        this.trackers = new TrackerClient(this, this.transports, swarms, peers);
        this.downloadBucket = new TokenBucket(settings.downloadRate(), System.nanoTime());
    }

    // ------------------------------------------------------------------ lifecycle

    /** Opens storage, binds the peer port and the player endpoint, and rejoins stored swarms. */
    public synchronized void start() throws IOException {
        if (running) {
            return;
        }
        storage = new Storage(settings.storage());
        identity = storage.identity();
        id = identity.id();
        transports.listenAll();
        try {
            if (settings.httpPort() >= 0) {
                http = new PlayerHttpServer(swarms, settings.httpHost(), settings.httpPort());
            }
        } catch (IOException | RuntimeException e) {
            transports.closeListeners();
            throw e;
        }
        running = true;
        long tick = Math.max(100, Math.min(250, settings.requestTimeout().toMillis() / 4));
        exec.scheduleWithFixedDelay(() -> guarded(this::tick), tick, tick, TimeUnit.MILLISECONDS);
        LOG.info("peer {} ({}) listening on {} {}, players on {}, storage {}", settings.name(), id.shortHex(),
                settings.host(), endpoints(), http == null ? "(disabled)" : httpBase(), settings.storage());
        if (settings.resume()) {
            swarms.resumeStoredSwarms();
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
                for (TrackerLink t : trackers.all()) {
                    t.close("peer " + settings.name() + " stopping");
                }
                peers.closeAll("peer " + settings.name() + " stopping");
                for (Swarm s : swarms.all()) {
                    s.stop();
                    s.store.close();
                }
                swarms.clear();
                return null;
            });
        } catch (IOException e) {
            LOG.warn("peer {} did not stop cleanly: {}", settings.name(), e.getMessage());
        }
        transports.closeListeners();
        if (http != null) {
            http.close();
        }
        shutdownExecutors();
        LOG.info("peer {} stopped", settings.name());
    }

    // ------------------------------------------------------------------ transports

    /**
     * A transport arrived: the peer listens on it too, tells its trackers, and uses it for new
     * connections where the preference and the other side allow. Any thread.
     */
    public void addTransport(Transport t) {
        transports.add(t);
        if (!running) {
            return;
        }
        execute(() -> {
            if (!transports.has(t) || !running) {
                return;
            }
            try {
                transports.listen(t);
                LOG.info("peer {}: listening over {} too, on {}", settings.name(), t.name(),
                        transports.address(t.name()));
            } catch (IOException e) {
                LOG.error("peer {}: cannot listen over {}: {}", settings.name(), t.name(), e.getMessage());
                return;
            }
            announceEndpoints();
            // trackers this peer could not reach may be reachable now: try at once, not at the next backoff
            for (TrackerLink tl : trackers.all()) {
                tl.transportAdded();
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
        if (!transports.remove(t) || !running) {
            return;
        }
        try {
            call(() -> {
                String why = "transport " + t.name() + " removed";
                peers.closeOver(t.name(), why);
                for (TrackerLink tl : trackers.all()) {
                    tl.transportRemoved(t.name(), !transports.isEmpty());
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
        try {
            return call(trackers::backoffs);
        } catch (IOException e) {
            return -1;
        }
    }

    /** The names of the transports this peer has now. */
    public Set<String> transportNames() {
        return Set.copyOf(transports.names());
    }

    /** Where this peer listens, in its order of preference. */
    @Override
    public List<Endpoint> endpoints() {
        return transports.endpoints(settings.transports());
    }

    /** Tells every connected tracker where this peer listens now (a second Hello). Engine thread. */
    private void announceEndpoints() {
        trackers.helloAgain();
    }

    @Override
    public List<ConnectionInfo> connections() {
        try {
            return call(() -> {
                List<ConnectionInfo> out = new ArrayList<>();
                for (Connection c : trackers.connections()) {
                    out.add(new ConnectionInfo(ConnectionInfo.Kind.TRACKER, null, c.remoteAddress(), c.transport(),
                            true, c.bytesRead(), c.bytesWritten()));
                }
                out.addAll(peers.connections());
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

    // ------------------------------------------------------------------ Peer API

    @Override
    public String name() {
        return settings.name();
    }

    @Override
    public PeerId id() {
        return id;
    }

    /** This peer's raw Ed25519 public key (its id is derived from it), or null before it started. */
    public byte[] publicKey() {
        Identity i = identity;
        return i == null ? null : i.publicKey();
    }

    /**
     * {@code m} signed with this peer's key, as its publisher (IceT 4: the tracker and every peer check
     * the signature, so a tracker cannot pass off other content as ours). Any thread, after start.
     */
    Manifest sign(Manifest m) {
        Identity i = identity;
        byte[] key = i.publicKey();
        return m.signed(key, i.sign(m.signedBytes(key)));
    }

    /** This peer's signature of {@code bytes} (a live piece or link it announces). Any thread, after start. */
    byte[] sign(byte[] bytes) {
        return identity.sign(bytes);
    }

    /** Where this peer listens over its preferred transport, or null before it started. */
    @Override
    public InetSocketAddress address() {
        List<Endpoint> e = endpoints();
        return e.isEmpty() ? null : transports.address(e.get(0).transport());
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
        return swarms.publish(file, name, tracker);
    }

    @Override
    public CompletionStage<LiveFeed> publishLive(String name, String mediaType, InetSocketAddress tracker,
            long windowMicros) {
        return swarms.publishLive(name, mediaType, tracker, windowMicros);
    }

    @Override
    public CompletionStage<SwarmStatus> get(IcetUrl url) {
        return swarms.join(url);
    }

    @Override
    public boolean stop(ContentId content) {
        return swarms.stop(content);
    }

    @Override
    public List<SwarmStatus> swarms() {
        try {
            return call(swarms::statuses);
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

    /**
     * Pieces of a content that arrived here corrupt (wrong digest or length) and were rejected, reported and
     * fetched elsewhere: none of their bytes reached the store or a player. 0 for a content unknown here.
     */
    public long corruptPiecesRejected(ContentId content) {
        try {
            return call(() -> {
                Swarm s = swarms.get(content);
                return s == null ? 0L : s.badPieces;
            });
        } catch (IOException e) {
            return 0;
        }
    }

    // ------------------------------------------------------------------ for the player endpoint (any thread)

    URI playerUrl(Swarm s) {
        URI base = httpBase();
        return base == null ? null : base.resolve("content/" + s.manifest.id().toHex() + "/" + s.manifest.name());
    }

    // ------------------------------------------------------------------ for players (any thread)

    /** The store of a file content, or null (unknown here, or live). Any thread. */
    public PieceStore store(ContentId content) {
        return swarms.store(content);
    }

    /** The window of a live stream, or null (unknown here, or a file). Any thread. */
    public LiveWindow liveWindow(ContentId content) {
        return swarms.liveWindow(content);
    }

    /**
     * A player plays a file from its start in real time: the swarm keeps a playback clock (deadlines
     * for the scheduler, the playhead for the tracker, the startup delay it needed). Any thread.
     */
    public void play(ContentId content) {
        swarms.play(content);
    }

    /** What the player endpoint sees of this peer. */
    PlayerSource player() {
        return swarms;
    }

    // ------------------------------------------------------------------ engine internals

    Plugins plugins() {
        return plugins;
    }

    PeerSettings settings() {
        return settings;
    }

    Storage storage() {
        return storage;
    }

    /** The engine thread, for delayed work. */
    ScheduledExecutorService exec() {
        return exec;
    }

    /** The pool for blocking file work (cutting, hashing, reopening stores). */
    ExecutorService work() {
        return work;
    }

    /** A new connection's handshake, with this peer's identity. Any thread (after start). */
    Handshake handshake(Role role, Role expected) {
        return new Handshake(identity, role, expected);
    }

    /** This peer's Hello on a connection: its key, the connection's nonce, where it listens now. Any thread. */
    Hello hello(Handshake handshake) {
        return handshake.hello(AGENT, endpoints());
    }

    /** @return false when the engine stops and the task was dropped */
    boolean execute(Runnable r) {
        try {
            exec.execute(() -> guarded(r));
            return true;
        } catch (RejectedExecutionException e) {
            // stopping: late events from the transport are dropped
            return false;
        }
    }

    void guarded(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.error("peer {}: unexpected failure on the engine thread", settings.name(), e);
        }
    }

    /** Runs a task on the engine thread and waits for it (directly when already there). */
    <T> T call(Callable<T> task) throws IOException {
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

    void requireRunning() throws PublishException {
        if (!running) {
            throw new PublishException("peer " + settings.name() + " is not running");
        }
    }

    private void tick() {
        long now = System.nanoTime();
        long timeout = settings.requestTimeout().toNanos();
        for (Swarm s : swarms.all()) {
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
        if (meter.measure(now)) {
            sendRates();
        }
        long keepAlive = settings.keepAlive().toNanos();
        for (TrackerLink t : trackers.all()) {
            t.keepAlive(now, keepAlive);
        }
        peers.keepAlive(now, keepAlive);
        peers.closeUnused(now, LINK_IDLE_NANOS, settings.maxLinks());
    }

    /**
     * A link to another peer with nothing in flight either way for this long is closed: the tracker's
     * neighbourhoods change and its plan moves on, and an open connection costs a descriptor on each side.
     */
    static final long LINK_IDLE_NANOS = TimeUnit.SECONDS.toNanos(10);

    // ------------------------------------------------------------------ peers

    boolean isLinked(PeerId peer) {
        return peers.isLinked(peer);
    }

    /** Sends to a peer, dialling it if needed. Returns false when its address is unknown. Engine thread. */
    boolean sendToPeer(PeerId peer, IcetMessage m) {
        return peers.send(peer, m);
    }

    /**
     * The last link to a peer closed: its requests go back to the swarms, reported failed unless the peer
     * closed it as having no use for it ({@code goingAway}). Engine thread.
     */
    void peerGone(PeerId peer, String reason, boolean goingAway) {
        for (Swarm s : swarms.all()) {
            s.peerGone(peer, reason, goingAway);
        }
    }

    /** Requests in flight to a peer, over every swarm. Engine thread. */
    int requestsTo(PeerId peer) {
        int n = 0;
        for (Swarm s : swarms.all()) {
            n += s.state.requestsTo(peer);
        }
        return n;
    }

    boolean isRunning() {
        return running;
    }

    /** What is served of a content: its swarm, unless it is not here or stopped. Engine thread. */
    private UploadQueue.Held served(ContentId content) {
        Swarm s = swarms.get(content);
        return s == null || s.status == State.STOPPED ? null : s;
    }

    /** The handler of a connection another peer opened. Any thread. */
    private ConnectionHandler accepted() {
        return peers.accepted();
    }

    // ------------------------------------------------------------------ uploads

    /** Changes the upload cap at run time. Any thread. */
    public void uploadRate(long bytesPerSecond) {
        execute(() -> {
            uploads.rate(bytesPerSecond);
            sendRates();
        });
    }

    /** Changes the download cap (bytes per second, 0 for none) at once. Any thread. */
    public void downloadRate(long bytesPerSecond) {
        execute(() -> {
            downloadBucket.setRate(bytesPerSecond, System.nanoTime());
            for (Swarm s : swarms.all()) {
                s.scheduleSoon();
            }
            sendRates();
        });
    }

    /** A swarm sent a piece (engine thread). */
    void countUpload(int bytes) {
        meter.uploaded(bytes);
    }

    /** A swarm stored a piece (engine thread). */
    void countDownload(int bytes) {
        meter.downloaded(bytes);
    }

    /** The caps in force and the rates measured over the last interval. Engine thread. */
    Rates rates() {
        return meter.rates(uploads.rate(), downloadBucket.rate());
    }

    /** Tells every connected tracker the caps and the measured rates. Engine thread. */
    private void sendRates() {
        trackers.sendRates(rates());
    }

    /** The download budget of every swarm: requests are paced so that pieces arrive no faster than the cap. */
    boolean takeDownload(int bytes, long now) {
        if (downloadBucket.delayNanos(now) > 0) {
            return false;
        }
        downloadBucket.consume(bytes, now);
        return true;
    }

    // ------------------------------------------------------------------ trackers

    /** The link to a tracker, made on first use. Engine thread. */
    TrackerLink tracker(String host, int port) {
        return trackers.link(host, port);
    }

    // ------------------------------------------------------------------ helpers

    private static String hostForUrl(String host) {
        return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    }

    @Override
    public String toString() {
        return "peer " + settings.name();
    }
}
