package org.iceshare.core.internal.peer;

import org.iceshare.api.icet.Rates;

/**
 * The bytes a peer moves, and its upload and download rates measured from them over intervals of at
 * least {@link #intervalNanos}: what it tells its trackers (IceT RATES) beside its caps.
 *
 * <p><b>Threading:</b> not thread-safe; the peer's engine thread only.
 */
final class RateMeter {
    private final long intervalNanos;
    private long uploaded;
    private long downloaded;
    private long sinceNanos;
    private long uploadedThen;
    private long downloadedThen;
    private long uploadRate;
    private long downloadRate;

    RateMeter(long intervalNanos, long nowNanos) {
        this.intervalNanos = intervalNanos;
        this.sinceNanos = nowNanos;
    }

    void uploaded(long bytes) {
        uploaded += bytes;
    }

    void downloaded(long bytes) {
        downloaded += bytes;
    }

    /**
     * Measures the rates when an interval has passed since the last measure.
     *
     * @return true when it measured (the rates changed and are worth telling)
     */
    boolean measure(long nowNanos) {
        long elapsed = nowNanos - sinceNanos;
        if (elapsed < intervalNanos) {
            return false;
        }
        double seconds = elapsed / 1e9;
        uploadRate = Math.round((uploaded - uploadedThen) / seconds);
        downloadRate = Math.round((downloaded - downloadedThen) / seconds);
        sinceNanos = nowNanos;
        uploadedThen = uploaded;
        downloadedThen = downloaded;
        return true;
    }

    /** The caps given and the rates of the last interval measured (0 before the first). */
    Rates rates(long uploadCap, long downloadCap) {
        return new Rates(uploadCap, downloadCap, uploadRate, downloadRate);
    }
}
