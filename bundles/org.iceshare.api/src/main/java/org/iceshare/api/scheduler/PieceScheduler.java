package org.iceshare.api.scheduler;

import org.iceshare.api.swarm.SwarmView;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Decides which pieces to request next, and from which of the peers the tracker assigned. The core
 * calls {@link #schedule} whenever something changes (a piece arrived, a request slot freed, new
 * assignments came in); the scheduler answers by placing requests into the sink until it has
 * nothing more to ask or the sink refuses.
 *
 * <p>Register implementations as OSGi services with the {@value #NAME_PROPERTY} property. The one
 * selected by configuration is used; with none selected or the selected one gone, the
 * highest-ranked is.
 */
@ConsumerType
public interface PieceScheduler {

    /** Service property naming the scheduler, for example {@code rarest}. */
    String NAME_PROPERTY = "scheduler.name";

    /**
     * The configuration PID that selects a container's schedulers: {@value #SELECTION_FILES} for files
     * being downloaded, {@value #SELECTION_STREAMING} for live streams and files a player plays as they
     * arrive.
     *
     * @since 1.1
     */
    String SELECTION_PID = "org.iceshare.scheduler";

    /** The property of {@value #SELECTION_PID} naming the scheduler for files. @since 1.1 */
    String SELECTION_FILES = "name";

    /** The scheduler for files when {@value #SELECTION_PID} names none. @since 1.1 */
    String DEFAULT_FILES = "rarest";

    /** The property of {@value #SELECTION_PID} naming the scheduler for streaming. @since 1.1 */
    String SELECTION_STREAMING = "streaming";

    /** The scheduler for streaming when {@value #SELECTION_PID} names none. @since 1.1 */
    String DEFAULT_STREAMING = "deadline";

    /** The scheduler's name, equal to its {@value #NAME_PROPERTY} property. */
    String name();

    /**
     * Places requests for one swarm.
     *
     * <p><b>Threading:</b> called on the swarm's own serial executor, never concurrently for the
     * same swarm, but possibly concurrently for different swarms. Must not block and should take
     * time roughly linear in {@link SwarmView#pieceCount()}. The view and the sink are valid only
     * during the call.
     */
    void schedule(SwarmView view, RequestSink sink);
}
