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
 * @param live true for a live stream (then {@code verified} and {@code pieces} count the window)
 * @param quality the playback figures of a live or played content
 */
public record SwarmStatus(ContentId content, IcetUrl url, URI playerUrl, boolean source, State state, int verified,
        int pieces, long length, int connections, long uploaded, long downloaded, String scheduler,
        Map<String, Long> requestsByScheduler, String error, boolean live, Quality quality) {

    public SwarmStatus {
        requestsByScheduler = Map.copyOf(requestsByScheduler);
        java.util.Objects.requireNonNull(quality, "quality");
    }

    /** A status of a file without playback figures. */
    public SwarmStatus(ContentId content, IcetUrl url, URI playerUrl, boolean source, State state, int verified,
            int pieces, long length, int connections, long uploaded, long downloaded, String scheduler,
            Map<String, Long> requestsByScheduler, String error) {
        this(content, url, playerUrl, source, state, verified, pieces, length, connections, uploaded, downloaded,
                scheduler, requestsByScheduler, error, false, Quality.NONE);
    }

    /**
     * How playback goes at this peer.
     *
     * @param continuity share of the pieces that were here by their playback deadline, 0..1 (1 when none were due)
     * @param piecesDue pieces whose playback deadline has passed
     * @param piecesLate of those, the ones that were not here in time
     * @param startupMillis from joining to the first decodable byte (headers and a start point here), or -1
     * @param latencyP50Millis median time from the source cutting a piece to it being here, or -1
     * @param latencyP95Millis 95th percentile of that, or -1
     * @param onAir false while the live source is off air
     * @param bufferNeededMillis the startup delay a player starting at join would have needed to play
     *        every piece so far without a stall (the latest any piece arrived relative to its media time),
     *        or -1
     * @param skips live: how often the peer fell more than its max lag behind the live edge and skipped
     *        ahead to a recent start point; the pieces it skipped count as late in the continuity
     *        (since 1.4)
     * @since 1.1
     */
    public record Quality(double continuity, long piecesDue, long piecesLate, long startupMillis,
            long latencyP50Millis, long latencyP95Millis, boolean onAir, long bufferNeededMillis, long skips) {
        public static final Quality NONE = new Quality(1.0, 0, 0, -1, -1, -1, true, -1, 0);

        /** Figures without skips (a file, or a live peer that never skipped). */
        public Quality(double continuity, long piecesDue, long piecesLate, long startupMillis, long latencyP50Millis,
                long latencyP95Millis, boolean onAir, long bufferNeededMillis) {
            this(continuity, piecesDue, piecesLate, startupMillis, latencyP50Millis, latencyP95Millis, onAir,
                    bufferNeededMillis, 0);
        }
    }

    public enum State {
        /** Waiting for the tracker's answer. */
        JOINING,
        /** Fetching pieces. */
        DOWNLOADING,
        /** Holding every piece, serving others. */
        COMPLETE,
        /** Live: following the stream. */
        LIVE,
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
