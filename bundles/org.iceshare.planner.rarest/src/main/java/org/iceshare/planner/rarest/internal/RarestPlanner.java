package org.iceshare.planner.rarest.internal;

import java.util.Random;
import java.util.SplittableRandom;

import org.iceshare.api.planner.ContentView;
import org.iceshare.api.planner.MemberView;
import org.iceshare.api.planner.PieceOrder;
import org.iceshare.api.planner.Planner;
import org.iceshare.api.planner.ServerChoice;
import org.osgi.service.component.annotations.Component;

/**
 * The tracker's classic policy, as it was built into the tracker before planners were plugins.
 *
 * <p><b>Order.</b> A file: rarest first (fewest members holding or claiming the piece), random among
 * equals, so that copies spread evenly; for a member whose player streams the file, playback order from its
 * playhead (the nearest deadline first, wrapping round to the pieces before it). A live stream: index order
 * from the member's start, as the tracker gives them.
 *
 * <p><b>Server.</b> The least-loaded member other than the source (serving per slot: a capped peer fills up
 * sooner than an uncapped one), the first offered among equals. The source serves a piece only when nobody
 * else may, no one else could later (nobody is merely busy) and it is not seeding that piece to another
 * member already: it uploads each piece about once and the swarm spreads it. When a player waits
 * ({@link ServerChoice#urgent}), the source serves whenever no one else can now.
 *
 * <p><b>Threading:</b> called on the tracker's thread; the random draws are the only state.
 */
@Component(service = Planner.class,
        property = {Planner.NAME_PROPERTY + "=" + RarestPlanner.NAME, "service.ranking:Integer=100"})
public final class RarestPlanner implements Planner {

    /** The {@value Planner#NAME_PROPERTY} of this planner. */
    public static final String NAME = "rarest";

    private final Random random;

    /** A planner breaking ties with a randomly seeded generator. */
    public RarestPlanner() {
        this.random = new Random();
    }

    /** A planner breaking ties reproducibly from this seed, for tests. */
    public RarestPlanner(long seed) {
        this.random = new Random(new SplittableRandom(seed).nextLong());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int[] order(ContentView content, MemberView member, int[] wanted) {
        return PieceOrder.rarestFirst(content, member, wanted, random);
    }

    @Override
    public MemberView server(ServerChoice choice) {
        int length = choice.piece().length();
        MemberView best = null;
        double bestLoad = 0;
        MemberView source = null;
        for (MemberView s : choice.free()) {
            if (s.source()) {
                source = s;
                continue;
            }
            double load = (double) s.serving() / Math.max(1, s.slots(length));
            if (best == null || load < bestLoad) {
                best = s;
                bestLoad = load;
            }
        }
        if (best != null) {
            return best;
        }
        // when the other holders are merely busy, waiting for them keeps the source's upload near one copy
        if (source != null && (choice.urgent() || choice.busy() == 0 && choice.piece().seeding() == 0)) {
            return source;
        }
        return null;
    }
}
