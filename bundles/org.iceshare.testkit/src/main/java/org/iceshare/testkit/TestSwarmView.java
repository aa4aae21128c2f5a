package org.iceshare.testkit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.swarm.SwarmView;

/**
 * A {@link SwarmView} for scheduler tests, made by {@link SwarmViews#parse}. Unlike the core's view
 * it is mutable and lives across scheduler calls, so a test can run a scheduler in rounds: a
 * {@link RecordingSink} applies each accepted request (the piece goes in flight, the peer loses a
 * free slot), and {@link #verify}, {@link #verifyInFlight} and {@link #release} play the answers;
 * {@link #playhead(int)} moves the player and {@link #deliveryMillis(String, long)} changes a peer's
 * speed. {@link #toString()} prints the current state in the DSL.
 *
 * <p>Every {@link SwarmView} method taking a piece index throws {@link IndexOutOfBoundsException}
 * outside the window {@code firstPiece()..pieceCount()-1}, so a scheduler reading past the end, or
 * below a live window's first piece, fails loudly.
 *
 * <p>The API 1.2 methods answer from the DSL: {@link #firstPiece()} from the {@code first} row,
 * {@link #live()} from the {@code live} row, {@link #deadlineMillis} from the {@code deadline} row
 * ({@link Long#MAX_VALUE} without one), and {@link #expectedMillis} from a peer's delivery time times one
 * plus the requests in flight to it (0 for a peer without a delivery time), as the core computes it.
 *
 * <p><b>Threading:</b> not thread-safe; confine it to the test's thread.
 */
public final class TestSwarmView implements SwarmView {

    /** The content id every test view reports. */
    public static final ContentId CONTENT = ContentId.parse("1ce5a4e0000000000000000000000000");

    /** A peer's delivery time when the DSL gives none: its expected time is then 0. */
    static final long UNKNOWN = -1;

    private final int pieces;
    private final int pieceLength;
    private final boolean[] verified;
    private final int[] inFlight;
    private final int[] availability;
    private final List<List<PeerId>> sources;
    private final List<Peer> peers;
    private final Map<PeerId, Peer> byId;
    private final int first;
    private final boolean live;
    private final Deadlines deadlines;
    private int playhead;
    private int missing;

    TestSwarmView(int pieces, int pieceLength, boolean[] verified, int[] inFlight, int[] availability,
            List<Peer> peers, int playhead, int first, boolean live, Deadlines deadlines) {
        this.pieces = pieces;
        this.first = first;
        this.live = live;
        this.deadlines = deadlines;
        this.pieceLength = pieceLength;
        this.verified = verified.clone();
        this.inFlight = inFlight.clone();
        this.availability = availability.clone();
        this.peers = List.copyOf(peers);
        this.playhead = playhead;
        this.byId = new HashMap<>();
        for (Peer peer : this.peers) {
            byId.put(peer.id, peer);
        }
        List<List<PeerId>> lists = new ArrayList<>(pieces);
        for (int p = 0; p < pieces; p++) {
            List<PeerId> list = new ArrayList<>();
            for (Peer peer : this.peers) {
                if (peer.source[p]) {
                    list.add(peer.id);
                }
            }
            lists.add(List.copyOf(list));
        }
        this.sources = List.copyOf(lists);
        for (int p = first; p < pieces; p++) {
            missing += verified[p] ? 0 : 1;
        }
    }

    // ---- SwarmView

    @Override
    public ContentId content() {
        return CONTENT;
    }

    @Override
    public int pieceCount() {
        return pieces;
    }

    /** The {@code first} row: the lowest piece in the window; 0 without one. */
    @Override
    public int firstPiece() {
        return first;
    }

    /** True when the DSL has a {@code live} row. */
    @Override
    public boolean live() {
        return live;
    }

    @Override
    public int pieceLength(int piece) {
        window(piece);
        return pieceLength;
    }

    @Override
    public boolean verified(int piece) {
        return verified[window(piece)];
    }

    @Override
    public int inFlight(int piece) {
        return inFlight[window(piece)];
    }

    /**
     * The declared peers with a request for the piece in flight (its {@code r} cells, and the requests
     * a sink placed since), in declaration order. Requests the {@code inflight} row counts beyond those
     * go to peers the picture does not show, which are not listed.
     */
    @Override
    public List<PeerId> requestedFrom(int piece) {
        window(piece);
        List<PeerId> out = new ArrayList<>(2);
        for (Peer p : peers) {
            if (p.requested[piece]) {
                out.add(p.id);
            }
        }
        return out;
    }

    @Override
    public int availability(int piece) {
        return availability[window(piece)];
    }

    /** The peers marked {@code x} or {@code r} for the piece, in declaration order; an immutable list. */
    @Override
    public List<PeerId> sources(int piece) {
        return sources.get(window(piece));
    }

    /**
     * The piece's deadline from the {@code deadline} row: its value, or by the rule from the current
     * playhead; {@link Long#MAX_VALUE} without a deadline.
     */
    @Override
    public long deadlineMillis(int piece) {
        return deadlines.of(window(piece), playhead);
    }

    /**
     * The peer's delivery time times one plus the requests in flight to it, as the core estimates it;
     * 0 for a peer without a delivery time or not declared.
     */
    @Override
    public long expectedMillis(PeerId peer) {
        Peer p = byId.get(peer);
        if (p == null || p.delivery == UNKNOWN) {
            return 0;
        }
        long queued = 1L + p.queued;
        return p.delivery > Long.MAX_VALUE / queued ? Long.MAX_VALUE : p.delivery * queued;
    }

    /** The peer's free slots now; 0 for a peer the DSL does not declare. */
    @Override
    public int freeSlots(PeerId peer) {
        Peer p = byId.get(peer);
        return p == null ? 0 : p.slots;
    }

    @Override
    public int missing() {
        return missing;
    }

    @Override
    public int playhead() {
        return playhead;
    }

    // ---- peers by name

    /** The id of a declared peer. */
    public PeerId peer(String name) {
        return named(name).id;
    }

    /** The name a peer was declared with, or its {@link PeerId#toString() short hex} when undeclared. */
    public String nameOf(PeerId peer) {
        Peer p = byId.get(peer);
        return p == null ? String.valueOf(peer) : p.name;
    }

    /** The declared peers' names, in declaration order. */
    public List<String> peerNames() {
        return peers.stream().map(p -> p.name).toList();
    }

    /** True while a request for the piece to this peer is in flight. */
    public boolean requested(int piece, String peer) {
        Objects.checkIndex(piece, pieces);
        return named(peer).requested[piece];
    }

    /** How many requests are in flight to this peer (its {@code r} cells). */
    public int queued(String peer) {
        return named(peer).queued;
    }

    // ---- playing the player's and the network's part

    /**
     * The player moved: {@link #playhead()} answers this piece from now on, and a {@code deadline} rule
     * counts from it.
     *
     * @param piece a piece index, or -1 when nobody plays
     * @throws IllegalArgumentException outside {@code -1..pieceCount()-1}
     */
    public void playhead(int piece) {
        if (piece < -1 || piece >= pieces) {
            throw new IllegalArgumentException("playhead must be -1 or a piece in 0.." + (pieces - 1) + ": " + piece);
        }
        playhead = piece;
    }

    /**
     * The peer's speed changed: it now delivers a piece in {@code millis} ms (the DSL's {@code 40ms}).
     *
     * @throws IllegalArgumentException when {@code millis} is negative
     */
    public void deliveryMillis(String peer, long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("delivery time must be >= 0 ms: " + millis);
        }
        named(peer).delivery = millis;
    }

    // ---- playing the core's part

    /**
     * The piece arrived and passed verification: it is verified now, and every request for it is
     * over (the core cancels the duplicates), so each peer it was in flight to gets its slot back.
     *
     * @return false when the piece was already verified (nothing changes then)
     */
    public boolean verify(int piece) {
        Objects.checkIndex(piece, pieces);
        if (verified[piece]) {
            return false;
        }
        verified[piece] = true;
        if (piece >= first) {
            missing--;
        }
        inFlight[piece] = 0;
        for (Peer peer : peers) {
            if (peer.requested[piece]) {
                peer.requested[piece] = false;
                peer.slots++;
                peer.queued--;
            }
        }
        return true;
    }

    /**
     * {@link #verify Verifies} every piece now in flight, as if all answers arrived.
     *
     * @return how many pieces became verified
     */
    public int verifyInFlight() {
        int count = 0;
        for (int p = 0; p < pieces; p++) {
            if (inFlight[p] > 0 && verify(p)) {
                count++;
            }
        }
        return count;
    }

    /**
     * The request for the piece to this peer ended without the piece (rejected, failed, timed out):
     * it is no longer in flight and the peer gets its slot back.
     *
     * @throws IllegalStateException when no such request is in flight
     */
    public void release(int piece, String peer) {
        Objects.checkIndex(piece, pieces);
        Peer p = named(peer);
        if (!p.requested[piece]) {
            throw new IllegalStateException("no request for piece " + piece + " to " + peer + " is in flight");
        }
        p.requested[piece] = false;
        p.slots++;
        p.queued--;
        inFlight[piece]--;
    }

    // ---- used by RecordingSink

    /** The declared peer with this id, or null. */
    Peer peerOf(PeerId id) {
        return byId.get(id);
    }

    /** Applies an accepted request: the piece goes in flight to the peer, which loses a free slot. */
    void start(int piece, Peer peer) {
        peer.requested[piece] = true;
        peer.slots--;
        peer.queued++;
        inFlight[piece]++;
    }

    /** The piece index when it is in the window; throws otherwise. */
    private int window(int piece) {
        if (piece < first || piece >= pieces) {
            throw new IndexOutOfBoundsException("piece " + piece + " outside the window " + first + ".." + (pieces - 1));
        }
        return piece;
    }

    private Peer named(String name) {
        for (Peer peer : peers) {
            if (peer.name.equals(name)) {
                return peer;
            }
        }
        throw new IllegalArgumentException("no peer named '" + name + "'; the view has " + peerNames());
    }

    /**
     * The view in the DSL of {@link SwarmViews}, aligned, one row per line. It parses back to a view
     * that prints the same.
     */
    @Override
    public String toString() {
        List<String[]> rows = new ArrayList<>();
        StringBuilder cells = new StringBuilder(pieces);
        for (int p = 0; p < pieces; p++) {
            cells.append(verified[p] ? '#' : '.');
        }
        rows.add(new String[] {"verified", cells.toString()});
        rows.add(new String[] {"inflight", counts(inFlight)});
        rows.add(new String[] {"avail", counts(availability)});
        for (Peer peer : peers) {
            cells.setLength(0);
            for (int p = 0; p < pieces; p++) {
                cells.append(peer.requested[p] ? 'r' : peer.source[p] ? 'x' : '.');
            }
            String delivery = peer.delivery == UNKNOWN ? "" : " " + peer.delivery + "ms";
            rows.add(new String[] {"peer " + peer.name + " " + peer.slots + delivery, cells.toString()});
        }
        if (playhead >= 0) {
            rows.add(new String[] {"playhead", Integer.toString(playhead)});
        }
        if (first > 0) {
            rows.add(new String[] {"first", Integer.toString(first)});
        }
        if (live) {
            rows.add(new String[] {"live", ""});
        }
        if (deadlines != Deadlines.NONE) {
            rows.add(new String[] {"deadline", deadlines.toString()});
        }
        if (pieceLength != SwarmViews.DEFAULT_PIECE_LENGTH) {
            rows.add(new String[] {"length", Integer.toString(pieceLength)});
        }
        int width = 0;
        for (String[] row : rows) {
            width = Math.max(width, row[0].length());
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            if (row[1].isEmpty()) {
                out.append(row[0]).append('\n');
            } else {
                out.append(row[0]).append(" ".repeat(width + 2 - row[0].length())).append(row[1]).append('\n');
            }
        }
        return out.toString();
    }

    /** Counts as DSL cells; a count above {@value SwarmViews#MAX_CELL_COUNT} prints as '+', which does not parse. */
    private static String counts(int[] counts) {
        StringBuilder out = new StringBuilder(counts.length);
        for (int c : counts) {
            out.append(c == 0 ? '.' : c <= SwarmViews.MAX_CELL_COUNT ? Character.forDigit(c, 36) : '+');
        }
        return out.toString();
    }

    /**
     * One declared peer: fixed name, id and source cells; changing free slots, requests in flight and
     * delivery time.
     */
    static final class Peer {
        final String name;
        final PeerId id;
        final boolean[] source;
        final boolean[] requested;
        int slots;
        /** Requests in flight to the peer: its {@code r} cells. */
        int queued;
        /** Milliseconds to deliver one piece, or {@link TestSwarmView#UNKNOWN}. */
        long delivery;

        Peer(String name, PeerId id, int slots, boolean[] source, boolean[] requested, long delivery) {
            this.name = name;
            this.id = id;
            this.slots = slots;
            this.source = source;
            this.requested = requested;
            this.delivery = delivery;
            for (boolean r : requested) {
                queued += r ? 1 : 0;
            }
        }

        boolean source(int piece) {
            return source[piece];
        }

        boolean requested(int piece) {
            return requested[piece];
        }

    }

    /** The {@code deadline} row: none, a rule counted from the playhead, or one value per piece. */
    static final class Deadlines {
        static final Deadlines NONE = new Deadlines(0, 0, null);

        private final long step;
        private final long offset;
        private final long[] values;

        private Deadlines(long step, long offset, long[] values) {
            this.step = step;
            this.offset = offset;
            this.values = values;
        }

        /** The piece at the playhead is due in {@code offset} ms, each later one {@code step} ms after. */
        static Deadlines rule(long step, long offset) {
            return new Deadlines(step, offset, null);
        }

        /** One deadline per piece; {@link Long#MAX_VALUE} for none. */
        static Deadlines values(long[] values) {
            return new Deadlines(0, 0, values.clone());
        }

        long of(int piece, int playhead) {
            if (values != null) {
                return values[piece];
            }
            if (this == NONE || playhead < 0 || piece < playhead) {
                return Long.MAX_VALUE;
            }
            long d;
            try {
                d = Math.addExact(offset, Math.multiplyExact((long) (piece - playhead), step));
            } catch (ArithmeticException e) {
                d = step > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
            }
            return d == Long.MAX_VALUE ? Long.MAX_VALUE - 1 : d;
        }

        /** The row's value in the DSL. */
        @Override
        public String toString() {
            if (values == null) {
                return step + "/piece" + (offset == 0 ? "" : " " + offset);
            }
            StringBuilder out = new StringBuilder();
            for (long v : values) {
                out.append(out.length() == 0 ? "" : " ").append(v == Long.MAX_VALUE ? "." : Long.toString(v));
            }
            return out.toString();
        }
    }
}
