package org.iceshare.tracker.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import org.iceshare.api.icet.Announce;
import org.iceshare.api.icet.ErrorCode;
import org.iceshare.api.icet.ErrorReport;
import org.iceshare.api.icet.Joined;
import org.iceshare.api.icet.Metadata;
import org.iceshare.api.icet.Published;
import org.iceshare.api.icet.Seek;
import org.iceshare.api.swarm.ChainLink;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PieceInfo;
import org.iceshare.api.tracker.TrackedContent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live stream on the tracker: a sliding window of the pieces its source announced (with their
 * authoritative hashes), the chain links with their header pages, and who holds what.
 *
 * <p>How it orchestrates: every new piece is pushed to every member at once (peers never poll), and
 * assigned from the source to one member only, the one with the best measured upload rate (it
 * passes the piece on). As soon as a member verifies a piece, the members still waiting for it are
 * sent to the least-loaded holders, so the piece spreads as a tree whose fan-out is bounded by each
 * peer's serving slots; the source is used again only when nobody else has the piece. A late joiner
 * gets the current link's header pages and the window from the newest start point, and fetches in
 * index order (the nearest deadline first).
 *
 * <p><b>Threading:</b> the tracker's executor only.
 */
final class LiveContent extends Content {
    private static final Logger LOG = LoggerFactory.getLogger(LiveContent.class);
    /** A live assignment neither verified nor reported failed this long is given to someone else. */
    static final long ASSIGNMENT_TIMEOUT_NANOS = 3_000_000_000L;
    /**
     * How far behind the live edge a joiner hears the window's older pieces: the reference peer's largest
     * start burst (60 s) and the 2 s it leaves, so a 1 h window does not cost every joiner thousands of
     * entries.
     */
    static final long BURST_REACH_MICROS = 62_000_000L;
    /** Hard cap on the pieces kept, whatever their times say. */
    static final int MAX_WINDOW_PIECES = 4096;

    /** A piece in the window. */
    static final class LiveSlot extends Slot {
        final PieceInfo info;
        final long cutMillis;
        /** The source's signature of the piece, passed on unchanged to every member. */
        final Announce.Entry entry;

        LiveSlot(Announce.Entry entry) {
            super(entry.piece().index(), entry.piece().length());
            this.info = entry.piece();
            this.cutMillis = entry.cutMillis();
            this.entry = entry;
        }
    }

    private final Random random;
    private final TreeMap<Integer, LiveSlot> pieces = new TreeMap<>();
    private final TreeMap<Integer, Announce.Link> links = new TreeMap<>();
    private boolean onAir = true;
    long streamed;
    /** The latest title changes from the source, for members who join later (oldest first). */
    private final java.util.ArrayDeque<Metadata> titles = new java.util.ArrayDeque<>();
    /** Title changes kept for late joiners. */
    static final int KEPT_TITLES = 4;
    /** The first IceT version that carries {@link Metadata}. */
    static final int METADATA_VERSION = 6;

    LiveContent(TrackerEngine tracker, Manifest manifest, TrackerSettings settings, Random random) {
        super(tracker, manifest, settings);
        this.random = random;
    }

    @Override
    Slot slot(int piece) {
        return pieces.get(piece);
    }

    @Override
    boolean hashMatches(int piece, byte[] digest) {
        LiveSlot slot = pieces.get(piece);
        return slot != null && slot.info.hashEquals(digest);
    }

    /** Live pieces are due within seconds: see {@link Member#liveServingSlots}. */
    @Override
    int slots(Member h, int length) {
        return h.liveServingSlots(length, settings.maxServing());
    }

    @Override
    long assignmentTimeoutNanos() {
        return ASSIGNMENT_TIMEOUT_NANOS;
    }

    // ------------------------------------------------------------------ membership

    @Override
    void publish(ClientSession s) {
        Member m = members.get(s.id);
        if (m == null || !m.source) {
            if (m != null) {
                drop(m, "became the source");
            }
            Member source = new Member(s, Member.Held.window(), Member.Held.window(), Member.Held.window(), true);
            members.put(s.id, source);
            pieces.forEach((index, slot) -> {
                source.have.add(index);
                slot.holders.add(source);
            });
        }
        s.contents.add(this);
        s.send(new Published(id(), name()));
    }

    @Override
    void join(ClientSession s) {
        if (banned.contains(s.id)) {
            s.send(ErrorReport.of(ErrorCode.BANNED, "banned from " + name() + " for serving corrupt data"));
            return;
        }
        Member m = members.get(s.id);
        if (m == null) {
            m = new Member(s, Member.Held.window(), Member.Held.window(), Member.Held.window(), false);
            members.put(s.id, m);
        }
        s.contents.add(this);
        s.send(new Joined(manifest));
        int start = newestStartPoint();
        m.start = start >= 0 ? start : pieces.isEmpty() ? 0 : pieces.lastKey() + 1;
        if (start >= 0) {
            List<Announce.Entry> entries = new ArrayList<>();
            for (LiveSlot slot : pieces.tailMap(start, true).values()) {
                entries.add(slot.entry);
            }
            send(m, entries);
            // then the older pieces of the window, as far back as a peer's largest start burst reaches: a
            // player may start there (the member fetches them only after a Seek back to a start point)
            long newest = pieces.lastEntry().getValue().info.endMicros();
            List<Announce.Entry> older = new ArrayList<>();
            for (LiveSlot slot : pieces.headMap(start, false).values()) {
                if (newest < 0 || slot.info.endMicros() >= newest - BURST_REACH_MICROS) {
                    older.add(slot.entry);
                }
            }
            if (!older.isEmpty()) {
                send(m, older);
            }
        } else if (!onAir) {
            m.session.send(new Announce(id(), List.of(), List.of(), false));
        }
        if (s.version() >= METADATA_VERSION) {
            titles.forEach(s::send);
        }
        plan(m, System.nanoTime());
    }

    @Override
    void dropped(Member m, String why) {
        if (m.source) {
            onAir = false;
            LOG.info("tracker: live stream {} is off air: its source left ({})", name(), why);
            for (Member other : members.values()) {
                other.session.send(new Announce(id(), List.of(), List.of(), false));
            }
        }
    }

    // ------------------------------------------------------------------ the source's announcements

    void announce(ClientSession s, Announce a) {
        Member source = members.get(s.id);
        if (source == null || !source.source) {
            LOG.warn("tracker: {} announced pieces of {} but is not its source; ignored", s, name());
            return;
        }
        String forged = unsigned(a);
        if (forged != null) {
            tracker.guard.refused("announce-bad-signature");
            LOG.warn("tracker: refusing {}'s announcement for {}: {}", s, name(), forged);
            s.send(ErrorReport.of(ErrorCode.INVALID, "announcement refused: " + forged));
            return;
        }
        for (Announce.Link l : a.links()) {
            Announce.Link known = links.get(l.link().index());
            if (l.hasHeaders() && (known == null || !known.hasHeaders())) {
                links.put(l.link().index(), l);
            }
        }
        List<Announce.Entry> fresh = new ArrayList<>();
        for (Announce.Entry e : a.entries()) {
            int index = e.piece().index();
            if (pieces.containsKey(index) || !pieces.isEmpty() && index < pieces.firstKey()
                    || !links.containsKey(e.piece().link())) {
                continue;
            }
            LiveSlot slot = new LiveSlot(e);
            slot.holders.add(source);
            source.have.add(index);
            pieces.put(index, slot);
            streamed += e.piece().length();
            fresh.add(e);
        }
        boolean wasOnAir = onAir;
        onAir = a.onAir();
        evict();
        if (!fresh.isEmpty() || wasOnAir != onAir) {
            for (Member m : members.values()) {
                if (!m.source) {
                    send(m, fresh);
                }
            }
        }
        long now = System.nanoTime();
        planAll(now);
        seedUnsent(now);
    }

    /**
     * An out-of-band title change from the source (IceT 6): passed on unchanged to every member that speaks
     * IceT 6 (older ones would take the new message type for a malformed frame), and kept for those who join
     * later. Only the source's, and only signed by the stream's publisher, as pieces are.
     */
    void metadata(ClientSession s, Metadata md) {
        Member source = members.get(s.id);
        if (source == null || !source.source) {
            LOG.warn("tracker: {} sent a title change for {} but is not its source; ignored", s, name());
            return;
        }
        if (!md.signatureValid(manifest.publisherKey())) {
            tracker.guard.refused("metadata-bad-signature");
            LOG.warn("tracker: refusing {}'s title change for {}: not signed by the stream's publisher", s, name());
            s.send(ErrorReport.of(ErrorCode.INVALID, "title change refused: not signed by the stream's publisher"));
            return;
        }
        if (titles.contains(md)) {
            return; // sent again after a reconnection: the members have it
        }
        titles.addLast(md);
        while (titles.size() > KEPT_TITLES) {
            titles.removeFirst();
        }
        for (Member m : members.values()) {
            if (!m.source && m.session.version() >= METADATA_VERSION) {
                m.session.send(md);
            }
        }
    }

    /**
     * Every piece only the source holds, and is sending to nobody, goes out from the source at once, to the
     * member that relays best (measured upload first), even beyond that member's window of assignments. A
     * planning step fills windows only, and when every member's window is full of pieces waiting on relays,
     * a fresh piece waited too: the source idled. A source whose upload is near the stream's bitrate (the
     * live bound r_max) has no spare upload to make up for an idle moment, so each one put the whole swarm
     * further behind the live edge for good (the shaped lab: the source's link 80% busy, 30 s behind).
     * At most one such assignment per piece: the swarm relays it from there.
     */
    void seedUnsent(long now) {
        List<Member> relays = null;
        for (LiveSlot slot : pieces.values()) {
            if (slot.seeding > 0 || slot.servers() != 1 || !slot.holders.get(0).source) {
                continue;
            }
            Member source = slot.holders.get(0);
            if (source.serving >= slots(source, slot.length)) {
                return; // no free slot at the source: the next verification or tick tries again
            }
            if (relays == null) {
                relays = new ArrayList<>(members.values());
                relays.removeIf(m -> !m.fetches() || m.demoted);
                Collections.shuffle(relays, random);
                relays.sort(Comparator.comparingDouble((Member m) -> -m.measuredRate).thenComparingDouble(m -> -m.rate));
            }
            for (Member m : relays) {
                int i = slot.index;
                if (m.start <= i && !m.have.has(i) && !m.claimed.has(i) && !m.assigned.containsKey(i)
                        && offer(m, i, now, true)) {
                    break;
                }
            }
        }
    }

    /**
     * Why an announcement from the source is not what the stream's publisher signed, or null when every
     * piece and every link with headers carries the publisher's signature (IceT 4). A link without headers
     * only names one the tracker has; it is kept only with its headers, so its signature is checked then.
     */
    private String unsigned(Announce a) {
        byte[] key = manifest.publisherKey();
        for (Announce.Link l : a.links()) {
            if (l.hasHeaders() && !l.signatureValid(id(), key)) {
                return "chain link " + l.link().index() + " is not signed by the stream's publisher";
            }
        }
        for (Announce.Entry e : a.entries()) {
            if (!e.signatureValid(id(), key)) {
                return "piece " + e.piece().index() + " is not signed by the stream's publisher";
            }
        }
        return null;
    }

    /** Sends pieces (and the headers of their links, once) to a member. */
    private void send(Member m, List<Announce.Entry> entries) {
        List<Announce.Link> linksOut = new ArrayList<>();
        Set<Integer> named = new HashSet<>();
        for (Announce.Entry e : entries) {
            int link = e.piece().link();
            if (named.add(link)) {
                Announce.Link l = links.get(link);
                if (l == null) {
                    continue;
                }
                linksOut.add(m.linksSent.add(link) ? l : l.withoutHeaders());
            }
        }
        for (int from = 0; from < entries.size() || from == 0; from += Announce.MAX_ENTRIES) {
            List<Announce.Entry> part = entries.subList(from, Math.min(entries.size(), from + Announce.MAX_ENTRIES));
            m.session.send(new Announce(id(), part, from == 0 ? linksOut : List.of(), onAir));
            if (entries.isEmpty()) {
                break;
            }
        }
    }

    /** Drops pieces older than the window (by time, and at most MAX_WINDOW_PIECES), and unused links. */
    private void evict() {
        if (pieces.isEmpty()) {
            return;
        }
        long newest = pieces.lastEntry().getValue().info.endMicros();
        long horizon = newest < 0 ? Long.MIN_VALUE : newest - manifest.windowMicros();
        while (pieces.size() > 1) {
            Map.Entry<Integer, LiveSlot> first = pieces.firstEntry();
            LiveSlot slot = first.getValue();
            if (pieces.size() <= MAX_WINDOW_PIECES && (slot.info.endMicros() < 0 || slot.info.endMicros() >= horizon)) {
                break;
            }
            int index = first.getKey();
            for (Member m : members.values()) {
                m.have.remove(index);
                m.claimed.remove(index);
                m.unasked.remove(index);
                Member.Assigned a = m.assigned.remove(index);
                if (a != null) {
                    release(index, a.from());
                }
            }
            pieces.pollFirstEntry();
        }
        int firstLink = pieces.firstEntry().getValue().info.link();
        links.headMap(Math.min(firstLink, links.isEmpty() ? firstLink : links.lastKey())).clear();
    }

    /**
     * A member moves its start to a start point in the window. Forward: it skipped ahead (its player fell
     * more than its max lag behind the live edge): it fetches from there on, like a late joiner, and what
     * it was sent to fetch before that point is freed for others. Back: a player there starts a burst
     * behind the live edge: the older pieces from there are planned for it too, nearest deadline (the
     * oldest) first.
     */
    void seek(ClientSession s, Seek k) {
        Member m = members.get(s.id);
        if (m == null || m.source || k.piece() == m.start || k.piece() < 0) {
            return;
        }
        LiveSlot slot = pieces.get(k.piece());
        if (slot == null || !slot.info.startPoint()) {
            return;
        }
        m.start = k.piece();
        for (var it = m.assigned.entrySet().iterator(); it.hasNext();) {
            var e = it.next();
            if (e.getKey() < m.start) {
                release(e.getKey(), e.getValue().from());
                it.remove();
            }
        }
        plan(m, System.nanoTime());
    }

    private int newestStartPoint() {
        for (LiveSlot slot : pieces.descendingMap().values()) {
            Announce.Link link = links.get(slot.info.link());
            if (slot.info.startPoint() && link != null && link.hasHeaders()) {
                return slot.info.index();
            }
        }
        return -1;
    }

    // ------------------------------------------------------------------ planning

    /** The pieces of the window from the member's start on that it lacks, in index order (the nearest deadline first). */
    @Override
    int[] wanted(Member m) {
        var tail = pieces.tailMap(m.start, true).keySet();
        int[] out = new int[tail.size()];
        int count = 0;
        for (int i : tail) {
            if (!m.have.has(i) && !m.claimed.has(i) && !m.assigned.containsKey(i)) {
                out[count++] = i;
            }
        }
        return count == out.length ? out : java.util.Arrays.copyOf(out, count);
    }

    @Override
    public int pieceLength() {
        return pieces.isEmpty() ? 0 : pieces.lastEntry().getValue().length;
    }

    /**
     * The piece has one more holder: its neighbours, the only members that may fetch from it, can be served
     * now. Planning every member after every verification cost the tracker's thread O(members²) plans per
     * piece, more than a core at 400 listeners; the others are planned when one of their own neighbours
     * verifies, at the next announcement, or at the tick.
     */
    @Override
    void afterVerified(Member m, int piece, long now) {
        for (Member other : byUploadRate(m.neighbours)) {
            plan(other, now);
        }
        plan(m, now);
    }

    @Override
    void replan(List<Member> touched, long now) {
        for (Member m : touched) {
            plan(m, now);
        }
    }

    @Override
    void tick(long now, double seconds) {
        planAll(now);
        seedUnsent(now);
    }

    private void planAll(long now) {
        for (Member m : byUploadRate()) {
            plan(m, now);
        }
    }

    /** Members by measured upload rate, best first: they get fresh pieces first and pass them on. */
    private List<Member> byUploadRate() {
        return byUploadRate(members.values());
    }

    private List<Member> byUploadRate(java.util.Collection<Member> of) {
        List<Member> list = new ArrayList<>(of);
        list.removeIf(m -> !m.fetches());
        Collections.shuffle(list, random);
        // a demoted member still fetches, but after everyone else
        list.sort(Comparator.comparing((Member m) -> m.demoted).thenComparingDouble(m -> -m.rate));
        return list;
    }

    // ------------------------------------------------------------------ snapshots

    @Override
    TrackedContent snapshot() {
        return new TrackedContent(id(), name(), streamed, pieces.size(), members.size(), 0, sourceUploaded,
                totalUploaded);
    }

    /** Holders per piece of the window, from the oldest piece. */
    @Override
    int[] availability() {
        int[] out = new int[pieces.size()];
        int i = 0;
        for (LiveSlot slot : pieces.values()) {
            out[i++] = slot.availability();
        }
        return out;
    }

    /** A chain link known here, for tests and status. */
    ChainLink link(int index) {
        Announce.Link l = links.get(index);
        return l == null ? null : l.link();
    }

    Map<Integer, LiveSlot> window() {
        return Collections.unmodifiableMap(new HashMap<>(pieces));
    }
}
