package org.iceshare.tracker.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Who may fetch from whom in one content: each member's {@link Member#neighbours neighbourhood}, a symmetric
 * set of at most {@code max} other members (the source is outside it: every member may fetch from the source).
 * The plan assigns a member only servers from its neighbourhood ({@link Member#mayFetchFrom}), so a peer holds
 * connections to at most {@code max} peers plus the source and the tracker, however big the swarm, as in
 * real swarms; without a bound a 400-peer swarm in one process ran out of file descriptors.
 *
 * <p><b>Choice.</b> A member with fewer than half the bound ({@link #target}) is given neighbours among the
 * members with room, those holding the most first, then the least connected, at random among equals
 * ({@link #fill}); only pairs where at
 * least one side serves. Later joiners add to a member's set up to the bound, so degrees end between half the
 * bound and the bound, and members keep room for newcomers: random graphs of such degrees are well connected,
 * so every piece spreads. A member still below half the bound when nobody has room takes the place of one
 * neighbour of a full member that keeps more than half the bound without it ({@link #steal}). A member
 * that leaves or is banned is {@link #forget forgotten}, and its ex-neighbours filled again at once; every tick
 * ({@link #refresh}) a neighbour that neither side can use any more (shunned, demoted) is swapped for another.
 * A pair is never split while an assignment is outstanding between them.
 *
 * <p><b>Threading:</b> the tracker's executor only.
 */
final class Neighbourhoods {
    /** How often a member whose neighbourhood is not full looks again (each look scans the members). */
    static final long FILL_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final int max;
    private final Random random;

    Neighbourhoods(int max, Random random) {
        if (max < 1) {
            throw new IllegalArgumentException("max neighbours must be >= 1: " + max);
        }
        this.max = max;
        this.random = random;
    }

    int max() {
        return max;
    }

    /** How many neighbours a member looks for itself: half the bound (others may add it up to the bound). */
    int target() {
        return Math.max(1, max / 2);
    }

    /**
     * Gives {@code m} neighbours up to {@link #target}, from the members with room, those holding the most
     * first, then the least connected,
     * at most once per {@link #FILL_INTERVAL_NANOS} while its set stays below it.
     */
    void fill(Member m, Collection<Member> members, long now) {
        int target = target();
        if (m.source || m.banned || m.neighbours.size() >= target || now - m.nextFillNanos < 0) {
            return;
        }
        m.nextFillNanos = now + FILL_INTERVAL_NANOS;
        List<Member> withRoom = new ArrayList<>();
        List<Member> full = new ArrayList<>();
        for (Member c : members) {
            if (!suits(m, c)) {
                continue;
            }
            (c.neighbours.size() < max ? withRoom : full).add(c);
        }
        // those that hold the most first (a newcomer needs what established members hold, not another
        // newcomer: its start piece would have to come from the source), then the least connected
        java.util.Map<Member, Integer> held = new java.util.HashMap<>();
        for (Member c : withRoom) {
            held.put(c, c.have.count() + c.claimed.count());
        }
        Collections.shuffle(withRoom, random);
        withRoom.sort(java.util.Comparator.comparingInt((Member c) -> -held.get(c))
                .thenComparingInt(c -> c.neighbours.size()));
        for (Iterator<Member> it = withRoom.iterator(); it.hasNext() && m.neighbours.size() < target;) {
            link(m, it.next());
        }
        if (m.neighbours.size() < target) {
            Collections.shuffle(full, random);
            for (Iterator<Member> it = full.iterator(); it.hasNext() && m.neighbours.size() < target;) {
                steal(m, it.next());
            }
        }
    }

    /**
     * {@code m} leaves or is banned: it is nobody's neighbour any more, and its ex-neighbours look for others
     * at their next plan.
     */
    void forget(Member m) {
        for (Member n : m.neighbours) {
            n.neighbours.remove(m);
            n.nextFillNanos = 0;
        }
        m.neighbours.clear();
    }

    /**
     * Unlinks every pair where neither side can use the other any more (a server shunned or demoted), when
     * nothing is outstanding between them; both look for other neighbours at their next plan.
     */
    void refresh(Collection<Member> members) {
        for (Member m : members) {
            for (Iterator<Member> it = m.neighbours.iterator(); it.hasNext();) {
                Member n = it.next();
                if (!serves(n, m) && !serves(m, n) && !busy(m, n)) {
                    it.remove();
                    n.neighbours.remove(m);
                    m.nextFillNanos = 0;
                    n.nextFillNanos = 0;
                }
            }
        }
    }

    /** Whether {@code c} may become a neighbour of {@code m}: another member, and one of the two serves the other. */
    private static boolean suits(Member m, Member c) {
        return c != m && !c.source && !c.banned && !c.session.closed && !m.neighbours.contains(c)
                && (serves(c, m) || serves(m, c));
    }

    /** Whether {@code server} can serve {@code m} at all. */
    private static boolean serves(Member server, Member m) {
        return server.canServe() && !m.shuns(server.id) && m.fetches();
    }

    /**
     * {@code m} takes the place of one neighbour of the full member {@code x}: one that keeps more than half
     * the bound without {@code x}, and with nothing outstanding between it and {@code x}.
     */
    private void steal(Member m, Member x) {
        for (Member y : x.neighbours) {
            if (y.neighbours.size() > target() && !busy(x, y)) {
                x.neighbours.remove(y);
                y.neighbours.remove(x);
                y.nextFillNanos = 0;
                link(m, x);
                return;
            }
        }
    }

    private static void link(Member a, Member b) {
        a.neighbours.add(b);
        b.neighbours.add(a);
    }

    /** True when an assignment is outstanding between the two, either way. */
    private static boolean busy(Member a, Member b) {
        for (Member.Assigned x : a.assigned.values()) {
            if (x.from().equals(b.id)) {
                return true;
            }
        }
        for (Member.Assigned x : b.assigned.values()) {
            if (x.from().equals(a.id)) {
                return true;
            }
        }
        return false;
    }
}
