package org.iceshare.scheduler.sequential.internal;


import org.iceshare.api.scheduler.PieceScheduler;
import org.iceshare.api.scheduler.RequestSink;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.swarm.SwarmView;
import org.osgi.service.component.annotations.Component;

/**
 * Sequential: walks the pieces in index order from the {@link SwarmView#playhead() playhead} (from
 * piece 0 when nobody plays) to the end, then wraps around to the pieces before it, and requests
 * each missing piece that is not in flight from the first of its sources (in the tracker's order)
 * with a free slot. Made for playing while fetching: the piece the player needs next is asked first.
 *
 * <p><b>Endgame:</b> once no such piece is left to request, every missing piece with exactly one
 * request in flight gets at most one more, in the same order, to the first other source with a free
 * slot. The view does not say which peer holds the first request; the sink refuses a second request
 * to that peer, and the scheduler moves on to the next source.
 *
 * <p><b>Cost:</b> two passes over the pieces, no allocation.
 *
 * <p><b>Threading:</b> stateless and thread-safe: one instance may serve many swarms at once, each
 * call on its swarm's executor.
 */
@Component(service = PieceScheduler.class,
        property = {PieceScheduler.NAME_PROPERTY + "=" + SequentialScheduler.NAME, "service.ranking:Integer=50"})
public final class SequentialScheduler implements PieceScheduler {

    /** The {@value PieceScheduler#NAME_PROPERTY} of this scheduler. */
    public static final String NAME = "sequential";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void schedule(SwarmView view, RequestSink sink) {
        int first = view.firstPiece();
        int pieces = view.pieceCount();
        int span = pieces - first;
        if (span <= 0) {
            return;
        }
        int playhead = view.playhead();
        int start = playhead >= first && playhead < pieces ? playhead - first : 0;
        for (int i = 0; i < span; i++) {
            int piece = first + wrap(start + i, span);
            if (view.inFlight(piece) == 0 && !view.verified(piece)) {
                requestFromFirstFreeSource(view, sink, piece);
            }
        }
        for (int i = 0; i < span; i++) {
            int piece = first + wrap(start + i, span);
            if (view.inFlight(piece) == 1 && !view.verified(piece)) {
                requestFromFirstFreeSource(view, sink, piece);
            }
        }
    }

    private static int wrap(int index, int pieces) {
        return index < pieces ? index : index - pieces;
    }

    /** Requests the piece from the first source, in the tracker's order, that has a free slot and accepts. */
    private static void requestFromFirstFreeSource(SwarmView view, RequestSink sink, int piece) {
        for (PeerId source : view.sources(piece)) {
            if (view.freeSlots(source) > 0 && sink.request(piece, source)) {
                return;
            }
        }
    }
}
