package org.iceshare.core.internal.peer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.icet.Join;
import org.iceshare.api.icet.Joined;
import org.iceshare.api.icet.Leave;
import org.iceshare.api.icet.Publish;
import org.iceshare.api.icet.Published;
import org.iceshare.api.icet.Verified;
import org.iceshare.api.media.MediaFormat;
import org.iceshare.api.peer.LiveFeed;
import org.iceshare.api.peer.PublishException;
import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.peer.SwarmStatus.State;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.swarm.SeekPoint;
import org.iceshare.api.verify.PieceVerifier;
import org.iceshare.core.internal.http.PlayerSource;
import org.iceshare.core.internal.storage.LiveWindow;
import org.iceshare.core.internal.storage.PieceStore;
import org.iceshare.core.internal.storage.Pieces;
import org.iceshare.core.internal.storage.Storage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The swarms of one peer, and how they come and go: a file published here (cut by the media format,
 * stored, registered with the tracker), a live stream started here, a URL joined, a swarm resumed from
 * storage at start (its pieces re-verified first) or rejoined after the tracker came back, a swarm
 * stopped. It is also what the player endpoint sees of the peer ({@link PlayerSource}): the stores and
 * windows, waits for pieces, and the playhead and time starts a player gives.
 *
 * <p><b>Threading:</b> the map is concurrent, so lookups work from any thread (the player endpoint's
 * event loop, the transports); everything that changes a swarm hops to the peer's engine thread.
 */
final class Swarms implements PlayerSource {
    private static final Logger LOG = LoggerFactory.getLogger(Swarms.class);
    /** At boot the verifier plugin may come later than the peer: resuming waits this many half seconds. */
    private static final int RESUME_ATTEMPTS = 120;

    private final PeerEngine engine;
    private final Map<ContentId, Swarm> map = new ConcurrentHashMap<>();

    Swarms(PeerEngine engine) {
        this.engine = engine;
    }

    /** The swarm of a content here, or null. Any thread. */
    Swarm get(ContentId content) {
        return map.get(content);
    }

    /** Every swarm here. Any thread. */
    Collection<Swarm> all() {
        return map.values();
    }

    /** Forgets every swarm (the peer stops; they were closed). Engine thread. */
    void clear() {
        map.clear();
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
    public List<SwarmStatus> swarms() {
        return engine.swarms();
    }

    /** Statuses of every swarm, by URL. Engine thread. */
    List<SwarmStatus> statuses() {
        List<SwarmStatus> out = new ArrayList<>();
        for (Swarm s : map.values()) {
            out.add(s.status());
        }
        out.sort(Comparator.comparing(s -> s.url().toString()));
        return out;
    }

    /** Reopens and rejoins every swarm in storage. */
    void resumeStoredSwarms() {
        List<Storage.StoredSwarm> stored;
        try {
            stored = engine.storage().storedSwarms();
        } catch (IOException e) {
            LOG.warn("peer {}: cannot list stored swarms: {}", engine.name(), e.getMessage());
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
            LOG.warn("peer {}: cannot reopen {}: {}", engine.name(), s.dir(), e.getMessage());
            return;
        }
        PieceVerifier v = engine.plugins().verifier(m.verifier());
        if (v == null) {
            if (attempt < RESUME_ATTEMPTS && engine.isRunning()) {
                LOG.debug("peer {}: waiting for a {} verifier to resume {}", engine.name(), m.verifier(), s.url());
                engine.exec().schedule(() -> engine.guarded(() -> resume(s, attempt + 1)), 500, TimeUnit.MILLISECONDS);
            } else {
                LOG.warn("peer {}: cannot resume {}: no verifier for {} is installed", engine.name(), s.url(),
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
        }, engine.work()).whenCompleteAsync((store, err) -> {
            if (err != null) {
                LOG.warn("peer {}: cannot reopen {}: {}", engine.name(), s.dir(),
                        TrackerLink.unwrap(err).getMessage());
                return;
            }
            if (!engine.isRunning() || map.containsKey(store.manifest().id())) {
                store.close();
                return;
            }
            Swarm swarm = newSwarm(store, s.url(), s.source());
            LOG.info("peer {}: resuming {} ({}/{} pieces)", engine.name(), s.url(), store.verifiedCount(),
                    store.manifest().pieceCount());
            TrackerLink t = engine.tracker(s.url().host(), s.url().port());
            swarm.tracker = t;
            t.swarms.add(swarm);
            if (t.ready()) {
                rejoin(t, swarm);
            } else {
                t.connect();
            }
        }, engine.exec());
    }

    CompletionStage<IcetUrl> publish(Path file, String name, InetSocketAddress tracker) {
        InetSocketAddress trackerAddress = tracker != null ? tracker : engine.settings().tracker();
        String contentName;
        try {
            if (trackerAddress == null) {
                throw new PublishException("no tracker given and none configured for peer " + engine.name());
            }
            contentName = Manifest.checkName(name != null ? name : String.valueOf(file.getFileName()));
            engine.requireRunning();
        } catch (PublishException e) {
            return CompletableFuture.failedFuture(e);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new PublishException("cannot publish " + file + ": "
                    + e.getMessage()));
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                Publication.Prepared p = Publication.prepare(file, contentName, engine.plugins().formats(),
                        engine.plugins().preferredVerifier());
                Path dir = engine.storage().contentDir(p.manifest().id());
                PieceStore store = PieceStore.createComplete(dir, p.manifest(), file);
                LOG.info("peer {}: {} is {} ({}): the {} format cut it into {} pieces ({} chain link(s), {} header "
                        + "piece(s) in the first), properties {}", engine.name(), file, p.format(),
                        p.manifest().mediaType(), p.format(), p.manifest().pieceCount(), p.manifest().links().size(),
                        p.manifest().headerPieces(), p.layout().properties());
                return store;
            } catch (PublishException e) {
                throw new CompletionException(e);
            } catch (IOException e) {
                throw new CompletionException(new PublishException("cannot store " + file + ": " + e.getMessage(),
                        e));
            }
        }, engine.work()).thenComposeAsync(store -> publishStored(store, trackerAddress), engine.exec());
    }

    private CompletionStage<IcetUrl> publishStored(PieceStore store, InetSocketAddress trackerAddress) {
        Manifest m = store.manifest();
        // the URL pins this peer as the publisher: listeners given it refuse anyone else's manifest
        IcetUrl url = new IcetUrl(engine.id(), trackerAddress.getHostString(), trackerAddress.getPort(), m.name());
        Swarm existing = map.get(m.id());
        if (existing != null) {
            store.close();
        }
        Swarm swarm = existing != null ? existing : newSwarm(store, url, true);
        TrackerLink t = engine.tracker(url.host(), url.port());
        swarm.tracker = t;
        CompletableFuture<IcetMessage> answer = t.request(new Publish(engine.sign(m)));
        return answer.thenApply(a -> {
            if (!(a instanceof Published p)) {
                throw new CompletionException(new PublishException("tracker answered " + a.type() + " to Publish"));
            }
            t.swarms.add(swarm);
            try {
                engine.storage().remember(m.id(), url, true);
            } catch (IOException e) {
                LOG.warn("peer {}: cannot remember {}: {}", engine.name(), url, e.getMessage());
            }
            LOG.info("peer {}: published {} as {}", engine.name(), m, url);
            return url;
        }).whenComplete((u, err) -> {
            if (err != null && existing == null && !t.swarms.contains(swarm)) {
                map.remove(m.id());
                swarm.store.close();
            }
        });
    }

    CompletionStage<LiveFeed> publishLive(String name, String mediaType, InetSocketAddress tracker,
            long windowMicros) {
        InetSocketAddress trackerAddress = tracker != null ? tracker : engine.settings().tracker();
        PieceVerifier verifier = engine.plugins().preferredVerifier();
        try {
            engine.requireRunning();
            if (trackerAddress == null) {
                throw new PublishException("no tracker given and none configured for peer " + engine.name());
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
            Manifest m = engine.sign(Manifest.live(ContentId.random(), name, mediaType, format, verifier.algorithm(),
                    windowMicros));
            IcetUrl url = new IcetUrl(engine.id(), trackerAddress.getHostString(), trackerAddress.getPort(), name);
            Swarm swarm = newSwarm(new LiveWindow(m), url, true);
            LiveSourceFeed feed = new LiveSourceFeed(engine, swarm, verifier);
            swarm.feed = feed;
            TrackerLink t = engine.tracker(url.host(), url.port());
            swarm.tracker = t;
            CompletableFuture<IcetMessage> answer = t.request(new Publish(m));
            return answer.thenApply(a -> {
                if (!(a instanceof Published)) {
                    throw new CompletionException(new PublishException("tracker answered " + a.type()
                            + " to Publish"));
                }
                t.swarms.add(swarm);
                LOG.info("peer {}: live stream {} on air as {}", engine.name(), m, url);
                return (LiveFeed) feed;
            }).whenComplete((f, err) -> {
                if (err != null) {
                    map.remove(m.id());
                    swarm.store.close();
                }
            });
        }, engine.exec()).thenCompose(f -> f);
    }

    /** The name of the installed media format that handles this media type (parameters ignored), or null. */
    private String formatOf(String mediaType) {
        int semi = mediaType.indexOf(';');
        String base = (semi < 0 ? mediaType : mediaType.substring(0, semi)).trim().toLowerCase(java.util.Locale.ROOT);
        for (org.iceshare.api.media.MediaFormat f : engine.plugins().formats()) {
            if (f.handles(base)) {
                return f.name();
            }
        }
        return null;
    }

    /** Joins the swarm of a URL (see {@link org.iceshare.api.peer.Peer#get}). */
    CompletionStage<SwarmStatus> join(IcetUrl url) {
        try {
            engine.requireRunning();
        } catch (PublishException e) {
            return CompletableFuture.failedFuture(e);
        }
        return CompletableFuture.supplyAsync(() -> {
            IcetUrl unpinned = url.withPublisher(null);
            for (Swarm s : map.values()) {
                if (s.url.withPublisher(null).equals(unpinned) && s.status != State.FAILED) {
                    // joined already (with or without a pinned publisher): the pin still has to match
                    PeerId publisher = s.source ? engine.id() : s.manifest.publisher();
                    if (url.publisher().isPresent() && !url.publisher().get().equals(publisher)) {
                        return CompletableFuture.<SwarmStatus>failedFuture(new PublishException(url.name()
                                + " here is published by " + (publisher != null ? publisher.toHex()
                                        : "an unknown publisher") + ", but the URL pins publisher "
                                + url.publisher().get().toHex()));
                    }
                    return CompletableFuture.completedFuture(s.status());
                }
            }
            TrackerLink t = engine.tracker(url.host(), url.port());
            CompletableFuture<IcetMessage> answer = t.request(new Join(url.name()));
            // the answer completes on the engine thread: handle it there at once, before the Assign
            // messages the tracker sends right after Joined are processed
            return answer.thenApply(a -> joined(t, url, a));
        }, engine.exec()).thenCompose(f -> f);
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
        String refused = checkPublisher(t, url, m);
        if (refused != null) {
            // nothing of it is used; the tracker may drop what it planned for us under that id
            t.send(new Leave(m.id()));
            throw new CompletionException(new PublishException(refused));
        }
        Swarm swarm = map.get(m.id());
        if (swarm == null) {
            PieceVerifier v = engine.plugins().verifier(m.verifier());
            if (v == null) {
                throw new CompletionException(new PublishException("cannot fetch " + url + ": it needs verifier "
                        + m.verifier() + ", which is not installed"));
            }
            if (m.live()) {
                swarm = newSwarm(new LiveWindow(m), url, false);
            } else {
                Path dir = engine.storage().contentDir(m.id());
                try {
                    PieceStore store = PieceStore.exists(dir) ? PieceStore.open(dir, v) : PieceStore.create(dir, m);
                    engine.storage().remember(m.id(), url, false);
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
        LOG.info("peer {}: joined {} ({}, {} pieces, {} held)", engine.name(), url, m, m.pieceCount(),
                swarm.store.verifiedCount());
        return swarm.status();
    }

    /**
     * Whether a manifest from a tracker comes from the expected publisher (IceT 4): its signature must
     * check, and its publisher must be the one the URL pins or, for a plain URL, the one this peer first
     * saw for the name on this tracker (trust on first use; the first is remembered here). Nothing of a
     * refused manifest is used. Engine thread.
     *
     * @return null when the manifest is accepted, else why it was refused
     */
    private String checkPublisher(TrackerLink t, IcetUrl url, Manifest m) {
        String why = null;
        if (!m.signatureValid()) {
            why = "tracker " + t.key + " sent a manifest for " + url.name() + " whose publisher signature does not"
                    + " check" + (m.isSigned() ? " (claimed publisher " + m.publisher().toHex() + ")" : "")
                    + "; refused";
        } else if (url.publisher().isPresent() && !url.publisher().get().equals(m.publisher())) {
            why = "tracker " + t.key + " sent a manifest for " + url.name() + " signed by publisher "
                    + m.publisher().toHex() + ", but the URL pins publisher " + url.publisher().get().toHex()
                    + "; refused";
        } else {
            PeerId first;
            try {
                first = engine.storage().publishers().pinIfAbsent(url, m.publisher());
            } catch (IOException e) {
                LOG.warn("peer {}: cannot remember the publisher of {}: {}", engine.name(), url, e.getMessage());
                first = engine.storage().publishers().pinned(url);
            }
            if (first != null && !first.equals(m.publisher())) {
                why = "tracker " + t.key + " sent a manifest for " + url.name() + " signed by publisher "
                        + m.publisher().toHex() + ", but this peer first saw it published by " + first.toHex()
                        + "; refused (if the publisher really changed its key, remove the line of "
                        + url.name() + " from " + org.iceshare.core.internal.storage.PublisherPins.FILE + ")";
            }
        }
        if (why != null) {
            LOG.warn("peer {}: {}", engine.name(), why);
        }
        return why;
    }

    /** After a Join answer: report what we hold and start fetching. */
    private void startSwarm(TrackerLink t, Swarm swarm) {
        Manifest m = swarm.manifest;
        if (swarm.live) {
            // the tracker's announcements (links, window, start point) follow the Joined
            for (int i = swarm.state.firstPiece(); i < swarm.state.end(); i++) {
                if (swarm.store.has(i)) {
                    t.send(new Verified(m.id(), i, engine.id(), swarm.store.info(i).hash()));
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
            t.send(new Verified(m.id(), i, engine.id(), m.piece(i).hash()));
        }
        swarm.scheduleSoon();
    }

    private Swarm newSwarm(Pieces store, IcetUrl url, boolean source) {
        Manifest m = store.manifest();
        Swarm s = new Swarm(engine, store, url, source, engine.plugins().verifier(m.verifier()),
                engine.settings().slotsPerPeer());
        s.state.budget(engine::takeDownload);
        map.put(m.id(), s);
        return s;
    }

    boolean stop(ContentId content) {
        try {
            return engine.call(() -> {
                Swarm s = map.remove(content);
                if (s == null) {
                    return false;
                }
                s.stop();
                if (s.tracker != null) {
                    s.tracker.swarms.remove(s);
                    s.tracker.send(new Leave(content));
                }
                s.store.close();
                LOG.info("peer {}: left {}", engine.name(), s.url);
                return true;
            });
        } catch (IOException e) {
            return false;
        }
    }

    /** The store of a file content, or null (unknown here, or live). Any thread. */
    @Override
    public PieceStore store(ContentId content) {
        Swarm s = map.get(content);
        return s == null || s.live ? null : (PieceStore) s.store;
    }

    /** The window of a live stream, or null (unknown here, or a file). Any thread. */
    @Override
    public LiveWindow liveWindow(ContentId content) {
        Swarm s = map.get(content);
        return s == null || !s.live ? null : s.window;
    }

    /** Completes when the piece is verified here. Any thread. */
    @Override
    public CompletableFuture<Void> awaitPiece(ContentId content, int piece) {
        Swarm s = map.get(content);
        if (s == null) {
            return CompletableFuture.failedFuture(new IOException("content " + content.shortHex() + " not here"));
        }
        if (s.store.has(piece)) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.supplyAsync(() -> s.await(piece), engine.exec()).thenCompose(f -> f);
    }

    /** Live: completes with the start point a new player begins at, {@code burstMicros} behind the edge. Any thread. */
    @Override
    public CompletableFuture<Integer> awaitLiveStart(ContentId content, long burstMicros) {
        Swarm s = map.get(content);
        if (s == null || !s.live) {
            return CompletableFuture.failedFuture(new IOException("no live stream " + content.shortHex() + " here"));
        }
        return CompletableFuture.supplyAsync(() -> s.awaitStart(burstMicros), engine.exec()).thenCompose(f -> f);
    }

    @Override
    public long defaultLiveBurstMicros() {
        return engine.settings().liveBurst().toNanos() / 1000;
    }

    @Override
    public int liveFloor(ContentId content) {
        Swarm s = map.get(content);
        return s == null ? -1 : s.liveFloor;
    }

    /**
     * A player plays a file from its start in real time: the swarm keeps a playback clock (deadlines
     * for the scheduler, the playhead for the tracker, the startup delay it needed). Any thread.
     */
    void play(ContentId content) {
        engine.execute(() -> {
            Swarm s = map.get(content);
            if (s != null) {
                s.play();
            }
        });
    }

    /**
     * A player reads from this piece on. A player that reads a file from its start (its headers) plays it
     * as it arrives, so the swarm runs the playback clock, as {@link #play} does: without it the pieces
     * came in rarest-first order and only the one the player was blocked on was hurried. Any thread.
     */
    @Override
    public void playhead(ContentId content, int piece) {
        engine.execute(() -> {
            Swarm s = map.get(content);
            if (s != null && !s.live && piece <= s.manifest.headerPieces()) {
                s.playerStarts();
            }
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
    @Override
    public Optional<SeekPoint> seek(ContentId content, long micros) {
        Swarm s = map.get(content);
        if (s == null) {
            return java.util.Optional.empty();
        }
        var point = s.manifest.seek(micros);
        point.ifPresent(p -> engine.execute(() -> {
            if (s.tracker != null) {
                s.seek(micros, p.piece());
            }
        }));
        return point;
    }

    /** The installed media formats, for page-precise time starts. Any thread. */
    @Override
    public List<MediaFormat> mediaFormats() {
        return engine.plugins().formats();
    }

    /** Joins (or publishes) a swarm again after reconnecting or restarting. Engine thread. */
    void rejoin(TrackerLink t, Swarm s) {
        Manifest m = s.manifest;
        CompletableFuture<IcetMessage> answer = t.request(s.source ? new Publish(engine.sign(m))
                : new Join(m.name()));
        answer.whenComplete((a, err) -> {
            if (err != null) {
                LOG.warn("peer {}: cannot rejoin {}: {}", engine.name(), s.url,
                        TrackerLink.unwrap(err).getMessage());
                return;
            }
            if (!s.source) {
                if (!(a instanceof Joined j) || !j.manifest().id().equals(m.id())) {
                    s.fail("the tracker now has different content under " + s.url);
                    return;
                }
                String refused = checkPublisher(t, s.url, j.manifest());
                if (refused == null && s.manifest.isSigned() && !s.manifest.publisher().equals(j.manifest().publisher())) {
                    refused = "tracker " + t.key + " now sends " + s.url.name() + " signed by publisher "
                            + j.manifest().publisher().toHex() + " instead of " + s.manifest.publisher().toHex();
                    LOG.warn("peer {}: {}", engine.name(), refused);
                }
                if (refused != null) {
                    s.fail(refused);
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
}
