package org.iceshare.core.internal.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import java.util.List;

import org.iceshare.api.scheduler.PieceScheduler;
import org.iceshare.api.scheduler.RequestSink;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.swarm.SwarmView;
import org.iceshare.core.internal.support.Sha256;
import org.junit.jupiter.api.Test;

class SwarmStateTest {
    private final PeerId a = PeerId.random();
    private final PeerId b = PeerId.random();
    private final BitSet verified = new BitSet();
    private final Manifest m = Sha256.manifest("x.ogg", new byte[100], 10);
    private final SwarmState state = new SwarmState(m, verified::get, 2);

    /** A scheduler that tries a fixed list of (piece, peer) requests and records the sink's answers. */
    private static PieceScheduler trying(Object[][] tries, List<Boolean> answers) {
        return new PieceScheduler() {
            @Override
            public String name() {
                return "test";
            }

            @Override
            public void schedule(SwarmView view, RequestSink sink) {
                for (Object[] t : tries) {
                    answers.add(sink.request((Integer) t[0], (PeerId) t[1]));
                }
            }
        };
    }

    @Test
    void sinkEnforcesAssignmentSlotsAndDuplicates() {
        state.assign(0, a, 1);
        state.assign(1, a, 1);
        state.assign(2, a, 1);
        state.assign(0, b, 2);
        verified.set(5);
        state.assign(5, a, 1);
        List<Boolean> answers = new java.util.ArrayList<>();
        var placed = state.schedule(trying(new Object[][] {
            {0, a}, // ok
            {0, a}, // same piece, same peer: refused
            {3, a}, // not assigned: refused
            {5, a}, // verified: refused
            {1, a}, // ok, a's second slot
            {2, a}, // a has no slot left: refused
            {0, b}, // endgame duplicate to another peer: ok
            {-1, a}, {99, a}, // out of range: refused
        }, answers), 0);
        assertThat(answers).containsExactly(true, false, false, false, true, false, true, false, false);
        assertThat(placed).extracting(SwarmState.InFlight::piece).containsExactly(0, 1, 0);
        assertThat(state.inFlightTotal()).isEqualTo(3);
        assertThat(state.requestsByScheduler()).containsEntry("test", 3L);
    }

    @Test
    void settleClearsEveryRequestForThePiece() {
        state.assign(0, a, 2);
        state.assign(0, b, 2);
        state.schedule(trying(new Object[][] {{0, a}, {0, b}}, new java.util.ArrayList<>()), 0);
        verified.set(0);
        assertThat(state.settle(0)).extracting(SwarmState.InFlight::peer).containsExactly(a, b);
        assertThat(state.inFlightTotal()).isZero();
        assertThat(state.isRequested(0, a)).isFalse();
    }

    @Test
    void revokeDropsSourcesAndRequestsAndExcludesLiars() {
        state.assign(0, a, 1);
        state.assign(1, a, 1);
        state.schedule(trying(new Object[][] {{0, a}}, new java.util.ArrayList<>()), 0);
        assertThat(state.revoke(a, true)).extracting(SwarmState.InFlight::piece).containsExactly(0);
        assertThat(state.inFlightTotal()).isZero();
        state.assign(1, a, 1);
        List<Boolean> answers = new java.util.ArrayList<>();
        state.schedule(trying(new Object[][] {{1, a}}, answers), 0);
        assertThat(answers).containsExactly(false);
        assertThat(state.isExcluded(a)).isTrue();
    }

    @Test
    void requeueDropsOnlyTheRequestsAndKeepsThePeerTheSourceOfWhatItWasAssigned() {
        state.assign(0, a, 1);
        state.assign(1, a, 1);
        state.schedule(trying(new Object[][] {{0, a}}, new java.util.ArrayList<>()), 0);
        // the link closed with nothing wrong (idle): the request is dropped, the assignments stay
        assertThat(state.requeue(a)).extracting(SwarmState.InFlight::piece).containsExactly(0);
        assertThat(state.inFlightTotal()).isZero();
        List<Boolean> answers = new java.util.ArrayList<>();
        state.schedule(trying(new Object[][] {{0, a}, {1, a}}, answers), 0);
        assertThat(answers).as("both may be asked again of the same peer, without a new assignment")
                .containsExactly(true, true);
        assertThat(state.isExcluded(a)).isFalse();
    }

    @Test
    void failAndTimeoutsFreeTheSlot() {
        state.assign(0, a, 1);
        state.assign(1, a, 1);
        state.schedule(trying(new Object[][] {{0, a}}, new java.util.ArrayList<>()), 100);
        state.schedule(trying(new Object[][] {{1, a}}, new java.util.ArrayList<>()), 200);
        assertThat(state.placedBefore(150)).extracting(SwarmState.InFlight::piece).containsExactly(0);
        assertThat(state.fail(0, a)).isNotNull();
        assertThat(state.fail(0, a)).isNull();
        assertThat(state.inFlightTotal()).isEqualTo(1);
    }

    @Test
    void aLiveWindowGrowsSlidesAndForgets() {
        BitSet have = new BitSet();
        SwarmState live = new SwarmState(m.id(), 4, 0, piece -> 100, have::get, 2, true);
        assertThat(live.extend(3)).isEmpty();
        live.assign(0, a, 1);
        live.assign(2, a, 1);
        List<Boolean> answers = new java.util.ArrayList<>();
        live.schedule(trying(new Object[][] {{0, a}, {2, a}}, answers), 0);
        assertThat(answers).containsExactly(true, true);
        // two more pieces: the window (capacity 4) drops piece 0 and its request
        assertThat(live.extend(5)).extracting(SwarmState.InFlight::piece).containsExactly(0);
        assertThat(live.firstPiece()).isEqualTo(1);
        assertThat(live.inWindow(0)).isFalse();
        assertThat(live.inFlightTotal()).isEqualTo(1);
        // a new piece in the recycled slot starts clean
        List<Boolean> again = new java.util.ArrayList<>();
        live.schedule(trying(new Object[][] {{4, a}, {0, a}}, again), 0);
        assertThat(again).containsExactly(false, false);
        live.assign(4, b, 2);
        live.schedule(trying(new Object[][] {{4, b}}, again), 0);
        assertThat(again).containsExactly(false, false, true);
        assertThat(live.slide(3)).extracting(SwarmState.InFlight::piece).containsExactly(2);
        assertThat(live.inFlightTotal()).isEqualTo(1);
    }

    @Test
    void aLiveWindowRewindsForABurstWithinItsCapacityOnly() {
        BitSet have = new BitSet();
        SwarmState live = new SwarmState(m.id(), 4, 0, piece -> 100, have::get, 2, true);
        live.extend(8);
        live.slide(7);
        live.assign(7, a, 1);
        // a player starts two pieces further back: they are in the window again, clean, the rest kept
        assertThat(live.rewind(5)).isTrue();
        assertThat(live.firstPiece()).isEqualTo(5);
        assertThat(live.inWindow(5)).isTrue();
        assertThat(live.hasSource(5)).isFalse();
        assertThat(live.hasSource(7)).isTrue();
        live.assign(5, b, 1);
        assertThat(live.hasSource(5)).isTrue();
        // pieces 3..7 are more than the ring holds (4): refused, nothing changes
        assertThat(live.rewind(3)).isFalse();
        assertThat(live.firstPiece()).isEqualTo(5);
        assertThat(live.hasSource(7)).isTrue();
    }

    @Test
    void schedulersSeeTheWindow() {
        BitSet have = new BitSet();
        SwarmState live = new SwarmState(m.id(), 4, 0, piece -> 100, have::get, 2, true);
        live.extend(10);
        int[] seen = new int[3];
        live.schedule(new PieceScheduler() {
            @Override
            public String name() {
                return "look";
            }

            @Override
            public void schedule(SwarmView view, RequestSink sink) {
                seen[0] = view.firstPiece();
                seen[1] = view.pieceCount();
                seen[2] = view.verified(2) ? 1 : 0;
            }
        }, 0);
        assertThat(seen).containsExactly(6, 10, 1);
    }
}
