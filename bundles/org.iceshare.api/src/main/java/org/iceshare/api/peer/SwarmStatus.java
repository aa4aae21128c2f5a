package org.iceshare.api.peer;

import java.net.URI;
import java.util.Map;

import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.IcetUrl;

/**
 * A snapshot of one swarm at one peer.
 *
 * @param content the content id
 * @param url the content's {@code icet://} URL
 * @param playerUrl the local HTTP URL a player can open
 * @param source true when this peer published the content
 * @param state where the transfer stands
 * @param verified pieces verified here
 * @param pieces pieces in all
 * @param length content bytes
 * @param connections open peer connections of this swarm
 * @param uploaded piece bytes sent to other peers
 * @param downloaded piece bytes received and verified
 * @param scheduler the scheduler in use
 * @param requestsByScheduler how many piece requests each scheduler placed in this swarm (the piece log)
 * @param error the reason of a {@link State#FAILED} swarm, or empty
 */
public record SwarmStatus(ContentId content, IcetUrl url, URI playerUrl, boolean source, State state, int verified,
        int pieces, long length, int connections, long uploaded, long downloaded, String scheduler,
        Map<String, Long> requestsByScheduler, String error) {

    public SwarmStatus {
        requestsByScheduler = Map.copyOf(requestsByScheduler);
    }

    public enum State {
        /** Waiting for the tracker's answer. */
        JOINING,
        /** Fetching pieces. */
        DOWNLOADING,
        /** Holding every piece, serving others. */
        COMPLETE,
        /** Stopped by the operator. */
        STOPPED,
        /** The tracker refused or the swarm broke; see the error. */
        FAILED
    }

    /** Share of pieces verified, 0..1. */
    public double progress() {
        return pieces == 0 ? 0 : (double) verified / pieces;
    }
}
