package org.iceshare.api.planner;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One decision a {@link Planner} makes: who serves {@link #piece} to {@link #member}. The tracker has
 * already applied trust: {@link #free} holds only members that may serve this member this piece now.
 *
 * <p><b>Threading:</b> valid only during the planner's call, on the tracker's thread.
 */
@ProviderType
public interface ServerChoice {

    ContentView content();

    /** The member to be served. */
    MemberView member();

    /** The piece it would be given. */
    PieceView piece();

    /**
     * The members that may serve it now, each with a free serving slot: the holders on evidence when any
     * can, otherwise the members that claim the piece without evidence yet (they prove their claim by
     * serving it), and the source among them whenever it has a free slot (for a demoted member only when
     * {@link #urgent}).
     */
    List<MemberView> free();

    /**
     * How many other members (not the source) could serve it to this member but have no free slot now:
     * when it is above 0, waiting for them is an option.
     */
    int busy();

    /**
     * How many other members fetched the piece under an assignment and verified it, but have no free slot and
     * have not yet served anyone a piece: likely good for it soon, but not counted in {@link #busy} (a member
     * that never serves could hide there). A planner that avoids a second upload of the source waits for them.
     */
    int pending();

    /** True when a player waits for the piece: waiting is not an option if anyone can serve it. */
    boolean urgent();
}
