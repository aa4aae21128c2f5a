package org.iceshare.core.internal.swarm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntPredicate;

import org.iceshare.api.scheduler.PieceScheduler;
import org.iceshare.api.scheduler.RequestSink;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.swarm.SwarmView;

/**
 * The state of one swarm at one peer: which pieces are verified (read through a predicate, so the
 * piece store stays the single truth), which sources the tracker assigned for each piece, how many
 * peers hold each piece, and which requests are in flight. Schedulers see it through a read-only
 * {@link SwarmView} and place requests through a {@link RequestSink} that enforces the limits.
 *
 * <p><b>Threading:</b> not thread-safe; confined to the swarm's serial executor.
 */
public final class SwarmState {

    /** The piece-log name of requests the core places for a waiting player, ahead of any scheduler. */
    public static final String PLAYER = "player";

    /** A request placed with a peer and not yet answered. */
    public record InFlight(int piece, PeerId peer, long since, String scheduler) {
    }

    private final Manifest manifest;
    private final IntPredicate verified;
    private final int slotsPerPeer;
    private final int[] availability;
    private final List<PeerId>[] sources;
    private final List<InFlight>[] inFlight;
    private final Map<PeerId, Integer> requestsPerPeer = new HashMap<>();
    private final Set<PeerId> excluded = new HashSet<>();
    private final Map<String, Long> requestsByScheduler = new TreeMap<>();
    private int inFlightTotal;
    private int playhead = -1;

    @SuppressWarnings("unchecked")
    public SwarmState(Manifest manifest, IntPredicate verified, int slotsPerPeer) {
        if (slotsPerPeer < 1) {
            throw new IllegalArgumentException("slots per peer must be >= 1");
        }
        this.manifest = manifest;
        this.verified = verified;
        this.slotsPerPeer = slotsPerPeer;
        int n = manifest.pieceCount();
        this.availability = new int[n];
        this.sources = new List[n];
        this.inFlight = new List[n];
    }

    public Manifest manifest() {
        return manifest;
    }

    /** Adds an assigned source for a piece (ignored for excluded peers and verified pieces). */
    public void assign(int piece, PeerId source, int avail) {
        checkPiece(piece);
        availability[piece] = avail;
        if (excluded.contains(source) || verified.test(piece)) {
            return;
        }
        List<PeerId> s = sources[piece];
        if (s == null) {
            s = new ArrayList<>(2);
            sources[piece] = s;
        }
        if (!s.contains(source)) {
            s.add(source);
        }
    }

    /** Removes one source of one piece (it refused or failed). */
    public void dropSource(int piece, PeerId source) {
        checkPiece(piece);
        List<PeerId> s = sources[piece];
        if (s != null) {
            s.remove(source);
        }
    }

    /**
     * Stops using a peer for this swarm: removes it from every piece's sources and drops its
     * requests in flight, which are returned so the caller can cancel them.
     *
     * @param exclude true to also refuse future assignments from it (it served corrupt data)
     */
    public List<InFlight> revoke(PeerId peer, boolean exclude) {
        if (exclude) {
            excluded.add(peer);
        }
        List<InFlight> dropped = new ArrayList<>();
        for (int i = 0; i < sources.length; i++) {
            if (sources[i] != null) {
                sources[i].remove(peer);
            }
            List<InFlight> f = inFlight[i];
            if (f != null) {
                for (int k = f.size() - 1; k >= 0; k--) {
                    if (f.get(k).peer().equals(peer)) {
                        dropped.add(f.remove(k));
                    }
                }
            }
        }
        for (InFlight d : dropped) {
            release(d.peer());
        }
        return dropped;
    }

    public boolean isExcluded(PeerId peer) {
        return excluded.contains(peer);
    }

    /** True when a request for this piece is in flight to this peer. */
    public boolean isRequested(int piece, PeerId peer) {
        return find(piece, peer) != null;
    }

    /**
     * A piece arrived and was verified (or failed): clears every request for it and returns the
     * ones to other peers, which the caller cancels.
     */
    public List<InFlight> settle(int piece) {
        checkPiece(piece);
        List<InFlight> f = inFlight[piece];
        if (f == null || f.isEmpty()) {
            return List.of();
        }
        List<InFlight> all = new ArrayList<>(f);
        f.clear();
        for (InFlight r : all) {
            release(r.peer());
        }
        if (verified.test(piece)) {
            sources[piece] = null;
        }
        return all;
    }

    /** One request failed (refused, timed out, connection lost); returns it, or null if unknown. */
    public InFlight fail(int piece, PeerId peer) {
        checkPiece(piece);
        InFlight r = find(piece, peer);
        if (r != null) {
            inFlight[piece].remove(r);
            release(peer);
        }
        return r;
    }

    /** Requests placed before {@code deadline}, oldest first. */
    public List<InFlight> placedBefore(long deadline) {
        if (inFlightTotal == 0) {
            return List.of();
        }
        List<InFlight> out = new ArrayList<>();
        for (List<InFlight> f : inFlight) {
            if (f != null) {
                for (InFlight r : f) {
                    if (r.since() < deadline) {
                        out.add(r);
                    }
                }
            }
        }
        return out;
    }

    public int inFlightTotal() {
        return inFlightTotal;
    }

    public void playhead(int piece) {
        this.playhead = piece < 0 ? -1 : Math.min(piece, manifest.pieceCount() - 1);
    }

    public int playhead() {
        return playhead;
    }

    /** How many requests each scheduler placed: the piece log. */
    public Map<String, Long> requestsByScheduler() {
        return Collections.unmodifiableMap(requestsByScheduler);
    }

    /**
     * Runs a scheduler over this state and returns the requests it placed, in order; the state
     * already counts them as in flight.
     */
    public List<InFlight> schedule(PieceScheduler scheduler, long now) {
        List<InFlight> placed = new ArrayList<>();
        String name = scheduler.name();
        RequestSink sink = (piece, source) -> {
            if (piece < 0 || piece >= availability.length || source == null || verified.test(piece)) {
                return false;
            }
            List<PeerId> s = sources[piece];
            if (s == null || !s.contains(source) || freeSlots(source) <= 0 || find(piece, source) != null) {
                return false;
            }
            InFlight r = new InFlight(piece, source, now, name);
            List<InFlight> f = inFlight[piece];
            if (f == null) {
                f = new ArrayList<>(2);
                inFlight[piece] = f;
            }
            f.add(r);
            requestsPerPeer.merge(source, 1, Integer::sum);
            inFlightTotal++;
            requestsByScheduler.merge(name, 1L, Long::sum);
            placed.add(r);
            return true;
        };
        scheduler.schedule(view, sink);
        return placed;
    }

    /**
     * Places a request for a piece a player is waiting for, ahead of the scheduler: from the first
     * assigned source with a free slot, under the same rules as the sink. Returns the request, or null
     * when the piece is verified, already in flight, or has no source with a free slot.
     */
    public InFlight requestUrgent(int piece, long now) {
        checkPiece(piece);
        if (verified.test(piece) || inFlight[piece] != null && !inFlight[piece].isEmpty()) {
            return null;
        }
        List<PeerId> s = sources[piece];
        if (s == null) {
            return null;
        }
        for (PeerId source : s) {
            if (freeSlots(source) > 0) {
                InFlight r = new InFlight(piece, source, now, PLAYER);
                List<InFlight> f = inFlight[piece];
                if (f == null) {
                    f = new ArrayList<>(2);
                    inFlight[piece] = f;
                }
                f.add(r);
                requestsPerPeer.merge(source, 1, Integer::sum);
                inFlightTotal++;
                requestsByScheduler.merge(PLAYER, 1L, Long::sum);
                return r;
            }
        }
        return null;
    }

    /** True when the tracker assigned at least one source for the piece. */
    public boolean hasSource(int piece) {
        checkPiece(piece);
        return sources[piece] != null && !sources[piece].isEmpty();
    }

    private int freeSlots(PeerId peer) {
        return slotsPerPeer - requestsPerPeer.getOrDefault(peer, 0);
    }

    private void release(PeerId peer) {
        inFlightTotal--;
        requestsPerPeer.computeIfPresent(peer, (p, n) -> n > 1 ? n - 1 : null);
    }

    private InFlight find(int piece, PeerId peer) {
        List<InFlight> f = inFlight[piece];
        if (f != null) {
            for (InFlight r : f) {
                if (r.peer().equals(peer)) {
                    return r;
                }
            }
        }
        return null;
    }

    private void checkPiece(int piece) {
        if (piece < 0 || piece >= availability.length) {
            throw new IndexOutOfBoundsException("piece " + piece + " outside 0.." + (availability.length - 1));
        }
    }

    private final SwarmView view = new SwarmView() {
        @Override
        public ContentId content() {
            return manifest.id();
        }

        @Override
        public int pieceCount() {
            return availability.length;
        }

        @Override
        public int pieceLength(int piece) {
            return manifest.piece(piece).length();
        }

        @Override
        public boolean verified(int piece) {
            return verified.test(piece);
        }

        @Override
        public int inFlight(int piece) {
            List<InFlight> f = inFlight[piece];
            return f == null ? 0 : f.size();
        }

        @Override
        public int availability(int piece) {
            return availability[piece];
        }

        @Override
        public List<PeerId> sources(int piece) {
            List<PeerId> s = sources[piece];
            return s == null ? List.of() : Collections.unmodifiableList(s);
        }

        @Override
        public int freeSlots(PeerId peer) {
            return Math.max(0, SwarmState.this.freeSlots(peer));
        }

        @Override
        public int missing() {
            int n = 0;
            for (int i = 0; i < availability.length; i++) {
                if (!verified.test(i)) {
                    n++;
                }
            }
            return n;
        }

        @Override
        public int playhead() {
            return playhead;
        }
    };
}
