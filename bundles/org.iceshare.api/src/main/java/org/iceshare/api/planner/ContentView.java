package org.iceshare.api.planner;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A read-only view of one content on the tracker, as a {@link Planner} sees it.
 *
 * <p><b>Threading:</b> valid only during the planner's call, on the tracker's thread.
 */
@ProviderType
public interface ContentView {

    /** The content's name. */
    String name();

    /** True for a live stream (a sliding window of pieces), false for a file (every piece known). */
    boolean live();

    /** The usual length of a piece in bytes (a file's last piece, a live stream's pieces may differ). */
    int pieceLength();

    /** A piece of the content, or null when it is not (or no longer) in it. */
    PieceView piece(int index);

    /** Every member of the content, the source included, in the order they joined. */
    List<MemberView> members();
}
