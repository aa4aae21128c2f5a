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

    int pieceCount();

    /** Length in bytes of a piece. */
    int pieceLength(int piece);

    /** True when the piece is stored here and verified. */
    boolean verified(int piece);

    /** The number of requests for this piece now in flight (0 when none). */
    int inFlight(int piece);

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
