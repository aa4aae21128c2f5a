package org.iceshare.icet.internal;

import org.iceshare.api.codec.Framing;

/**
 * The limits one IceT connection runs under. A transport reads its current limits when it
 * initialises a channel, so a change applies to new connections only.
 *
 * <p><b>Slow frames.</b> While a frame has begun but not arrived whole (a <em>partial frame</em>, which
 * holds memory), the connection must keep it coming: it is closed as a slow frame when the frame is not
 * complete {@code frameTimeoutMillis} after its first byte, or when fewer than
 * {@code minFrameBytesPerSecond × slowFrameWindowMillis / 1000} bytes arrived in the last
 * {@code slowFrameWindowMillis} while it was partial. Both are checked every {@code slowFrameWindowMillis}.
 *
 * @param maxFrameSize largest accepted value of a frame's length field (type byte and payload), at
 *        least {@link #MIN_MAX_FRAME_SIZE}
 * @param handshakeTimeoutMillis how long to wait for the peer's Hello before closing
 * @param idleTimeoutSeconds close a connection that received nothing for this long; 0 disables
 * @param frameTimeoutMillis how long a frame may take from its first byte to its last; 0 disables
 * @param minFrameBytesPerSecond the slowest a partial frame may arrive, in bytes per second; 0 disables
 * @param slowFrameWindowMillis the window over which the rate is measured, and how often both rules are
 *        checked, &gt; 0
 */
public record IcetLimits(int maxFrameSize, long handshakeTimeoutMillis, int idleTimeoutSeconds,
        long frameTimeoutMillis, int minFrameBytesPerSecond, long slowFrameWindowMillis) {

    /** The smallest maximum frame size a receiver may configure: the largest Piece fits with room to spare. */
    public static final int MIN_MAX_FRAME_SIZE = Framing.MIN_MAX_FRAME_SIZE;
    public static final int DEFAULT_MAX_FRAME_SIZE = Framing.DEFAULT_MAX_FRAME_SIZE;
    public static final long DEFAULT_HANDSHAKE_TIMEOUT_MILLIS = 10_000;
    public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 90;
    public static final long DEFAULT_FRAME_TIMEOUT_MILLIS = 60_000;
    public static final int DEFAULT_MIN_FRAME_BYTES_PER_SECOND = 1024;
    public static final long DEFAULT_SLOW_FRAME_WINDOW_MILLIS = 5_000;

    /** The defaults: 8 MiB frames, 10 s handshake, 90 s idle, 60 s per frame, 1 KiB/s over 5 s windows. */
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
        if (frameTimeoutMillis < 0) {
            throw new IllegalArgumentException("frame timeout must be >= 0 ms: " + frameTimeoutMillis);
        }
        if (minFrameBytesPerSecond < 0) {
            throw new IllegalArgumentException("minimum frame rate must be >= 0 B/s: " + minFrameBytesPerSecond);
        }
        if (slowFrameWindowMillis <= 0) {
            throw new IllegalArgumentException("slow-frame window must be > 0 ms: " + slowFrameWindowMillis);
        }
    }

    /** Limits with the default slow-frame rules. */
    public IcetLimits(int maxFrameSize, long handshakeTimeoutMillis, int idleTimeoutSeconds) {
        this(maxFrameSize, handshakeTimeoutMillis, idleTimeoutSeconds, DEFAULT_FRAME_TIMEOUT_MILLIS,
                DEFAULT_MIN_FRAME_BYTES_PER_SECOND, DEFAULT_SLOW_FRAME_WINDOW_MILLIS);
    }

    /** The same limits with another slow-frame window. */
    public IcetLimits withSlowFrameWindow(long millis) {
        return millis == slowFrameWindowMillis ? this : new IcetLimits(maxFrameSize, handshakeTimeoutMillis,
                idleTimeoutSeconds, frameTimeoutMillis, minFrameBytesPerSecond, millis);
    }

    /** Whether either slow-frame rule is on. */
    public boolean checksSlowFrames() {
        return frameTimeoutMillis > 0 || minFrameBytesPerSecond > 0;
    }
}
