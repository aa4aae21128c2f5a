package org.iceshare.tracker.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.iceshare.api.icet.Announce;
import org.iceshare.api.icet.Assign;
import org.iceshare.api.icet.BadPiece;
import org.iceshare.api.icet.ErrorCode;
import org.iceshare.api.icet.ErrorReport;
import org.iceshare.api.icet.FetchFailed;
import org.iceshare.api.icet.Hello;
import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.icet.Join;
import org.iceshare.api.icet.Joined;
import org.iceshare.api.icet.Leave;
import org.iceshare.api.icet.Peers;
import org.iceshare.api.icet.Ping;
import org.iceshare.api.icet.Pong;
import org.iceshare.api.icet.Publish;
import org.iceshare.api.icet.Rates;
import org.iceshare.api.icet.Published;
import org.iceshare.api.icet.Revoke;
import org.iceshare.api.icet.Seek;
import org.iceshare.api.icet.Role;
import org.iceshare.api.icet.Verified;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.swarm.PeerInfo;
import org.iceshare.api.swarm.PieceInfo;
import org.iceshare.api.tracker.TrackedContent;
import org.iceshare.api.tracker.TrackedPeer;
import org.iceshare.api.tracker.Tracker;
import org.iceshare.api.transport.Connection;
import org.iceshare.api.transport.Listener;
import org.iceshare.api.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IceTracker in plain Java. It registers contents and peers, holds the authoritative piece hashes,
 * and orchestrates: a client is told which pieces to fetch from which peers, a window at a time.
 *
 * <p>The plan, per client:
 * <ul>
 * <li>pieces are handed out rarest first (random among equals), at most {@code window} outstanding;</li>
 * <li>each piece comes from the least-loaded peer that holds it, never the source while another
 * holder exists, and a piece held only by the source is handed to one client at a time: the
 * source uploads each piece about once and the swarm spreads it;</li>
 * <li>a peer serves at most {@code maxServing} assignments at once; when capacity is short, clients
 * with the better upload ratio are served first;</li>
 * <li>every verification report frees a slot, credits the uploader, makes the reporter a holder
 * and offers the piece to waiting clients; failures and liars trigger reassignment.</li>
 * </ul>
 *
 * <p><b>Threading:</b> all state lives on one executor thread; transport callbacks hand events to
 * it. The {@link Tracker} methods are thread-safe snapshots.
 */
public final class TrackerEngine implements Tracker, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TrackerEngine.class);
    private static final String AGENT = "IceTracker/0.1";
    private static final long AVOID_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final int FULL_PLANS_PER_EVENT = 2;
    /** Pieces from a seek point on that a Seek assigns at once. */
    private static final int SEEK_READAHEAD = 4;
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final TrackerSettings settings;
    private final Map<String, Transport> transports = new ConcurrentHashMap<>();
    private final Map<String, Listener> listeners = new ConcurrentHashMap<>();
    private final PeerId trackerId = PeerId.random();
    private final ScheduledExecutorService exec;
    private final Map<String, ContentSwarm> byName = new HashMap<>();
    private final Map<ContentId, ContentSwarm> byId = new HashMap<>();
    private final Map<String, LiveContent> liveByName = new HashMap<>();
    private final Map<ContentId, LiveContent> liveById = new HashMap<>();
    private long lastTickNanos = System.nanoTime();
    private final Set<ClientSession> sessions = new LinkedHashSet<>();
    private final Map<PeerId, ClientSession> byPeer = new HashMap<>();
    private final Map<PeerId, long[]> ratios = new HashMap<>();
    private final Random random = new Random();
    private boolean started;
    private volatile InetSocketAddress address;
    private Thread thread;

    /** A tracker with one transport; more can come and go with {@link #addTransport} and {@link #removeTransport}. */
    public TrackerEngine(TrackerSettings settings, Transport transport) {
        this(settings, List.of(transport));
    }

    /** A tracker listening on each of {@code transports} once started. */
    public TrackerEngine(TrackerSettings settings, Collection<Transport> transports) {
        this.settings = settings;
        for (Transport t : transports) {
            this.transports.put(t.name(), t);
        }
        int n = INSTANCES.incrementAndGet();
        this.exec = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "iceshare-tracker-" + n);
            t.setDaemon(true);
            thread = t;
            return t;
        });
    }

    public synchronized void start() throws IOException {
        if (started) {
            return;
        }
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
        started = true;
        long tick = Math.min(1000, Math.max(50, settings.peerTimeout().toMillis() / 4));
        exec.scheduleWithFixedDelay(() -> guarded(this::tick), tick, tick, TimeUnit.MILLISECONDS);
        LOG.info("IceTracker listening on {} {}", settings.host(), endpoints());
    }

    private void listen(Transport t) throws IOException {
        Listener l = t.listen(new InetSocketAddress(settings.host(), settings.portFor(t.name())),
                () -> new ClientSession(this));
        Listener old = listeners.put(t.name(), l);
        if (old != null) {
            old.close();
        }
        address = primary();
    }

    /** The tcp listener's address (the port of icet:// URLs), else the first other one's. */
    private InetSocketAddress primary() {
        Listener tcp = listeners.get("tcp");
        if (tcp != null) {
            return tcp.localAddress();
        }
        List<Endpoint> e = endpoints();
        return e.isEmpty() ? null : listeners.get(e.get(0).transport()).localAddress();
    }

    /** Where the tracker listens: tcp first, then the others by name. */
    @Override
    public List<Endpoint> endpoints() {
        List<String> names = new ArrayList<>(listeners.keySet());
        names.sort(Comparator.comparing((String n) -> !n.equals("tcp")).thenComparing(n -> n));
        List<Endpoint> out = new ArrayList<>();
        for (String n : names) {
            Listener l = listeners.get(n);
            if (l != null) {
                out.add(new Endpoint(n, l.localAddress().getPort()));
            }
        }
        return out;
    }

    /** A transport arrived: the tracker listens on it too and tells its clients. Any thread. */
    public synchronized void addTransport(Transport t) {
        transports.put(t.name(), t);
        if (!started) {
            return;
        }
        try {
            listen(t);
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
        if (!transports.remove(t.name(), t)) {
            return;
        }
        Listener l = listeners.remove(t.name());
        if (l != null) {
            l.close();
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

    private Hello hello() {
        return new Hello(IcetMessage.PROTOCOL_VERSION, Role.TRACKER, trackerId, "", 0, AGENT, endpoints());
    }

    /** Sends the tracker's endpoints again to every client (a second Hello). Tracker thread. */
    private void announceEndpoints() {
        Hello h = hello();
        for (ClientSession s : sessions) {
            if (s.ready) {
                s.send(h);
            }
        }
    }

    @Override
    public synchronized void close() {
        for (Listener l : listeners.values()) {
            l.close();
        }
        listeners.clear();
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
            for (ContentSwarm s : byName.values()) {
                out.add(snapshot(s));
            }
            for (LiveContent l : liveByName.values()) {
                out.add(l.snapshot());
            }
            out.sort(Comparator.comparing(TrackedContent::name));
            return out;
        }, List.of());
    }

    @Override
    public Optional<TrackedContent> content(String name) {
        return call(() -> {
            LiveContent live = liveByName.get(name);
            return live != null ? Optional.of(live.snapshot()) : Optional.ofNullable(byName.get(name)).map(this::snapshot);
        }, Optional.empty());
    }

    @Override
    public List<TrackedPeer> peers(ContentId content) {
        return call(() -> {
            LiveContent live = liveById.get(content);
            if (live != null) {
                return live.peers();
            }
            ContentSwarm s = byId.get(content);
            if (s == null) {
                return List.<TrackedPeer>of();
            }
            List<TrackedPeer> out = new ArrayList<>();
            for (Member m : s.members.values()) {
                out.add(new TrackedPeer(m.id, m.session.info == null ? "-" : m.session.info.host() + ":"
                        + m.session.info.port(), m.source, m.have.cardinality(), m.uploaded, m.downloaded,
                        ratio(m.id), m.banned, m.session.uploadCap, m.session.uploadRate));
            }
            return out;
        }, List.of());
    }

    @Override
    public int[] availability(ContentId content) {
        return call(() -> {
            LiveContent live = liveById.get(content);
            if (live != null) {
                return live.availability();
            }
            ContentSwarm s = byId.get(content);
            if (s == null) {
                return new int[0];
            }
            int[] out = new int[s.manifest.pieceCount()];
            for (int i = 0; i < out.length; i++) {
                out[i] = s.availability(i);
            }
            return out;
        }, new int[0]);
    }

    private TrackedContent snapshot(ContentSwarm s) {
        return new TrackedContent(s.manifest.id(), s.manifest.name(), s.manifest.length(), s.manifest.pieceCount(),
                s.members.size(), s.complete(), s.sourceUploaded, s.totalUploaded);
    }

    /** Credits an upload from one peer to another in the all-time ratios. */
    void credit(PeerId from, PeerId to, long bytes) {
        ratios.computeIfAbsent(from, k -> new long[2])[0] += bytes;
        ratios.computeIfAbsent(to, k -> new long[2])[1] += bytes;
    }

    double ratio(PeerId id) {
        long[] r = ratios.get(id);
        if (r == null || r[1] == 0) {
            return r == null || r[0] == 0 ? 0 : Double.POSITIVE_INFINITY;
        }
        return (double) r[0] / r[1];
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
        s.send(hello());
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
        for (ContentSwarm swarm : new ArrayList<>(s.swarms)) {
            leave(swarm, s, "disconnected: " + reason);
        }
        for (LiveContent live : new ArrayList<>(s.liveStreams)) {
            live.leave(s, "disconnected: " + reason);
        }
        LOG.debug("tracker: client {} gone: {}", s, reason);
    }

    void onMessage(ClientSession s, IcetMessage m) {
        if (s.closed) {
            return;
        }
        s.lastSeenNanos = System.nanoTime();
        if (!s.ready) {
            if (m instanceof Hello h) {
                hello(s, h);
            } else {
                refuse(s, ErrorCode.PROTOCOL, m.type() + " before Hello");
            }
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
        if (m instanceof Publish p) {
            publish(s, p.manifest());
        } else if (m instanceof Join j) {
            join(s, j.name());
        } else if (m instanceof Announce a) {
            LiveContent live = liveById.get(a.content());
            if (live != null) {
                live.announce(s, a);
            }
        } else if (m instanceof Verified v && liveById.containsKey(v.content())) {
            liveById.get(v.content()).verified(s, v.piece(), v.source(), v.digest());
        } else if (m instanceof BadPiece b && liveById.containsKey(b.content())) {
            liveById.get(b.content()).badPiece(s, b.piece(), b.source(), b.reason());
        } else if (m instanceof FetchFailed f && liveById.containsKey(f.content())) {
            liveById.get(f.content()).fetchFailed(s, f.piece(), f.source());
        } else if (m instanceof Leave l && liveById.containsKey(l.content())) {
            liveById.get(l.content()).leave(s, "left");
        } else if (m instanceof Seek k && liveById.containsKey(k.content())) {
            LOG.debug("tracker: seek in live stream {} ignored", k.content().shortHex());
        } else if (m instanceof Verified v) {
            verified(s, v);
        } else if (m instanceof BadPiece b) {
            badPiece(s, b);
        } else if (m instanceof FetchFailed f) {
            fetchFailed(s, f);
        } else if (m instanceof Seek k) {
            seek(s, k);
        } else if (m instanceof Leave l) {
            ContentSwarm swarm = byId.get(l.content());
            if (swarm != null) {
                leave(swarm, s, "left");
            }
        } else if (m instanceof Ping p) {
            s.send(new Pong(p.nonce()));
        } else if (m instanceof ErrorReport e) {
            LOG.debug("tracker: client {} reports {} {}", s, e.code(), e.message());
        } else if (!(m instanceof Pong)) {
            refuse(s, ErrorCode.PROTOCOL, m.type() + " is not a client-to-tracker message");
        }
    }

    private void refuse(ClientSession s, ErrorCode code, String why) {
        LOG.info("tracker: closing {}: {}", s, why);
        s.send(ErrorReport.of(code, why));
        s.connection.close("protocol error: " + why);
    }

    private void hello(ClientSession s, Hello h) {
        if (h.role() != Role.CLIENT) {
            refuse(s, ErrorCode.PROTOCOL, "expected a client Hello, got " + h.role());
            return;
        }
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
    }

    private static PeerInfo peerInfo(ClientSession s, Hello h) {
        if (h.listenPort() == 0) {
            return null;
        }
        String host = h.host().isEmpty() ? s.connection.remoteAddress().getAddress().getHostAddress() : h.host();
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
        for (ClientSession other : sessions) {
            if (other != s && other.ready && other.known.contains(s.id)) {
                other.send(new Peers(List.of(info)));
            }
        }
    }

    // ------------------------------------------------------------------ publish / join / leave

    private void publish(ClientSession s, Manifest m) {
        if (m.live()) {
            publishLive(s, m);
            return;
        }
        if (liveByName.containsKey(m.name())) {
            s.send(ErrorReport.of(ErrorCode.CONFLICT, "a live stream is already published as " + m.name()));
            return;
        }
        if (!m.idMatchesContents()) {
            s.send(ErrorReport.of(ErrorCode.INVALID, "the manifest's id does not match its contents"));
            return;
        }
        if (s.info == null) {
            s.send(ErrorReport.of(ErrorCode.INVALID, "a publisher must accept peer connections (listen port 0)"));
            return;
        }
        ContentSwarm swarm = byName.get(m.name());
        if (swarm != null && swarm.banned.contains(s.id)) {
            s.send(ErrorReport.of(ErrorCode.BANNED, "banned from " + m.name() + " for serving corrupt data"));
            return;
        }
        if (swarm != null && !swarm.manifest.id().equals(m.id())) {
            s.send(ErrorReport.of(ErrorCode.CONFLICT, "a different content is already published as " + m.name()));
            return;
        }
        if (swarm == null) {
            swarm = new ContentSwarm(m);
            byName.put(m.name(), swarm);
            byId.put(m.id(), swarm);
            LOG.info("tracker: {} published by {} ({} bytes, {} pieces)", m.name(), s, m.length(), m.pieceCount());
        }
        Member existing = swarm.members.get(s.id);
        if (existing != null && !existing.source) {
            swarm.removeMember(existing);
            existing = null;
        }
        if (existing == null) {
            Member src = new Member(s, m.pieceCount(), true);
            swarm.members.put(s.id, src);
            for (int i = 0; i < m.pieceCount(); i++) {
                swarm.addHolder(i, src);
            }
            s.swarms.add(swarm);
        }
        s.send(new Published(m.id(), m.name()));
        planHungry(swarm, Integer.MAX_VALUE);
    }

    private void publishLive(ClientSession s, Manifest m) {
        if (s.info == null) {
            s.send(ErrorReport.of(ErrorCode.INVALID, "a live source must accept peer connections (listen port 0)"));
            return;
        }
        LiveContent live = liveByName.get(m.name());
        if (byName.containsKey(m.name()) || live != null && !live.manifest.id().equals(m.id())) {
            s.send(ErrorReport.of(ErrorCode.CONFLICT, "a different content is already published as " + m.name()));
            return;
        }
        if (live == null) {
            live = new LiveContent(this, m, settings.window(), settings.maxServing());
            liveByName.put(m.name(), live);
            liveById.put(m.id(), live);
            LOG.info("tracker: live stream {} published by {} (window {} s)", m.name(), s, m.windowMicros() / 1e6);
        }
        live.publish(s);
    }

    private void join(ClientSession s, String name) {
        LiveContent live = liveByName.get(name);
        if (live != null) {
            live.join(s);
            return;
        }
        ContentSwarm swarm = byName.get(name);
        if (swarm == null) {
            s.send(ErrorReport.of(ErrorCode.UNKNOWN_CONTENT, "no content named " + name + " on this tracker"));
            return;
        }
        if (swarm.banned.contains(s.id)) {
            s.send(ErrorReport.of(ErrorCode.BANNED, "banned from " + name + " for serving corrupt data"));
            return;
        }
        Member m = swarm.members.get(s.id);
        if (m == null) {
            m = new Member(s, swarm.manifest.pieceCount(), false);
            swarm.members.put(s.id, m);
            s.swarms.add(swarm);
        }
        s.send(new Joined(swarm.manifest));
        plan(swarm, m);
    }

    private void leave(ContentSwarm swarm, ClientSession s, String why) {
        Member m = swarm.members.get(s.id);
        s.swarms.remove(swarm);
        if (m == null || m.session != s) {
            return;
        }
        drop(swarm, m, why);
    }

    /** Removes a member: its own assignments end, and those it served are reassigned. */
    private void drop(ContentSwarm swarm, Member m, String why) {
        for (Map.Entry<Integer, Member.Assigned> e : m.assigned.entrySet()) {
            release(swarm, e.getKey(), e.getValue().from());
        }
        m.assigned.clear();
        swarm.removeMember(m);
        revokeServer(swarm, m, why);
    }

    /** Tells every client fetching from {@code server} to stop, and plans them again. */
    private void revokeServer(ContentSwarm swarm, Member server, String why) {
        for (Member other : swarm.members.values()) {
            boolean touched = false;
            for (Iterator<Map.Entry<Integer, Member.Assigned>> it = other.assigned.entrySet().iterator();
                    it.hasNext();) {
                Map.Entry<Integer, Member.Assigned> e = it.next();
                if (e.getValue().from().equals(server.id)) {
                    it.remove();
                    if (server.source) {
                        swarm.seeding[e.getKey()]--;
                    }
                    touched = true;
                }
            }
            if (touched) {
                other.session.send(new Revoke(swarm.manifest.id(), server.id, why));
            }
        }
        server.serving = 0;
        planHungry(swarm, Integer.MAX_VALUE);
    }

    // ------------------------------------------------------------------ reports

    private void verified(ClientSession s, Verified v) {
        ContentSwarm swarm = byId.get(v.content());
        Member m = swarm == null ? null : swarm.members.get(s.id);
        if (m == null || v.piece() >= swarm.manifest.pieceCount()) {
            return;
        }
        PieceInfo info = swarm.manifest.piece(v.piece());
        if (!info.hashEquals(v.digest())) {
            LOG.warn("tracker: {} reported a wrong digest for piece {} of {}; not counted", s, v.piece(),
                    swarm.manifest.name());
            return;
        }
        int piece = v.piece();
        Member.Assigned a = m.assigned.remove(piece);
        if (a != null) {
            release(swarm, piece, a.from());
        }
        if (!m.have.set(piece)) {
            return;
        }
        swarm.addHolder(piece, m);
        Member from = swarm.members.get(v.source());
        if (from != null && from != m && from.have.get(piece)) {
            int len = info.length();
            from.uploaded += len;
            m.downloaded += len;
            swarm.totalUploaded += len;
            if (from.source) {
                swarm.sourceUploaded += len;
            }
            ratios.computeIfAbsent(from.id, k -> new long[2])[0] += len;
            ratios.computeIfAbsent(m.id, k -> new long[2])[1] += len;
        }
        if (m.complete()) {
            LOG.info("tracker: {} completed {}", s, swarm.manifest.name());
        } else {
            plan(swarm, m);
        }
        offer(swarm, piece);
        planHungry(swarm, FULL_PLANS_PER_EVENT);
    }

    private void badPiece(ClientSession s, BadPiece b) {
        ContentSwarm swarm = byId.get(b.content());
        Member reporter = swarm == null ? null : swarm.members.get(s.id);
        if (reporter == null || b.piece() >= swarm.manifest.pieceCount()) {
            return;
        }
        Member liar = swarm.members.get(b.source());
        Member.Assigned a = reporter.assigned.get(b.piece());
        if (a != null && a.from().equals(b.source())) {
            reporter.assigned.remove(b.piece());
            release(swarm, b.piece(), a.from());
        }
        if (liar != null && !liar.banned && liar != reporter) {
            liar.banned = true;
            swarm.banned.add(liar.id);
            LOG.warn("tracker: banning {} from {}: {} reports a corrupt piece {} ({})", liar.session,
                    swarm.manifest.name(), s, b.piece(), b.reason());
            revokeServer(swarm, liar, "banned: served a corrupt piece");
        }
        plan(swarm, reporter);
    }

    private void fetchFailed(ClientSession s, FetchFailed f) {
        ContentSwarm swarm = byId.get(f.content());
        Member m = swarm == null ? null : swarm.members.get(s.id);
        if (m == null || f.piece() >= swarm.manifest.pieceCount()) {
            return;
        }
        Member.Assigned a = m.assigned.get(f.piece());
        if (a != null && a.from().equals(f.source())) {
            m.assigned.remove(f.piece());
            release(swarm, f.piece(), a.from());
        }
        m.avoid.put(Member.pair(f.piece(), f.source()), System.nanoTime() + AVOID_NANOS);
        plan(swarm, m);
    }

    /**
     * A player needs a position now: assign the link's header pieces and the pieces from the seek
     * point on, ahead of the plan, from the quickest holders (the source too, if it is the only one).
     */
    private void seek(ClientSession s, Seek k) {
        ContentSwarm swarm = byId.get(k.content());
        Member m = swarm == null ? null : swarm.members.get(s.id);
        if (m == null || m.source || m.banned) {
            return;
        }
        Manifest manifest = swarm.manifest;
        int target;
        org.iceshare.api.swarm.ChainLink link;
        if (k.piece() >= 0) {
            if (k.piece() >= manifest.pieceCount()) {
                return;
            }
            target = k.piece();
            link = manifest.linkOf(target);
        } else {
            var point = manifest.seek(k.micros());
            if (point.isEmpty()) {
                return;
            }
            target = point.get().piece();
            link = point.get().link();
        }
        m.playhead = target;
        List<Integer> wanted = new ArrayList<>();
        for (int i = link.firstPiece(); i < link.firstPiece() + link.headerPieces(); i++) {
            wanted.add(i);
        }
        for (int i = target; i < Math.min(manifest.pieceCount(), target + SEEK_READAHEAD); i++) {
            if (!wanted.contains(i)) {
                wanted.add(i);
            }
        }
        long now = System.nanoTime();
        List<Assign.Entry> entries = new ArrayList<>();
        List<PeerInfo> addresses = new ArrayList<>();
        for (int piece : wanted) {
            if (m.have.get(piece) || m.assigned.containsKey(piece)) {
                continue;
            }
            Member server = chooseServer(swarm, piece, m, now, true);
            if (server != null) {
                assign(swarm, m, piece, server, now, entries, addresses);
            }
        }
        send(swarm, m, entries, addresses);
        plan(swarm, m);
    }

    private void release(ContentSwarm swarm, int piece, PeerId from) {
        Member server = swarm.members.get(from);
        if (server != null) {
            server.serving = Math.max(0, server.serving - 1);
            if (server.source) {
                swarm.seeding[piece] = Math.max(0, swarm.seeding[piece] - 1);
            }
        }
    }

    // ------------------------------------------------------------------ planning

    /** Fills a member's window, rarest pieces first. */
    private void plan(ContentSwarm swarm, Member m) {
        if (m.banned || m.source || m.complete() || m.session.closed) {
            return;
        }
        int room = settings.window() - m.assigned.size();
        if (room <= 0) {
            return;
        }
        int n = swarm.manifest.pieceCount();
        long[] candidates = new long[n];
        int count = 0;
        for (int i = m.have.nextClear(0); i >= 0; i = m.have.nextClear(i + 1)) {
            if (!m.assigned.containsKey(i)) {
                int avail = swarm.holders[i].size();
                if (avail > 0) {
                    if (m.playhead >= 0) {
                        // a player streams it: in playback order from the playhead (the nearest deadline first)
                        candidates[count++] = ((long) ((i - m.playhead + n) % n) << 20) | i;
                    } else {
                        // rarest first, random among equals: sort key = availability, then a random draw
                        candidates[count++] = ((long) avail << 40) | ((long) random.nextInt(1 << 20) << 20) | i;
                    }
                }
            }
        }
        if (count == 0) {
            return;
        }
        java.util.Arrays.sort(candidates, 0, count);
        long now = System.nanoTime();
        List<Assign.Entry> entries = new ArrayList<>();
        List<PeerInfo> addresses = new ArrayList<>();
        for (int k = 0; k < count && room > 0; k++) {
            int piece = (int) (candidates[k] & 0xFFFFF);
            Member server = chooseServer(swarm, piece, m, now);
            if (server != null) {
                assign(swarm, m, piece, server, now, entries, addresses);
                room--;
            }
        }
        send(swarm, m, entries, addresses);
    }

    /** A piece just became available from one more holder: offer it to waiting members. */
    private void offer(ContentSwarm swarm, int piece) {
        long now = System.nanoTime();
        for (Member m : hungryByRatio(swarm)) {
            if (m.have.get(piece) || m.assigned.containsKey(piece)) {
                continue;
            }
            Member server = chooseServer(swarm, piece, m, now);
            if (server == null) {
                return;
            }
            List<Assign.Entry> entries = new ArrayList<>(1);
            List<PeerInfo> addresses = new ArrayList<>(1);
            assign(swarm, m, piece, server, now, entries, addresses);
            send(swarm, m, entries, addresses);
        }
    }

    /** Fully plans up to {@code limit} members with room in their window, best ratio first. */
    private void planHungry(ContentSwarm swarm, int limit) {
        int planned = 0;
        for (Member m : hungryByRatio(swarm)) {
            if (planned++ >= limit) {
                return;
            }
            plan(swarm, m);
        }
    }

    private List<Member> hungryByRatio(ContentSwarm swarm) {
        List<Member> hungry = new ArrayList<>();
        for (Member m : swarm.members.values()) {
            if (!m.source && !m.banned && !m.complete() && m.assigned.size() < settings.window()
                    && !m.session.closed) {
                hungry.add(m);
            }
        }
        if (hungry.size() > 1) {
            java.util.Collections.shuffle(hungry, random);
            hungry.sort(Comparator.comparingDouble((Member m) -> -Math.min(ratio(m.id), 1e9)));
        }
        return hungry;
    }

    /**
     * The least-loaded holder that may serve {@code piece} to {@code m}: a non-source holder if
     * any has capacity, else the source, but only while no other client is being seeded that piece.
     */
    private Member chooseServer(ContentSwarm swarm, int piece, Member m, long now) {
        return chooseServer(swarm, piece, m, now, false);
    }

    /** As above; {@code urgent} (a player waits) lets the source serve whenever no one else can. */
    private Member chooseServer(ContentSwarm swarm, int piece, Member m, long now, boolean urgent) {
        Member best = null;
        double bestLoad = 0;
        Member source = null;
        boolean otherHolders = false;
        int length = swarm.manifest.piece(piece).length();
        for (Member h : swarm.holders[piece]) {
            if (h == m || !h.canServe() || h.session.closed) {
                continue;
            }
            otherHolders |= !h.source;
            int slots = h.session.servingSlots(length, settings.maxServing());
            if (h.serving >= slots || m.avoids(piece, h.id, now)) {
                continue;
            }
            if (h.source) {
                if (source == null || h.serving < source.serving) {
                    source = h;
                }
            } else {
                // the least loaded for its capacity: a capped peer fills up sooner than an uncapped one
                double load = (double) h.serving / slots;
                if (best == null || load < bestLoad) {
                    best = h;
                    bestLoad = load;
                }
            }
        }
        if (best != null) {
            return best;
        }
        // the source serves a piece only while nobody else holds it, and to one client at a time;
        // when the other holders are merely busy, waiting for them keeps the source's upload near one copy
        if (source != null && (urgent || !otherHolders && swarm.seeding[piece] == 0)) {
            return source;
        }
        return null;
    }

    private void assign(ContentSwarm swarm, Member m, int piece, Member server, long now, List<Assign.Entry> entries,
            List<PeerInfo> addresses) {
        m.assigned.put(piece, new Member.Assigned(server.id, now));
        server.serving++;
        if (server.source) {
            swarm.seeding[piece]++;
        }
        entries.add(new Assign.Entry(piece, server.id, swarm.holders[piece].size()));
        if (m.session.known.add(server.id)) {
            addresses.add(server.session.info);
        }
    }

    private void send(ContentSwarm swarm, Member m, List<Assign.Entry> entries, List<PeerInfo> addresses) {
        if (!addresses.isEmpty()) {
            m.session.send(new Peers(addresses));
        }
        if (!entries.isEmpty()) {
            m.session.send(new Assign(swarm.manifest.id(), entries));
        }
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
        double seconds = (now - lastTickNanos) / 1e9;
        lastTickNanos = now;
        for (LiveContent live : liveById.values()) {
            live.tick(now, seconds);
        }
        long stale = settings.assignmentTimeout().toNanos();
        Set<ContentSwarm> touched = new HashSet<>();
        for (ContentSwarm swarm : byId.values()) {
            for (Member m : swarm.members.values()) {
                for (Iterator<Map.Entry<Integer, Member.Assigned>> it = m.assigned.entrySet().iterator();
                        it.hasNext();) {
                    Map.Entry<Integer, Member.Assigned> e = it.next();
                    if (now - e.getValue().since() > stale) {
                        it.remove();
                        release(swarm, e.getKey(), e.getValue().from());
                        touched.add(swarm);
                    }
                }
            }
            planHungry(swarm, Integer.MAX_VALUE);
        }
        if (!touched.isEmpty()) {
            LOG.debug("tracker: re-planned stale assignments in {} swarm(s)", touched.size());
        }
    }

    @Override
    public String toString() {
        return "IceTracker " + address;
    }
}
