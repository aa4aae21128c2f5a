package com.example.scheduler.window.internal;

import java.util.Arrays;

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
 * Window: rarest first inside a window of pieces ahead of the player, the rest in order.
 *
 * <h2>Policy</h2>
 * Each call looks at the pieces {@code [view.firstPiece(), view.pieceCount())}:
 * <ol>
 * <li><b>The window.</b> It starts at the first missing piece at or after the
 * {@link SwarmView#playhead() playhead} (after the first piece when nobody plays); when every piece from
 * there to the end is verified, at the first missing piece before it. It spans {@code size} pieces, or
 * fewer at the end.</li>
 * <li><b>Rarest first inside the window.</b> Its missing pieces that are not in flight are requested in
 * rising {@link SwarmView#availability availability}, the nearer to the window's start first among
 * equals, each from the first of its sources, in the tracker's order, with a free slot. The pieces the
 * player needs soon come first, and among them the ones few peers can give.</li>
 * <li><b>The rest in order.</b> Slots still free go to the missing pieces after the window, in index
 * order, then to those before it: no slot idles while a piece could be fetched.</li>
 * <li><b>Endgame, files only.</b> Every missing piece with exactly one request in flight gets at most one
 * more, to the first other source with a free slot, window first. A live stream gets none: at its live
 * edge every piece is in flight, and an endgame would ask the source for every new piece twice.</li>
 * </ol>
 *
 * <h2>Cost</h2>
 * Linear in the number of pieces plus the sources looked at, and {@code O(W log W)} to sort the window
 * ({@code W = size}, at most {@value #MAX_SIZE}). The only allocation is one {@code long[W]} per call.
 *
 * <h2>Configuration</h2>
 * PID {@value #PID}, optional: {@code size}, the window in pieces, 1 to {@value #MAX_SIZE} (default
 * {@value #DEFAULT_SIZE}). An invalid value is logged and the previous one kept. A change applies from the
 * next call; the service stays registered meanwhile.
 *
 * <p><b>Threading:</b> thread-safe and stateless between calls (the window size is read once per call).
 * One instance serves every swarm of the container: never concurrently for one swarm, possibly
 * concurrently for different swarms. It never blocks and keeps neither the view nor the sink.
 */
@Component(service = PieceScheduler.class, configurationPid = WindowScheduler.PID,
        property = {PieceScheduler.NAME_PROPERTY + "=" + WindowScheduler.NAME, "service.ranking:Integer=10"})
@Designate(ocd = WindowScheduler.Config.class)
public final class WindowScheduler implements PieceScheduler {

    /** The {@value PieceScheduler#NAME_PROPERTY} of this scheduler: what an operator selects. */
    public static final String NAME = "window";

    /** The configuration PID. */
    public static final String PID = "com.example.scheduler.window";

    /** The window, in pieces, when not configured. */
    public static final int DEFAULT_SIZE = 16;

    /** The largest window accepted. */
    public static final int MAX_SIZE = 1024;

    private static final Logger LOG = LoggerFactory.getLogger(WindowScheduler.class);

    @ObjectClassDefinition(id = PID, name = "Example window scheduler",
            description = "An example third-party piece scheduler (scheduler.name=window): rarest first inside a "
                    + "window of pieces ahead of the player, the rest in order.")
    public @interface Config {
        @AttributeDefinition(name = "Window size",
                description = "How many pieces from the first missing one at the playhead are fetched rarest "
                        + "first, from 1 to 1024. An invalid value is logged and ignored.",
                min = "1", max = "1024")
        int size() default DEFAULT_SIZE;
    }

    private volatile int size = DEFAULT_SIZE;

    /**
     * A scheduler with a fixed window, for tests and for use outside OSGi.
     *
     * @throws IllegalArgumentException when {@code size} is outside 1..{@value #MAX_SIZE}
     */
    public WindowScheduler(int size) {
        if (size < 1 || size > MAX_SIZE) {
            throw new IllegalArgumentException("window size must be 1.." + MAX_SIZE + ": " + size);
        }
        this.size = size;
    }

    /** The scheduler DS activates, configured from PID {@value #PID} (or the defaults). */
    @Activate
    public WindowScheduler(Config config) {
        configure(config);
    }

    /** Applies a configuration: takes its size when valid, else logs why and keeps the current one. */
    @Modified
    void configure(Config config) {
        int next;
        try {
            next = config.size();
        } catch (RuntimeException e) {
            // SCR throws when the configured value cannot be converted to an int
            LOG.error("Configuration {}: size is not a whole number ({}); keeping {} pieces", PID, e.getMessage(),
                    size);
            return;
        }
        if (next < 1 || next > MAX_SIZE) {
            LOG.error("Configuration {}: size {} is outside 1..{}; keeping {} pieces", PID, next, MAX_SIZE, size);
            return;
        }
        size = next;
        LOG.info("window scheduler: window of {} pieces", next);
    }

    /** The window size in use, in pieces. */
    int size() {
        return size;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void schedule(SwarmView view, RequestSink sink) {
        int first = view.firstPiece();
        int end = view.pieceCount();
        if (end <= first) {
            return;
        }
        int playhead = view.playhead();
        int origin = playhead >= first && playhead < end ? playhead : first;
        int start = firstMissing(view, origin, end);
        if (start < 0) {
            start = firstMissing(view, first, origin);
        }
        if (start < 0) {
            return; // every piece is here
        }
        int windowEnd = (int) Math.min(end, (long) start + size);

        requestRarestFirst(view, sink, start, windowEnd);
        for (int piece = windowEnd; piece < end; piece++) {
            requestFresh(view, sink, piece);
        }
        for (int piece = first; piece < start; piece++) {
            requestFresh(view, sink, piece);
        }
        if (!view.live()) {
            for (int piece = start; piece < end; piece++) {
                requestDuplicate(view, sink, piece);
            }
            for (int piece = first; piece < start; piece++) {
                requestDuplicate(view, sink, piece);
            }
        }
    }

    /** The first piece in {@code [from, to)} that is not verified, or -1. */
    private static int firstMissing(SwarmView view, int from, int to) {
        for (int piece = from; piece < to; piece++) {
            if (!view.verified(piece)) {
                return piece;
            }
        }
        return -1;
    }

    /**
     * Requests the window's fresh pieces by rising availability, then distance from the window's start:
     * each candidate is packed into one {@code long} (availability in the high half, offset in the low
     * half), so one primitive sort orders them.
     */
    private static void requestRarestFirst(SwarmView view, RequestSink sink, int start, int end) {
        long[] keys = new long[end - start];
        int count = 0;
        for (int piece = start; piece < end; piece++) {
            if (fresh(view, piece) && !view.sources(piece).isEmpty()) {
                long availability = Math.max(0, view.availability(piece));
                keys[count++] = availability << 32 | (piece - start);
            }
        }
        Arrays.sort(keys, 0, count);
        for (int i = 0; i < count; i++) {
            requestFromFirstFreeSource(view, sink, start + (int) (keys[i] & 0xFFFF_FFFFL));
        }
    }

    /** Missing and not in flight. */
    private static boolean fresh(SwarmView view, int piece) {
        return view.inFlight(piece) == 0 && !view.verified(piece);
    }

    private static void requestFresh(SwarmView view, RequestSink sink, int piece) {
        if (fresh(view, piece)) {
            requestFromFirstFreeSource(view, sink, piece);
        }
    }

    /**
     * A second request for a piece with exactly one in flight. The view does not say which peer holds the
     * first: the sink refuses a second request to that peer, and the loop moves on to the next source.
     */
    private static void requestDuplicate(SwarmView view, RequestSink sink, int piece) {
        if (view.inFlight(piece) == 1 && !view.verified(piece)) {
            requestFromFirstFreeSource(view, sink, piece);
        }
    }

    /** Requests the piece from the first source, in the tracker's order, that has a free slot and accepts. */
    private static void requestFromFirstFreeSource(SwarmView view, RequestSink sink, int piece) {
        for (PeerId source : view.sources(piece)) {
            if (view.freeSlots(source) > 0 && sink.request(piece, source)) {
                return;
            }
        }
    }
}
