package org.iceshare.scheduler.deadline.internal;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

import org.iceshare.api.scheduler.PieceScheduler;
import org.iceshare.api.scheduler.RequestSink;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.swarm.SwarmView;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deadline scheduling for playing while fetching, files and live streams alike, after libtorrent's
 * streaming mode: a critical window of pieces the player needs soon is fetched first, each from the
 * source expected to deliver soonest, and the leftover capacity goes rarest first.
 *
 * <h2>Policy</h2>
 * Only the window {@code [view.firstPiece(), view.pieceCount())} is looked at. Each call:
 * <ol>
 * <li><b>Critical pieces, nearest deadline first.</b> A missing piece is critical when its
 * {@link SwarmView#deadlineMillis deadline} is within {@code horizonMillis} (late pieces included), or,
 * when its deadline is unknown ({@link Long#MAX_VALUE}), when it is among the {@code criticalPieces}
 * pieces from the {@link SwarmView#playhead() playhead} on. Critical pieces are taken in order of
 * deadline (unknown last), then index. One that is not in flight is requested from the source with a
 * free slot that has the lowest {@link SwarmView#expectedMillis expected delivery time}; ties go to the
 * tracker's order. As the view counts the requests queued with a peer into its expected time, successive
 * critical pieces spread over the fast peers instead of piling onto one.</li>
 * <li><b>One rescue duplicate.</b> A critical piece with a known deadline and exactly one request in
 * flight gets a second request when that request is to a slow peer (its expected delivery time is later
 * than the deadline) and a source with a free slot is expected sooner than it. Only pieces with one
 * request qualify, so a piece never has more than one extra request from this rule. The view says which
 * peer holds the request ({@link SwarmView#requestedFrom}), whoever placed it: this scheduler, another one
 * before a swap, or the core for a waiting player.</li>
 * <li><b>Rarest first with the rest.</b> The non-critical pieces that are not in flight are requested in
 * rising availability, in random order among equals, each from the first source in the tracker's order
 * with a free slot, exactly as the {@code rarest} scheduler does.</li>
 * <li><b>Endgame, files only.</b> When every piece that could be asked for fresh was asked for in this
 * call, every missing piece with exactly one request in flight gets at most one more, to the first other
 * source with a free slot, as {@code rarest} does. A live stream has no endgame: at its live edge every
 * piece is always in flight, so an endgame would ask for every new piece twice, doubling the load on the
 * source; late live pieces get the rescue duplicate instead.</li>
 * </ol>
 * Without a playhead and without deadlines no piece is critical, and for a file the scheduler asks what
 * {@code rarest} asks, in the same order (with the same random tie-break given the same seed), except
 * that it holds back {@code rarest}'s duplicates while some fresh piece found no free source.
 *
 * <h2>Cost</h2>
 * With {@code W} the pieces in the window, {@code C} the critical pieces among them and {@code S} =
 * {@value #MAX_SOURCES} the most sources looked at per piece, one call takes
 * <ul>
 * <li>one pass over the window, {@code O(W)}, that reads each piece's state once and sorts it into the
 * critical list or the rarest-first candidates;</li>
 * <li>{@code O(C log C)} to order the critical pieces (a primitive sort of packed deadline and index;
 * {@code C} is what falls within the horizon, a handful of pieces in practice), and {@code O(C * S)} to
 * choose their sources;</li>
 * <li>a counting sort of the candidates by availability, {@code O(W + A)} with {@code A} the spread of
 * availabilities (capped at {@value #MAX_SPREAD}), and {@code O(S)} per request placed;</li>
 * <li>for a file in its endgame, one more pass, {@code O(W * S)} at most.</li>
 * </ul>
 * That is {@code O(W * S + C log C + A)}, whatever the number of peers: no step looks at more than the
 * first {@value #MAX_SOURCES} sources of a piece, the tracker's best. A source further down a longer list
 * is not considered for that piece (it serves the pieces whose lists it leads); the tracker assigns a few
 * sources per piece, so the cap rarely bites. A call allocates its working arrays, a few ints per piece of
 * the window, and drops them when it returns.
 *
 * <h2>State</h2>
 * None between calls: the core owns every piece of swarm state, including who holds each request, so the
 * scheduler is a function of the view and a swap to or from it loses nothing.
 *
 * <h2>Configuration</h2>
 * PID {@value #PID}, optional: {@code horizonMillis} (default {@value #DEFAULT_HORIZON_MILLIS}) and
 * {@code criticalPieces} (default {@value #DEFAULT_CRITICAL_PIECES}). An invalid value is logged and the
 * previous one kept. A change applies from the next call; a call already running finishes with the values
 * it started with.
 *
 * <p><b>Threading:</b> thread-safe. One instance serves many swarms, one call at a time per swarm
 * (calls for one swarm may come from different threads of its serial executor) and possibly concurrently
 * for different swarms. It never blocks.
 */
@Component(service = PieceScheduler.class, configurationPid = DeadlineScheduler.PID,
        property = {PieceScheduler.NAME_PROPERTY + "=" + DeadlineScheduler.NAME, "service.ranking:Integer=75"})
@Designate(ocd = DeadlineScheduler.Config.class)
public final class DeadlineScheduler implements PieceScheduler {

    /** The {@value PieceScheduler#NAME_PROPERTY} of this scheduler. */
    public static final String NAME = "deadline";

    /** The configuration PID. */
    public static final String PID = "org.iceshare.scheduler.deadline";

    /** Default {@code horizonMillis}: pieces due within 3 s are critical. */
    public static final long DEFAULT_HORIZON_MILLIS = 3000;

    /** Default {@code criticalPieces}: without deadlines, the 4 pieces from the playhead on are critical. */
    public static final int DEFAULT_CRITICAL_PIECES = 4;

    /** The largest {@code horizonMillis} accepted: one hour. */
    public static final long MAX_HORIZON_MILLIS = 3_600_000;

    /** The largest {@code criticalPieces} accepted. */
    public static final int MAX_CRITICAL_PIECES = 65_536;

    /** The most sources of one piece looked at, in the tracker's order (best first). */
    static final int MAX_SOURCES = 16;

    /**
     * Availabilities more than this far above the rarest candidate's count as equally common. It bounds
     * the counting sort's buckets whatever the tracker reports.
     */
    static final int MAX_SPREAD = 1 << 16;

    private static final Logger LOG = LoggerFactory.getLogger(DeadlineScheduler.class);

    @ObjectClassDefinition(id = PID, name = "IceShare deadline scheduler",
            description = "How the deadline piece scheduler picks the critical window ahead of a player: the "
                    + "pieces fetched first, by nearest deadline, from the peers expected to deliver soonest. "
                    + "The rest of the capacity goes rarest first. Select the scheduler with "
                    + "'config:property-set -p org.iceshare.scheduler name deadline'.")
    public @interface Config {
        @AttributeDefinition(name = "Horizon",
                description = "Milliseconds ahead: a missing piece that the player needs within this time (or "
                        + "that is already late) is critical. 0 to 3600000; default 3000. A change applies from "
                        + "the next scheduling round. An invalid value is logged and ignored.",
                min = "0", max = "3600000")
        long horizonMillis() default DEFAULT_HORIZON_MILLIS;

        @AttributeDefinition(name = "Critical pieces",
                description = "When the player's deadlines are unknown: how many pieces from the playhead on are "
                        + "critical. 0 to 65536 (0: none); default 4. An invalid value is logged and ignored.",
                min = "0", max = "65536")
        int criticalPieces() default DEFAULT_CRITICAL_PIECES;
    }

    /** The configuration in effect; replaced whole, so a call reads one consistent pair. */
    record Settings(long horizonMillis, int criticalPieces) {
    }

    // Indices into the per-thread working arrays.
    private static final int CANDIDATES = 0;
    private static final int ORDER = 1;
    private static final int AVAILABILITY = 2;
    private static final int BUCKETS = 3;
    private static final int SOURCE_INDEX = 4;
    private static final int CRITICAL = 0;
    private static final int EXPECTED = 1;

    /** Null for {@link ThreadLocalRandom}; a seeded, thread-safe {@link Random} otherwise. */
    private final RandomGenerator seeded;
    private volatile Settings settings = new Settings(DEFAULT_HORIZON_MILLIS, DEFAULT_CRITICAL_PIECES);

    /** The DS constructor: the configuration of {@value #PID}, defaults when there is none. */
    @Activate
    public DeadlineScheduler(Config config) {
        this.seeded = null;
        configure(config);
    }

    /** A scheduler with the default configuration, breaking ties with {@link ThreadLocalRandom}. */
    public DeadlineScheduler() {
        this.seeded = null;
    }

    /**
     * A scheduler with the default configuration, breaking ties with a {@link Random} derived from this
     * seed, for reproducible tests. The seed is mixed as {@code rarest} mixes it, so both schedulers
     * make the same draws for the same seed.
     */
    public DeadlineScheduler(long seed) {
        this.seeded = new Random(new SplittableRandom(seed).nextLong());
    }

    /**
     * Applies a configuration: takes each value that is valid, logs each that is not and keeps the one
     * in effect for it.
     */
    @Modified
    void configure(Config config) {
        Settings current = settings;
        long horizon = current.horizonMillis();
        int critical = current.criticalPieces();
        try {
            long value = config.horizonMillis();
            if (value < 0 || value > MAX_HORIZON_MILLIS) {
                LOG.error("Configuration {}: horizonMillis {} is outside 0..{}; keeping {} ms", PID, value,
                        MAX_HORIZON_MILLIS, horizon);
            } else {
                horizon = value;
            }
        } catch (RuntimeException e) {
            // SCR throws from the accessor when the configured value cannot be converted
            LOG.error("Configuration {}: horizonMillis is not a whole number ({}); keeping {} ms", PID,
                    e.getMessage(), horizon);
        }
        try {
            int value = config.criticalPieces();
            if (value < 0 || value > MAX_CRITICAL_PIECES) {
                LOG.error("Configuration {}: criticalPieces {} is outside 0..{}; keeping {}", PID, value,
                        MAX_CRITICAL_PIECES, critical);
            } else {
                critical = value;
            }
        } catch (RuntimeException e) {
            LOG.error("Configuration {}: criticalPieces is not a whole number ({}); keeping {}", PID,
                    e.getMessage(), critical);
        }
        settings = new Settings(horizon, critical);
        LOG.info("Deadline scheduler: horizon {} ms, {} critical pieces when deadlines are unknown", horizon,
                critical);
    }

    /** The configuration in effect. */
    Settings settings() {
        return settings;
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Places the requests for one swarm: critical pieces by nearest deadline from the soonest source,
     * rescue duplicates, rarest first, endgame. See the class description for the policy and the cost.
     *
     * <p><b>Threading:</b> on the swarm's executor; never blocks; thread-safe across swarms.
     */
    @Override
    public void schedule(SwarmView view, RequestSink sink) {
        int first = Math.max(0, view.firstPiece());
        int end = view.pieceCount();
        if (end <= first) {
            return;
        }
        Settings config = settings;
        long horizon = config.horizonMillis();
        int playhead = view.playhead();
        int nearStart = 0;
        int nearEnd = 0;
        if (playhead >= 0 && config.criticalPieces() > 0) {
            nearStart = Math.max(playhead, first);
            nearEnd = (int) Math.min(end, (long) playhead + config.criticalPieces());
        }
        int window = end - first;
        int[][] work = {new int[window], new int[window], new int[window], null, new int[MAX_SOURCES]};
        long[][] keys = {new long[window], new long[MAX_SOURCES]};
        int[] candidates = work[CANDIDATES];
        int[] availability = work[AVAILABILITY];
        long[] critical = keys[CRITICAL];

        int criticalCount = 0;
        int count = 0;
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (int piece = first; piece < end; piece++) {
            if (view.verified(piece)) {
                continue;
            }
            int inFlight = view.inFlight(piece);
            if (inFlight > 1) {
                continue;
            }
            long deadline = view.deadlineMillis(piece);
            boolean known = deadline != Long.MAX_VALUE;
            if (known ? deadline <= horizon : piece >= nearStart && piece < nearEnd) {
                if ((inFlight == 0 || known) && !view.sources(piece).isEmpty()) {
                    critical[criticalCount++] = key(deadline, piece);
                }
            } else if (inFlight == 0 && !view.sources(piece).isEmpty()) {
                int a = Math.max(0, view.availability(piece));
                candidates[count] = piece;
                availability[count] = a;
                count++;
                min = Math.min(min, a);
                max = Math.max(max, a);
            }
        }

        boolean allPlaced = true;
        if (criticalCount > 0) {
            Arrays.sort(critical, 0, criticalCount);
            for (int i = 0; i < criticalCount; i++) {
                int piece = (int) critical[i];
                int deadline = (int) (critical[i] >> 32);
                if (view.inFlight(piece) == 0) {
                    allPlaced &= requestFromSoonestSource(view, sink, piece, work, keys);
                } else if (deadline != Integer.MAX_VALUE) {
                    rescue(view, sink, piece, deadline, work, keys);
                }
            }
        }
        if (count > 0) {
            allPlaced &= requestRarestFirst(view, sink, work, count, min, max);
        }
        if (allPlaced && !view.live()) {
            for (int piece = first; piece < end; piece++) {
                if (view.inFlight(piece) == 1 && !view.verified(piece)) {
                    requestFromFirstFreeSource(view, sink, piece);
                }
            }
        }
    }

    /**
     * A critical piece's sort key: its deadline (clamped to an int; unknown sorts last) in the high half,
     * its index in the low half.
     */
    private static long key(long deadline, int piece) {
        int high = deadline == Long.MAX_VALUE ? Integer.MAX_VALUE : (int) Math.max(Integer.MIN_VALUE, deadline);
        return ((long) high << 32) | piece;
    }

    /**
     * Requests a piece not in flight from the source with a free slot expected to deliver soonest (ties in
     * the tracker's order); if the sink refuses it, from the next soonest. {@code O(S)} view calls.
     *
     * @return true when a request was placed
     */
    private static boolean requestFromSoonestSource(SwarmView view, RequestSink sink, int piece, int[][] work,
            long[][] keys) {
        List<PeerId> sources = view.sources(piece);
        int[] index = work[SOURCE_INDEX];
        long[] expected = keys[EXPECTED];
        int n = Math.min(sources.size(), MAX_SOURCES);
        int k = 0;
        for (int i = 0; i < n; i++) {
            PeerId source = sources.get(i);
            if (view.freeSlots(source) > 0) {
                index[k] = i;
                expected[k] = view.expectedMillis(source);
                k++;
            }
        }
        while (k > 0) {
            int best = 0;
            for (int j = 1; j < k; j++) {
                if (expected[j] < expected[best]) {
                    best = j;
                }
            }
            PeerId source = sources.get(index[best]);
            if (sink.request(piece, source)) {
                return true;
            }
            k--;
            System.arraycopy(index, best + 1, index, best, k - best);
            System.arraycopy(expected, best + 1, expected, best, k - best);
        }
        return false;
    }

    /**
     * The rescue rule for a critical piece with one request in flight: one duplicate to a source with a
     * free slot that is expected sooner than the peer holding the request, when that peer is expected
     * later than the deadline. {@code O(S)} view calls.
     */
    private static void rescue(SwarmView view, RequestSink sink, int piece, long deadline, int[][] work,
            long[][] keys) {
        List<PeerId> holders = view.requestedFrom(piece);
        if (holders.size() != 1) {
            return;
        }
        PeerId holder = holders.get(0);
        long holderExpected = view.expectedMillis(holder);
        if (holderExpected <= deadline) {
            return;
        }
        List<PeerId> sources = view.sources(piece);
        int n = Math.min(sources.size(), MAX_SOURCES);
        PeerId target = null;
        long targetExpected = Long.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            PeerId source = sources.get(i);
            if (source.equals(holder) || view.freeSlots(source) <= 0) {
                continue;
            }
            long expected = view.expectedMillis(source);
            if (target == null || expected < targetExpected) {
                target = source;
                targetExpected = expected;
            }
        }
        if (target != null && targetExpected < holderExpected) {
            sink.request(piece, target);
        }
    }

    /**
     * Counting-sorts the candidates by availability, then walks each bucket in a lazily shuffled order,
     * exactly as {@code rarest} does (same draws for the same seed).
     *
     * @return true when every candidate was asked for
     */
    private boolean requestRarestFirst(SwarmView view, RequestSink sink, int[][] work, int count, int min,
            int max) {
        int[] candidates = work[CANDIDATES];
        int[] availability = work[AVAILABILITY];
        int[] order = work[ORDER];
        int buckets = Math.min(max - min, MAX_SPREAD) + 1;
        int[] ends = new int[buckets];
        for (int i = 0; i < count; i++) {
            ends[bucket(availability[i], min)]++;
        }
        for (int b = 1; b < buckets; b++) {
            ends[b] += ends[b - 1];
        }
        // Fill each bucket from its end, which leaves ends[b] at the start of bucket b.
        for (int i = count - 1; i >= 0; i--) {
            order[--ends[bucket(availability[i], min)]] = candidates[i];
        }
        RandomGenerator random = seeded != null ? seeded : ThreadLocalRandom.current();
        boolean allPlaced = true;
        for (int b = 0; b < buckets; b++) {
            int end = b + 1 < buckets ? ends[b + 1] : count;
            for (int i = ends[b]; i < end; i++) {
                // Fisher-Yates, one step at a time: order[i] becomes a uniform pick among order[i..end).
                int j = i + 1 < end ? i + random.nextInt(end - i) : i;
                int piece = order[j];
                order[j] = order[i];
                order[i] = piece;
                allPlaced &= requestFromFirstFreeSource(view, sink, piece);
            }
        }
        return allPlaced;
    }

    private static int bucket(int availability, int min) {
        return Math.min(availability - min, MAX_SPREAD);
    }

    /**
     * Requests the piece from the first of its first {@value #MAX_SOURCES} sources, in the tracker's order,
     * that has a free slot and accepts.
     *
     * @return true when a request was placed
     */
    private static boolean requestFromFirstFreeSource(SwarmView view, RequestSink sink, int piece) {
        List<PeerId> sources = view.sources(piece);
        int n = Math.min(sources.size(), MAX_SOURCES);
        for (int i = 0; i < n; i++) {
            PeerId source = sources.get(i);
            if (view.freeSlots(source) > 0 && sink.request(piece, source)) {
                return true;
            }
        }
        return false;
    }
}
