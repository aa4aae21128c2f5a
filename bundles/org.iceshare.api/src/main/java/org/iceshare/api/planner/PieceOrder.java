package org.iceshare.api.planner;

import java.util.Arrays;
import java.util.Random;

import org.iceshare.api.swarm.Manifest;

/**
 * Piece orders planners share, so that a planner that differs only in its choice of server need not copy
 * them.
 */
public final class PieceOrder {

    private PieceOrder() {
    }

    /**
     * The usual order of a file's pieces, in place: while a player streams the member's copy (a playhead),
     * from the playhead on and then the pieces before it, each in index order (the nearest deadline first);
     * otherwise rarest first (fewest holders), random among equals. A live stream's pieces stay in index
     * order.
     *
     * @param wanted the pieces offered, at most {@link Manifest#MAX_PIECES} of them; reordered and returned
     * @param random breaks ties between equally rare pieces
     */
    public static int[] rarestFirst(ContentView content, MemberView member, int[] wanted, Random random) {
        if (content.live()) {
            return wanted;
        }
        int n = wanted.length;
        long[] keys = new long[n];
        int playhead = member.playhead();
        // one sort key per piece: the rank in its high bits, the piece index (below 2^20) in the low 20
        for (int k = 0; k < n; k++) {
            int i = wanted[k];
            if (playhead >= 0) {
                keys[k] = (i >= playhead ? 0L : 1L << 40) | i;
            } else {
                PieceView piece = content.piece(i);
                int holders = piece == null ? 0 : Math.min(piece.holders(), 1 << 20);
                keys[k] = ((long) holders << 40) | ((long) random.nextInt(1 << 20) << 20) | i;
            }
        }
        Arrays.sort(keys);
        for (int k = 0; k < n; k++) {
            wanted[k] = (int) (keys[k] & 0xFFFFF);
        }
        return wanted;
    }
}
