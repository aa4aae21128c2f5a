package org.iceshare.core.internal.http;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.iceshare.api.media.MediaFormat;
import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.swarm.SeekPoint;
import org.iceshare.core.internal.storage.LiveWindow;
import org.iceshare.core.internal.storage.PieceGoneException;
import org.iceshare.core.internal.storage.PieceStore;

/**
 * What the player endpoint needs from a peer: its contents, waits for pieces, and the hints a player
 * gives the swarm (its playhead, a time start). The peer engine implements it; the {@code http}
 * package knows nothing else of the engine, so the two do not import each other.
 *
 * <p><b>Threading:</b> every method may be called from any thread (the endpoint's event loop) and
 * must not block; futures complete on other threads.
 */
public interface PlayerSource {

    /** The peer's name, for the index page and the statistics. */
    String name();

    /** The peer's id, or null before it started. */
    PeerId id();

    /** The swarms of the peer, for the index page and the statistics. */
    List<SwarmStatus> swarms();

    /** The store of a file content, or null (unknown here, or live). */
    PieceStore store(ContentId content);

    /** The window of a live stream, or null (unknown here, or a file). */
    LiveWindow liveWindow(ContentId content);

    /**
     * Completes when the piece is verified here (at once when it is). For a live stream it fails
     * with {@link PieceGoneException} when the piece leaves the window first.
     */
    CompletableFuture<Void> awaitPiece(ContentId content, int piece);

    /**
     * Live: completes with the start point a new player begins at: with no burst (0) a verified one near
     * the live edge; with one, the newest start point at least {@code burstMicros} behind the live edge
     * (its pieces are then fetched first), or the oldest the window holds when it is younger.
     */
    CompletableFuture<Integer> awaitLiveStart(ContentId content, long burstMicros);

    /** Live: the start burst of a player that asks for none (µs), the peer's setting. */
    long defaultLiveBurstMicros();

    /**
     * Live: the start point the peer last skipped ahead to because it fell too far behind the live edge
     * (nothing before it is fetched any more), or -1.
     */
    int liveFloor(ContentId content);

    /** A player reads from this piece on: the swarm fetches from there first. */
    void playhead(ContentId content, int piece);

    /**
     * A player starts at a time: where (the chain link whose headers come first, and the start-point
     * piece at or before the time), after telling the swarm and its tracker so those pieces come
     * first. Empty when the content has no time index.
     */
    Optional<SeekPoint> seek(ContentId content, long micros);

    /** The installed media formats, to find where in a piece a time start begins. */
    List<MediaFormat> mediaFormats();
}
