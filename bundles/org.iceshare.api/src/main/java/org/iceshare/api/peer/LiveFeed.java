package org.iceshare.api.peer;

import org.iceshare.api.media.LivePiece;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.IcetUrl;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A live stream this peer is the source of. A live source (an Icecast pull, a push, a file played out
 * in real time) cuts its input into pieces and hands them here in order; the peer keeps them in its
 * window, announces them to the tracker, and serves them to the peers the tracker sends.
 *
 * <p><b>Threading:</b> thread-safe; {@link #piece} must be called in stream order (by one thread at a
 * time). Nothing here blocks on the network.
 *
 * @since 1.1
 */
@ProviderType
public interface LiveFeed extends AutoCloseable {

    /** The stream's URL, pinned to the source as its publisher ({@code icet://<peerId>@host:port/name}). */
    IcetUrl url();

    ContentId content();

    /** The next piece of the stream, as the media format's live cutter produced it. */
    void piece(LivePiece piece);

    /**
     * Whether the input is flowing. Off air (the input stalled or went away) tells the peers to wait;
     * the next piece puts the stream back on air.
     */
    void onAir(boolean onAir, String reason);

    /**
     * A title change out of band (an Icecast-style metadata update at the source), taking effect at media
     * time {@code micros} on the stream's timeline (the times of its pieces). It reaches the stream's
     * listeners through the tracker, signed like the pieces; the stream's pages are not touched.
     *
     * @param micros when it takes effect: the live edge when the update reached the source, >= 0
     * @param title the title, at most {@link org.iceshare.api.icet.IcetMessage#MAX_STRING} UTF-8 bytes
     * @param artist the artist, or empty
     * @throws IllegalArgumentException for a negative time or a string too long
     * @since 1.5
     */
    void metadata(long micros, String title, String artist);

    /** Bytes this source uploaded to peers so far (for its upload factor). */
    long uploaded();

    /** Bytes of stream cut so far. */
    long streamed();

    /** Ends the stream: the tracker and the peers are told, the window is dropped. */
    @Override
    void close();
}
