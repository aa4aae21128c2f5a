package org.iceshare.icet.internal;

import org.iceshare.api.codec.Framing;

/**
 * The limits one IceT connection runs under. A transport reads its current limits when it
 * initialises a channel, so a change applies to new connections only.
 *
 * @param maxFrameSize largest accepted value of a frame's length field (type byte and payload), at
 *        least {@link #MIN_MAX_FRAME_SIZE}
 * @param handshakeTimeoutMillis how long to wait for the peer's Hello before closing
 * @param idleTimeoutSeconds close a connection that received nothing for this long; 0 disables
 */
public record IcetLimits(int maxFrameSize, long handshakeTimeoutMillis, int idleTimeoutSeconds) {

    /** The smallest maximum frame size a receiver may configure: the largest Piece fits with room to spare. */
    public static final int MIN_MAX_FRAME_SIZE = Framing.MIN_MAX_FRAME_SIZE;
    public static final int DEFAULT_MAX_FRAME_SIZE = Framing.DEFAULT_MAX_FRAME_SIZE;
    public static final long DEFAULT_HANDSHAKE_TIMEOUT_MILLIS = 10_000;
    public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 90;

    /** The defaults: 8 MiB frames, 10 s handshake, 90 s idle. */
    public static final IcetLimits DEFAULTS = new IcetLimits(DEFAULT_MAX_FRAME_SIZE, DEFAULT_HANDSHAKE_TIMEOUT_MILLIS,
            DEFAULT_IDLE_TIMEOUT_SECONDS);

    public IcetLimits {
        if (maxFrameSize < MIN_MAX_FRAME_SIZE) {
            throw new IllegalArgumentException("maximum frame size must be at least " + MIN_MAX_FRAME_SIZE + ": "
                    + maxFrameSize);
        }
        if (handshakeTimeoutMillis <= 0) {
            throw new IllegalArgumentException("handshake timeout must be > 0 ms: " + handshakeTimeoutMillis);
        }
        if (idleTimeoutSeconds < 0) {
            throw new IllegalArgumentException("idle timeout must be >= 0 s: " + idleTimeoutSeconds);
        }
    }
}
