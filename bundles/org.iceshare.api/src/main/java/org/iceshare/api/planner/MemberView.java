package org.iceshare.api.planner;

import org.iceshare.api.swarm.PeerId;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A read-only view of one member of a content on the tracker, as a {@link Planner} sees it: what it holds,
 * what it was given to fetch, and what it serves. The upload rate is the tracker's measurement, not the
 * member's own word: the bytes the members it served verified, per second of the time it was serving.
 *
 * <p><b>Threading:</b> valid only during the planner's call, on the tracker's thread.
 */
@ProviderType
public interface MemberView {

    PeerId id();

    /** True for the content's publisher (a file's seed, a live stream's source). */
    boolean source();

    /** True when it holds the piece on evidence or claims it. */
    boolean holds(int piece);

    /** Its assignments outstanding: pieces it was told to fetch and has not verified yet. */
    int assigned();

    /** How many assignments it may have outstanding. */
    int window();

    /**
     * For a file, the piece its player plays now, or -1 when nobody plays it there (then it simply
     * downloads); for a live stream, the first piece it fetches (its start point).
     */
    int playhead();

    /** The upload cap it declared in bytes per second, 0 when it declared none (unlimited or unknown). */
    long uploadCap();

    /**
     * Its upload as the tracker measured it, smoothed, in bytes per second of the time it was serving;
     * 0 until it has served a piece that was verified.
     */
    double measuredUploadRate();

    /** Assignments outstanding where it serves. */
    int serving();

    /** The bytes of those assignments: what it still has to send, at most. */
    long servingBytes();

    /** How many assignments of a piece of {@code pieceLength} bytes it may serve at once (from its cap). */
    int slots(int pieceLength);
}
