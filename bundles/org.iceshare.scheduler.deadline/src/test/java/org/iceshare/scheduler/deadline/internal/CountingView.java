package org.iceshare.scheduler.deadline.internal;

import java.util.AbstractList;
import java.util.List;

import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.swarm.SwarmView;

/**
 * Forwards every call to a view and counts them, to measure a scheduler's work per call: each method
 * call counts one, and so does each element read from a {@link #sources} list (however it is read:
 * {@code get}, an iterator, {@code contains}), so walking a long source list costs what it really costs.
 * It can also report another content id, to play several swarms with one test view.
 */
final class CountingView implements SwarmView {
    private final SwarmView view;
    private final ContentId content;
    private long calls;

    CountingView(SwarmView view) {
        this(view, view.content());
    }

    CountingView(SwarmView view, ContentId content) {
        this.view = view;
        this.content = content;
    }

    /** The calls counted so far. */
    long calls() {
        return calls;
    }

    @Override
    public ContentId content() {
        calls++;
        return content;
    }

    @Override
    public int pieceCount() {
        calls++;
        return view.pieceCount();
    }

    @Override
    public int firstPiece() {
        calls++;
        return view.firstPiece();
    }

    @Override
    public boolean live() {
        calls++;
        return view.live();
    }

    @Override
    public long deadlineMillis(int piece) {
        calls++;
        return view.deadlineMillis(piece);
    }

    @Override
    public long expectedMillis(PeerId peer) {
        calls++;
        return view.expectedMillis(peer);
    }

    @Override
    public int pieceLength(int piece) {
        calls++;
        return view.pieceLength(piece);
    }

    @Override
    public boolean verified(int piece) {
        calls++;
        return view.verified(piece);
    }

    @Override
    public int inFlight(int piece) {
        calls++;
        return view.inFlight(piece);
    }

    @Override
    public List<PeerId> requestedFrom(int piece) {
        calls++;
        return view.requestedFrom(piece);
    }

    @Override
    public int availability(int piece) {
        calls++;
        return view.availability(piece);
    }

    @Override
    public List<PeerId> sources(int piece) {
        calls++;
        List<PeerId> sources = view.sources(piece);
        return new AbstractList<>() {
            @Override
            public PeerId get(int index) {
                calls++;
                return sources.get(index);
            }

            @Override
            public int size() {
                return sources.size();
            }
        };
    }

    @Override
    public int freeSlots(PeerId peer) {
        calls++;
        return view.freeSlots(peer);
    }

    @Override
    public int missing() {
        calls++;
        return view.missing();
    }

    @Override
    public int playhead() {
        calls++;
        return view.playhead();
    }
}
