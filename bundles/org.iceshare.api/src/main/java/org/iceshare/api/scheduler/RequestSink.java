package org.iceshare.api.scheduler;

import org.iceshare.api.swarm.PeerId;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Where a scheduler places its requests. The core enforces the limits: it refuses a request for a
 * piece already verified, a source that was not assigned for the piece, a peer with no free slot,
 * or a second request for the same piece to the same peer. A request for a piece already in flight
 * from another peer is accepted (that is endgame); the first copy to arrive wins and the others are
 * cancelled.
 *
 * <p><b>Threading:</b> only during {@link PieceScheduler#schedule}, on its thread.
 */
@ProviderType
public interface RequestSink {

    /**
     * Requests a piece from a peer.
     *
     * @return true when the request was accepted, false when refused
     */
    boolean request(int piece, PeerId source);
}
