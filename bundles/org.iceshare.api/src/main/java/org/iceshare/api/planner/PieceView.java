package org.iceshare.api.planner;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A read-only view of one piece of a content, as a {@link Planner} sees it.
 *
 * <p><b>Threading:</b> valid only during the planner's call, on the tracker's thread.
 */
@ProviderType
public interface PieceView {

    /** Its index in the content. */
    int index();

    /** Its length in bytes. */
    int length();

    /**
     * How many members hold it on evidence or claim it (the source included): its availability, what
     * rarest first orders by.
     */
    int holders();

    /** How many assignments of it the source serves now. */
    int seeding();
}
