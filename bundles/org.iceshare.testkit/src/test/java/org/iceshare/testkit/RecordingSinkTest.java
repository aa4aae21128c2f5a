package org.iceshare.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.IntStream;

import org.iceshare.api.swarm.PeerId;
import org.junit.jupiter.api.Test;

class RecordingSinkTest {

    private final TestSwarmView view = SwarmViews.parse("""
            verified  #...
            peer A 2  xxx.
            peer B 1  .xxr
            peer C 0  xxxx
            """);
    private final RecordingSink sink = new RecordingSink(view);
    private final PeerId a = view.peer("A");
    private final PeerId b = view.peer("B");
    private final PeerId c = view.peer("C");

    @Test
    void acceptsAndAppliesARequest() {
        assertThat(sink.request(1, a)).isTrue();

        assertThat(sink.requests()).containsExactly("1@A");
        assertThat(sink.accepted()).containsExactly(new RecordingSink.Request(1, "A"));
        assertThat(view.inFlight(1)).isEqualTo(1);
        assertThat(view.requested(1, "A")).isTrue();
        assertThat(view.freeSlots(a)).isEqualTo(1);
        assertThat(sink.refused()).isEmpty();
    }

    @Test
    void refusesAVerifiedPiece() {
        assertThat(sink.request(0, a)).isFalse();
        assertThat(sink.refused()).containsExactly("0@A: verified");
    }

    @Test
    void refusesAPeerThatIsNotASourceOfThePiece() {
        assertThat(sink.request(3, a)).isFalse();
        assertThat(sink.request(1, SwarmViews.peerId("Z"))).isFalse();

        assertThat(sink.refused()).containsExactly("3@A: not a source", "1@5a000000: not a source");
        assertThat(view.inFlight(1)).isZero();
    }

    @Test
    void refusesAPeerWithoutAFreeSlot() {
        assertThat(sink.request(1, c)).isFalse();
        assertThat(sink.request(1, b)).isTrue();
        assertThat(sink.request(2, b)).isFalse();

        assertThat(sink.requests()).containsExactly("1@B");
        assertThat(sink.refused()).containsExactly("1@C: no free slot", "2@B: no free slot");
    }

    @Test
    void refusesTheSamePieceFromTheSamePeerTwice() {
        assertThat(sink.request(3, b)).as("declared in flight with 'r'").isFalse();
        assertThat(sink.request(1, a)).isTrue();
        assertThat(sink.request(1, a)).isFalse();

        assertThat(sink.refused()).containsExactly("3@B: already requested from this peer",
                "1@A: already requested from this peer");
        assertThat(view.inFlight(1)).isEqualTo(1);
        assertThat(view.freeSlots(a)).isEqualTo(1);
    }

    @Test
    void acceptsADuplicateToAnotherPeer() {
        assertThat(sink.request(1, a)).isTrue();
        assertThat(sink.request(1, b)).isTrue();

        assertThat(sink.requests()).containsExactly("1@A", "1@B");
        assertThat(view.inFlight(1)).isEqualTo(2);
    }

    @Test
    void verifyingAPieceEndsItsRequestsAndFreesTheirSlots() {
        sink.request(1, a);
        sink.request(1, b);

        assertThat(view.verify(1)).isTrue();

        assertThat(view.verified(1)).isTrue();
        assertThat(view.missing()).isEqualTo(2);
        assertThat(view.inFlight(1)).isZero();
        assertThat(view.freeSlots(a)).isEqualTo(2);
        assertThat(view.freeSlots(b)).isEqualTo(1);
        assertThat(view.verify(1)).as("already verified").isFalse();
        assertThat(sink.request(1, a)).isFalse();
    }

    @Test
    void verifyInFlightVerifiesEveryPieceInFlight() {
        sink.request(1, a);

        assertThat(view.verifyInFlight()).isEqualTo(2);

        assertThat(IntStream.range(0, 4).filter(view::verified)).containsExactly(0, 1, 3);
        assertThat(view.freeSlots(b)).as("B's 'r' request ended too").isEqualTo(2);
    }

    @Test
    void releasingARequestFreesItsSlotSoThePieceCanBeAskedAgain() {
        sink.request(1, a);

        view.release(1, "A");

        assertThat(view.inFlight(1)).isZero();
        assertThat(view.freeSlots(a)).isEqualTo(2);
        assertThat(sink.request(1, a)).isTrue();
        assertThatThrownBy(() -> view.release(2, "A")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no request for piece 2 to A");
    }

    @Test
    void clearForgetsTheRecordButNotTheView() {
        sink.request(1, a);
        sink.request(0, a);

        sink.clear();

        assertThat(sink.requests()).isEmpty();
        assertThat(sink.refused()).isEmpty();
        assertThat(view.inFlight(1)).isEqualTo(1);
    }

    @Test
    void aBadPieceIndexOrNullPeerIsABugNotARefusal() {
        assertThatThrownBy(() -> sink.request(4, a)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> sink.request(-1, a)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> sink.request(1, null)).isInstanceOf(NullPointerException.class);
    }
}
