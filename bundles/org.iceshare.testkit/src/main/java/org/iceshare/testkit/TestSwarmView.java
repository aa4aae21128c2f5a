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
 * free slot), and {@link #verify}, {@link #verifyInFlight} and {@link #release} play the answers.
 * {@link #toString()} prints the current state in the DSL.
 *
 * <p>Every method taking a piece index throws {@link IndexOutOfBoundsException} outside
 * {@code 0..pieceCount()-1}, so a scheduler reading past the end fails loudly.
 *
 * <p><b>Threading:</b> not thread-safe; confine it to the test's thread.
 */
public final class TestSwarmView implements SwarmView {

    /** The content id every test view reports. */
    public static final ContentId CONTENT = ContentId.parse("1ce5a4e0000000000000000000000000");

    private final int pieces;
    private final int pieceLength;
    private final boolean[] verified;
    private final int[] inFlight;
    private final int[] availability;
    private final List<List<PeerId>> sources;
    private final List<Peer> peers;
    private final Map<PeerId, Peer> byId;
    private final int playhead;
    private int missing;

    TestSwarmView(int pieces, int pieceLength, boolean[] verified, int[] inFlight, int[] availability,
            List<Peer> peers, int playhead) {
        this.pieces = pieces;
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
        for (boolean v : verified) {
            missing += v ? 0 : 1;
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

    @Override
    public int pieceLength(int piece) {
        Objects.checkIndex(piece, pieces);
        return pieceLength;
    }

    @Override
    public boolean verified(int piece) {
        return verified[Objects.checkIndex(piece, pieces)];
    }

    @Override
    public int inFlight(int piece) {
        return inFlight[Objects.checkIndex(piece, pieces)];
    }

    @Override
    public int availability(int piece) {
        return availability[Objects.checkIndex(piece, pieces)];
    }

    /** The peers marked {@code x} or {@code r} for the piece, in declaration order; an immutable list. */
    @Override
    public List<PeerId> sources(int piece) {
        return sources.get(Objects.checkIndex(piece, pieces));
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
        missing--;
        inFlight[piece] = 0;
        for (Peer peer : peers) {
            if (peer.requested[piece]) {
                peer.requested[piece] = false;
                peer.slots++;
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
        inFlight[piece]++;
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
            rows.add(new String[] {"peer " + peer.name + " " + peer.slots, cells.toString()});
        }
        if (playhead >= 0) {
            rows.add(new String[] {"playhead", Integer.toString(playhead)});
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
            out.append(row[0]).append(" ".repeat(width + 2 - row[0].length())).append(row[1]).append('\n');
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

    /** One declared peer: fixed name, id and source cells; changing free slots and requests in flight. */
    static final class Peer {
        final String name;
        final PeerId id;
        final boolean[] source;
        final boolean[] requested;
        int slots;

        Peer(String name, PeerId id, int slots, boolean[] source, boolean[] requested) {
            this.name = name;
            this.id = id;
            this.slots = slots;
            this.source = source;
            this.requested = requested;
        }

        boolean source(int piece) {
            return source[piece];
        }

        boolean requested(int piece) {
            return requested[piece];
        }

    }
}
