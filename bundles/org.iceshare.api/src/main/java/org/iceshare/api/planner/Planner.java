package org.iceshare.api.planner;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The tracker's planning policy: in what order a member of a content gets its pieces, and which of the
 * eligible servers serves each one. The tracker calls {@link #order} when it fills a member's window of
 * assignments, then {@link #server} for each piece in that order until the window is full.
 *
 * <p><b>What stays with the tracker.</b> Trust and bookkeeping: who may serve at all (banned and demoted
 * members, servers a member reported or failed with, claims without evidence, free serving slots), every
 * assignment and its timeout, reports and credits. A planner only sees read-only views and answers with a
 * choice among what the tracker offers; an answer outside the offer is ignored. Outstanding assignments do
 * not depend on the planner, so swapping it mid-transfer loses nothing.
 *
 * <p>Register implementations as OSGi services with the {@value #NAME_PROPERTY} property. The tracker
 * uses the one its configuration names ({@value #SELECTION}); with that one absent, the highest-ranked.
 *
 * <p><b>Threading:</b> called on the tracker's single thread. Must not block, and should take time
 * roughly linear in the pieces or servers it is shown: it runs on every planning step. The views are valid
 * only during the call.
 */
@ConsumerType
public interface Planner {

    /** Service property naming the planner, for example {@code rarest}. */
    String NAME_PROPERTY = "planner.name";

    /** The property of the tracker's configuration (PID {@code org.iceshare.tracker}) naming its planner. */
    String SELECTION = "planner";

    /** The planner a tracker uses when its configuration names none. */
    String DEFAULT = "rarest";

    /** The planner's name, equal to its {@value #NAME_PROPERTY} property. */
    String name();

    /**
     * The pieces to offer {@code member}, best first.
     *
     * @param content the content planned
     * @param member the member whose window is being filled
     * @param wanted the pieces the member may be given now: those it neither holds nor claims nor has been
     *        assigned, with at least one member holding or claiming them (for a live stream: the window from
     *        the member's start, in index order). The planner owns the array for the call.
     * @return the pieces in the order to offer them: a permutation of {@code wanted} or a part of it
     *         ({@code wanted} itself, reordered, is fine); the pieces left out are not offered in this step
     */
    int[] order(ContentView content, MemberView member, int[] wanted);

    /**
     * Which server serves a piece to a member.
     *
     * @return one of {@link ServerChoice#free()}, or null: the member waits for this piece (the tracker
     *         tries again on the next event or tick)
     */
    MemberView server(ServerChoice choice);
}
