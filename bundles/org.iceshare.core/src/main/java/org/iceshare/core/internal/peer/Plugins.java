package org.iceshare.core.internal.peer;

import java.util.List;

import org.iceshare.api.media.MediaFormat;
import org.iceshare.api.scheduler.PieceScheduler;
import org.iceshare.api.verify.PieceVerifier;

/**
 * The plugins a peer uses, looked up at the moment of use so they can change at run time. In OSGi
 * they come from dynamic service references; in tests from fixed lists.
 *
 * <p><b>Threading:</b> implementations are thread-safe.
 */
public interface Plugins {

    /** The scheduler for files being downloaded, now; never null while the peer runs. */
    PieceScheduler scheduler();

    /**
     * The scheduler for live streams and for files a player plays as they arrive (deadline-driven);
     * the file scheduler when none is set apart.
     */
    default PieceScheduler streamingScheduler() {
        return scheduler();
    }

    /** The verifier for an algorithm, or null when none is installed. */
    PieceVerifier verifier(String algorithm);

    /** The verifier new publications use, or null when none is installed. */
    PieceVerifier preferredVerifier();

    /** The installed media formats, best-ranked first. */
    List<MediaFormat> formats();

    /** Fixed plugins, for tests and embedded use. */
    static Plugins of(PieceScheduler scheduler, PieceVerifier verifier, MediaFormat... formats) {
        List<MediaFormat> list = List.of(formats);
        return new Plugins() {
            private volatile PieceScheduler current = scheduler;

            @Override
            public PieceScheduler scheduler() {
                return current;
            }

            @Override
            public PieceVerifier verifier(String algorithm) {
                return verifier.algorithm().equals(algorithm) ? verifier : null;
            }

            @Override
            public PieceVerifier preferredVerifier() {
                return verifier;
            }

            @Override
            public List<MediaFormat> formats() {
                return list;
            }
        };
    }
}
