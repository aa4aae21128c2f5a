package org.iceshare.tracker.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import org.iceshare.api.icet.Announce;
import org.iceshare.api.icet.Assign;
import org.iceshare.api.icet.ErrorCode;
import org.iceshare.api.icet.ErrorReport;
import org.iceshare.api.icet.Joined;
import org.iceshare.api.icet.Peers;
import org.iceshare.api.icet.Published;
import org.iceshare.api.icet.Revoke;
import org.iceshare.api.swarm.ChainLink;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.swarm.PeerInfo;
import org.iceshare.api.swarm.PieceInfo;
import org.iceshare.api.tracker.TrackedContent;
import org.iceshare.api.tracker.TrackedPeer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One live stream on the tracker: a sliding window of the pieces its source announced (with their
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
final class LiveContent {
    private static final Logger LOG = LoggerFactory.getLogger(LiveContent.class);
    /** A live assignment neither verified nor reported failed this long is given to someone else. */
    static final long ASSIGNMENT_TIMEOUT_NANOS = 3_000_000_000L;
    /** Hard cap on the pieces kept, whatever their times say. */
    static final int MAX_WINDOW_PIECES = 4096;

    /** A piece in the window. */
    static final class Slot {
        final PieceInfo info;
        final long cutMillis;
        final List<LiveMember> holders = new ArrayList<>(4);
        /** Assignments of this piece the source serves now. */
        int seeding;

        Slot(PieceInfo info, long cutMillis) {
            this.info = info;
            this.cutMillis = cutMillis;
        }
    }

    /** One peer of the stream. */
    static final class LiveMember {
        final ClientSession session;
        final PeerId id;
        final boolean source;
        final Set<Integer> have = new HashSet<>();
        final Map<Integer, Member.Assigned> assigned = new LinkedHashMap<>();
        final Set<Integer> linksSent = new HashSet<>();
        int serving;
        long uploaded;
        long downloaded;
        boolean banned;
        /** The first piece this member fetches (its start point at join). */
        int start;
        /** Bytes credited per second, smoothed: its measured upload capacity. */
        double rate;
        long rateWindowBytes;

        LiveMember(ClientSession session, boolean source) {
            this.session = session;
            this.id = session.id;
            this.source = source;
        }
    }

    private final TrackerEngine tracker;
    final Manifest manifest;
    private final int windowAssignments;
    private final int maxServing;
    private final Random random = new Random();
    private final TreeMap<Integer, Slot> pieces = new TreeMap<>();
    private final TreeMap<Integer, Announce.Link> links = new TreeMap<>();
    final Map<PeerId, LiveMember> members = new LinkedHashMap<>();
    final Set<PeerId> banned = new HashSet<>();
    private boolean onAir = true;
    long streamed;
    long sourceUploaded;
    long totalUploaded;

    LiveContent(TrackerEngine tracker, Manifest manifest, int windowAssignments, int maxServing) {
        this.tracker = tracker;
        this.manifest = manifest;
        this.windowAssignments = windowAssignments;
        this.maxServing = maxServing;
    }

    // ------------------------------------------------------------------ membership

    void publish(ClientSession s) {
        LiveMember m = members.get(s.id);
        if (m == null || !m.source) {
            if (m != null) {
                drop(m, "became the source");
            }
            m = new LiveMember(s, true);
            members.put(s.id, m);
            for (Map.Entry<Integer, Slot> e : pieces.entrySet()) {
                m.have.add(e.getKey());
                e.getValue().holders.add(m);
            }
        }
        s.liveStreams.add(this);
        s.send(new Published(manifest.id(), manifest.name()));
    }

    void join(ClientSession s) {
        if (banned.contains(s.id)) {
            s.send(ErrorReport.of(ErrorCode.BANNED, "banned from " + manifest.name() + " for serving corrupt data"));
            return;
        }
        LiveMember m = members.get(s.id);
        if (m == null) {
            m = new LiveMember(s, false);
            members.put(s.id, m);
        }
        s.liveStreams.add(this);
        s.send(new Joined(manifest));
        int start = newestStartPoint();
        m.start = start >= 0 ? start : pieces.isEmpty() ? 0 : pieces.lastKey() + 1;
        if (start >= 0) {
            List<Announce.Entry> entries = new ArrayList<>();
            for (Slot slot : pieces.tailMap(start, true).values()) {
                entries.add(new Announce.Entry(slot.info, slot.cutMillis));
            }
            send(m, entries);
        } else if (!onAir) {
            m.session.send(new Announce(manifest.id(), List.of(), List.of(), false));
        }
        plan(m, System.nanoTime());
    }

    void leave(ClientSession s, String why) {
        LiveMember m = members.get(s.id);
        s.liveStreams.remove(this);
        if (m != null && m.session == s) {
            drop(m, why);
        }
    }

    private void drop(LiveMember m, String why) {
        for (Map.Entry<Integer, Member.Assigned> e : m.assigned.entrySet()) {
            release(e.getKey(), e.getValue().from());
        }
        m.assigned.clear();
        for (int p : m.have) {
            Slot slot = pieces.get(p);
            if (slot != null) {
                slot.holders.remove(m);
            }
        }
        members.remove(m.id);
        revokeServer(m, why);
        if (m.source) {
            onAir = false;
            LOG.info("tracker: live stream {} is off air: its source left ({})", manifest.name(), why);
            for (LiveMember other : members.values()) {
                other.session.send(new Announce(manifest.id(), List.of(), List.of(), false));
            }
        }
    }

    private void revokeServer(LiveMember server, String why) {
        long now = System.nanoTime();
        for (LiveMember other : members.values()) {
            boolean touched = false;
            for (Iterator<Map.Entry<Integer, Member.Assigned>> it = other.assigned.entrySet().iterator();
                    it.hasNext();) {
                Map.Entry<Integer, Member.Assigned> e = it.next();
                if (e.getValue().from().equals(server.id)) {
                    it.remove();
                    Slot slot = pieces.get(e.getKey());
                    if (server.source && slot != null) {
                        slot.seeding = Math.max(0, slot.seeding - 1);
                    }
                    touched = true;
                }
            }
            if (touched) {
                other.session.send(new Revoke(manifest.id(), server.id, why));
                plan(other, now);
            }
        }
        server.serving = 0;
    }

    // ------------------------------------------------------------------ the source's announcements

    void announce(ClientSession s, Announce a) {
        LiveMember source = members.get(s.id);
        if (source == null || !source.source) {
            LOG.warn("tracker: {} announced pieces of {} but is not its source; ignored", s, manifest.name());
            return;
        }
        for (Announce.Link l : a.links()) {
            Announce.Link known = links.get(l.link().index());
            if (known == null || !known.hasHeaders() && l.hasHeaders()) {
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
            Slot slot = new Slot(e.piece(), e.cutMillis());
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
            for (LiveMember m : members.values()) {
                if (!m.source) {
                    send(m, fresh);
                }
            }
        }
        long now = System.nanoTime();
        for (LiveMember m : byUploadRate()) {
            plan(m, now);
        }
    }

    /** Sends pieces (and the headers of their links, once) to a member. */
    private void send(LiveMember m, List<Announce.Entry> entries) {
        List<Announce.Link> linksOut = new ArrayList<>();
        Set<Integer> named = new HashSet<>();
        for (Announce.Entry e : entries) {
            int link = e.piece().link();
            if (named.add(link)) {
                Announce.Link l = links.get(link);
                if (l == null) {
                    continue;
                }
                linksOut.add(m.linksSent.add(link) ? l : new Announce.Link(l.link(), ByteBuffer.allocate(0)));
            }
        }
        for (int from = 0; from < entries.size() || from == 0; from += Announce.MAX_ENTRIES) {
            List<Announce.Entry> part = entries.subList(from, Math.min(entries.size(), from + Announce.MAX_ENTRIES));
            m.session.send(new Announce(manifest.id(), part, from == 0 ? linksOut : List.of(), onAir));
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
            Map.Entry<Integer, Slot> first = pieces.firstEntry();
            Slot slot = first.getValue();
            if (pieces.size() <= MAX_WINDOW_PIECES && (slot.info.endMicros() < 0 || slot.info.endMicros() >= horizon)) {
                break;
            }
            pieces.pollFirstEntry();
            for (LiveMember m : members.values()) {
                m.have.remove(first.getKey());
                Member.Assigned a = m.assigned.remove(first.getKey());
                if (a != null) {
                    LiveMember server = members.get(a.from());
                    if (server != null) {
                        server.serving = Math.max(0, server.serving - 1);
                    }
                }
            }
        }
        int firstLink = pieces.firstEntry().getValue().info.link();
        links.headMap(Math.min(firstLink, links.isEmpty() ? firstLink : links.lastKey())).clear();
    }

    private int newestStartPoint() {
        for (Slot slot : pieces.descendingMap().values()) {
            if (slot.info.startPoint() && links.containsKey(slot.info.link()) && links.get(slot.info.link()).hasHeaders()) {
                return slot.info.index();
            }
        }
        return -1;
    }

    // ------------------------------------------------------------------ reports

    void verified(ClientSession s, int piece, PeerId from, byte[] digest) {
        LiveMember m = members.get(s.id);
        Slot slot = pieces.get(piece);
        if (m == null || slot == null) {
            return;
        }
        if (!slot.info.hashEquals(digest)) {
            LOG.warn("tracker: {} reported a wrong digest for live piece {} of {}; not counted", s, piece,
                    manifest.name());
            return;
        }
        Member.Assigned a = m.assigned.remove(piece);
        if (a != null) {
            release(piece, a.from());
        }
        if (!m.have.add(piece)) {
            return;
        }
        slot.holders.add(m);
        LiveMember server = members.get(from);
        if (server != null && server != m && server.have.contains(piece)) {
            int len = slot.info.length();
            server.uploaded += len;
            server.rateWindowBytes += len;
            m.downloaded += len;
            totalUploaded += len;
            if (server.source) {
                sourceUploaded += len;
            }
            tracker.credit(server.id, m.id, len);
        }
        long now = System.nanoTime();
        // the piece has one more holder: everyone still waiting for it can be served now
        for (LiveMember other : byUploadRate()) {
            if (other != m) {
                plan(other, now);
            }
        }
        plan(m, now);
    }

    void fetchFailed(ClientSession s, int piece, PeerId from) {
        LiveMember m = members.get(s.id);
        if (m == null) {
            return;
        }
        Member.Assigned a = m.assigned.get(piece);
        if (a != null && a.from().equals(from)) {
            m.assigned.remove(piece);
            release(piece, from);
        }
        plan(m, System.nanoTime());
    }

    void badPiece(ClientSession s, int piece, PeerId liarId, String reason) {
        LiveMember reporter = members.get(s.id);
        LiveMember liar = members.get(liarId);
        if (reporter == null) {
            return;
        }
        Member.Assigned a = reporter.assigned.get(piece);
        if (a != null && a.from().equals(liarId)) {
            reporter.assigned.remove(piece);
            release(piece, liarId);
        }
        if (liar != null && !liar.banned && liar != reporter && !liar.source) {
            liar.banned = true;
            banned.add(liar.id);
            LOG.warn("tracker: banning {} from {}: {} reports a corrupt piece {} ({})", liar.session, manifest.name(),
                    s, piece, reason);
            for (int p : liar.have) {
                Slot slot = pieces.get(p);
                if (slot != null) {
                    slot.holders.remove(liar);
                }
            }
            revokeServer(liar, "banned: served a corrupt piece");
        }
        plan(reporter, System.nanoTime());
    }

    private void release(int piece, PeerId from) {
        LiveMember server = members.get(from);
        if (server != null) {
            server.serving = Math.max(0, server.serving - 1);
            Slot slot = pieces.get(piece);
            if (server.source && slot != null) {
                slot.seeding = Math.max(0, slot.seeding - 1);
            }
        }
    }

    // ------------------------------------------------------------------ planning

    /** Members by measured upload rate, best first: they get fresh pieces first and pass them on. */
    private List<LiveMember> byUploadRate() {
        List<LiveMember> list = new ArrayList<>(members.values());
        list.removeIf(m -> m.source || m.banned);
        java.util.Collections.shuffle(list, random);
        list.sort(Comparator.comparingDouble((LiveMember m) -> -m.rate));
        return list;
    }

    /** Fills a member's window with the next pieces it lacks, in index order. */
    void plan(LiveMember m, long now) {
        if (m.source || m.banned || m.session.closed) {
            return;
        }
        int room = windowAssignments - m.assigned.size();
        if (room <= 0 || pieces.isEmpty()) {
            return;
        }
        List<Assign.Entry> entries = new ArrayList<>();
        List<PeerInfo> addresses = new ArrayList<>();
        for (Slot slot : pieces.tailMap(m.start, true).values()) {
            if (room == 0) {
                break;
            }
            int piece = slot.info.index();
            if (m.have.contains(piece) || m.assigned.containsKey(piece)) {
                continue;
            }
            LiveMember server = chooseServer(slot, m);
            if (server == null) {
                continue;
            }
            m.assigned.put(piece, new Member.Assigned(server.id, now));
            server.serving++;
            if (server.source) {
                slot.seeding++;
            }
            entries.add(new Assign.Entry(piece, server.id, slot.holders.size()));
            if (m.session.known.add(server.id) && server.session.info != null) {
                addresses.add(server.session.info);
            }
            room--;
        }
        if (!addresses.isEmpty()) {
            m.session.send(new Peers(addresses));
        }
        if (!entries.isEmpty()) {
            m.session.send(new Assign(manifest.id(), entries));
        }
    }

    /**
     * The least-loaded holder with a free serving slot, never the source while another holder exists;
     * the source serves a piece to one member at a time.
     */
    private LiveMember chooseServer(Slot slot, LiveMember m) {
        LiveMember best = null;
        double bestLoad = 0;
        LiveMember source = null;
        boolean others = false;
        for (LiveMember h : slot.holders) {
            if (h == m || h.banned || h.session.closed || h.session.info == null) {
                continue;
            }
            others |= !h.source;
            int slots = h.session.servingSlots(slot.info.length(), maxServing);
            if (h.serving >= slots) {
                continue;
            }
            if (h.source) {
                source = h;
            } else {
                double load = (double) h.serving / slots;
                if (best == null || load < bestLoad) {
                    best = h;
                    bestLoad = load;
                }
            }
        }
        if (best != null) {
            return best;
        }
        return source != null && !others && slot.seeding == 0 ? source : null;
    }

    /** Re-plans stale assignments and refreshes the upload-rate estimates. Called every tick. */
    void tick(long now, double seconds) {
        for (LiveMember m : members.values()) {
            m.rate = m.rate * 0.7 + (m.rateWindowBytes / Math.max(0.001, seconds)) * 0.3;
            m.rateWindowBytes = 0;
            for (Iterator<Map.Entry<Integer, Member.Assigned>> it = m.assigned.entrySet().iterator(); it.hasNext();) {
                Map.Entry<Integer, Member.Assigned> e = it.next();
                if (now - e.getValue().since() > ASSIGNMENT_TIMEOUT_NANOS) {
                    it.remove();
                    release(e.getKey(), e.getValue().from());
                }
            }
        }
        for (LiveMember m : byUploadRate()) {
            plan(m, now);
        }
    }

    // ------------------------------------------------------------------ snapshots

    TrackedContent snapshot() {
        int complete = 0;
        return new TrackedContent(manifest.id(), manifest.name(), streamed, pieces.size(), members.size(), complete,
                sourceUploaded, totalUploaded);
    }

    List<TrackedPeer> peers() {
        List<TrackedPeer> out = new ArrayList<>();
        for (LiveMember m : members.values()) {
            out.add(new TrackedPeer(m.id, m.session.info == null ? "-" : m.session.info.host() + ":"
                    + m.session.info.port(), m.source, m.have.size(), m.uploaded, m.downloaded,
                    tracker.ratio(m.id), m.banned, m.session.uploadCap, m.session.uploadRate));
        }
        return out;
    }

    /** Holders per piece of the window, from the oldest piece. */
    int[] availability() {
        int[] out = new int[pieces.size()];
        int i = 0;
        for (Slot slot : pieces.values()) {
            int n = 0;
            for (LiveMember h : slot.holders) {
                if (!h.banned) {
                    n++;
                }
            }
            out[i++] = n;
        }
        return out;
    }

    /** The header block of a link, for tests and status. */
    ChainLink link(int index) {
        Announce.Link l = links.get(index);
        return l == null ? null : l.link();
    }

    Map<Integer, Slot> window() {
        return java.util.Collections.unmodifiableMap(new HashMap<>(pieces));
    }
}
