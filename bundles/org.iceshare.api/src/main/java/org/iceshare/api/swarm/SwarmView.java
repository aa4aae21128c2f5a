package org.iceshare.api.swarm;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A read-only view of one swarm as the local peer sees it, handed to a scheduler for the length of
 * one call. The core owns this state (verified pieces, requests in flight, availability, the
 * tracker's assignments); schedulers only read it. That is what lets a scheduler be swapped in the
 * middle of a transfer without losing anything.
 *
 * <p><b>Threading:</b> valid only during the scheduler call it was passed to, and only on that
 * thread. Do not keep a reference.
 */
@ProviderType
public interface SwarmView {

    ContentId content();

    /**
     * One past the highest piece index known. For a file that is the number of pieces; for a live
     * stream it grows as pieces are announced.
     */
    int pieceCount();

    /**
     * The lowest piece index still in the swarm. 0 for a file; for a live stream, pieces below it
     * have left the sliding window and can no longer be requested. Schedulers iterate from here to
     * {@link #pieceCount()}.
     *
     * @since 1.2
     */
    default int firstPiece() {
        return 0;
    }

    /** True for a live stream. @since 1.2 */
    default boolean live() {
        return false;
    }

    /**
     * Milliseconds until the local player needs this piece (0 or less: it is late or needed now), or
     * {@link Long#MAX_VALUE} when no player needs it on a schedule. Deadline schedulers fetch the
     * pieces with the nearest deadlines first.
     *
     * @since 1.2
     */
    default long deadlineMillis(int piece) {
        return Long.MAX_VALUE;
    }

    /**
     * How long, in milliseconds, this peer is expected to take to deliver one more piece of this
     * swarm, from its measured rate and the requests already queued with it. Lower is sooner.
     *
     * @since 1.2
     */
    default long expectedMillis(PeerId peer) {
        return 0;
    }

    /** Length in bytes of a piece. */
    int pieceLength(int piece);

    /** True when the piece is stored here and verified. */
    boolean verified(int piece);

    /** The number of requests for this piece now in flight (0 when none). */
    int inFlight(int piece);

    /**
     * The peers a request for this piece is in flight to now, oldest request first; empty when none.
     * Its size is {@link #inFlight(int)}. A scheduler needs no memory of its own of whom it asked: a
     * request placed by another scheduler before a swap, or by the core for a waiting player, is listed
     * here too.
     *
     * @since 1.4
     */
    List<PeerId> requestedFrom(int piece);

    /** How many peers the tracker last reported as holding this piece. */
    int availability(int piece);

    /**
     * The peers the tracker assigned to serve this piece to us, best first. Empty when the tracker
     * has not (yet) assigned the piece: the scheduler cannot request it then.
     */
    List<PeerId> sources(int piece);

    /** How many more requests the core will accept to this peer right now. */
    int freeSlots(PeerId peer);

    /** Pieces not yet verified here. */
    int missing();

    /**
     * The piece a local player reads next, or -1 when nobody is playing. Schedulers that stream
     * should favour pieces at and after it.
     */
    int playhead();
}
