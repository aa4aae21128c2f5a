package org.iceshare.tracker.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.iceshare.api.icet.ErrorCode;
import org.iceshare.api.icet.ErrorReport;
import org.iceshare.api.icet.Joined;
import org.iceshare.api.icet.Published;
import org.iceshare.api.icet.Seek;
import org.iceshare.api.swarm.Bitfield;
import org.iceshare.api.swarm.ChainLink;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.SeekPoint;
import org.iceshare.api.tracker.TrackedContent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file on the tracker: every piece is known from the manifest, the publisher holds them all.
 *
 * <p>The planner orders the pieces for a member (today's rarest first, random among equals, or in
 * playback order from the playhead of a member whose player streams the file, {@link #seek}). A piece
 * that becomes available is offered to waiting members at once, best upload ratio first.
 *
 * <p><b>Threading:</b> the tracker's executor only.
 */
final class FileContent extends Content {
    private static final Logger LOG = LoggerFactory.getLogger(FileContent.class);
    /** Members fully planned after each event, best ratio first (the others wait for the next tick). */
    private static final int FULL_PLANS_PER_EVENT = 2;
    /** Pieces from a seek point on that a Seek assigns at once. */
    private static final int SEEK_READAHEAD = 4;
    /**
     * The tail a player reads before it plays from the start: ffmpeg's Ogg demuxer reads the last 64 KiB of
     * a seekable input for the duration right after the headers, so a Seek to the start assigns it too.
     */
    static final long PLAYER_TAIL_BYTES = 65_536;

    private final Slot[] slots;
    private final Random random;

    FileContent(TrackerEngine tracker, Manifest manifest, TrackerSettings settings, Random random) {
        super(tracker, manifest, settings);
        this.random = random;
        this.slots = new Slot[manifest.pieceCount()];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new Slot(i, manifest.piece(i).length());
        }
    }

    @Override
    Slot slot(int piece) {
        return piece >= 0 && piece < slots.length ? slots[piece] : null;
    }

    @Override
    boolean hashMatches(int piece, byte[] digest) {
        return manifest.piece(piece).hashEquals(digest);
    }

    @Override
    long assignmentTimeoutNanos() {
        return settings.assignmentTimeout().toNanos();
    }

    /** It holds (or says it holds) every piece: it needs no more assignments. */
    private boolean complete(Member m) {
        return m.have.count() + m.claimed.count() >= slots.length;
    }

    // ------------------------------------------------------------------ membership

    /** The publisher holds every piece. A member that was a leecher before becomes the source. */
    @Override
    void publish(ClientSession s) {
        if (banned.contains(s.id)) {
            s.send(ErrorReport.of(ErrorCode.BANNED, "banned from " + name() + " for serving corrupt data"));
            return;
        }
        Member existing = members.get(s.id);
        if (existing != null && !existing.source) {
            drop(existing, "became the source");
            existing = null;
        }
        if (existing == null) {
            Bitfield all = new Bitfield(slots.length);
            for (int i = 0; i < slots.length; i++) {
                all.set(i);
            }
            Member src = new Member(s, Member.Held.of(all), Member.Held.of(new Bitfield(slots.length)),
                    Member.Held.of(new Bitfield(slots.length)), true);
            members.put(s.id, src);
            for (Slot slot : slots) {
                slot.holders.add(src);
            }
            s.contents.add(this);
        }
        s.send(new Published(id(), name()));
        planHungry(Integer.MAX_VALUE);
    }

    @Override
    void join(ClientSession s) {
        if (banned.contains(s.id)) {
            s.send(ErrorReport.of(ErrorCode.BANNED, "banned from " + name() + " for serving corrupt data"));
            return;
        }
        Member m = members.get(s.id);
        if (m == null) {
            m = new Member(s, Member.Held.of(new Bitfield(slots.length)), Member.Held.of(new Bitfield(slots.length)),
                    Member.Held.of(new Bitfield(slots.length)),
                    false);
            members.put(s.id, m);
            s.contents.add(this);
        } else {
            // a member joins again when it starts the swarm afresh (it refused or dropped what it had
            // been told): what was assigned to it before is void, so it goes to the plan again now
            // rather than after the assignment timeout
            releaseAssignments(m);
        }
        s.send(new Joined(manifest));
        plan(m, System.nanoTime());
    }

    // ------------------------------------------------------------------ planning

    /** The pieces it neither holds, claims nor was assigned, that someone holds or claims, in index order. */
    @Override
    int[] wanted(Member m) {
        int[] out = new int[slots.length];
        int count = 0;
        for (int i = 0; i < slots.length; i++) {
            if (slots[i].servers() > 0 && !m.have.has(i) && !m.claimed.has(i) && !m.assigned.containsKey(i)) {
                out[count++] = i;
            }
        }
        return count == out.length ? out : Arrays.copyOf(out, count);
    }

    @Override
    public int pieceLength() {
        return slots.length == 0 ? 0 : slots[0].length;
    }

    @Override
    void afterVerified(Member m, int piece, long now) {
        if (complete(m)) {
            LOG.info("tracker: {} completed {}", m.session, name());
        } else {
            plan(m, now);
        }
        // the piece has one more holder: offer it to the members waiting for work, best ratio first (those
        // that may fetch from it: its neighbours; one that may not would end the loop as if all were busy)
        for (Member other : hungryByRatio()) {
            if (!other.mayFetchFrom(m)) {
                continue;
            }
            if (!other.have.has(piece) && !other.claimed.has(piece) && !other.assigned.containsKey(piece)
                    && !offer(other, piece, now, false)) {
                break;
            }
        }
        planHungry(FULL_PLANS_PER_EVENT);
    }

    /**
     * Keeps a freed uplink busy: the members waiting for work (best ratio first, at most
     * {@value #REFILL_CANDIDATES} looked at) are each offered the rarest piece {@code server} holds that they
     * lack, while it has a free slot. The planner still picks who serves it among the free servers; the one
     * just freed is among them. Without this a slot freed by a verification stayed empty until the next tick
     * (up to a second), which in the shaped lab left fast peers idle for much of a run.
     */
    @Override
    void refill(Member server, long now) {
        if (!server.canServe() || slots.length == 0) {
            return;
        }
        int looked = 0;
        for (Member other : hungryByRatio()) {
            if (looked++ >= REFILL_CANDIDATES
                    || server.serving >= server.servingSlots(slots[0].length, settings.maxServing())) {
                return;
            }
            if (other == server || !other.mayFetchFrom(server)) {
                continue;
            }
            int piece = rarestFrom(server, other, now);
            if (piece >= 0) {
                offer(other, piece, now, false);
            }
        }
    }

    /** How many waiting members one freed slot looks at: bounds the cost of one verification. */
    static final int REFILL_CANDIDATES = 8;

    /**
     * The rarest piece {@code server} holds that {@code m} neither holds, claims nor was assigned; -1: none.
     * Held: on evidence, or fetched under an assignment and verified (a claim that weighs like a holding
     * until a member it serves proves it): a member that fetched a piece from the source has served nobody
     * that piece yet, and its freed slot would otherwise go unused until the next plan of someone lacking it.
     */
    private int rarestFrom(Member server, Member m, long now) {
        int best = -1;
        int bestAvailability = Integer.MAX_VALUE;
        int ties = 0;
        for (int i = 0; i < slots.length; i++) {
            boolean held = server.have.has(i) || server.claimed.has(i) && !server.unasked.has(i);
            // the source sends a piece once: its freed slot is offered only pieces nobody else holds and it is
            // not already sending (one on its way is as rare as an unsent one: every waiting member looked at
            // took it and was refused, and the slot stayed empty for half a second in the shaped lab's first
            // seconds; a piece others hold is left to the plan, whose planner decides whether the source serves
            // it again)
            if (held && !(server.source && (slots[i].seeding > 0 || slots[i].servers() > 1))
                    && !m.have.has(i) && !m.claimed.has(i)
                    && !m.assigned.containsKey(i) && !m.avoids(i, server.id, now)) {
                int availability = slots[i].availability();
                if (availability < bestAvailability) {
                    best = i;
                    bestAvailability = availability;
                    ties = 1;
                } else if (availability == bestAvailability && random.nextInt(++ties) == 0) {
                    // random among the equally rare, so that the members looked at are not all offered one piece
                    best = i;
                }
            }
        }
        return best;
    }

    @Override
    void replan(List<Member> touched, long now) {
        planHungry(Integer.MAX_VALUE);
    }

    @Override
    void tick(long now, double seconds) {
        planHungry(Integer.MAX_VALUE);
    }

    /** Fully plans up to {@code limit} members with room in their window, best ratio first. */
    private void planHungry(int limit) {
        long now = System.nanoTime();
        int planned = 0;
        for (Member m : hungryByRatio()) {
            if (planned++ >= limit) {
                return;
            }
            plan(m, now);
        }
    }

    /** A member and its sort keys in {@link #hungryByRatio}. */
    private record Ranked(Member member, int demoted, double key) {
    }

    private static final Comparator<Ranked> RANKING = Comparator.comparingInt(Ranked::demoted)
            .thenComparingDouble(Ranked::key);

    private List<Member> hungryByRatio() {
        List<Member> hungry = new ArrayList<>();
        for (Member m : members.values()) {
            if (m.fetches() && !complete(m) && m.assigned.size() < window(m)) {
                hungry.add(m);
            }
        }
        if (hungry.size() > 1) {
            Collections.shuffle(hungry, random);
            // a demoted member still fetches, but after everyone else. Each key is taken once (a ratio is a map
            // lookup): a comparator looking it up in every comparison made this O(n log n) lookups, up to three
            // times per verification, the tracker's main cost in a swarm of a thousand members (bench trackerload)
            Ranked[] ranked = new Ranked[hungry.size()];
            for (int i = 0; i < ranked.length; i++) {
                Member m = hungry.get(i);
                ranked[i] = new Ranked(m, m.demoted ? 1 : 0, -Math.min(tracker.ratio(m.id), 1e9));
            }
            // stable: members of equal rank stay in their shuffled order
            Arrays.sort(ranked, RANKING);
            for (int i = 0; i < ranked.length; i++) {
                hungry.set(i, ranked[i].member);
            }
        }
        return hungry;
    }

    /**
     * A player needs a position now: assign the link's header pieces and the pieces from the seek
     * point on, ahead of the plan, from the quickest holders (the source too, if it is the only one).
     */
    void seek(ClientSession s, Seek k) {
        Member m = members.get(s.id);
        if (m == null || !m.fetches()) {
            return;
        }
        int target;
        ChainLink link;
        if (k.piece() >= 0) {
            if (k.piece() >= slots.length) {
                return;
            }
            target = k.piece();
            link = manifest.linkOf(target);
        } else {
            var point = manifest.seek(k.micros());
            if (point.isEmpty()) {
                return;
            }
            SeekPoint p = point.get();
            target = p.piece();
            link = p.link();
        }
        m.playhead = target;
        List<Integer> wanted = new ArrayList<>();
        for (int i = link.firstPiece(); i < link.firstPiece() + link.headerPieces(); i++) {
            wanted.add(i);
        }
        // what a player needs before it plays at all may take extra slots (Content.URGENT_EXTRA_SLOTS)
        Set<Integer> startup = new HashSet<>(wanted);
        int tail = manifest.pieceAt(Math.max(0, manifest.length() - PLAYER_TAIL_BYTES));
        if (target <= link.firstPiece() + link.headerPieces() || target >= tail) {
            // a player at the start of a link reads the file's tail next, before its first data piece
            for (int i = tail; i < slots.length; i++) {
                if (!wanted.contains(i)) {
                    wanted.add(i);
                }
                startup.add(i);
            }
            startup.add(Math.min(slots.length - 1, link.firstPiece() + link.headerPieces()));
        }
        for (int i = target; i < Math.min(slots.length, target + SEEK_READAHEAD); i++) {
            if (!wanted.contains(i)) {
                wanted.add(i);
            }
        }
        long now = System.nanoTime();
        offer(m, wanted, now, true, startup);
        plan(m, now);
    }

    // ------------------------------------------------------------------ snapshots

    @Override
    TrackedContent snapshot() {
        int complete = 0;
        for (Member m : members.values()) {
            if (complete(m)) {
                complete++;
            }
        }
        return new TrackedContent(id(), name(), manifest.length(), slots.length, members.size(), complete,
                sourceUploaded, totalUploaded);
    }

    @Override
    int[] availability() {
        int[] out = new int[slots.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = slots[i].availability();
        }
        return out;
    }
}
