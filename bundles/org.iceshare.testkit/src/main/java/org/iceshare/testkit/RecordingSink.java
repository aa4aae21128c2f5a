package org.iceshare.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.iceshare.api.scheduler.RequestSink;
import org.iceshare.api.swarm.PeerId;

/**
 * A {@link RequestSink} that enforces the core's rules against a {@link TestSwarmView}, applies what
 * it accepts to the view, and records both, in order, for assertions.
 *
 * <p>It refuses, as the core does, a request for a piece that is verified, to a peer that is not among
 * the piece's {@link TestSwarmView#sources sources}, to a peer with no free slot, or for a piece
 * already in flight to that same peer. It accepts a request for a piece in flight to another peer
 * (endgame). An accepted request puts the piece in flight to the peer and takes one of its free
 * slots, so later requests in the same or a later scheduler call see it.
 *
 * <p>A piece index outside the view's window ({@code firstPiece()..pieceCount()-1}) or a null peer is a
 * scheduler bug, not a refusal: it throws.
 *
 * <p><b>Threading:</b> not thread-safe; confine it, like its view, to the test's thread.
 */
public final class RecordingSink implements RequestSink {

    /** An accepted request; prints as {@code piece@peer}, for example {@code 4@A}. */
    public record Request(int piece, String peer) {
        @Override
        public String toString() {
            return piece + "@" + peer;
        }
    }

    private final TestSwarmView view;
    private final List<Request> accepted = new ArrayList<>();
    private final List<String> refused = new ArrayList<>();

    public RecordingSink(TestSwarmView view) {
        this.view = Objects.requireNonNull(view, "view");
    }

    @Override
    public boolean request(int piece, PeerId source) {
        if (piece < view.firstPiece() || piece >= view.pieceCount()) {
            throw new IndexOutOfBoundsException("request for piece " + piece + " outside the window "
                    + view.firstPiece() + ".." + (view.pieceCount() - 1));
        }
        Objects.requireNonNull(source, "source");
        TestSwarmView.Peer peer = view.peerOf(source);
        String refusal = refusal(piece, source, peer);
        if (refusal != null) {
            refused.add(piece + "@" + view.nameOf(source) + ": " + refusal);
            return false;
        }
        view.start(piece, peer);
        accepted.add(new Request(piece, peer.name));
        return true;
    }

    /** The core's reason to refuse, checked in the core's order, or null to accept. */
    private String refusal(int piece, PeerId source, TestSwarmView.Peer peer) {
        if (view.verified(piece)) {
            return "verified";
        }
        if (peer == null || !view.sources(piece).contains(source)) {
            return "not a source";
        }
        if (peer.slots == 0) {
            return "no free slot";
        }
        if (peer.requested[piece]) {
            return "already requested from this peer";
        }
        return null;
    }

    /** The accepted requests as {@code piece@peer} strings, oldest first. */
    public List<String> requests() {
        return accepted.stream().map(Request::toString).toList();
    }

    /** The accepted requests, oldest first; an immutable copy. */
    public List<Request> accepted() {
        return List.copyOf(accepted);
    }

    /** The refused requests as {@code piece@peer: reason} strings, oldest first, for example {@code 2@B: no free slot}. */
    public List<String> refused() {
        return List.copyOf(refused);
    }

    /** Forgets what was recorded; the view keeps the requests already applied. */
    public void clear() {
        accepted.clear();
        refused.clear();
    }
}
