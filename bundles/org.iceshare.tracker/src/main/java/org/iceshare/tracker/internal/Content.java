package org.iceshare.tracker.internal;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.iceshare.api.icet.Assign;
import org.iceshare.api.icet.Peers;
import org.iceshare.api.icet.Revoke;
import org.iceshare.api.planner.ContentView;
import org.iceshare.api.planner.MemberView;
import org.iceshare.api.planner.PieceView;
import org.iceshare.api.planner.Planner;
import org.iceshare.api.planner.ServerChoice;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.swarm.PeerInfo;
import org.iceshare.api.tracker.TrackedContent;
import org.iceshare.api.tracker.TrackedPeer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One content on the tracker, a file ({@link FileContent}) or a live stream ({@link LiveContent}): its
 * authoritative manifest, its members, who holds each piece, and the orchestration both kinds share.
 *
 * <p><b>The plan.</b> {@link #plan} fills a member's window of outstanding assignments. The policy is the
 * tracker's current {@link Planner} (a plugin, swappable at run time): it orders the pieces the member may
 * be given ({@link #wanted}), and for each picks a server among those this class found eligible
 * ({@link #chooseServer}: trust stays here: banned, demoted and avoided members never serve, claims without
 * evidence only where no proven holder can, and only members with a free serving slot, slots sized by their
 * upload cap). Every verification frees a slot, credits the uploader, measures its upload (bytes delivered
 * per second of serving, {@link Member#measuredRate}) and makes the reporter a holder; failures and revoked
 * servers trigger re-planning.
 *
 * <p><b>Size.</b> About 840 lines because the evidence rules (reports, claims, demotion, bans, the early
 * timeout of unproven servers), the eligibility the planner is offered (trust, neighbourhoods, the source's
 * waiting while a piece spreads) and the bookkeeping of assignments read and change the same per-member
 * state in one place, which keeps each rule next to the state it guards. The evidence rules ({@code verified}
 * to {@code stopUsing}) are the part to move into a class of their own next, then the eligibility that
 * builds a {@code ServerChoice}.
 *
 * <p><b>Threading:</b> the tracker's executor only.
 */
abstract class Content implements ContentView {
    private static final Logger LOG = LoggerFactory.getLogger(Content.class);

    /** One piece's orchestration state: who holds it, and how many assignments the source serves. */
    static class Slot implements PieceView {
        final int index;
        final int length;
        /** The members that hold the piece on evidence. */
        final List<Member> holders = new ArrayList<>(4);
        /** The members that claim it without evidence yet: tried only where no holder can serve. */
        final List<Member> candidates = new ArrayList<>(2);
        /** Assignments of this piece the source serves now. */
        int seeding;
        /** When a member first verified the piece from the member it was sent to (0: not yet): see {@link #spreading}. */
        long spreadSince;

        Slot(int index, int length) {
            this.index = index;
            this.length = length;
        }

        @Override
        public int index() {
            return index;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public int holders() {
            return servers();
        }

        @Override
        public int seeding() {
            return seeding;
        }

        /** How many members hold or claim it and may serve it: what rarest-first orders by. */
        int availability() {
            int n = 0;
            for (Member m : holders) {
                if (!m.banned && !m.demoted) {
                    n++;
                }
            }
            for (Member m : candidates) {
                if (!m.banned && !m.demoted) {
                    n++;
                }
            }
            return n;
        }

        /** How many members might serve it: holders and candidates. */
        int servers() {
            return holders.size() + candidates.size();
        }
    }

    final TrackerEngine tracker;
    final Manifest manifest;
    final TrackerSettings settings;
    final Map<PeerId, Member> members = new LinkedHashMap<>();
    /** Peers banned from this content for serving corrupt data; they cannot join it again. */
    final Set<PeerId> banned = new java.util.HashSet<>();
    /**
     * Per accused member, the independent members whose assigned fetch from it failed (FETCH_FAILED) or
     * whose piece from it was corrupt (BAD_PIECE), with when: what demotes and bans it.
     */
    private final Map<PeerId, Map<PeerId, Long>> failedBy = new java.util.HashMap<>();
    private final Map<PeerId, Map<PeerId, Long>> corruptBy = new java.util.HashMap<>();
    /** A report counts for this long. */
    static final long REPORT_WINDOW_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(2);
    long sourceUploaded;
    long totalUploaded;
    /** Smoothed time from an assignment to its verification by the member served, in ns (0: none yet). */
    double verifyNanos;
    /** Who may fetch from whom: the bounded neighbourhoods (eligibility, not the plan's choice). */
    final Neighbourhoods neighbourhoods;

    Content(TrackerEngine tracker, Manifest manifest, TrackerSettings settings) {
        this.tracker = tracker;
        this.manifest = manifest;
        this.settings = settings;
        this.neighbourhoods = new Neighbourhoods(settings.maxNeighbours(), new java.util.Random());
    }

    ContentId id() {
        return manifest.id();
    }

    @Override
    public String name() {
        return manifest.name();
    }

    // ------------------------------------------------------------------ what the planner sees

    @Override
    public boolean live() {
        return manifest.live();
    }

    @Override
    public PieceView piece(int index) {
        return slot(index);
    }

    @Override
    public List<MemberView> members() {
        List<MemberView> out = new ArrayList<>(members.size());
        for (Member m : members.values()) {
            out.add(view(m));
        }
        return java.util.Collections.unmodifiableList(out);
    }

    /** The planner's view of a member, made once per member. */
    final PlanMember view(Member m) {
        if (m.view == null) {
            m.view = new PlanMember(this, m);
        }
        return m.view;
    }

    // ------------------------------------------------------------------ what a kind of content says

    /** The slot of a piece, or null when the piece is not (or no longer) in the content. */
    abstract Slot slot(int piece);

    /** True when a report's digest is the authoritative hash of the piece. */
    abstract boolean hashMatches(int piece, byte[] digest);

    /**
     * The pieces a member may be given now, for the planner to order: those it neither holds, claims nor was
     * assigned (and, for a file, that someone holds or claims).
     */
    abstract int[] wanted(Member m);

    /** A member registered as the source, or one that joined. */
    abstract void publish(ClientSession s);

    abstract void join(ClientSession s);

    /** After a member verified a piece and became a holder: who is planned now. */
    abstract void afterVerified(Member m, int piece, long now);

    /** After members lost assignments (a server left or was banned): plans them again. */
    abstract void replan(List<Member> touched, long now);

    /** An assignment not verified or reported in this time is given to someone else. */
    abstract long assignmentTimeoutNanos();

    /** Called every tick after stale assignments were released. */
    abstract void tick(long now, double seconds);

    abstract TrackedContent snapshot();

    /** Holders per piece (for a live stream, of its window from the oldest piece). */
    abstract int[] availability();

    /**
     * A banned member's pieces stop counting, and it may not rejoin. A publisher is never banned from its own
     * content on reports (reporters could only agree to take the content away from everyone): a reporter
     * shuns it for itself.
     */
    boolean mayBan(Member liar) {
        return !liar.source;
    }

    /** Called once a member was removed and its servers revoked. */
    void dropped(Member m, String why) {
    }

    // ------------------------------------------------------------------ membership

    void leave(ClientSession s, String why) {
        Member m = members.get(s.id);
        s.contents.remove(this);
        if (m != null && m.session == s) {
            drop(m, why);
        }
    }

    /** Ends a member's own assignments (their servers get the slots back). */
    final void releaseAssignments(Member m) {
        for (Map.Entry<Integer, Member.Assigned> e : m.assigned.entrySet()) {
            release(e.getKey(), e.getValue().from());
        }
        m.assigned.clear();
    }

    /** Removes a member: its own assignments end, and those it served are reassigned. */
    void drop(Member m, String why) {
        for (Map.Entry<Integer, Member.Assigned> e : m.assigned.entrySet()) {
            release(e.getKey(), e.getValue().from());
        }
        m.assigned.clear();
        m.have.forEach(p -> {
            Slot slot = slot(p);
            if (slot != null) {
                slot.holders.remove(m);
            }
        });
        dropClaims(m);
        members.remove(m.id);
        neighbourhoods.forget(m);
        revokeServer(m, why);
        dropped(m, why);
    }

    /** Tells every member fetching from {@code server} to stop, and plans them again. */
    void revokeServer(Member server, String why) {
        List<Member> touched = new ArrayList<>();
        for (Member other : members.values()) {
            boolean lost = false;
            for (Iterator<Map.Entry<Integer, Member.Assigned>> it = other.assigned.entrySet().iterator();
                    it.hasNext();) {
                Map.Entry<Integer, Member.Assigned> e = it.next();
                if (e.getValue().from().equals(server.id)) {
                    it.remove();
                    Slot slot = slot(e.getKey());
                    if (server.source && slot != null) {
                        slot.seeding = Math.max(0, slot.seeding - 1);
                    }
                    lost = true;
                }
            }
            if (lost) {
                other.session.send(new Revoke(id(), server.id, why));
                touched.add(other);
            }
        }
        server.servedNone(System.nanoTime());
        replan(touched, System.nanoTime());
    }

    // ------------------------------------------------------------------ reports

    void verified(ClientSession s, int piece, PeerId from, byte[] digest) {
        Member m = members.get(s.id);
        Slot slot = slot(piece);
        if (m == null || slot == null) {
            return;
        }
        if (!hashMatches(piece, digest)) {
            LOG.warn("tracker: {} reported a wrong digest for piece {} of {}; not counted", s, piece, name());
            return;
        }
        Member.Assigned a = m.assigned.remove(piece);
        if (a != null) {
            release(piece, a.from());
        }
        if (m.have.has(piece) || m.claimed.has(piece) || m.demoted) {
            return;
        }
        // What a member says it holds is a claim (a restarted member reports what it has on disk; a liar
        // reports what it has not, even after an assignment it never fetched): it makes the member a
        // candidate server of the piece, tried where no proven holder can serve, and proven the first time
        // a member it was assigned to verifies the piece from it. A candidate that fails a piece it claimed
        // without having been sent to fetch it from {@code from} loses every claim; a piece it verified from
        // the server it was assigned weighs like a holder's (didNotServe).
        m.claimed.add(piece);
        if (a == null || !a.from().equals(from)) {
            m.unasked.add(piece);
        }
        slot.candidates.add(m);
        if (slot.spreadSince == 0 && a != null && a.from().equals(from)) {
            slot.spreadSince = System.nanoTime() | 1;
        }
        Member server = members.get(from);
        if (a != null && a.from().equals(from) && server != null && server != m) {
            long took = System.nanoTime() - a.since();
            verifyNanos = verifyNanos == 0 ? took : verifyNanos * 0.9 + took * 0.1;
            server.proven = true;
            if (server.claimed.has(piece)) {
                server.claimed.remove(piece);
                server.unasked.remove(piece);
                slot.candidates.remove(server);
                server.have.add(piece);
                slot.holders.add(server);
                LOG.debug("tracker: {} proved it holds piece {} of {}: {} verified it", server.session, piece, name(),
                        s);
            }
            int len = slot.length;
            server.uploaded += len;
            server.rateWindowBytes += len;
            server.delivered(len);
            m.downloaded += len;
            totalUploaded += len;
            if (server.source) {
                sourceUploaded += len;
            }
            tracker.credit(server.id, m.id, len);
        }
        long now = System.nanoTime();
        afterVerified(m, piece, now);
        if (server != null && server != m && a != null && a.from().equals(from)) {
            refill(server, now);
        }
    }

    /**
     * A verification freed one of {@code server}'s serving slots: a content may hand it to a member waiting for
     * work at once, so that the uplink does not idle until the next tick. None by default.
     */
    void refill(Member server, long now) {
    }

    void fetchFailed(ClientSession s, int piece, PeerId from) {
        Member m = members.get(s.id);
        if (m == null || slot(piece) == null) {
            return;
        }
        Member.Assigned a = m.assigned.get(piece);
        long now = System.nanoTime();
        if (a != null && a.from().equals(from)) {
            m.assigned.remove(piece);
            release(piece, from);
            Member server = members.get(from);
            if (server != null && server != m) {
                didNotServe(server, m, piece, now);
            }
        }
        m.avoid(piece, from, now + TrackerEngine.AVOID_NANOS);
        plan(m, now);
    }

    /**
     * A member it was assigned to could not fetch a piece from {@code server}. A member that claimed the
     * piece without having been assigned it loses every claim at once (such claims are cheap); any other
     * (a holder, or a member that verified the piece after an assignment) is demoted (it serves nobody here)
     * once {@link TrackerSettings#reportsToAct} independent members said so within
     * {@link #REPORT_WINDOW_NANOS}: the word of one member, which may itself lie, takes nobody down.
     */
    private void didNotServe(Member server, Member reporter, int piece, long now) {
        if (server.unasked.has(piece)) {
            LOG.info("tracker: {} claimed piece {} of {} but did not serve it to {}: its claims are dropped and it"
                    + " serves nobody here", server.session, piece, name(), reporter.session);
            dropClaims(server);
            demote(server, "it claimed piece " + piece + " but did not serve it to " + reporter.id.shortHex());
            revokeServer(server, "demoted: it did not serve what it claimed");
            return;
        }
        if (server.source || server.demoted) {
            return;
        }
        if (!server.have.has(piece)) {
            // an unproven member failed it: the reporter stops using it at once (as after a corrupt piece),
            // rather than being sent back to it piece by piece until independent members agree
            stopUsing(reporter, server, "it did not serve what it claimed");
        }
        int reporters = report(failedBy, server, reporter, now);
        if (reporters >= settings.reportsToAct()) {
            demote(server, reporters + " members could not fetch from it");
            LOG.info("tracker: demoting {} in {}: {} members could not fetch from it", server.session, name(),
                    reporters);
            revokeServer(server, "demoted: it did not serve what it was assigned");
        }
    }

    /** Marks a member demoted (it serves nobody here) and tells the tracker's sanction listeners. */
    private void demote(Member m, String why) {
        m.demoted = true;
        tracker.sanction(new Sanction(Sanction.Kind.DEMOTED, m.id, name(), why, System.nanoTime()));
    }

    /** Records an independent member's report against {@code accused}; the number of reporters in the window. */
    private static int report(Map<PeerId, Map<PeerId, Long>> table, Member accused, Member reporter, long now) {
        Map<PeerId, Long> by = table.computeIfAbsent(accused.id, k -> new java.util.HashMap<>());
        by.put(reporter.id, now);
        by.values().removeIf(t -> now - t > REPORT_WINDOW_NANOS);
        return by.size();
    }

    /** Forgets what a member claims without evidence. */
    void dropClaims(Member m) {
        m.claimed.forEach(p -> {
            Slot slot = slot(p);
            if (slot != null) {
                slot.candidates.remove(m);
            }
            m.claimed.remove(p);
            m.unasked.remove(p);
        });
    }

    void badPiece(ClientSession s, int piece, PeerId liarId, String reason) {
        Member reporter = members.get(s.id);
        if (reporter == null || slot(piece) == null) {
            return;
        }
        Member liar = members.get(liarId);
        Member.Assigned a = reporter.assigned.get(piece);
        if (a == null || !a.from().equals(liarId) || liar == null || liar == reporter) {
            // a report counts only from a member that was assigned that piece from that member
            tracker.guard.limited(s, "unfounded-report", System.nanoTime(), "reports of corrupt pieces it was not assigned"
                    + " from the accused (last: piece " + piece + " of " + name() + " from " + liarId.shortHex() + ")");
            return;
        }
        // the reporter stops using the liar at once (its client drops every request there): so does its plan
        reporter.shun(liarId);
        for (Iterator<Map.Entry<Integer, Member.Assigned>> it = reporter.assigned.entrySet().iterator();
                it.hasNext();) {
            Map.Entry<Integer, Member.Assigned> e = it.next();
            if (e.getValue().from().equals(liarId)) {
                it.remove();
                release(e.getKey(), liarId);
            }
        }
        if (liar.unasked.has(piece)) {
            LOG.info("tracker: {} claimed piece {} of {} and served it corrupt to {}: its claims are dropped and it"
                    + " serves nobody here", liar.session, piece, name(), s);
            dropClaims(liar);
            demote(liar, "it served piece " + piece + ", which it claimed, corrupt to " + reporter.id.shortHex());
            revokeServer(liar, "demoted: it served a corrupt piece it claimed");
        } else if (!liar.banned && mayBan(liar)) {
            // one report never bans: independent members must agree (the reporter itself stops using it at once)
            int reporters = report(corruptBy, liar, reporter, System.nanoTime());
            if (reporters >= settings.reportsToAct()) {
                ban(liar, reporters + " members report corrupt pieces from it (last: " + reason + ")");
            } else {
                LOG.info("tracker: {} reports a corrupt piece {} of {} from {} ({}); {} of {} reports to ban", s,
                        piece, name(), liar.session, reason, reporters, settings.reportsToAct());
            }
        }
        plan(reporter, System.nanoTime());
    }

    /** Bans a member from this content: it serves nobody, may not rejoin, and its clients fetch elsewhere. */
    private void ban(Member liar, String why) {
        liar.banned = true;
        banned.add(liar.id);
        tracker.banned(this, liar.id);
        LOG.info("tracker: banning {} from {}: {}", liar.session, name(), why);
        tracker.sanction(new Sanction(Sanction.Kind.BANNED, liar.id, name(), why, System.nanoTime()));
        liar.have.forEach(p -> {
            Slot held = slot(p);
            if (held != null) {
                held.holders.remove(liar);
            }
        });
        dropClaims(liar);
        neighbourhoods.forget(liar);
        revokeServer(liar, "banned: served corrupt pieces");
    }

    /** An assignment ended: its server has a slot free again. */
    void release(int piece, PeerId from) {
        Member server = members.get(from);
        if (server != null) {
            Slot slot = slot(piece);
            server.served(slot == null ? 0 : slot.length, System.nanoTime());
            if (server.source && slot != null) {
                slot.seeding = Math.max(0, slot.seeding - 1);
            }
        }
    }

    /** Releases assignments older than the timeout, then lets the content re-plan. */
    void expire(long now, double seconds) {
        long stale = assignmentTimeoutNanos();
        long unproven = unprovenTimeoutNanos();
        List<Late> late = new ArrayList<>();
        for (Member m : members.values()) {
            m.rate = m.rate * 0.7 + (m.rateWindowBytes / Math.max(0.001, seconds)) * 0.3;
            m.rateWindowBytes = 0;
            m.sampleRate(now);
            for (Iterator<Map.Entry<Integer, Member.Assigned>> it = m.assigned.entrySet().iterator(); it.hasNext();) {
                Map.Entry<Integer, Member.Assigned> e = it.next();
                long age = now - e.getValue().since();
                Member server = members.get(e.getValue().from());
                if (age > stale) {
                    it.remove();
                    release(e.getKey(), e.getValue().from());
                } else if (age > unproven && server != null && !server.source && !server.have.has(e.getKey())) {
                    it.remove();
                    release(e.getKey(), server.id);
                    late.add(new Late(m, e.getKey(), server));
                }
            }
        }
        for (Late l : late) {
            // the member stops waiting there (its client drops its requests to the server) and is sent
            // elsewhere; a claim made without an assignment falls, as after a failed fetch
            if (members.get(l.server.id) != l.server || members.get(l.member.id) != l.member) {
                continue;
            }
            String why = "no piece " + l.piece + " within " + unproven / 1_000_000 + " ms";
            l.member.session.send(new Revoke(id(), l.server.id, why));
            if (l.server.unasked.has(l.piece)) {
                LOG.info("tracker: {} claimed piece {} of {} but did not serve it to {} within {} ms", l.server.session,
                        l.piece, name(), l.member.session, unproven / 1_000_000);
                dropClaims(l.server);
                demote(l.server, "it claimed piece " + l.piece + " but did not serve it to "
                        + l.member.id.shortHex() + " within " + unproven / 1_000_000 + " ms");
                revokeServer(l.server, "demoted: it did not serve what it claimed");
            } else if (!l.server.demoted) {
                stopUsing(l.member, l.server, why);
            }
            plan(l.member, now);
        }
        neighbourhoods.refresh(members.values());
        tick(now, seconds);
    }

    /** An assignment from a member that did not hold the piece on evidence, and was not served in time. */
    private record Late(Member member, int piece, Member server) {
    }

    /**
     * How long a member waits for a piece from a server that does not hold it on evidence (a candidate)
     * before it is sent elsewhere: {@link #UNPROVEN_FACTOR} times the content's smoothed time from an
     * assignment to its verification, at least {@link #UNPROVEN_MIN_NANOS}, at most the assignment timeout.
     * A proven holder gets the whole assignment timeout; a staller that claims pieces would otherwise hold
     * each member sent to it for the client's request timeout (20 s).
     */
    long unprovenTimeoutNanos() {
        long t = verifyNanos == 0 ? UNPROVEN_DEFAULT_NANOS : (long) (verifyNanos * UNPROVEN_FACTOR);
        return Math.min(assignmentTimeoutNanos(), Math.max(UNPROVEN_MIN_NANOS, t));
    }

    static final long UNPROVEN_MIN_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(3);
    static final long UNPROVEN_DEFAULT_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    static final double UNPROVEN_FACTOR = 8;

    /**
     * The reporter stops using an unproven {@code server} at once: never sent there again in this content,
     * and its other assignments there end (with a REVOKE, so its client stops waiting).
     */
    private void stopUsing(Member reporter, Member server, String why) {
        reporter.shun(server.id);
        boolean lost = false;
        for (Iterator<Map.Entry<Integer, Member.Assigned>> it = reporter.assigned.entrySet().iterator();
                it.hasNext();) {
            Map.Entry<Integer, Member.Assigned> e = it.next();
            if (e.getValue().from().equals(server.id)) {
                it.remove();
                release(e.getKey(), server.id);
                lost = true;
            }
        }
        if (lost) {
            reporter.session.send(new Revoke(id(), server.id, why));
        }
    }

    // ------------------------------------------------------------------ planning

    /** Fills a member's window of assignments, in the order the current planner gives. */
    final void plan(Member m, long now) {
        if (!m.fetches()) {
            return;
        }
        neighbourhoods.fill(m, members.values(), now);
        int room = window(m) - m.assigned.size();
        if (room <= 0) {
            return;
        }
        Planner planner = tracker.planner();
        if (planner == null) {
            return;
        }
        int[] wanted = wanted(m);
        if (wanted.length == 0) {
            return;
        }
        int[] order;
        try {
            order = planner.order(this, view(m), wanted);
        } catch (RuntimeException e) {
            tracker.plannerFailed(planner, e);
            return;
        }
        if (order == null) {
            return;
        }
        Batch batch = new Batch(m);
        for (int i = 0; i < order.length && room > 0; i++) {
            int piece = order[i];
            if (m.have.has(piece) || m.claimed.has(piece) || m.assigned.containsKey(piece)) {
                continue;
            }
            Member server = chooseServer(planner, piece, m, now, false);
            if (server != null) {
                assign(m, piece, server, now, batch);
                room--;
            }
        }
        batch.send();
    }

    /**
     * How many assignments a member may have outstanding: one for a demoted member. It lied or failed, so it
     * may lie about fetching too: one that never fetches nor reports holds what it was assigned until the
     * assignment times out, and with a full window it held every serving slot of the source for that long.
     */
    final int window(Member m) {
        return m.demoted ? 1 : settings.window();
    }

    /** How many pieces of {@code length} bytes {@code h} may serve at once in this content. */
    int slots(Member h, int length) {
        return h.servingSlots(length, settings.maxServing());
    }

    /** Assigns one piece to a member, if a holder can serve it now; false when none can. */
    final boolean offer(Member m, int piece, long now, boolean urgent) {
        return offer(m, List.of(piece), now, urgent) > 0;
    }

    /**
     * Assigns these pieces to a member, in order, each that a holder can serve now, in one message.
     *
     * @return how many were assigned
     */
    final int offer(Member m, List<Integer> pieces, long now, boolean urgent) {
        return offer(m, pieces, now, urgent, java.util.Set.of());
    }

    /**
     * As above; the pieces in {@code startup} (those a player needs before it can play at all) may take
     * {@link #URGENT_EXTRA_SLOTS} serving slots beyond a holder's full ones.
     */
    final int offer(Member m, List<Integer> pieces, long now, boolean urgent, java.util.Set<Integer> startup) {
        Planner planner = tracker.planner();
        if (!m.fetches() || planner == null) {
            return 0;
        }
        neighbourhoods.fill(m, members.values(), now);
        Batch batch = new Batch(m);
        for (int piece : pieces) {
            if (m.have.has(piece) || m.claimed.has(piece) || m.assigned.containsKey(piece)) {
                continue;
            }
            Member server = chooseServer(planner, piece, m, now, urgent,
                    startup.contains(piece) ? URGENT_EXTRA_SLOTS : 0);
            if (server != null) {
                assign(m, piece, server, now, batch);
            }
        }
        batch.send();
        return batch.entries.size();
    }

    /**
     * Who serves {@code piece} to {@code m}, by the planner's choice among the members that may: the
     * holders on evidence with a free slot, or where none has one the members that claim it (a candidate
     * proves its claim by serving), and the source whenever it has a free slot (for a demoted member only
     * when {@code urgent}: one that never fetches would otherwise hold a piece the source seeds back from
     * everyone until its assignment timed out). A holder this member avoids (it failed it, or it reported
     * it) serves it nothing, nor does a member outside its neighbourhood ({@link Member#mayFetchFrom}); the
     * source is left out, unless {@code urgent}, while the piece is on its way to the member's neighbourhood
     * ({@link #neighbourFetches}, {@link #spreading}). Null when none may, or the planner has the member wait.
     */
    final Member chooseServer(Planner planner, int piece, Member m, long now, boolean urgent) {
        return chooseServer(planner, piece, m, now, urgent, 0);
    }

    /** As above, a holder counting as free up to {@code extra} slots beyond its full ones. */
    final Member chooseServer(Planner planner, int piece, Member m, long now, boolean urgent, int extra) {
        Slot slot = slot(piece);
        if (slot == null) {
            return null;
        }
        List<MemberView> holders = new ArrayList<>(slot.holders.size());
        List<MemberView> candidates = new ArrayList<>(0);
        Member source = null;
        int busy = 0;
        int pending = 0;
        for (Member h : slot.candidates) {
            if (h == m || !h.canServe() || m.avoids(piece, h.id, now) || !m.mayFetchFrom(h)) {
                continue;
            }
            if (h.serving >= slots(h, slot.length) + extra) {
                // a busy candidate is worth waiting for only if it has served someone: a staller that claims
                // every piece and fills its slots would otherwise keep the source from seeding anything
                if (h.proven) {
                    busy++;
                } else if (!h.unasked.has(piece)) {
                    pending++;
                }
            } else {
                candidates.add(view(h));
            }
        }
        for (Member h : slot.holders) {
            if (h == m || !h.canServe() || m.avoids(piece, h.id, now) || !m.mayFetchFrom(h)) {
                continue;
            }
            boolean full = h.serving >= slots(h, slot.length) + extra;
            if (h.source) {
                // with neighbourhoods, the piece may already be on its way to this member's neighbours: the
                // source waits for it to arrive there rather than upload it again (a waiting player does not)
                if (!full && (urgent || !m.demoted && !neighbourFetches(m, piece) && !spreading(slot, now))) {
                    source = h;
                }
            } else if (full) {
                busy++;
            } else {
                holders.add(view(h));
            }
        }
        List<MemberView> free = holders.isEmpty() ? candidates : holders;
        if (source != null) {
            free.add(view(source));
        }
        if (free.isEmpty()) {
            return null;
        }
        MemberView chosen;
        try {
            chosen = planner.server(new Choice(this, view(m), slot, free, busy, pending, urgent));
        } catch (RuntimeException e) {
            tracker.plannerFailed(planner, e);
            return null;
        }
        // the planner chooses among what trust allows, nothing else
        for (MemberView v : free) {
            if (v == chosen) {
                return ((PlanMember) v).member;
            }
        }
        return null;
    }

    /**
     * Serving slots a holder may have beyond its usual ones for the pieces a player needs before it can play
     * at all (a Seek to a start: the headers, the tail players read, the first data piece): its full slots
     * hold pieces fetched ahead of need, which would otherwise keep the player waiting for seconds behind
     * them (a flash crowd's first plans fill the source's slots). Only those: when every blocked piece of
     * every player took extra slots, the source served more copies (SUF 1.6 to 2.0 with 10 players in
     * the lab) and the players stalled more.
     */
    static final int URGENT_EXTRA_SLOTS = 2;

    /** One server choice shown to the planner. */
    private record Choice(ContentView content, MemberView member, PieceView piece, List<MemberView> free, int busy,
            int pending, boolean urgent) implements ServerChoice {
        Choice {
            free = java.util.Collections.unmodifiableList(free);
        }
    }

    /**
     * Neighbourhoods: a neighbour of {@code m} is being sent {@code piece} by the source or by a member that
     * has served before, so it will hold it soon: {@code m} waits for it rather than have the source upload
     * the piece again (a fetch from a member that never served may never come).
     */
    private boolean neighbourFetches(Member m, int piece) {
        for (Member n : m.neighbours) {
            Member.Assigned a = n.assigned.get(piece);
            Member server = a == null ? null : members.get(a.from());
            if (server != null && (server.source || server.proven)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Neighbourhoods: another member verified the piece a moment ago, so it is spreading from neighbourhood
     * to neighbourhood and will reach this member's neighbours in a few hops: the source does not upload it
     * again meanwhile. A member whose neighbours still have none after three times the smoothed time of one
     * fetch (100 ms to 1 s) is served by the source.
     */
    private boolean spreading(Slot slot, long now) {
        long wait = Math.min(SPREAD_WAIT_MAX_NANOS, Math.max(SPREAD_WAIT_MIN_NANOS, (long) (verifyNanos * 3)));
        return slot.spreadSince != 0 && now - slot.spreadSince < wait;
    }

    static final long SPREAD_WAIT_MIN_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(100);
    static final long SPREAD_WAIT_MAX_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);

    private void assign(Member m, int piece, Member server, long now, Batch batch) {
        Slot slot = slot(piece);
        m.assigned.put(piece, new Member.Assigned(server.id, now));
        server.serve(slot.length, now);
        if (server.source) {
            slot.seeding++;
        }
        batch.entries.add(new Assign.Entry(piece, server.id, slot.servers()));
        if (m.session.known.add(server.id) && server.session.info != null) {
            batch.addresses.add(server.session.info);
        }
    }

    /** What one planning step tells one member: the addresses it lacks, then its assignments. */
    private final class Batch {
        final Member member;
        final List<Assign.Entry> entries = new ArrayList<>();
        final List<PeerInfo> addresses = new ArrayList<>();

        Batch(Member member) {
            this.member = member;
        }

        void send() {
            if (!addresses.isEmpty()) {
                member.session.send(new Peers(addresses));
            }
            if (!entries.isEmpty()) {
                member.session.send(new Assign(id(), entries));
            }
        }
    }

    // ------------------------------------------------------------------ snapshots

    List<TrackedPeer> peers() {
        List<TrackedPeer> out = new ArrayList<>();
        for (Member m : members.values()) {
            PeerInfo info = m.session.info;
            out.add(new TrackedPeer(m.id, info == null ? "-" : info.host() + ":" + info.port(), m.source,
                    m.have.count() + m.claimed.count(), m.uploaded, m.downloaded, tracker.ratio(m.id), m.banned,
                    m.session.uploadCap, m.session.uploadRate));
        }
        return out;
    }
}
