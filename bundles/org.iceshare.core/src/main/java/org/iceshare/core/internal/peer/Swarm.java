package org.iceshare.core.internal.peer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.iceshare.api.icet.Assign;
import org.iceshare.api.icet.BadPiece;
import org.iceshare.api.icet.Cancel;
import org.iceshare.api.icet.FetchFailed;
import org.iceshare.api.icet.Request;
import org.iceshare.api.icet.Seek;
import org.iceshare.api.icet.Verified;
import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.peer.SwarmStatus.State;
import org.iceshare.api.scheduler.PieceScheduler;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.swarm.PieceInfo;
import org.iceshare.api.verify.PieceVerifier;
import org.iceshare.core.internal.storage.PieceStore;
import org.iceshare.core.internal.swarm.SwarmState;
import org.iceshare.core.internal.swarm.SwarmState.InFlight;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One content at one peer: its store, its swarm state, and the logic that moves pieces: placing
 * requests through the scheduler, taking in pieces (verify, store, report), and handling refusals,
 * timeouts and liars.
 *
 * <p><b>Threading:</b> confined to the engine's executor, except the fields documented otherwise.
 */
final class Swarm {
    private static final Logger LOG = LoggerFactory.getLogger(Swarm.class);

    private final PeerEngine engine;
    final Manifest manifest;
    final PieceStore store;
    final SwarmState state;
    final IcetUrl url;
    final boolean source;
    final PieceVerifier verifier;
    TrackerLink tracker;
    volatile State status;
    volatile String error = "";
    volatile long uploaded;
    volatile long downloaded;
    long badPieces;
    private final Map<Integer, List<CompletableFuture<Void>>> waiters = new HashMap<>();
    private final Set<PeerId> partners = new HashSet<>();
    /** Pieces a Seek was sent for because a player waits and no source was assigned. */
    private final Set<Integer> seekAsked = new HashSet<>();
    private boolean scheduleQueued;

    Swarm(PeerEngine engine, Manifest manifest, PieceStore store, IcetUrl url, boolean source, PieceVerifier verifier,
            int slotsPerPeer) {
        this.engine = engine;
        this.manifest = manifest;
        this.store = store;
        this.url = url;
        this.source = source;
        this.verifier = verifier;
        this.state = new SwarmState(manifest, store::has, slotsPerPeer);
        this.status = store.isComplete() ? State.COMPLETE : State.JOINING;
    }

    /** Runs the scheduler once at the end of the current burst of events. */
    void scheduleSoon() {
        if (scheduleQueued || status == State.STOPPED || status == State.FAILED) {
            return;
        }
        scheduleQueued = true;
        engine.execute(() -> {
            scheduleQueued = false;
            schedule();
        });
    }

    private void schedule() {
        if (status != State.DOWNLOADING) {
            return;
        }
        PieceScheduler scheduler = engine.plugins().scheduler();
        if (scheduler == null) {
            return;
        }
        long now = System.nanoTime();
        List<InFlight> placed = new ArrayList<>(urgent(now));
        try {
            placed.addAll(state.schedule(scheduler, now));
        } catch (RuntimeException e) {
            LOG.error("scheduler {} failed on {}; no requests placed this round", scheduler.name(), manifest, e);
        }
        for (InFlight r : placed) {
            LOG.trace("{}: {} requests piece {} from {}", manifest.name(), r.scheduler(), r.piece(), r.peer());
            if (!engine.sendToPeer(r.peer(), new Request(manifest.id(), r.piece()))) {
                fetchFailed(r.piece(), r.peer(), "no address known for " + r.peer());
            }
        }
    }

    /**
     * Pieces players are blocked on come first, whatever the scheduler: each is requested from an
     * assigned source, and when the tracker assigned none yet it is asked for one (a Seek, once).
     */
    private List<InFlight> urgent(long now) {
        if (waiters.isEmpty()) {
            return List.of();
        }
        List<InFlight> placed = new ArrayList<>();
        for (int piece : waiters.keySet()) {
            if (store.has(piece)) {
                continue;
            }
            InFlight r = state.requestUrgent(piece, now);
            if (r != null) {
                placed.add(r);
            } else if (!state.hasSource(piece) && seekAsked.add(piece)) {
                tracker.send(Seek.toPiece(manifest.id(), piece));
            }
        }
        return placed;
    }

    /** A player starts at a time: ask the tracker for that position's pieces, and play from there. */
    void seek(long micros, int piece) {
        tracker.send(Seek.toTime(manifest.id(), micros));
        state.playhead(piece);
        scheduleSoon();
    }

    void onAssign(Assign assign) {
        LOG.trace("{}: assigned {}", manifest.name(), assign.entries());
        for (Assign.Entry e : assign.entries()) {
            if (e.piece() < manifest.pieceCount()) {
                state.assign(e.piece(), e.source(), e.availability());
            }
        }
        scheduleSoon();
    }

    /** A piece arrived from {@code from}. Verifies it, stores it, reports it. */
    void onPiece(PeerId from, int piece, ByteBuffer data) {
        if (piece >= manifest.pieceCount() || !state.isRequested(piece, from)) {
            LOG.debug("{}: unsolicited piece {} from {} ignored", manifest.name(), piece, from);
            return;
        }
        if (store.has(piece)) {
            state.fail(piece, from);
            return;
        }
        PieceInfo info = manifest.piece(piece);
        byte[] digest = data.remaining() == info.length() ? verifier.digest(data) : null;
        if (digest == null || !MessageDigest.isEqual(digest, info.hash())) {
            badPieces++;
            String why = digest == null ? "length " + data.remaining() + " instead of " + info.length()
                    : "digest does not match the manifest";
            LOG.warn("{}: piece {} from {} is corrupt ({}); reporting the peer and fetching elsewhere",
                    manifest.name(), piece, from, why);
            state.fail(piece, from);
            for (InFlight r : state.revoke(from, true)) {
                engine.sendToPeer(r.peer(), new Cancel(manifest.id(), r.piece()));
            }
            tracker.send(new BadPiece(manifest.id(), piece, from, why));
            scheduleSoon();
            return;
        }
        try {
            store.write(piece, data);
        } catch (IOException e) {
            fail("cannot store piece " + piece + ": " + e.getMessage());
            return;
        }
        downloaded += info.length();
        partners.add(from);
        long now = System.nanoTime();
        for (InFlight other : state.settle(piece)) {
            if (other.peer().equals(from)) {
                state.delivered(other, now);
            } else {
                engine.sendToPeer(other.peer(), new Cancel(manifest.id(), piece));
            }
        }
        tracker.send(new Verified(manifest.id(), piece, from, digest));
        seekAsked.remove(piece);
        List<CompletableFuture<Void>> w = waiters.remove(piece);
        if (w != null) {
            w.forEach(f -> f.complete(null));
        }
        if (store.isComplete()) {
            status = State.COMPLETE;
            LOG.info("{}: complete ({} bytes, {} pieces)", manifest.name(), manifest.length(), manifest.pieceCount());
        } else {
            scheduleSoon();
        }
    }

    /** A peer refused or could not serve a request: drop that source for the piece and tell the tracker. */
    void fetchFailed(int piece, PeerId from, String reason) {
        InFlight r = state.fail(piece, from);
        state.dropSource(piece, from);
        if (r != null || !store.has(piece)) {
            tracker.send(new FetchFailed(manifest.id(), piece, from, reason));
        }
        scheduleSoon();
    }

    /** The link to a peer closed: its requests failed. */
    void peerGone(PeerId peer, String reason) {
        for (InFlight r : state.revoke(peer, false)) {
            tracker.send(new FetchFailed(manifest.id(), r.piece(), peer, reason));
        }
        scheduleSoon();
    }

    /** The tracker told us to drop a source. */
    void revoke(PeerId peer) {
        for (InFlight r : state.revoke(peer, false)) {
            engine.sendToPeer(peer, new Cancel(manifest.id(), r.piece()));
        }
        scheduleSoon();
    }

    /** Gives up requests older than the timeout. */
    void expire(long nowNanos, long timeoutNanos) {
        for (InFlight r : state.placedBefore(nowNanos - timeoutNanos)) {
            engine.sendToPeer(r.peer(), new Cancel(manifest.id(), r.piece()));
            fetchFailed(r.piece(), r.peer(), "no answer within " + (timeoutNanos / 1_000_000) + " ms");
        }
    }

    /** Completes when the piece is verified here (now, if it is already). */
    CompletableFuture<Void> await(int piece) {
        if (store.has(piece)) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        waiters.computeIfAbsent(piece, k -> new ArrayList<>()).add(f);
        scheduleSoon();
        return f;
    }

    void fail(String reason) {
        status = State.FAILED;
        error = reason;
        LOG.error("{}: {}", manifest.name(), reason);
        failWaiters(reason);
    }

    void stop() {
        status = State.STOPPED;
        failWaiters("stopped");
        for (InFlight r : state.placedBefore(Long.MAX_VALUE)) {
            engine.sendToPeer(r.peer(), new Cancel(manifest.id(), r.piece()));
            state.fail(r.piece(), r.peer());
        }
    }

    private void failWaiters(String reason) {
        for (List<CompletableFuture<Void>> l : waiters.values()) {
            l.forEach(f -> f.completeExceptionally(new IOException(manifest.name() + ": " + reason)));
        }
        waiters.clear();
    }

    void noteUpload(PeerId to, int bytes) {
        uploaded += bytes;
        partners.add(to);
    }

    SwarmStatus status(String scheduler) {
        int links = 0;
        for (PeerId p : partners) {
            if (engine.isLinked(p)) {
                links++;
            }
        }
        return new SwarmStatus(manifest.id(), url, engine.playerUrl(this), source, status, store.verifiedCount(),
                manifest.pieceCount(), manifest.length(), links, uploaded, downloaded, scheduler,
                state.requestsByScheduler(), error);
    }
}
