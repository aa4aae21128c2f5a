package org.iceshare.planner.capacity.internal;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

import org.iceshare.api.planner.ContentView;
import org.iceshare.api.planner.MemberView;
import org.iceshare.api.planner.PieceOrder;
import org.iceshare.api.planner.Planner;
import org.iceshare.api.planner.ServerChoice;
import org.osgi.service.component.annotations.Component;

/**
 * A capacity-aware planner, after the fluid model of Kumar and Ross (2006): the source sends each piece
 * once, to a member with upload to spare so that it relays, and the members relay in proportion to their
 * upload.
 *
 * <p><b>Order.</b> As the classic planner: rarest first (random among equals) for a file, playback order
 * from the playhead for a member whose player streams it, index order for a live stream.
 *
 * <p><b>Server.</b> Each piece goes to the member other than the source that will finish it first:
 * (bytes it has queued + the piece) / its upload rate, where the rate is what the tracker measured it
 * deliver, else its declared cap, else the median measured rate of the content's members (all unknown: all
 * equal). A fast peer therefore gets more pieces to serve than a slow one, in proportion to its rate, instead
 * of the same number of slots filled evenly.
 *
 * <p><b>The source.</b> It serves a piece only when nobody else may, nobody else is merely busy, it is
 * not seeding that piece to anyone already (as the classic planner), and no member that fetched it under an
 * assignment is about to serve it ({@link ServerChoice#pending}: the tracker does not count those busy, as
 * a member that never served could hide there, yet their copy is the one to wait for, not a second upload of
 * the source). Then only to a member whose
 * spare upload (its rate less what it has queued over {@link #HORIZON_SECONDS}) is at least the median
 * spare upload of the members still lacking the piece: the source's one copy goes where it will be relayed
 * fastest. A player waiting for the piece ({@link ServerChoice#urgent}) lifts both rules, and a live stream
 * has neither: its pieces are due within seconds, so the source serves a fresh one as the classic planner does.
 *
 * <p><b>Threading:</b> called on the tracker's thread; the random draws are the only state.
 */
@Component(service = Planner.class,
        property = {Planner.NAME_PROPERTY + "=" + CapacityPlanner.NAME, "service.ranking:Integer=50"})
public final class CapacityPlanner implements Planner {

    /** The {@value Planner#NAME_PROPERTY} of this planner. */
    public static final String NAME = "capacity";

    /** The rate assumed when nobody has been measured and nobody declared a cap: only ratios matter then. */
    static final double UNKNOWN_RATE = 1 << 20;

    /** Queued bytes count against spare upload over this horizon (the tracker's slots plan for 2 s too). */
    static final double HORIZON_SECONDS = 2.0;

    private final Random random;

    /** A planner breaking ties with a randomly seeded generator. */
    public CapacityPlanner() {
        this.random = new Random();
    }

    /** A planner breaking ties reproducibly from this seed, for tests. */
    public CapacityPlanner(long seed) {
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
        double fallback = -1;
        MemberView best = null;
        double bestFinish = 0;
        MemberView source = null;
        for (MemberView s : choice.free()) {
            if (s.source()) {
                source = s;
                continue;
            }
            double rate = known(s);
            if (rate <= 0) {
                if (fallback < 0) {
                    fallback = fallbackRate(choice.content());
                }
                rate = fallback;
            }
            double finish = (s.servingBytes() + length) / rate;
            if (best == null || finish < bestFinish) {
                best = s;
                bestFinish = finish;
            }
        }
        if (best != null) {
            return best;
        }
        if (source == null) {
            return null;
        }
        if (choice.urgent()) {
            return source;
        }
        if (choice.busy() > 0 || choice.piece().seeding() > 0) {
            return null;
        }
        if (choice.content().live()) {
            // a live piece is due within seconds: no waiting for a better relay or an unproven copy
            return source;
        }
        return choice.pending() == 0 && goodRelay(choice) ? source : null;
    }

    /** True when the member's spare upload is at least the median of the members still lacking the piece. */
    private static boolean goodRelay(ServerChoice choice) {
        ContentView content = choice.content();
        int piece = choice.piece().index();
        List<MemberView> members = content.members();
        double fallback = fallbackRate(content);
        double[] spares = new double[members.size()];
        int n = 0;
        for (MemberView m : members) {
            if (!m.source() && !m.holds(piece)) {
                spares[n++] = spare(m, fallback);
            }
        }
        if (n <= 1) {
            return true;
        }
        return spare(choice.member(), fallback) >= median(spares, n);
    }

    /** Its upload rate less what it has queued, spread over the planning horizon. */
    static double spare(MemberView m, double fallback) {
        double rate = known(m);
        return Math.max(0, (rate > 0 ? rate : fallback) - m.servingBytes() / HORIZON_SECONDS);
    }

    /** What the tracker measured it deliver, else its declared cap, else 0 (unknown). */
    static double known(MemberView m) {
        double measured = m.measuredUploadRate();
        if (measured > 0) {
            return measured;
        }
        return m.uploadCap() > 0 ? m.uploadCap() : 0;
    }

    /**
     * The rate of a member not measured and not capped: the median measured rate of the content's members
     * other than the source, else the median cap, else {@link #UNKNOWN_RATE}.
     */
    static double fallbackRate(ContentView content) {
        List<MemberView> members = content.members();
        double[] measured = new double[members.size()];
        double[] caps = new double[members.size()];
        int m = 0;
        int c = 0;
        for (MemberView v : members) {
            if (v.source()) {
                continue;
            }
            if (v.measuredUploadRate() > 0) {
                measured[m++] = v.measuredUploadRate();
            }
            if (v.uploadCap() > 0) {
                caps[c++] = v.uploadCap();
            }
        }
        if (m > 0) {
            return median(measured, m);
        }
        return c > 0 ? median(caps, c) : UNKNOWN_RATE;
    }

    static double median(double[] values, int n) {
        Arrays.sort(values, 0, n);
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
}
