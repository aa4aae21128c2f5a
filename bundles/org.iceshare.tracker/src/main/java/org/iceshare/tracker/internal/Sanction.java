package org.iceshare.tracker.internal;

import org.iceshare.api.swarm.PeerId;

/**
 * What the tracker did to a client on evidence or on sight, as it happened: for whoever watches the engine
 * in-JVM (a benchmark timing how long each liar lasted, a test). Not part of the API: the console shows the
 * refusal counters and the peers' banned flags instead.
 *
 * @param kind what was done
 * @param peer the client's id; for a refused handshake, the id its HELLO claimed (null when it claimed none)
 * @param content the content's name, or null when the sanction is not about one content
 * @param why the reason, as the tracker logs it
 * @param nanos when, by {@link System#nanoTime()}
 */
public record Sanction(Kind kind, PeerId peer, String content, String why, long nanos) {

    public enum Kind {
        /** It serves nobody in that content any more (a false claim, or members could not fetch from it). */
        DEMOTED,
        /** Banned from that content for serving corrupt pieces. */
        BANNED,
        /** A message of its was refused (a report without a matching assignment, a handshake, a publication). */
        REFUSED
    }
}
