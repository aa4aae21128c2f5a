package org.iceshare.source.internal;

import org.iceshare.api.media.LivePiece;

/**
 * Keeps a live stream's piece times increasing across chain links and input restarts.
 *
 * <p>The {@code LiveCutter} contract gives times "from the stream's start", and the Ogg cutter
 * continues a new link's time from the previous link's end, so within one cutter run nothing needs
 * changing. But a cutter that is {@link org.iceshare.api.media.LiveCutter#flush flushed} (a push or
 * pull reconnects) resets, and its times may start over at 0. So when a piece that starts a link (or
 * any piece that jumps back by more than {@value #MAX_BACKWARD_MICROS} µs, a cutter resynchronising
 * without headers) would start before the latest end seen, every time from there on is shifted to
 * continue from that end. The time spent off air is not part of the timeline: a stream that resumes
 * continues where it stopped. Small overlaps inside a link (multiplexed streams whose pages
 * interleave) are left alone.
 *
 * <p><b>Threading:</b> not thread-safe; confined to its stream's lock.
 */
final class Timeline {
    /** A jump back inside a link larger than this is taken for a restart of the cutter's clock. */
    static final long MAX_BACKWARD_MICROS = 5_000_000;

    private long offset;
    private long lastEnd = -1;

    /** The piece with its times placed on the stream's timeline (the same piece when nothing moves). */
    LivePiece place(LivePiece p) {
        if (p.startMicros() < 0) {
            return p;
        }
        long start = p.startMicros() + offset;
        if (lastEnd >= 0 && (p.linkStart() && start < lastEnd || start + MAX_BACKWARD_MICROS < lastEnd)) {
            offset += lastEnd - start;
            start = lastEnd;
        }
        long end = p.endMicros() < 0 ? -1 : p.endMicros() + offset;
        lastEnd = Math.max(lastEnd, Math.max(start, end));
        if (offset == 0) {
            return p;
        }
        return new LivePiece(p.data(), start, end, p.startPoint(), p.header(), p.linkStart(), p.codecs());
    }

    /** The latest time reached, or -1 before any timed piece. */
    long lastEnd() {
        return lastEnd;
    }
}
