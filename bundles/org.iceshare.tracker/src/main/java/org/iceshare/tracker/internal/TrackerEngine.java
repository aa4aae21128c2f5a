package org.iceshare.tracker.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.iceshare.api.icet.Announce;
import org.iceshare.api.icet.Auth;
import org.iceshare.api.icet.BadPiece;
import org.iceshare.api.icet.ErrorCode;
import org.iceshare.api.icet.ErrorReport;
import org.iceshare.api.icet.FetchFailed;
import org.iceshare.api.icet.Hello;
import org.iceshare.api.icet.Metadata;
import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.icet.Join;
import org.iceshare.api.icet.Leave;
import org.iceshare.api.icet.Peers;
import org.iceshare.api.icet.Ping;
import org.iceshare.api.icet.Pong;
import org.iceshare.api.icet.Publish;
import org.iceshare.api.icet.Rates;
import org.iceshare.api.icet.Seek;
import org.iceshare.api.icet.Role;
import org.iceshare.api.icet.Verified;
import org.iceshare.api.planner.Planner;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.swarm.PeerInfo;
import org.iceshare.api.tracker.TrackedContent;
import org.iceshare.api.tracker.TrackedPeer;
import org.iceshare.api.tracker.Tracker;
import org.iceshare.api.transport.Connection;
import org.iceshare.api.transport.Refusals;
import org.iceshare.api.transport.Transport;
import org.iceshare.engine.internal.Handshake;
import org.iceshare.engine.internal.Identity;
import org.iceshare.engine.internal.TransportSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IceTracker in plain Java. It registers contents and peers, holds the authoritative piece hashes,
 * and orchestrates: a client is told which pieces to fetch from which peers, a window at a time.
 *
 * <p>The plan, per client:
 * <ul>
 * <li>the policy is a {@link Planner} (a plugin; the engine asks its supplier for the current one at each
 * planning step, so it can be swapped while transfers run): it orders the pieces a client may be given,
 * at most {@code window} outstanding, and picks each piece's server among the eligible ones;</li>
 * <li>trust stays here: banned, demoted and avoided peers serve nobody, claims count only where no proven
 * holder can serve, and a peer serves at most its slots (from {@code maxServing} and its upload cap);
 * when capacity is short, clients with the better upload ratio are planned first;</li>
 * <li>every verification report frees a slot, credits the uploader, measures its upload (bytes the
 * clients it served verified, per second of the time it was serving), makes the reporter a holder
 * and offers the piece to waiting clients; failures and liars trigger reassignment.</li>
 * </ul>
 * With no planner (none installed), nothing new is assigned until one comes.
 *
 * <p><b>Size.</b> Over 600 lines because it is the tracker's only entry point: one dispatch per IceT
 * message, each checked against the session's allowances ({@link Guard}) and the publish rules before it
 * reaches a {@link Content}, plus the thread-safe {@link Tracker} snapshots. The rules themselves live in
 * {@code Guard}, {@code Content}, {@code NameRegistry} and {@code PublishPolicy}.
 *
 * <p><b>Threading:</b> all state lives on one executor thread; transport callbacks hand events to
 * it. The {@link Tracker} methods are thread-safe snapshots.
 */
public final class TrackerEngine implements Tracker, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TrackerEngine.class);
    private static final String AGENT = "IceTracker/0.1";
    /** After a failed fetch, the member does not get that piece from that server again for this long. */
    static final long AVOID_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final TrackerSettings settings;
    /** The planner to use now; null while none is installed. */
    private final java.util.function.Supplier<? extends Planner> planners;
    private Planner lastPlanner;
    private long lastPlannerFailureNanos;
    /** The tracker's own order of endpoints: tcp (the port of icet:// URLs) first, then the others by name. */
    private static final List<String> ORDER = List.of("tcp");

    private final TransportSet transports;
    /** The tracker's key pair: clients check its HELLO against it. */
    private final Identity identity;
    /** Who owns each name. */
    private final NameRegistry names;
    /** Who may publish a new name. */
    private volatile PublishPolicy publishers = PublishPolicy.LOCAL;
    private final ScheduledExecutorService exec;
    private final Map<String, Content> byName = new HashMap<>();
    private final Map<ContentId, Content> byId = new HashMap<>();
    private long lastTickNanos = System.nanoTime();
    private final Set<ClientSession> sessions = new LinkedHashSet<>();
    private final Map<PeerId, ClientSession> byPeer = new HashMap<>();
    private final Map<PeerId, long[]> ratios = new HashMap<>();
    /** What survives a restart: manifests, name owners, ratios, bans (see {@link TrackerStore} for when it syncs). */
    private final TrackerStore store;
    private long lastStoreFailureNanos;
    private final Random random = new Random();
    /** Each client's allowances, and what the tracker refused, by reason. */
    final Guard guard = new Guard(this::sanction);
    /** Who watches the tracker's sanctions in-JVM (see {@link #onSanction}). */
    private final List<java.util.function.Consumer<Sanction>> sanctionListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    private boolean started;
    private volatile InetSocketAddress address;
    private Thread thread;

    /**
     * A tracker with one transport (more can come and go with {@link #addTransport} and
     * {@link #removeTransport}) and one planner for good.
     */
    public TrackerEngine(TrackerSettings settings, Transport transport, Planner planner) {
        this(settings, List.of(transport), () -> planner);
    }

    /**
     * A tracker listening on each of {@code transports} once started, with a fresh identity (not kept), using
     * the planner {@code planners} supplies at each planning step (null: none now).
     */
    public TrackerEngine(TrackerSettings settings, Collection<Transport> transports,
            java.util.function.Supplier<? extends Planner> planners) {
        this(settings, transports, Identity.generate(), planners);
    }

    /** A tracker with its identity (for example kept in its storage folder); names are kept in memory only. */
    public TrackerEngine(TrackerSettings settings, Collection<Transport> transports, Identity identity,
            java.util.function.Supplier<? extends Planner> planners) {
        this(settings, transports, identity, TrackerStore.inMemory(), planners);
    }

    /**
     * A tracker with its identity and a folder for what must survive a restart (the store {@code tracker.mv}:
     * manifests, name owners, ratios, bans), or null to keep it in memory only.
     *
     * @throws java.io.UncheckedIOException when the store cannot be opened (its message says what to do)
     */
    public TrackerEngine(TrackerSettings settings, Collection<Transport> transports, Identity identity,
            Path stateDir, java.util.function.Supplier<? extends Planner> planners) {
        this(settings, transports, identity, open(stateDir), planners);
    }

    /**
     * A tracker keeping what must survive a restart in {@code store}, which it reads now and closes when it
     * closes.
     */
    public TrackerEngine(TrackerSettings settings, Collection<Transport> transports, Identity identity,
            TrackerStore store, java.util.function.Supplier<? extends Planner> planners) {
        this.settings = settings;
        this.planners = java.util.Objects.requireNonNull(planners, "planners");
        this.identity = identity;
        this.store = java.util.Objects.requireNonNull(store, "store");
        TrackerStore.Snapshot kept = store.load();
        this.names = new NameRegistry(kept.names());
        restore(kept);
        this.transports = new TransportSet(settings.host(), settings::portFor, () -> new ClientSession(this),
                transports);
        int n = INSTANCES.incrementAndGet();
        this.exec = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "iceshare-tracker-" + n);
            t.setDaemon(true);
            thread = t;
            return t;
        });
    }

    /** The store in {@code stateDir} (the old {@code names} file imported once), or one in memory for null. */
    private static TrackerStore open(Path stateDir) {
        if (stateDir == null) {
            return TrackerStore.inMemory();
        }
        MvTrackerStore store;
        try {
            store = MvTrackerStore.open(stateDir);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e.getMessage(), e);
        }
        try {
            Path legacy = stateDir.resolve("names");
            Map<String, TrackerStore.Owner> old = NameRegistry.readLegacy(legacy);
            if (!old.isEmpty() || java.nio.file.Files.exists(legacy)) {
                Map<String, TrackerStore.Owner> have = store.load().names();
                for (Map.Entry<String, TrackerStore.Owner> e : old.entrySet()) {
                    if (!have.containsKey(e.getKey())) {
                        store.publish(e.getKey(), e.getValue(), null);
                    }
                }
                java.nio.file.Files.move(legacy, stateDir.resolve("names.imported"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                LOG.info("tracker: imported {} name owners from {} into the state store", old.size(), legacy);
            }
            return store;
        } catch (IOException | RuntimeException e) {
            try {
                store.close();
            } catch (IOException | RuntimeException ex) {
                e.addSuppressed(ex);
            }
            throw new java.io.UncheckedIOException("cannot import the names of " + stateDir + ": " + e.getMessage(),
                    e instanceof IOException io ? io : new IOException(e));
        }
    }

    /**
     * The contents, ratios and bans the store kept: each published content is back with no members (its
     * publisher and peers come back and join again), under the key that owns its name.
     */
    private void restore(TrackerStore.Snapshot kept) {
        ratios.putAll(kept.ratios());
        for (Map.Entry<String, Manifest> e : kept.manifests().entrySet()) {
            Manifest m = e.getValue();
            TrackerStore.Owner owner = names.get(e.getKey());
            if (owner == null || !m.name().equals(e.getKey()) || !owner.owner().equals(m.publisher())) {
                LOG.warn("tracker: not restoring the stored manifest of {}: its name is not its publisher's", e.getKey());
                continue;
            }
            Content c = m.live() ? new LiveContent(this, m, settings, random) : new FileContent(this, m, settings, random);
            c.banned.addAll(kept.bans().getOrDefault(m.id(), Set.of()));
            byName.put(m.name(), c);
            byId.put(m.id(), c);
        }
        if (!byName.isEmpty() || names.size() > 0) {
            LOG.info("tracker: restored {} contents, {} name owners, {} peers' ratios", byName.size(), names.size(),
                    ratios.size());
        }
    }

    public synchronized void start() throws IOException {
        if (started) {
            return;
        }
        transports.listenAll();
        address = primary();
        started = true;
        long tick = Math.min(1000, Math.max(50, settings.peerTimeout().toMillis() / 4));
        exec.scheduleWithFixedDelay(() -> guarded(this::tick), tick, tick, TimeUnit.MILLISECONDS);
        LOG.info("IceTracker listening on {} {}", settings.host(), endpoints());
    }

    /** The address of its first endpoint: the tcp listener (the port of icet:// URLs), else the first other one. */
    private InetSocketAddress primary() {
        List<Endpoint> e = endpoints();
        return e.isEmpty() ? null : transports.address(e.get(0).transport());
    }

    /** Where the tracker listens: tcp first, then the others by name. */
    @Override
    public List<Endpoint> endpoints() {
        return transports.endpoints(ORDER);
    }

    /** A transport arrived: the tracker listens on it too and tells its clients. Any thread. */
    public synchronized void addTransport(Transport t) {
        transports.add(t);
        if (!started) {
            return;
        }
        try {
            transports.listen(t);
            address = primary();
            LOG.info("IceTracker: listening over {} too; now {}", t.name(), endpoints());
        } catch (IOException e) {
            LOG.error("IceTracker: cannot listen over {}: {}", t.name(), e.getMessage());
            return;
        }
        execute(this::announceEndpoints);
    }

    /**
     * A transport is going away: the tracker stops listening on it; its clients over it lose their
     * connection and come back over another transport. Any thread.
     */
    public synchronized void removeTransport(Transport t) {
        if (!transports.remove(t)) {
            return;
        }
        address = primary();
        if (started) {
            LOG.info("IceTracker: transport {} removed; listening on {}", t.name(), endpoints());
            execute(() -> {
                // the new endpoints first, over every connection, the closing ones too: a client then knows
                // where to come back before its connection over the removed transport closes
                announceEndpoints();
                for (ClientSession s : new ArrayList<>(sessions)) {
                    Connection c = s.connection;
                    if (c != null && c.transport().equals(t.name())) {
                        c.close("transport " + t.name() + " removed");
                    }
                }
            });
        }
    }

    /** The tracker's Hello on a session: its key, the session's nonce, its endpoints now. */
    private Hello hello(ClientSession s) {
        return s.handshake.hello(AGENT, endpoints());
    }

    /** Sends the tracker's endpoints again to every client (a second Hello). Tracker thread. */
    private void announceEndpoints() {
        for (ClientSession s : sessions) {
            if (s.ready) {
                s.send(hello(s));
            }
        }
    }

    @Override
    public synchronized void close() {
        transports.closeListeners();
        address = null;
        try {
            exec.submit(() -> {
                for (ClientSession s : new ArrayList<>(sessions)) {
                    if (s.connection != null) {
                        s.connection.close("tracker stopping");
                    }
                }
            }).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            LOG.debug("tracker did not close its sessions cleanly: {}", e.toString());
        }
        try {
            // on the tracker's thread, after the sessions: nothing writes to the store after this
            exec.submit(this::closeStore).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            LOG.warn("tracker: could not close its state store cleanly: {}", e.toString());
        }
        exec.shutdown();
        LOG.info("IceTracker stopped");
    }

    // ------------------------------------------------------------------ Tracker API (snapshots)

    @Override
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public List<TrackedContent> contents() {
        return call(() -> {
            List<TrackedContent> out = new ArrayList<>();
            for (Content c : byName.values()) {
                out.add(c.snapshot());
            }
            out.sort(Comparator.comparing(TrackedContent::name));
            return out;
        }, List.of());
    }

    @Override
    public Optional<TrackedContent> content(String name) {
        return call(() -> Optional.ofNullable(byName.get(name)).map(Content::snapshot), Optional.empty());
    }

    @Override
    public List<TrackedPeer> peers(ContentId content) {
        return call(() -> {
            Content c = byId.get(content);
            return c == null ? List.<TrackedPeer>of() : c.peers();
        }, List.of());
    }

    @Override
    public int[] availability(ContentId content) {
        return call(() -> {
            Content c = byId.get(content);
            return c == null ? new int[0] : c.availability();
        }, new int[0]);
    }

    /** The planner to use for this planning step (logged when it changes), or null while there is none. Tracker thread. */
    Planner planner() {
        Planner p = planners.get();
        if (p != lastPlanner) {
            if (p == null) {
                LOG.warn("tracker: no planner installed; nothing new is assigned until one comes");
            } else {
                LOG.info("tracker: planning with '{}' (was '{}')", p.name(),
                        lastPlanner == null ? "(none)" : lastPlanner.name());
            }
            lastPlanner = p;
        }
        return p;
    }

    /** A planner threw: this step assigns nothing (logged at most once a second). Tracker thread. */
    void plannerFailed(Planner p, RuntimeException e) {
        long now = System.nanoTime();
        if (now - lastPlannerFailureNanos > 1_000_000_000L) {
            lastPlannerFailureNanos = now;
            LOG.error("tracker: planner '{}' failed; nothing assigned in this step", p.name(), e);
        }
    }

    /** Credits an upload from one peer to another in the all-time ratios (kept at the next tick's flush). */
    void credit(PeerId from, PeerId to, long bytes) {
        long[] f = ratios.computeIfAbsent(from, k -> new long[2]);
        f[0] += bytes;
        store.ratio(from, f[0], f[1]);
        long[] t = ratios.computeIfAbsent(to, k -> new long[2]);
        t[1] += bytes;
        store.ratio(to, t[0], t[1]);
    }

    /** A content banned a peer: kept at once (a restart must not let it back in). Tracker thread. */
    void banned(Content c, PeerId peer) {
        try {
            store.ban(c.id(), peer);
        } catch (IOException e) {
            LOG.error("tracker: cannot keep the ban of {} from {}: {}", peer, c.name(), e.getMessage());
        }
    }

    /** Writes the ratios credited since the last flush. Tracker thread. */
    private void flushStore() {
        try {
            store.flush();
        } catch (IOException e) {
            long now = System.nanoTime();
            if (now - lastStoreFailureNanos > 60_000_000_000L) {
                lastStoreFailureNanos = now;
                LOG.error("tracker: cannot write the ratios to its state store: {}", e.getMessage());
            }
        }
    }

    private void closeStore() {
        try {
            store.close();
        } catch (IOException | RuntimeException e) {
            LOG.error("tracker: cannot close its state store {}: {}", store, e.getMessage());
        }
    }

    double ratio(PeerId id) {
        long[] r = ratios.get(id);
        if (r == null || r[1] == 0) {
            return r == null || r[0] == 0 ? 0 : Double.POSITIVE_INFINITY;
        }
        return (double) r[0] / r[1];
    }

    /** Applies {@code f} to a content's state on the tracker's executor (tests): {@code fallback} when unknown. */
    <T> T inspect(String name, java.util.function.Function<Content, T> f, T fallback) {
        return call(() -> {
            Content c = byName.get(name);
            return c == null ? fallback : f.apply(c);
        }, fallback);
    }

    private <T> T call(Callable<T> task, T fallback) {
        if (Thread.currentThread() == thread) {
            try {
                return task.call();
            } catch (Exception e) {
                return fallback;
            }
        }
        try {
            return exec.submit(task).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fallback;
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            return fallback;
        }
    }

    // ------------------------------------------------------------------ events

    void execute(Runnable r) {
        try {
            exec.execute(() -> guarded(r));
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    private void guarded(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.error("tracker: unexpected failure", e);
        }
    }

    void onOpened(ClientSession s) {
        sessions.add(s);
        s.handshake = new Handshake(identity, Role.TRACKER, Role.CLIENT);
        s.send(hello(s));
    }

    void onClosed(ClientSession s, String reason) {
        if (s.closed) {
            return;
        }
        s.closed = true;
        sessions.remove(s);
        if (s.id != null && byPeer.get(s.id) == s) {
            byPeer.remove(s.id);
        }
        for (Content c : new ArrayList<>(s.contents)) {
            c.leave(s, "disconnected: " + reason);
        }
        LOG.debug("tracker: client {} gone: {}", s, reason);
    }

    void onMessage(ClientSession s, IcetMessage m) {
        if (s.closed) {
            return;
        }
        s.lastSeenNanos = System.nanoTime();
        if (!s.ready) {
            handshake(s, m);
            return;
        }
        if (m instanceof Hello h) {
            endpointsChanged(s, h);
            return;
        }
        if (m instanceof Rates r) {
            s.uploadCap = r.uploadCap();
            s.downloadCap = r.downloadCap();
            s.uploadRate = r.uploadRate();
            s.downloadRate = r.downloadRate();
            return;
        }
        if (!guard.admits(s, m, s.lastSeenNanos)) {
            return;
        }
        if (m instanceof Publish p) {
            publish(s, p.manifest());
        } else if (m instanceof Join j) {
            join(s, j.name());
        } else if (m instanceof Announce a) {
            if (byId.get(a.content()) instanceof LiveContent live) {
                live.announce(s, a);
            }
        } else if (m instanceof Metadata md) {
            if (byId.get(md.content()) instanceof LiveContent live) {
                live.metadata(s, md);
            }
        } else if (m instanceof Verified v) {
            Content c = byId.get(v.content());
            if (c != null) {
                c.verified(s, v.piece(), v.source(), v.digest());
            }
        } else if (m instanceof BadPiece b) {
            Content c = byId.get(b.content());
            if (c != null) {
                c.badPiece(s, b.piece(), b.source(), b.reason());
            }
        } else if (m instanceof FetchFailed f) {
            Content c = byId.get(f.content());
            if (c != null) {
                c.fetchFailed(s, f.piece(), f.source());
            }
        } else if (m instanceof Seek k) {
            Content c = byId.get(k.content());
            if (c instanceof FileContent file) {
                file.seek(s, k);
            } else if (c instanceof LiveContent live && k.piece() >= 0) {
                live.seek(s, k);
            }
        } else if (m instanceof Leave l) {
            Content c = byId.get(l.content());
            if (c != null) {
                c.leave(s, "left");
            }
        } else if (m instanceof Ping p) {
            s.send(new Pong(p.nonce()));
        } else if (m instanceof ErrorReport e) {
            LOG.debug("tracker: client {} reports {} {}", s, e.code(), e.message());
        } else if (!(m instanceof Pong)) {
            refuse(s, ErrorCode.PROTOCOL, m.type() + " is not a client-to-tracker message");
        }
    }

    /**
     * Calls {@code listener} with every demotion, ban and refusal from now on, on the tracker's thread (so it
     * must be quick and must not call back into the tracker). For a benchmark or a test in the same JVM.
     */
    public void onSanction(java.util.function.Consumer<Sanction> listener) {
        sanctionListeners.add(listener);
    }

    /** Tells the listeners what the tracker did. Tracker thread. */
    void sanction(Sanction s) {
        for (java.util.function.Consumer<Sanction> l : sanctionListeners) {
            try {
                l.accept(s);
            } catch (RuntimeException e) {
                LOG.warn("tracker: a sanction listener failed: {}", e.toString());
            }
        }
    }

    @Override
    public Refusals refusals() {
        return new Refusals(guard.refusals());
    }

    private void refuse(ClientSession s, ErrorCode code, String why) {
        LOG.info("tracker: closing {}: {}", s, why);
        s.send(ErrorReport.of(code, why));
        s.connection.close("protocol error: " + why);
    }

    /**
     * A message before the session is ready: the client's Hello (answered with the tracker's proof of its
     * key), then its Auth (its proof). Nothing else is taken before that, and a client is who its HELLO
     * says only once its Auth checked out: another's id cannot be claimed, nor its session taken over.
     */
    private void handshake(ClientSession s, IcetMessage m) {
        try {
            if (m instanceof Hello h && s.handshake.theirs() == null) {
                s.send(s.handshake.onHello(h));
            } else if (m instanceof Auth a) {
                s.handshake.onAuth(a);
                hello(s, s.handshake.theirs());
            } else {
                guard.refused("handshake");
                refuse(s, ErrorCode.PROTOCOL, m.type() + " before the handshake was done");
            }
        } catch (Handshake.Refused e) {
            guard.refused("handshake");
            Hello claimed = s.handshake.theirs();
            sanction(new Sanction(Sanction.Kind.REFUSED, claimed == null ? null : claimed.peerId(), null,
                    "handshake: " + e.getMessage(), System.nanoTime()));
            refuse(s, ErrorCode.PROTOCOL, e.getMessage());
        }
    }

    /** The client proved its key: the session is ready, and replaces an older one of the same client. */
    private void hello(ClientSession s, Hello h) {
        s.id = h.peerId();
        s.info = peerInfo(s, h);
        ClientSession old = byPeer.put(s.id, s);
        if (old != null && old != s) {
            LOG.info("tracker: peer {} reconnected; dropping its old session", s.id);
            old.connection.close("replaced by a new session of the same peer");
            onClosed(old, "replaced");
            byPeer.put(s.id, s);
        }
        s.ready = true;
        tellWhoKnows(s);
    }

    private static PeerInfo peerInfo(ClientSession s, Hello h) {
        if (h.listenPort() == 0) {
            return null;
        }
        // the address it connected from, whatever its Hello says: the tracker never sends peers elsewhere
        String host = s.connection.remoteAddress().getAddress().getHostAddress();
        return new PeerInfo(h.peerId(), host, h.listenPort(), h.endpoints());
    }

    /**
     * A later Hello from a client: its endpoints changed (a transport came or went). Clients that were
     * sent its address get the new one.
     */
    private void endpointsChanged(ClientSession s, Hello h) {
        if (h.role() != Role.CLIENT || !h.peerId().equals(s.id)) {
            refuse(s, ErrorCode.PROTOCOL, "a later Hello must come from the same client");
            return;
        }
        PeerInfo info = peerInfo(s, h);
        if (info == null && s.info != null) {
            refuse(s, ErrorCode.PROTOCOL, "a client serving pieces cannot stop listening");
            return;
        }
        if (java.util.Objects.equals(info, s.info)) {
            return;
        }
        s.info = info;
        LOG.debug("tracker: {} now listens on {}", s, info);
        tellWhoKnows(s);
    }

    /**
     * Sends a client's address again to every client that was sent it before: after its endpoints
     * changed, or when it comes back in a new session (over another transport, perhaps, and listening
     * on other ones), so that nobody keeps dialling where it no longer listens.
     */
    private void tellWhoKnows(ClientSession s) {
        if (s.info == null) {
            return;
        }
        for (ClientSession other : sessions) {
            if (other != s && other.ready && other.known.contains(s.id)) {
                other.send(new Peers(List.of(s.info)));
            }
        }
    }

    // ------------------------------------------------------------------ publish / join

    /** Who may publish new names from now on. Any thread. */
    void publishers(PublishPolicy policy) {
        this.publishers = policy;
        LOG.info("tracker: new names may be published by {}", policy);
    }

    private void publish(ClientSession s, Manifest m) {
        if (s.info == null) {
            s.send(ErrorReport.of(ErrorCode.INVALID, "a publisher must accept peer connections (listen port 0)"));
            return;
        }
        // IceT 4: the publisher signs its manifest with the key this connection proved, so peers can check
        // what the tracker hands out; a manifest signed by anyone else is not this client's to publish
        if (!m.signatureValid()) {
            guard.refused("publish-bad-signature");
            LOG.info("tracker: refusing {}'s publication of {}: its signature does not check", s, m.name());
            s.send(ErrorReport.of(ErrorCode.INVALID, "the manifest of " + m.name() + " is not validly signed"
                    + (m.isSigned() ? " by the key it names" : " (unsigned)")));
            return;
        }
        if (!m.publisher().equals(s.id)) {
            guard.refused("publish-bad-signature");
            LOG.info("tracker: refusing {}'s publication of {}: it is signed by {}, not by the publishing client", s,
                    m.name(), m.publisher());
            s.send(ErrorReport.of(ErrorCode.FORBIDDEN, "the manifest of " + m.name() + " is signed by "
                    + m.publisher().toHex() + ", not by this connection's key " + s.id.toHex()));
            return;
        }
        TrackerStore.Owner owner = names.get(m.name());
        if (owner != null && !owner.owner().equals(s.id)) {
            guard.refused("publish-forbidden");
            LOG.info("tracker: refusing {}'s publication of {}: the name belongs to {}", s, m.name(), owner.owner());
            s.send(ErrorReport.of(ErrorCode.FORBIDDEN, "the name " + m.name() + " belongs to another publisher"));
            return;
        }
        if (owner == null && !publishers.allows(s.id, s.connection.remoteAddress(), s.connection.localAddress())) {
            guard.refused("publish-forbidden");
            LOG.info("tracker: refusing {}'s publication of {}: new names may be published by {}", s, m.name(),
                    publishers);
            s.send(ErrorReport.of(ErrorCode.FORBIDDEN, "this tracker takes new publications from " + publishers
                    + " only"));
            return;
        }
        if (!m.idMatchesContents()) {
            s.send(ErrorReport.of(ErrorCode.INVALID, "the manifest's id does not match its contents"));
            return;
        }
        Content c = byName.get(m.name());
        boolean differs = c != null && (!c.id().equals(m.id()) || c.manifest.live() != m.live());
        // its owner may replace a content nobody is in (one kept across a restart, say); else the name is taken
        if (differs && !c.members.isEmpty()) {
            s.send(ErrorReport.of(ErrorCode.CONFLICT, "a different content is already published as " + m.name()));
            return;
        }
        boolean fresh = c == null || differs;
        TrackerStore.Owner registration = new TrackerStore.Owner(s.id, m.id(), m.live());
        if (fresh || !registration.equals(owner)) {
            try {
                // durable before PUBLISHED goes out: an acknowledged publication survives kill -9
                store.publish(m.name(), registration, fresh ? m : null);
            } catch (IOException e) {
                LOG.error("tracker: cannot record that {} owns {}: {}", s, m.name(), e.getMessage());
                s.send(ErrorReport.of(ErrorCode.INTERNAL, "the tracker cannot record the publication now"));
                return;
            }
            names.put(m.name(), registration);
        }
        if (differs) {
            LOG.info("tracker: {} replaces its idle content {} with {}", s, m.name(), m.id());
            byId.remove(c.id());
            c = null;
        }
        if (c == null) {
            c = m.live() ? new LiveContent(this, m, settings, random) : new FileContent(this, m, settings, random);
            byName.put(m.name(), c);
            byId.put(m.id(), c);
            if (m.live()) {
                LOG.info("tracker: live stream {} published by {} (window {} s)", m.name(), s,
                        m.windowMicros() / 1e6);
            } else {
                LOG.info("tracker: {} published by {} ({} bytes, {} pieces)", m.name(), s, m.length(),
                        m.pieceCount());
            }
        }
        c.publish(s);
    }

    private void join(ClientSession s, String name) {
        Content c = byName.get(name);
        if (c == null) {
            s.send(ErrorReport.of(ErrorCode.UNKNOWN_CONTENT, "no content named " + name + " on this tracker"));
            return;
        }
        c.join(s);
    }

    private void tick() {
        long now = System.nanoTime();
        long timeout = settings.peerTimeout().toNanos();
        for (ClientSession s : new ArrayList<>(sessions)) {
            if (now - s.lastSeenNanos > timeout && s.connection != null) {
                LOG.info("tracker: expiring {} (silent for {} ms)", s, (now - s.lastSeenNanos) / 1_000_000);
                s.connection.close("expired: silent for longer than " + settings.peerTimeout().toSeconds() + " s");
                onClosed(s, "expired");
            }
        }
        flushStore();
        double seconds = (now - lastTickNanos) / 1e9;
        lastTickNanos = now;
        for (Content c : byId.values()) {
            c.expire(now, seconds);
        }
    }

    @Override
    public String toString() {
        return "IceTracker " + address;
    }
}
