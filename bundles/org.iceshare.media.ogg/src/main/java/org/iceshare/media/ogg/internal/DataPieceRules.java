package org.iceshare.media.ogg.internal;

import org.iceshare.media.ogg.internal.LogicalStreams.PageFacts;

/**
 * The rules for one data piece while it is being cut, shared by the file cutter
 * ({@link OggPieceCutter}, pieces by size) and the live cutter ({@link OggLiveCutter}, pieces by
 * duration): where Theora keyframes cut, whether the piece is a start point, and its time.
 *
 * <p><b>Keyframes.</b> In a link with Theora, a page on which a keyframe begins starts a new piece,
 * unless the current piece itself began with a keyframe and is still small (under half the target,
 * in whatever the cutter measures). So every group of pictures longer than half a piece gives a
 * start point at its keyframe, and short groups share a piece.
 *
 * <p><b>Start points.</b> A data piece is a start point when a decoder holding the link's headers
 * can begin at its first byte: the link's first data piece always; any other when its first page
 * begins a new packet (is not a continuation), the link has no video whose keyframes are not
 * followed (VP8, Dirac), and every Theora stream open when the piece began has its first page in
 * the piece begin with a keyframe.
 *
 * <p><b>Time.</b> On the link's own clock, the piece runs from the latest, over its timed streams,
 * of each stream's first page's start ({@link #rawStart}) to the latest end of its pages
 * ({@link #rawEnd}). {@link #pieceStart} and {@link #pieceEnd} place it on the output clock: the link
 * starts at {@code linkOffset}, its clock's {@code zero} (its earliest first sample) maps there.
 *
 * <p><b>Threading:</b> not thread-safe; one instance belongs to one cutter.
 */
final class DataPieceRules {
    private long pieceId;
    private boolean startsWithKeyframe;
    private boolean firstPageNew;
    private long openTheoraAtStart;
    private boolean opaqueVideoAtStart;
    private long theoraKey;
    private long theoraSeen;
    private long rawStart = LogicalStreams.NONE;
    private long rawEnd = LogicalStreams.NONE;

    /** A new data piece begins with the page {@code f} (call {@link #track} for it next). */
    void open(PageFacts f) {
        pieceId++;
        startsWithKeyframe = f.keyframe;
        firstPageNew = !f.continued;
        openTheoraAtStart = f.openTheora;
        opaqueVideoAtStart = f.opaqueVideo;
        theoraKey = 0;
        theoraSeen = 0;
        rawStart = LogicalStreams.NONE;
        rawEnd = LogicalStreams.NONE;
    }

    /**
     * Whether the data page {@code f}, which comes while a piece is open, must start a new piece
     * because a keyframe begins on it.
     *
     * @param small whether the open piece is still under half the cutter's target
     */
    boolean keyframeCuts(PageFacts f, boolean small) {
        return f.keyframe && !(startsWithKeyframe && small);
    }

    /** Takes a data page into the open piece: its stream's first page in the piece, Theora keyframes, time. */
    void track(PageFacts f) {
        if (f.theoraSlot >= 0) {
            long bit = 1L << f.theoraSlot;
            if ((theoraSeen & bit) == 0) {
                theoraSeen |= bit;
                if (f.keyframe) {
                    theoraKey |= bit;
                }
            }
        }
        if (f.stream.pieceMark != pieceId) {
            f.stream.pieceMark = pieceId;
            if (f.start != LogicalStreams.NONE) {
                rawStart = rawStart == LogicalStreams.NONE ? f.start : Math.max(rawStart, f.start);
            }
        }
        long end = f.end != LogicalStreams.NONE ? f.end : f.start;
        if (end != LogicalStreams.NONE) {
            rawEnd = rawEnd == LogicalStreams.NONE ? end : Math.max(rawEnd, end);
        }
    }

    /** Whether the open piece is a start point; {@code firstDataOfLink} when it is its link's first data piece. */
    boolean startPoint(boolean firstDataOfLink) {
        return firstDataOfLink || (firstPageNew && !opaqueVideoAtStart && (openTheoraAtStart & ~theoraKey) == 0);
    }

    /** The open piece's start on its link's clock, or {@link LogicalStreams#NONE}. */
    long rawStart() {
        return rawStart;
    }

    /** The open piece's end on its link's clock, or {@link LogicalStreams#NONE}. */
    long rawEnd() {
        return rawEnd;
    }

    /**
     * A data piece's start on the output clock. A link's first data piece starts at the link's start
     * (playback of the link begins there, whichever stream's first sample comes first); a piece
     * without a timed page starts at {@code clock}, the time reached so far in the link.
     */
    static long pieceStart(boolean firstDataOfLink, long rawStart, long linkOffset, long zero, long clock) {
        if (firstDataOfLink) {
            return linkOffset;
        }
        return rawStart != LogicalStreams.NONE ? linkTime(linkOffset, rawStart, zero) : clock;
    }

    /** A data piece's end on the output clock, never before its {@code start}. */
    static long pieceEnd(long start, long rawEnd, long linkOffset, long zero) {
        long end = rawEnd != LogicalStreams.NONE ? linkTime(linkOffset, rawEnd, zero) : start;
        return Math.max(end, start);
    }

    /** A time on a link's clock placed on the output clock: {@code linkOffset + max(0, raw - zero)}. */
    static long linkTime(long linkOffset, long raw, long zero) {
        return add(linkOffset, Math.max(0, raw - zero));
    }

    /** {@code a + b} for times within {@link StreamCodec#TIME_LIMIT}, saturated there. */
    static long add(long a, long b) {
        long r = a + b;
        return r < 0 ? StreamCodec.TIME_LIMIT : Math.min(r, StreamCodec.TIME_LIMIT);
    }
}
