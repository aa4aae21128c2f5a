package org.iceshare.api.transport;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Paces what a sender uploads: the sender takes the bytes it is about to write and waits the time the pacer
 * answers before writing them. A token bucket that may go into debt: taking always succeeds, and the answer
 * is how long the bucket needs to pay the debt back, so concurrent senders taking from one pacer queue up
 * behind each other at its rate.
 *
 * <p>{@link Connection#sendPiece} takes a piece's bytes slice by slice, so a capped upload is smooth below a
 * piece rather than a piece at wire speed followed by a pause.
 *
 * <p><b>Threading:</b> implementations are thread-safe and non-blocking; transports call them on their I/O
 * threads.
 */
@ConsumerType
@FunctionalInterface
public interface Pacer {

    /** No pacing: every write may go at once. */
    Pacer NONE = bytes -> 0;

    /**
     * Takes {@code bytes} from the budget.
     *
     * @return nanoseconds to wait before writing them; 0 to write them now
     */
    long take(int bytes);
}
