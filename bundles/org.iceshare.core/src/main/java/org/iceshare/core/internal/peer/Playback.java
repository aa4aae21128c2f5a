package org.iceshare.core.internal.peer;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.PieceInfo;
import java.util.function.IntPredicate;

import org.iceshare.core.internal.storage.Pieces;

/**
 * The playback clock of a peer that plays a content as it arrives (a live stream, or a file streamed
 * from its start), and the figures it yields.
 *
 * <p>Playback starts at the start point the tracker handed over at join, as soon as that piece (and
 * its link's headers) is here: that moment anchors the clock, and the time from joining to it is the
 * startup time (the first decodable byte). A player then keeps a playout buffer of
 * {@value #BUFFER_MICROS} µs, so piece {@code p} plays, and must be here by, its deadline
 * {@code anchor + buffer + (start(p) - start(anchor piece))}. The continuity index is
 * the share of pieces here by their deadline. End-to-end latency is the time from the source cutting
 * a piece to it being verified here. After the source was off air, the clock re-anchors at the next
 * start point (a player rebuffers; the gap is not counted).
 *
 * <p><b>Threading:</b> the swarm's executor only.
 */
final class Playback {
    /** The playout buffer: a piece is on time when it is here this long before it plays. */
    static final long BUFFER_MICROS = 1_000_000;
    private static final int LATENCY_SAMPLES = 1024;
    private final Pieces window;
    private final IntPredicate headersHere;
    private final long joinedNanos;
    private final Map<Integer, Long> arrivedAt = new HashMap<>();
    private final long[] latencies = new long[LATENCY_SAMPLES];
    private int latencyCount;
    private int startPiece = -1;
    /** Live: the start point of the last skip ahead, or -1: nothing below it is fetched or played. */
    private int skippedTo = -1;
    private long skips;
    private boolean anchored;
    private long anchorNanos;
    private long anchorMicros;
    private int nextToCount = -1;
    private long due;
    private long late;
    private long startupMillis = -1;

    private long startPieceMicros = -1;
    private long bufferNeededMillis = -1;

    /**
     * @param pieces where the pieces and their times are
     * @param headersHere whether a chain link's header pages are here
     */
    Playback(Pieces pieces, IntPredicate headersHere, long joinedNanos) {
        this.window = pieces;
        this.headersHere = headersHere;
        this.joinedNanos = joinedNanos;
    }

    /** Playback will start at this start point. */
    void start(int piece) {
        startPiece = piece;
        nextToCount = piece;
        anchored = false;
    }

    int startPiece() {
        return startPiece;
    }

    /** The first piece playback still wants: the start point, or where it last skipped to. */
    int floor() {
        return Math.max(startPiece, skippedTo);
    }

    /**
     * The catch-up rule: when the first piece from {@code from} on that is not here lies more than
     * {@code maxLagMicros} (media time) behind the newest announced piece, the newest announced start
     * point whose chain link's headers are here (where a late joiner would start); otherwise -1.
     *
     * @param from the first piece the peer still fetches
     * @param end one past the newest announced piece
     */
    static int catchUpTarget(Pieces window, int from, int end, IntPredicate headersHere, long maxLagMicros) {
        if (maxLagMicros <= 0 || from < 0) {
            return -1;
        }
        int needed = from;
        while (needed < end && window.has(needed)) {
            needed++;
        }
        if (needed >= end) {
            return -1;
        }
        long newestMicros = -1;
        int target = -1;
        for (int p = end - 1; p > needed; p--) {
            PieceInfo info = window.info(p);
            if (info == null || info.startMicros() < 0) {
                continue;
            }
            newestMicros = Math.max(newestMicros, info.startMicros());
            if (info.startPoint() && headersHere.test(info.link())) {
                target = p;
                break;
            }
        }
        PieceInfo need = window.info(needed);
        if (target < 0 || need == null || need.startMicros() < 0 || newestMicros - need.startMicros() <= maxLagMicros) {
            return -1;
        }
        return target;
    }

    /**
     * Playback skips ahead to the start point {@code target}: every piece not yet counted before it is
     * counted as due and late (skipped media was not played: the continuity must not hide it), and the
     * clock re-anchors at the target (now if it is here, else when it arrives), as a player that
     * rebuffers at a new position does.
     */
    void skipTo(int target, long nowNanos) {
        if (target <= floor()) {
            return;
        }
        skips++;
        skippedTo = target;
        if (nextToCount <= target) {
            for (int p = Math.max(nextToCount, 0); p < target; p++) {
                PieceInfo info = window.info(p);
                if (info == null || info.startMicros() >= 0) {
                    due++;
                    late++;
                }
            }
            nextToCount = target;
        }
        arrivedAt.keySet().removeIf(p -> p < target);
        if (nextToCount > target) {
            return; // the clock already plays past the target: only what is fetched moves
        }
        anchored = false;
        PieceInfo at = window.info(target);
        if (at != null && window.has(target) && at.startMicros() >= 0 && headersHere.test(at.link())) {
            anchor(at, nowNanos);
        }
    }

    long skips() {
        return skips;
    }

    /** The source came back on air: re-anchor at the next start point that arrives. */
    void rebuffer() {
        anchored = false;
    }

    /** A piece was verified here. */
    void arrived(int piece, long nowNanos, long cutMillis) {
        if (cutMillis > 0) {
            latencies[latencyCount++ % LATENCY_SAMPLES] = Math.max(0, System.currentTimeMillis() - cutMillis);
        }
        if (startPiece < 0) {
            return;
        }
        if (piece < nextToCount) {
            // a header piece after the start piece: playback can begin now
            if (!anchored && startupMillis < 0 && arrivedAt.containsKey(startPiece)) {
                PieceInfo start = window.info(startPiece);
                if (start != null && start.startPoint() && start.startMicros() >= 0
                        && headersHere.test(start.link())) {
                    anchor(start, nowNanos);
                }
            }
            return;
        }
        arrivedAt.put(piece, nowNanos);
        PieceInfo arrived = window.info(piece);
        if (arrived != null && arrived.startMicros() >= 0) {
            if (startPieceMicros < 0 && window.info(startPiece) != null) {
                startPieceMicros = window.info(startPiece).startMicros();
            }
            if (startPieceMicros >= 0) {
                long need = (nowNanos - joinedNanos) / 1_000_000 - (arrived.startMicros() - startPieceMicros) / 1000;
                bufferNeededMillis = Math.max(bufferNeededMillis, need);
            }
        }
        if (!anchored) {
            PieceInfo info = window.info(piece);
            boolean first = startupMillis < 0;
            if (info != null && info.startPoint() && info.startMicros() >= 0 && (first ? piece == startPiece : true)
                    && headersHere.test(info.link())) {
                anchor(info, nowNanos);
                if (!first) {
                    arrivedAt.keySet().removeIf(p -> p < piece);
                    nextToCount = piece;
                }
            }
        }
    }

    /** Playback (re)starts now at a start point; the first time, that is the startup time. */
    private void anchor(PieceInfo at, long nowNanos) {
        anchored = true;
        anchorNanos = nowNanos;
        anchorMicros = at.startMicros();
        if (startupMillis < 0) {
            startupMillis = (nowNanos - joinedNanos) / 1_000_000;
        }
    }

    /** Whether playback started (the clock is anchored at a start point). */
    boolean started() {
        return anchored;
    }

    /** Whether playback ever started (it may be waiting again, for the start point it skipped to). */
    boolean played() {
        return startupMillis >= 0;
    }

    /** The next piece to play: the first whose deadline has not passed (the start piece before playing). */
    int playing() {
        return nextToCount;
    }

    /** Milliseconds until the piece is needed (for the deadline scheduler). */
    long deadlineMillis(int piece, long nowNanos) {
        if (startPiece < 0 || piece < floor()) {
            return Long.MAX_VALUE;
        }
        if (!anchored) {
            // not playing yet: a piece is needed its media time after the one playback starts from
            int from = Math.max(floor(), nextToCount);
            PieceInfo info = window.info(piece);
            PieceInfo start = window.info(from);
            if (info != null && start != null && info.startMicros() >= 0 && start.startMicros() >= 0) {
                return Math.max(0, info.startMicros() - start.startMicros()) / 1000;
            }
            return (piece - from) * 100L;
        }
        PieceInfo info = window.info(piece);
        if (info == null || info.startMicros() < 0) {
            return Long.MAX_VALUE;
        }
        return (deadlineNanos(info) - nowNanos) / 1_000_000;
    }

    private long deadlineNanos(PieceInfo info) {
        return anchorNanos + (info.startMicros() - anchorMicros + BUFFER_MICROS) * 1000;
    }

    /** Counts every piece below {@code end} whose deadline has passed. */
    void count(long nowNanos, int end) {
        if (!anchored) {
            return;
        }
        while (nextToCount < end) {
            PieceInfo info = window.info(nextToCount);
            if (info == null) {
                // gone from the window before it arrived (or never announced to us): missed
                due++;
                Long at = arrivedAt.remove(nextToCount);
                if (at == null) {
                    late++;
                }
                nextToCount++;
                continue;
            }
            if (info.startMicros() < 0) {
                arrivedAt.remove(nextToCount);
                nextToCount++;
                continue;
            }
            long deadline = deadlineNanos(info);
            if (deadline > nowNanos) {
                return;
            }
            due++;
            Long at = arrivedAt.remove(nextToCount);
            if (at == null || at > deadline) {
                late++;
            }
            nextToCount++;
        }
    }

    SwarmStatus.Quality quality(boolean onAir) {
        double continuity = due == 0 ? 1.0 : 1.0 - (double) late / due;
        int n = Math.min(latencyCount, LATENCY_SAMPLES);
        long p50 = -1;
        long p95 = -1;
        if (n > 0) {
            long[] sorted = Arrays.copyOf(latencies, n);
            Arrays.sort(sorted);
            p50 = sorted[(n - 1) / 2];
            p95 = sorted[(int) Math.ceil(0.95 * n) - 1];
        }
        return new SwarmStatus.Quality(continuity, due, late, startupMillis, p50, p95, onAir, bufferNeededMillis,
                skips);
    }
}
