package com.example.planner.inorder.internal;

import org.iceshare.api.planner.ContentView;
import org.iceshare.api.planner.MemberView;
import org.iceshare.api.planner.Planner;
import org.iceshare.api.planner.ServerChoice;
import org.osgi.service.component.annotations.Component;

/**
 * Pieces in index order, each from the holder with the fewest bytes queued; the source only where nobody
 * else can serve now or soon and it is not seeding the piece already, unless a player waits.
 *
 * <p>Stateless, so a swap or an uninstall in the middle of a transfer loses nothing: the tracker keeps the
 * assignments. Called on the tracker's thread only.
 */
@Component(service = Planner.class, property = {Planner.NAME_PROPERTY + "=" + InOrderPlanner.NAME})
public final class InOrderPlanner implements Planner {

    /** The {@value Planner#NAME_PROPERTY} of this planner. */
    public static final String NAME = "in-order";

    @Override
    public String name() {
        return NAME;
    }

    /** The tracker hands the wanted pieces in index order already. */
    @Override
    public int[] order(ContentView content, MemberView member, int[] wanted) {
        return wanted;
    }

    @Override
    public MemberView server(ServerChoice choice) {
        MemberView best = null;
        MemberView source = null;
        for (MemberView s : choice.free()) {
            if (s.source()) {
                source = s;
            } else if (best == null || s.servingBytes() < best.servingBytes()) {
                best = s;
            }
        }
        if (best != null) {
            return best;
        }
        boolean nobodySoon = choice.busy() == 0 && choice.pending() == 0 && choice.piece().seeding() == 0;
        return source != null && (choice.urgent() || nobodySoon) ? source : null;
    }
}
