package org.iceshare.core.internal.http;

/**
 * The start burst of a live player: how far behind the live edge (media time) the player endpoint
 * starts it. The player reads from the newest start point at least that far behind the newest piece
 * announced here, so its delay behind the live edge is the burst plus at most the gap to the start
 * point before (one piece where every piece starts at a clean page boundary, as Ogg audio's do).
 *
 * <p>The pieces of a burst must stay in the live window the tracker and the peers keep while the player
 * reads them at real time, and must be fetched first: the largest burst is the stream's window less
 * {@link #HEADROOM_MICROS}, and never more than {@link #MAX_MICROS}, so that the pieces in it fit
 * the peers' live window of 1024 pieces at the smallest piece duration a source cuts (100 ms).
 */
public final class LiveBurst {
    /** The largest burst whatever the window: 60 s (600 pieces of 100 ms, within a peer's 1024). */
    public static final long MAX_MICROS = 60_000_000L;
    /** What a burst leaves of the window: time to fetch its first piece before that leaves the window. */
    public static final long HEADROOM_MICROS = 2_000_000L;

    private LiveBurst() {
    }

    /** The largest burst a stream whose peers keep {@code windowMicros} of it allows (0 when none). */
    public static long maxMicros(long windowMicros) {
        return Math.max(0, Math.min(MAX_MICROS, windowMicros - HEADROOM_MICROS));
    }
}
