package org.iceshare.scheduler.rarest.internal;

import java.util.Arrays;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

import org.iceshare.api.scheduler.PieceScheduler;
import org.iceshare.api.scheduler.RequestSink;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.swarm.SwarmView;
import org.osgi.service.component.annotations.Component;

/**
 * Rarest first: among the missing pieces that are not in flight, requests those with the lowest
 * availability first, in random order among equals, each from the first of its sources (in the
 * tracker's order) with a free slot. The playhead plays no part.
 *
 * <p><b>Endgame:</b> once no such piece is left to request, every missing piece with exactly one
 * request in flight gets at most one more, to the first other source with a free slot. The view does
 * not say which peer holds the first request; the sink refuses a second request to that peer, and
 * the scheduler moves on to the next source.
 *
 * <p><b>Cost:</b> two passes over the pieces and a counting sort by availability, so linear in
 * {@link SwarmView#pieceCount()} plus the sources looked at. The working arrays are kept per thread
 * and reused; only JDK types are held there, so a stale entry never pins this bundle's class loader.
 *
 * <p><b>Threading:</b> stateless between calls and thread-safe: one instance may serve many swarms
 * at once, each call on its swarm's executor.
 */
@Component(service = PieceScheduler.class,
        property = {PieceScheduler.NAME_PROPERTY + "=" + RarestFirstScheduler.NAME, "service.ranking:Integer=100"})
public final class RarestFirstScheduler implements PieceScheduler {

    /** The {@value PieceScheduler#NAME_PROPERTY} of this scheduler. */
    public static final String NAME = "rarest";

    /**
     * Availabilities more than this far above the rarest candidate's count as equally common. It
     * bounds the counting sort's buckets whatever the tracker reports.
     */
    static final int MAX_SPREAD = 1 << 16;

    private static final int CANDIDATES = 0;
    private static final int ORDER = 1;
    private static final int BUCKETS = 2;

    /** Null for {@link ThreadLocalRandom}; a seeded, thread-safe {@link Random} otherwise. */
    private final RandomGenerator seeded;
    private final ThreadLocal<int[][]> workspace = new ThreadLocal<>();

    /** A scheduler breaking ties with {@link ThreadLocalRandom}: fast, randomly seeded. */
    public RarestFirstScheduler() {
        this.seeded = null;
    }

    /**
     * A scheduler breaking ties with a {@link Random} derived from this seed, for reproducible tests.
     * The seed is mixed first: the first draws of {@code new Random(seed)} for neighbouring seeds are
     * nearly the same, and tests tend to count seeds up from 0.
     */
    public RarestFirstScheduler(long seed) {
        this.seeded = new Random(new SplittableRandom(seed).nextLong());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void schedule(SwarmView view, RequestSink sink) {
        int first = view.firstPiece();
        int pieces = view.pieceCount();
        int[][] work = work(Math.max(0, pieces - first));
        int[] candidates = work[CANDIDATES];
        int count = 0;
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (int piece = first; piece < pieces; piece++) {
            if (!view.verified(piece) && view.inFlight(piece) == 0 && !view.sources(piece).isEmpty()) {
                candidates[count++] = piece;
                int availability = Math.max(0, view.availability(piece));
                min = Math.min(min, availability);
                max = Math.max(max, availability);
            }
        }
        if (count > 0) {
            requestRarestFirst(view, sink, work, count, min, max);
        }
        for (int piece = first; piece < pieces; piece++) {
            if (view.inFlight(piece) == 1 && !view.verified(piece)) {
                requestFromFirstFreeSource(view, sink, piece);
            }
        }
    }

    /** Counting-sorts the candidates by availability, then walks each bucket in a lazily shuffled order. */
    private void requestRarestFirst(SwarmView view, RequestSink sink, int[][] work, int count, int min, int max) {
        int[] candidates = work[CANDIDATES];
        int[] order = work[ORDER];
        int buckets = Math.min(max - min, MAX_SPREAD) + 1;
        int[] ends = bucketBuffer(work, buckets);
        Arrays.fill(ends, 0, buckets, 0);
        for (int i = 0; i < count; i++) {
            ends[bucket(view, candidates[i], min)]++;
        }
        for (int b = 1; b < buckets; b++) {
            ends[b] += ends[b - 1];
        }
        // Fill each bucket from its end, which leaves ends[b] at the start of bucket b.
        for (int i = count - 1; i >= 0; i--) {
            order[--ends[bucket(view, candidates[i], min)]] = candidates[i];
        }
        RandomGenerator random = seeded != null ? seeded : ThreadLocalRandom.current();
        for (int b = 0; b < buckets; b++) {
            int end = b + 1 < buckets ? ends[b + 1] : count;
            for (int i = ends[b]; i < end; i++) {
                // Fisher-Yates, one step at a time: order[i] becomes a uniform pick among order[i..end).
                int j = i + 1 < end ? i + random.nextInt(end - i) : i;
                int piece = order[j];
                order[j] = order[i];
                order[i] = piece;
                requestFromFirstFreeSource(view, sink, piece);
            }
        }
    }

    private static int bucket(SwarmView view, int piece, int min) {
        return Math.min(Math.max(0, view.availability(piece)) - min, MAX_SPREAD);
    }

    /** Requests the piece from the first source, in the tracker's order, that has a free slot and accepts. */
    private static void requestFromFirstFreeSource(SwarmView view, RequestSink sink, int piece) {
        for (PeerId source : view.sources(piece)) {
            if (view.freeSlots(source) > 0 && sink.request(piece, source)) {
                return;
            }
        }
    }

    /** This thread's candidate and order arrays, grown to hold {@code pieces}. */
    private int[][] work(int pieces) {
        int[][] w = workspace.get();
        if (w == null || w[CANDIDATES].length < pieces) {
            int[] buckets = w == null ? new int[16] : w[BUCKETS];
            w = new int[][] {new int[pieces], new int[pieces], buckets};
            workspace.set(w);
        }
        return w;
    }

    private static int[] bucketBuffer(int[][] work, int buckets) {
        if (work[BUCKETS].length < buckets) {
            work[BUCKETS] = new int[buckets];
        }
        return work[BUCKETS];
    }
}
