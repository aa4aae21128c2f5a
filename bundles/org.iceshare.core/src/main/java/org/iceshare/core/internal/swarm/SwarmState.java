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
import java.util.function.IntToLongFunction;
import java.util.function.IntUnaryOperator;

import org.iceshare.api.scheduler.PieceScheduler;
import org.iceshare.api.scheduler.RequestSink;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.swarm.SwarmView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of one swarm at one peer: which pieces are verified (read through a predicate, so the
 * piece store stays the single truth), which sources the tracker assigned for each piece, how many
 * peers hold each piece, and which requests are in flight. Schedulers see it through a read-only
 * {@link SwarmView} and place requests through a {@link RequestSink} that enforces the limits.
 *
 * <p>The per-piece state lives in a window of piece indices {@code [firstPiece, end)}: for a file the
 * window is the whole content and never moves; for a live stream it {@linkplain #extend grows} as
 * pieces are announced and {@linkplain #slide slides} as old ones leave, in ring arrays of fixed
 * capacity, so memory stays bounded over hours.
 *
 * <p><b>Threading:</b> not thread-safe; confined to the swarm's serial executor.
 */
public final class SwarmState {
    private static final Logger LOG = LoggerFactory.getLogger(SwarmState.class);


    /** The piece-log name of requests the core places for a waiting player, ahead of any scheduler. */
    public static final String PLAYER = "player";

    /** A request placed with a peer and not yet answered. */
    public record InFlight(int piece, PeerId peer, long since, String scheduler) {
    }

    private final ContentId content;
    private final IntUnaryOperator lengthOf;
    private final IntPredicate verified;
    private final int slotsPerPeer;
    private final boolean live;
    private final int capacity;
    private final int[] availability;
    private final List<PeerId>[] sources;
    private final List<InFlight>[] inFlight;
    private final Map<PeerId, Integer> requestsPerPeer = new HashMap<>();
    private final Map<PeerId, Long> deliveryNanos = new HashMap<>();
    private final Set<PeerId> excluded = new HashSet<>();
    private final Map<String, Long> requestsByScheduler = new TreeMap<>();
    private IntToLongFunction deadlines = piece -> Long.MAX_VALUE;
    private DownloadBudget budget = (bytes, now) -> true;
    private boolean throttled;
    private int base;
    private int end;
    private int inFlightTotal;
    private int playhead = -1;

    /** The state of a file: the window is every piece, for good. */
    public SwarmState(Manifest manifest, IntPredicate verified, int slotsPerPeer) {
        this(manifest.id(), manifest.pieceCount(), manifest.pieceCount(), p -> manifest.piece(p).length(), verified,
                slotsPerPeer, false);
    }

    /**
     * The state of a swarm whose pieces live in a window of at most {@code capacity} indices.
     *
     * @param end one past the highest piece known now
     * @param lengthOf the length of a piece in the window
     */
    @SuppressWarnings("unchecked")
    public SwarmState(ContentId content, int capacity, int end, IntUnaryOperator lengthOf, IntPredicate verified,
            int slotsPerPeer, boolean live) {
        if (slotsPerPeer < 1) {
            throw new IllegalArgumentException("slots per peer must be >= 1");
        }
        if (capacity < 1 || end < 0 || end > capacity && !live) {
            throw new IllegalArgumentException("bad window: capacity " + capacity + ", end " + end);
        }
        this.content = content;
        this.lengthOf = lengthOf;
        this.verified = verified;
        this.slotsPerPeer = slotsPerPeer;
        this.live = live;
        this.capacity = capacity;
        this.availability = new int[capacity];
        this.sources = new List[capacity];
        this.inFlight = new List[capacity];
        this.end = end;
        this.base = Math.max(0, end - capacity);
    }

    public ContentId content() {
        return content;
    }

    public int firstPiece() {
        return base;
    }

    /** One past the highest piece in the window. */
    public int end() {
        return end;
    }

    /** True when the piece is in the window. */
    public boolean inWindow(int piece) {
        return piece >= base && piece < end;
    }

    /** How the view answers {@link SwarmView#deadlineMillis}: set by the swarm, which knows its players. */
    public void deadlines(IntToLongFunction deadlineOf) {
        this.deadlines = deadlineOf;
    }

    /**
     * Live: pieces up to {@code newEnd} (exclusive) were announced. The window grows; when it would
     * exceed its capacity its oldest pieces leave (their requests are returned, to be cancelled).
     */
    public List<InFlight> extend(int newEnd) {
        if (newEnd <= end) {
            return List.of();
        }
        List<InFlight> dropped = newEnd - base > capacity ? slide(newEnd - capacity) : List.of();
        for (int p = Math.max(end, newEnd - capacity); p < newEnd; p++) {
            clear(slot(p));
        }
        end = newEnd;
        return dropped;
    }

    /** Live: pieces below {@code newBase} leave the window; their requests are returned, to be cancelled. */
    public List<InFlight> slide(int newBase) {
        if (newBase <= base) {
            return List.of();
        }
        List<InFlight> dropped = new ArrayList<>();
        for (int p = base; p < Math.min(newBase, end); p++) {
            int s = slot(p);
            if (inFlight[s] != null) {
                for (InFlight r : inFlight[s]) {
                    release(r.peer());
                    dropped.add(r);
                }
            }
            clear(s);
        }
        base = newBase;
        end = Math.max(end, base);
        if (playhead >= 0 && playhead < base) {
            playhead = base;
        }
        return dropped;
    }

    /**
     * Live: the window reaches back to {@code newBase} again (a player starts that far behind the live
     * edge). The indices below the old base are free ring slots as long as the window stays within its
     * capacity; false (nothing changes) when it would not.
     */
    public boolean rewind(int newBase) {
        if (newBase >= base) {
            return true;
        }
        if (!live || newBase < 0 || end - newBase > capacity) {
            return false;
        }
        for (int p = newBase; p < base; p++) {
            clear(slot(p));
        }
        base = newBase;
        return true;
    }

    private void clear(int s) {
        availability[s] = 0;
        sources[s] = null;
        inFlight[s] = null;
    }

    private int slot(int piece) {
        return piece % capacity;
    }

    /** Adds an assigned source for a piece (ignored for excluded peers and verified pieces). */
    public void assign(int piece, PeerId source, int avail) {
        checkPiece(piece);
        int slot = slot(piece);
        availability[slot] = avail;
        if (excluded.contains(source) || verified.test(piece)) {
            return;
        }
        List<PeerId> s = sources[slot];
        if (s == null) {
            s = new ArrayList<>(2);
            sources[slot] = s;
        }
        if (!s.contains(source)) {
            s.add(source);
        }
    }

    /** Removes one source of one piece (it refused or failed). */
    public void dropSource(int piece, PeerId source) {
        checkPiece(piece);
        List<PeerId> s = sources[slot(piece)];
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
        for (int i = 0; i < capacity; i++) {
            if (sources[i] != null) {
                sources[i].remove(peer);
            }
        }
        return requeue(peer);
    }

    /**
     * A connection to a peer closed with nothing wrong (either side had no use for it for a while): drops the
     * requests in flight to it, returned so they can be asked again, and keeps it as the source of every piece
     * it was assigned for. {@link #revoke} would forget those assignments, and with nothing reported the
     * tracker would hold them until its assignment timeout (60 s and more of a stalled download).
     */
    public List<InFlight> requeue(PeerId peer) {
        List<InFlight> dropped = new ArrayList<>();
        for (int i = 0; i < capacity; i++) {
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
        int slot = slot(piece);
        List<InFlight> f = inFlight[slot];
        if (f == null || f.isEmpty()) {
            return List.of();
        }
        List<InFlight> all = new ArrayList<>(f);
        f.clear();
        for (InFlight r : all) {
            release(r.peer());
        }
        if (verified.test(piece)) {
            sources[slot] = null;
        }
        return all;
    }

    /** One request failed (refused, timed out, connection lost); returns it, or null if unknown. */
    public InFlight fail(int piece, PeerId peer) {
        checkPiece(piece);
        InFlight r = find(piece, peer);
        if (r != null) {
            inFlight[slot(piece)].remove(r);
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
        this.playhead = piece < 0 ? -1 : Math.max(base, live ? piece : Math.min(piece, end - 1));
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
        throttled = false;
        RequestSink sink = (piece, source) -> {
            if (!inWindow(piece) || source == null || verified.test(piece)) {
                return false;
            }
            int slot = slot(piece);
            List<PeerId> s = sources[slot];
            if (s == null || !s.contains(source) || freeSlots(source) <= 0 || find(piece, source) != null) {
                return false;
            }
            if (throttled || !budget.take(lengthOf.applyAsInt(piece), now)) {
                throttled = true;
                return false;
            }
            InFlight r = new InFlight(piece, source, now, name);
            List<InFlight> f = inFlight[slot];
            if (f == null) {
                f = new ArrayList<>(2);
                inFlight[slot] = f;
            }
            f.add(r);
            requestsPerPeer.merge(source, 1, Integer::sum);
            inFlightTotal++;
            requestsByScheduler.merge(name, 1L, Long::sum);
            placed.add(r);
            return true;
        };
        try {
            scheduler.schedule(view, sink);
        } catch (RuntimeException e) {
            // what it placed before failing stands (the state counts it as in flight): the caller sends it
            LOG.error("scheduler {} failed on {} after placing {} request(s); those go out, the rest waits for the"
                    + " next round", name, content.shortHex(), placed.size(), e);
        }
        return placed;
    }

    /**
     * Sets what paces new requests: each takes its piece's length from the budget, and none is placed
     * while it refuses (a download rate cap).
     */
    public void budget(DownloadBudget budget) {
        this.budget = budget;
    }

    /** True when the last scheduling round stopped early because the download budget was spent. */
    public boolean throttled() {
        return throttled;
    }

    /** Paces requests: a download rate cap. Called on the swarm's thread. */
    @FunctionalInterface
    public interface DownloadBudget {
        /** Takes {@code bytes} at {@code nowNanos}, or returns false when none may be requested now. */
        boolean take(int bytes, long nowNanos);
    }

    /**
     * Places a request for a piece a player is waiting for, ahead of the scheduler: from the first
     * assigned source with a free slot, under the same rules as the sink. Returns the request, or null
     * when the piece is verified, already in flight, or has no source with a free slot.
     */
    public InFlight requestUrgent(int piece, long now) {
        checkPiece(piece);
        int slot = slot(piece);
        if (verified.test(piece) || inFlight[slot] != null && !inFlight[slot].isEmpty()) {
            return null;
        }
        List<PeerId> s = sources[slot];
        if (s == null) {
            return null;
        }
        for (PeerId source : s) {
            if (freeSlots(source) > 0) {
                if (!budget.take(lengthOf.applyAsInt(piece), now)) {
                    throttled = true;
                    return null;
                }
                InFlight r = new InFlight(piece, source, now, PLAYER);
                List<InFlight> f = inFlight[slot];
                if (f == null) {
                    f = new ArrayList<>(2);
                    inFlight[slot] = f;
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
        List<PeerId> s = sources[slot(piece)];
        return s != null && !s.isEmpty();
    }

    /** Requests in flight to {@code peer}. */
    public int requestsTo(PeerId peer) {
        return requestsPerPeer.getOrDefault(peer, 0);
    }

    private int freeSlots(PeerId peer) {
        return slotsPerPeer - requestsPerPeer.getOrDefault(peer, 0);
    }

    private void release(PeerId peer) {
        inFlightTotal--;
        requestsPerPeer.computeIfPresent(peer, (p, n) -> n > 1 ? n - 1 : null);
    }

    private InFlight find(int piece, PeerId peer) {
        List<InFlight> f = inFlight[slot(piece)];
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
        if (!inWindow(piece)) {
            throw new IndexOutOfBoundsException("piece " + piece + " outside the window " + base + ".." + (end - 1));
        }
    }

    /** A piece arrived from {@code peer}: feeds the peer's delivery-time estimate. */
    public void delivered(InFlight request, long now) {
        long took = Math.max(0, now - request.since());
        deliveryNanos.merge(request.peer(), took, (old, v) -> (old * 3 + v) / 4);
    }

    private final SwarmView view = new SwarmView() {
        @Override
        public ContentId content() {
            return content;
        }

        @Override
        public int pieceCount() {
            return end;
        }

        @Override
        public int firstPiece() {
            return base;
        }

        @Override
        public boolean live() {
            return live;
        }

        @Override
        public int pieceLength(int piece) {
            return inWindow(piece) ? lengthOf.applyAsInt(piece) : 0;
        }

        @Override
        public boolean verified(int piece) {
            return !inWindow(piece) || verified.test(piece);
        }

        @Override
        public int inFlight(int piece) {
            if (!inWindow(piece)) {
                return 0;
            }
            List<InFlight> f = inFlight[slot(piece)];
            return f == null ? 0 : f.size();
        }

        @Override
        public List<PeerId> requestedFrom(int piece) {
            if (!inWindow(piece)) {
                return List.of();
            }
            List<InFlight> f = inFlight[slot(piece)];
            if (f == null || f.isEmpty()) {
                return List.of();
            }
            if (f.size() == 1) {
                return List.of(f.get(0).peer());
            }
            List<PeerId> out = new ArrayList<>(f.size());
            for (InFlight r : f) {
                out.add(r.peer());
            }
            return out;
        }

        @Override
        public int availability(int piece) {
            return inWindow(piece) ? availability[slot(piece)] : 0;
        }

        @Override
        public List<PeerId> sources(int piece) {
            if (!inWindow(piece)) {
                return List.of();
            }
            List<PeerId> s = sources[slot(piece)];
            return s == null ? List.of() : Collections.unmodifiableList(s);
        }

        @Override
        public int freeSlots(PeerId peer) {
            return Math.max(0, SwarmState.this.freeSlots(peer));
        }

        @Override
        public int missing() {
            int n = 0;
            for (int i = base; i < end; i++) {
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

        @Override
        public long deadlineMillis(int piece) {
            return inWindow(piece) ? deadlines.applyAsLong(piece) : Long.MAX_VALUE;
        }

        @Override
        public long expectedMillis(PeerId peer) {
            long per = deliveryNanos.getOrDefault(peer, 0L);
            return (per * (requestsPerPeer.getOrDefault(peer, 0) + 1)) / 1_000_000;
        }
    };
}
