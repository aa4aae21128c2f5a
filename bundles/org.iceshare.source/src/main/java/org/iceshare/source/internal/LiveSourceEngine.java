package org.iceshare.source.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.iceshare.api.media.MediaFormat;
import org.iceshare.api.peer.LiveFeed;
import org.iceshare.api.peer.Peer;
import org.iceshare.api.peer.PublishException;
import org.iceshare.api.source.LiveSources;
import org.iceshare.api.source.LiveStreamInfo;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.transport.Refusals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live sources, without OSGi: runs the streams, their inputs (files, pulls, the push server)
 * and a watchdog, and registers each stream through a peer's {@code publishLive}.
 *
 * <p><b>Streams and names.</b> A name is one stream: a file, a pull or a push mount. Starting a
 * file or a pull under a name in use fails; a push to a mount whose stream is a file or a pull is
 * refused (403).
 *
 * <p><b>Stalls, disconnects and the grace period.</b> A watchdog runs every
 * {@value #WATCHDOG_MILLIS} ms:
 * <ul>
 * <li>a pull or push that delivered nothing for the stall timeout is marked off air (the
 * connection is kept; bytes resuming put the stream back on air);</li>
 * <li>a pull silent for {@value HttpPull#STALL_DROP_FACTOR}× the stall timeout is reconnected;</li>
 * <li>a stream whose push disconnected, or whose file ended, is kept (off air) for the grace period,
 * so that a source reconnecting to the same mount resumes the same stream (same {@code icet://} URL,
 * a new chain link); after the grace period the stream is closed.</li>
 * </ul>
 *
 * <p><b>Pushes.</b> One push per mount: a second push to a mount whose push is delivering is refused
 * with 403 Forbidden (as Icecast does: "mountpoint in use"). A push to a mount whose push has
 * stalled takes the mount over (the stalled connection is closed), so an encoder that lost its
 * connection silently can come back without waiting for a TCP timeout. At most {@code maxPushes}
 * pushes at once; another is answered 503 Service Unavailable. Wrong passwords are throttled per remote
 * address ({@link PushThrottle}: a lockout answered 429 after a few in a row) and counted
 * ({@link #pushRefusals()}).
 *
 * <p><b>Threading:</b> thread-safe. Push admission and attachment, a push's end and the grace
 * expiry of push streams take the engine's lock, then a stream's lock, never the other way round;
 * stream registration ({@link #publish}) takes no engine lock.
 */
public final class LiveSourceEngine implements LiveSources, LiveStream.Registrar, PushGate, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LiveSourceEngine.class);

    static final long WATCHDOG_MILLIS = 200;
    /** Bytes read from a file to choose its format. */
    static final int FILE_PROBE_BYTES = 65_536;
    static final String SOURCE_USER = "source";
    static final String REALM = "IceShare source";

    private final LiveFormats formats;
    private final Function<String, Peer> peers;
    private final LongSupplier nanos;
    private final ConcurrentHashMap<String, LiveStream> streams = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, PushClaim> pushes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<LiveStream, HttpPull> pulls = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> refusals = new ConcurrentHashMap<>();
    private final PushThrottle throttle;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService httpExecutor;
    private final HttpClient http;
    private volatile SourceSettings settings;
    private PushServer pushServer; // guarded by this
    private volatile boolean closed;

    /**
     * @param formats the installed media formats, best first
     * @param peers the running peer of a name, or null
     */
    public LiveSourceEngine(SourceSettings settings, Supplier<List<MediaFormat>> formats, Function<String, Peer> peers) {
        this(settings, formats, peers, System::nanoTime);
    }

    LiveSourceEngine(SourceSettings settings, Supplier<List<MediaFormat>> formats, Function<String, Peer> peers,
            LongSupplier nanos) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.formats = new LiveFormats(formats);
        this.peers = peers;
        this.nanos = nanos;
        this.throttle = new PushThrottle(nanos);
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(2, threads("iceshare-source"));
        s.setRemoveOnCancelPolicy(true);
        this.scheduler = s;
        this.httpExecutor = Executors.newCachedThreadPool(threads("iceshare-source-http"));
        this.http = HttpClient.newBuilder().executor(httpExecutor).connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL).version(HttpClient.Version.HTTP_1_1).build();
        scheduler.scheduleWithFixedDelay(this::watch, WATCHDOG_MILLIS, WATCHDOG_MILLIS, TimeUnit.MILLISECONDS);
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Starts the push server when enabled. A bind failure is logged; the other inputs work regardless. */
    public synchronized void start() {
        startPush(settings);
    }

    public SourceSettings settings() {
        return settings;
    }

    /**
     * Applies new settings: timings and the password at once, for every stream; the window and piece
     * duration to streams started afterwards; a changed push address restarts the push server
     * (connected pushes are dropped and may reconnect within the grace period).
     */
    public synchronized void reconfigure(SourceSettings next) {
        SourceSettings before = settings;
        settings = next;
        LOG.info("live source settings: {}", next);
        boolean pushChanged = before.pushEnabled() != next.pushEnabled() || !before.pushHost().equals(next.pushHost())
                || before.pushPort() != next.pushPort() || pushServer == null && next.pushEnabled();
        if (pushChanged) {
            stopPush();
            startPush(next);
        } else if (next.pushEnabled() && next.defaultPassword()) {
            warnDefaultPassword(next);
        }
    }

    private void startPush(SourceSettings s) {
        if (!s.pushEnabled() || closed) {
            return;
        }
        try {
            pushServer = new PushServer(s.pushHost(), s.pushPort(), this, () -> settings.maxPushes() * 2 + 8);
            LOG.info("Icecast-compatible push server on {} (PUT or SOURCE, user '{}', Content-Type application/ogg)",
                    pushServer.address(), SOURCE_USER);
            if (s.defaultPassword()) {
                warnDefaultPassword(s);
            }
        } catch (IOException e) {
            LOG.error("{}; pushes cannot reach IceShare until pushHost/pushPort in etc/org.iceshare.source.cfg name "
                    + "a free address", e.getMessage());
        }
    }

    private static void warnDefaultPassword(SourceSettings s) {
        LOG.warn("the push password is still Icecast's default '{}' (accepted on the loopback address {} only): "
                + "set .pushPassword in etc/org.iceshare.source.cfg", SourceSettings.DEFAULT_PASSWORD, s.pushHost());
    }

    private void stopPush() {
        if (pushServer != null) {
            pushServer.close();
            pushServer = null;
        }
    }

    /** Where the push server listens, or null when it does not run. */
    public synchronized InetSocketAddress pushAddress() {
        return pushServer == null ? null : pushServer.address();
    }

    // ---- LiveSources

    @Override
    public CompletionStage<LiveStreamInfo> playFile(Path file, String name, boolean loop) {
        if (closed) {
            return failed("the live sources are stopped");
        }
        Path f = file.toAbsolutePath().normalize();
        String n = name != null ? name : f.getFileName() == null ? "" : f.getFileName().toString();
        try {
            Manifest.checkName(n);
        } catch (IllegalArgumentException e) {
            return failed(e.getMessage());
        }
        if (!Files.isRegularFile(f) || !Files.isReadable(f)) {
            return failed("no readable file " + f);
        }
        LiveFormats.Choice choice;
        try (InputStream in = Files.newInputStream(f)) {
            byte[] head = in.readNBytes(FILE_PROBE_BYTES);
            choice = formats.choose(ByteBuffer.wrap(head), settings.targetPieceMicros());
        } catch (IOException e) {
            return failed("cannot read " + f + ": " + e.getMessage());
        } catch (LiveFormats.UnsupportedInputException e) {
            return failed(f + ": " + e.getMessage());
        }
        LiveStream s = new LiveStream(n, LiveStream.Kind.FILE, "file:" + f + (loop ? " (loop)" : ""), this, nanos);
        if (streams.putIfAbsent(n, s) != null) {
            return failed("a live stream named '" + n + "' is running");
        }
        s.useFormat(choice, null);
        FilePlayer player = new FilePlayer(s, f, loop, scheduler, nanos, () -> s.inputEnded("end of file", true));
        s.inputStopper(player::stop);
        try {
            player.start();
        } catch (IOException e) {
            s.fail("cannot read " + f + ": " + e.getMessage());
        }
        LOG.info("live stream '{}': playing {} in real time{}", n, f, loop ? ", looping" : "");
        return s.registered();
    }

    @Override
    public CompletionStage<LiveStreamInfo> pull(URI url, String name) {
        if (closed) {
            return failed("the live sources are stopped");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
            return failed("not an http:// or https:// URL: " + url);
        }
        String n = name != null ? name : mountName(url.getPath());
        try {
            Manifest.checkName(n);
        } catch (IllegalArgumentException e) {
            return failed(e.getMessage() + (name == null ? " (choose one with a name)" : ""));
        }
        LiveStream s = new LiveStream(n, LiveStream.Kind.PULL, url.toString(), this, nanos);
        if (streams.putIfAbsent(n, s) != null) {
            return failed("a live stream named '" + n + "' is running");
        }
        HttpPull pull = new HttpPull(s, url, http, scheduler, formats, () -> settings);
        pulls.put(s, pull);
        s.inputStopper(() -> {
            pull.stop();
            pulls.remove(s);
        });
        pull.start();
        return s.registered();
    }

    @Override
    public List<LiveStreamInfo> streams() {
        List<LiveStreamInfo> out = new ArrayList<>();
        for (LiveStream s : streams.values()) {
            LiveStreamInfo i = s.info();
            if (i != null) {
                out.add(i);
            }
        }
        out.sort(Comparator.comparing(LiveStreamInfo::name));
        return out;
    }

    @Override
    public boolean stop(String name) {
        if (name == null) {
            return false;
        }
        LiveStream s;
        synchronized (this) {
            s = streams.remove(name);
        }
        if (s == null) {
            return false;
        }
        LOG.info("live stream '{}' stopped", name);
        s.close();
        return true;
    }

    /** The stream of a name (tests). */
    LiveStream stream(String name) {
        return streams.get(name);
    }

    /** The pull of a stream (tests). */
    HttpPull pullOf(LiveStream s) {
        return pulls.get(s);
    }

    /** Closes the streams a peer carried when that peer goes away (their feeds went with it). */
    public void peerGone(Peer peer) {
        for (LiveStream s : streams.values()) {
            if (s.peer() == peer) {
                LOG.warn("live stream '{}': its peer '{}' went away; stopping the stream", s.name, peer.name());
                stop(s.name);
            }
        }
    }

    // ---- Registrar

    @Override
    public CompletionStage<LiveFeed> publish(LiveStream stream, String mediaType) {
        SourceSettings s = settings;
        Peer peer = peers.apply(s.peerName());
        if (peer == null) {
            return CompletableFuture.failedFuture(new PublishException("no IceShare peer named '" + s.peerName()
                    + "' is running (set peer in etc/org.iceshare.source.cfg)"));
        }
        stream.peer(peer);
        LOG.info("live stream '{}': registering as {} through peer '{}'", stream.name, mediaType, peer.name());
        return peer.publishLive(stream.name, mediaType, null, s.windowMicros());
    }

    @Override
    public void failed(LiveStream stream, String reason) {
        streams.remove(stream.name, stream);
        LOG.warn("live stream '{}' ({}) failed: {}", stream.name, stream.input, reason);
        stream.close();
    }

    // ---- PushGate

    @Override
    public long stallTimeoutMillis() {
        return settings.stallTimeoutMillis();
    }

    @Override
    public PushClaim admit(SourceRequest r, InetAddress remote, Runnable close) throws PushRefusal {
        SourceSettings s = settings;
        if (!r.method().equals("PUT") && !r.method().equals("SOURCE")) {
            throw new PushRefusal(405, "this is an IceShare source push server: send a stream with PUT or SOURCE",
                    Map.of("Allow", "PUT, SOURCE"));
        }
        authenticate(r, remote);
        String mount;
        try {
            mount = Manifest.checkName(mountName(path(r.target())));
        } catch (IllegalArgumentException e) {
            throw new PushRefusal(400, "bad mount " + r.target() + ": " + e.getMessage());
        }
        String type = r.header("content-type");
        String declared = null;
        if (type != null && !type.isBlank()) {
            String base = LiveFormats.baseType(type);
            if (formats.handles(base)) {
                declared = base;
            } else if (!base.equals("audio/mpeg")) {
                throw new PushRefusal(415, "IceShare takes Ogg streams (Content-Type application/ogg, audio/ogg or "
                        + "video/ogg), not " + base + ": no installed media format takes it");
            }
            // audio/mpeg is what ffmpeg sends when -content_type is not given: the body decides
        }
        PushClaim claim = new PushClaim(mount, declared, r.method() + " " + r.target(), close);
        PushClaim takenOver = null;
        synchronized (this) {
            LiveStream existing = streams.get(mount);
            if (existing != null && existing.kind != LiveStream.Kind.PUSH) {
                throw new PushRefusal(403, "mount /" + mount + " is in use by a live stream from " + existing.input);
            }
            PushClaim current = pushes.get(mount);
            if (current != null) {
                LiveStream cs = current.stream();
                if (cs == null || !cs.isStalled()) {
                    throw new PushRefusal(403, "mount /" + mount + " is in use by another source");
                }
                takenOver = current;
            } else if (pushes.size() >= s.maxPushes()) {
                throw new PushRefusal(503, "too many sources: " + s.maxPushes() + " pushes are connected",
                        Map.of("Retry-After", "10"));
            }
            if (peers.apply(s.peerName()) == null) {
                throw new PushRefusal(503, "no IceShare peer named '" + s.peerName() + "' is running");
            }
            pushes.put(mount, claim);
        }
        if (takenOver != null) {
            LOG.info("push to /{}: a new source takes over from the stalled one", mount);
            takenOver.close();
        }
        return claim;
    }

    /**
     * Checks a request's credentials (user {@value #SOURCE_USER}, the push password), throttling wrong
     * passwords per remote address.
     */
    private void authenticate(SourceRequest r, InetAddress remote) throws PushRefusal {
        SourceSettings s = settings;
        String who = remote == null ? "?" : remote.getHostAddress();
        long locked = remote == null ? 0 : throttle.lockedFor(remote);
        if (locked > 0) {
            refused(Refusals.PUSH_THROTTLED);
            long seconds = (locked + 999) / 1000;
            throw new PushRefusal(429, "too many wrong passwords from " + who + ": try again in " + seconds + " s",
                    Map.of("Retry-After", Long.toString(seconds)));
        }
        String header = r.header("authorization");
        if (!authorized(header, s.pushPassword())) {
            refused(Refusals.PUSH_PASSWORD);
            if (remote != null && isGuess(header)) {
                long lockout = throttle.failed(remote);
                if (lockout > 0) {
                    LOG.info("push server: wrong password from {} ({} {}): {} guesses in a row, locked out for {} ms "
                            + "({} wrong passwords and {} locked-out pushes refused so far)", who, r.method(),
                            r.target(), PushThrottle.FREE_FAILURES, lockout, count(Refusals.PUSH_PASSWORD),
                            count(Refusals.PUSH_THROTTLED));
                }
            }
            throw new PushRefusal(401, "wrong or missing credentials (user '" + SOURCE_USER + "')",
                    Map.of("WWW-Authenticate", "Basic realm=\"" + REALM + "\""));
        }
        if (remote != null) {
            throttle.succeeded(remote);
        }
    }

    /** The path of Icecast's metadata update. */
    static final String METADATA_PATH = "/admin/metadata";

    @Override
    public String metadata(SourceRequest r, InetAddress remote) throws PushRefusal {
        if (!r.method().equals("GET")) {
            throw new PushRefusal(405, METADATA_PATH + " takes GET", Map.of("Allow", "GET"));
        }
        authenticate(r, remote);
        Map<String, String> query = query(r.target());
        if (!"updinfo".equals(query.get("mode"))) {
            throw new PushRefusal(400, "only mode=updinfo is supported, not " + query.get("mode"));
        }
        String mount = query.get("mount");
        if (mount == null || mount.isBlank()) {
            throw new PushRefusal(400, "no mount=");
        }
        // Icecast's updinfo takes song ("Artist - Title" as one string); title and artist are taken as well
        String title = query.getOrDefault("song", query.get("title"));
        if (title == null) {
            throw new PushRefusal(400, "no song= (or title=)");
        }
        String artist = query.containsKey("song") ? "" : query.getOrDefault("artist", "");
        String name = mountName(path(mount));
        LiveStream stream = streams.get(name);
        if (stream == null) {
            throw new PushRefusal(404, "no live stream on mount " + mount);
        }
        long micros;
        try {
            micros = stream.metadata(title, artist);
        } catch (IllegalStateException e) {
            throw new PushRefusal(409, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new PushRefusal(400, e.getMessage());
        }
        LOG.info("live stream '{}': title '{}'{} at {} s (metadata update from {})", name, title,
                artist.isEmpty() ? "" : " by '" + artist + "'", micros / 1e6, remote == null ? "?" : remote.getHostAddress());
        return "Metadata update successful";
    }

    /**
     * The query of a request target, decoded (a later repeat of a parameter wins). Values are UTF-8 (what
     * Icecast assumes for Ogg mounts) unless {@code charset=} names another.
     */
    static Map<String, String> query(String target) throws PushRefusal {
        int q = target.indexOf('?');
        Map<String, String> raw = new java.util.HashMap<>();
        if (q >= 0) {
            for (String pair : target.substring(q + 1).split("&")) {
                int eq = pair.indexOf('=');
                if (!pair.isEmpty()) {
                    raw.put(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1));
                }
            }
        }
        java.nio.charset.Charset charset = StandardCharsets.UTF_8;
        String named = raw.get("charset");
        try {
            if (named != null) {
                charset = java.nio.charset.Charset.forName(java.net.URLDecoder.decode(named, StandardCharsets.UTF_8));
            }
            Map<String, String> out = new java.util.HashMap<>();
            for (Map.Entry<String, String> e : raw.entrySet()) {
                out.put(java.net.URLDecoder.decode(e.getKey(), StandardCharsets.UTF_8),
                        java.net.URLDecoder.decode(e.getValue(), charset));
            }
            return out;
        } catch (IllegalArgumentException e) {
            throw new PushRefusal(400, "malformed query: " + e.getMessage());
        }
    }

    @Override
    public LiveStream attach(PushClaim claim, ByteBuffer head) throws PushRefusal {
        LiveFormats.Choice choice;
        try {
            choice = formats.choose(head, settings.targetPieceMicros());
        } catch (LiveFormats.UnsupportedInputException e) {
            throw new PushRefusal(415, e.getMessage());
        }
        synchronized (this) {
            if (pushes.get(claim.mount) != claim) {
                throw new PushRefusal(409, "another source took mount /" + claim.mount);
            }
            LiveStream s = streams.get(claim.mount);
            if (s == null || s.isClosed()) {
                s = new LiveStream(claim.mount, LiveStream.Kind.PUSH, "push", this, nanos);
                s.useFormat(choice, claim.declaredType);
                streams.put(claim.mount, s);
                LOG.info("live stream '{}': new, from a push", claim.mount);
            } else if (s.kind != LiveStream.Kind.PUSH) {
                throw new PushRefusal(403, "mount /" + claim.mount + " is in use by a live stream from " + s.input);
            } else if (!choice.format().equals(s.format())) {
                throw new PushRefusal(415, "live stream '" + claim.mount + "' is " + s.format() + ", this push is "
                        + choice.format());
            } else {
                if (s.isConnected()) {
                    s.inputEnded("a new source replaced the stalled one", false);
                }
                LOG.info("live stream '{}': its source is back (a new chain link)", claim.mount);
            }
            LiveStream attached = s;
            s.inputStopper(() -> {
                PushClaim c = pushes.get(attached.name);
                if (c != null) {
                    c.close();
                }
            });
            s.connected();
            claim.stream(s);
            return s;
        }
    }

    @Override
    public void ended(PushClaim claim, String reason) {
        synchronized (this) {
            if (!pushes.remove(claim.mount, claim)) {
                return;
            }
            LiveStream s = claim.stream();
            if (s != null) {
                LOG.info("live stream '{}': {}; kept off air for {} s for the source to come back", s.name, reason,
                        settings.graceMillis() / 1000);
                s.inputEnded(reason, true);
            }
        }
    }

    /** The pushes refused to protect the push server, by reason, since the engine started. */
    @Override
    public Refusals pushRefusals() {
        Map<String, Long> out = new java.util.TreeMap<>();
        refusals.forEach((reason, n) -> out.put(reason, n.sum()));
        return out.isEmpty() ? Refusals.NONE : new Refusals(out);
    }

    /** The throttle of wrong push passwords (tests). */
    PushThrottle throttle() {
        return throttle;
    }

    private void refused(String reason) {
        refusals.computeIfAbsent(reason, k -> new LongAdder()).increment();
    }

    private long count(String reason) {
        LongAdder n = refusals.get(reason);
        return n == null ? 0 : n.sum();
    }

    /** Whether a header presents a user and a password (a guess), rather than nothing or garbage. */
    static boolean isGuess(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            return decoded.indexOf(':') >= 0;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static boolean authorized(String header, String password) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return false;
        }
        boolean user = decoded.substring(0, colon).equals(SOURCE_USER);
        boolean pass = MessageDigest.isEqual(decoded.substring(colon + 1).getBytes(StandardCharsets.UTF_8),
                password.getBytes(StandardCharsets.UTF_8));
        return user & pass;
    }

    private static String path(String target) {
        String t = target;
        int q = t.indexOf('?');
        if (q >= 0) {
            t = t.substring(0, q);
        }
        if (t.startsWith("http://") || t.startsWith("https://")) {
            int slash = t.indexOf('/', t.indexOf("//") + 2);
            t = slash < 0 ? "/" : t.substring(slash);
        }
        return t;
    }

    /** The stream name of a mount path: its last segment without an Ogg extension ({@code /live.ogg} → {@code live}). */
    static String mountName(String path) {
        String p = path == null ? "" : path;
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        String last = p.substring(p.lastIndexOf('/') + 1);
        String lower = last.toLowerCase(Locale.ROOT);
        for (String ext : List.of(".ogg", ".oga", ".ogv", ".opus", ".spx", ".ogx")) {
            if (lower.endsWith(ext) && last.length() > ext.length()) {
                return last.substring(0, last.length() - ext.length());
            }
        }
        return last;
    }

    // ---- watchdog

    private void watch() {
        try {
            long now = nanos.getAsLong();
            SourceSettings s = settings;
            long stall = TimeUnit.MILLISECONDS.toNanos(s.stallTimeoutMillis());
            long grace = TimeUnit.MILLISECONDS.toNanos(s.graceMillis());
            for (LiveStream stream : streams.values()) {
                stream.checkStall(now, stall);
                if (stream.kind == LiveStream.Kind.PULL && stream.silentFor(now) >= HttpPull.STALL_DROP_FACTOR * stall) {
                    HttpPull pull = pulls.get(stream);
                    if (pull != null) {
                        pull.dropSilent("no input for " + stream.silentFor(now) / 1_000_000 + " ms");
                    }
                }
                if (stream.graceOver(now, grace)) {
                    boolean removed;
                    synchronized (this) {
                        removed = stream.graceOver(now, grace) && streams.remove(stream.name, stream);
                    }
                    if (removed) {
                        LOG.info("live stream '{}': its source did not come back within {} s; closing it", stream.name,
                                s.graceMillis() / 1000);
                        stream.close();
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.error("live source watchdog: {}", e.toString(), e);
        }
    }

    private static <T> CompletionStage<T> failed(String reason) {
        return CompletableFuture.failedFuture(new PublishException(reason));
    }

    /** Stops every stream (their feeds are closed) and the push server. */
    @Override
    public void close() {
        closed = true;
        synchronized (this) {
            stopPush();
        }
        for (String name : List.copyOf(streams.keySet())) {
            stop(name);
        }
        scheduler.shutdownNow();
        httpExecutor.shutdownNow();
    }
}
