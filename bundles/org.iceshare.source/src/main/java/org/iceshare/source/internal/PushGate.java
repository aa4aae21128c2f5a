package org.iceshare.source.internal;

import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * What the push server asks the engine: may this push in, which stream do its bytes go to, and it
 * ended. Implemented by {@link LiveSourceEngine}.
 *
 * <p><b>Threading:</b> called on the push server's event loop; must not block.
 */
interface PushGate {

    /**
     * Checks a request head (method, credentials, mount, media type, capacity, a busy mount) and
     * claims its mount.
     *
     * @param remote the address the request came from, whose wrong passwords are throttled
     * @param close closes the connection (used when a later push takes over a stalled mount)
     * @throws PushRefusal with the status to answer
     */
    PushClaim admit(SourceRequest request, InetAddress remote, Runnable close) throws PushRefusal;

    /**
     * The body's first bytes: probes them and attaches the push to its stream (a new one, or the
     * mount's stream kept for the grace period).
     *
     * @throws PushRefusal when the bytes are not a live stream a format can cut (415), or the
     *         claim was lost
     */
    LiveStream attach(PushClaim claim, ByteBuffer head) throws PushRefusal;

    /** The push ended (disconnect, end of body, refusal); releases the claim. */
    void ended(PushClaim claim, String reason);

    /**
     * An Icecast-style metadata update ({@code GET /admin/metadata?mount=/x.ogg&mode=updinfo&song=...}),
     * with the push's credentials: the title goes to the mount's stream, stamped with its live edge.
     *
     * @return what to answer with 200 OK
     * @throws PushRefusal with the status to answer (401, 429, 400, 404, 409)
     */
    String metadata(SourceRequest request, InetAddress remote) throws PushRefusal;

    /** How long a push may send nothing before it is stalled (and a head that long is dropped). */
    long stallTimeoutMillis();
}
