package org.iceshare.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.iceshare.api.swarm.PeerId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SwarmViewsTest {

    private static final String EXAMPLE = """
            verified  ##..#.....
            inflight  ..1.......
            avail     3322333311
            peer A 2  ..xxx.....
            peer B 1  xxxxxxxxxx
            playhead  4
            """;

    @Test
    void parsesEveryRow() {
        TestSwarmView view = SwarmViews.parse(EXAMPLE);
        PeerId a = view.peer("A");
        PeerId b = view.peer("B");

        assertThat(view.pieceCount()).isEqualTo(10);
        assertThat(IntStream.range(0, 10).filter(view::verified)).containsExactly(0, 1, 4);
        assertThat(view.missing()).isEqualTo(7);
        assertThat(IntStream.range(0, 10).map(view::inFlight)).containsExactly(0, 0, 1, 0, 0, 0, 0, 0, 0, 0);
        assertThat(IntStream.range(0, 10).map(view::availability)).containsExactly(3, 3, 2, 2, 3, 3, 3, 3, 1, 1);
        assertThat(view.sources(0)).containsExactly(b);
        assertThat(view.sources(3)).containsExactly(a, b);
        assertThat(view.freeSlots(a)).isEqualTo(2);
        assertThat(view.freeSlots(b)).isEqualTo(1);
        assertThat(view.playhead()).isEqualTo(4);
        assertThat(view.pieceLength(9)).isEqualTo(SwarmViews.DEFAULT_PIECE_LENGTH);
        assertThat(view.content()).isEqualTo(TestSwarmView.CONTENT);
        assertThat(view.peerNames()).containsExactly("A", "B");
        assertThat(view.nameOf(b)).isEqualTo("B");
    }

    @Test
    void sourcesFollowTheOrderPeersAreDeclared() {
        TestSwarmView view = SwarmViews.parse("""
                peer C 1  xx
                peer A 1  .x
                peer B 1  xx
                """);

        assertThat(view.sources(0)).containsExactly(view.peer("C"), view.peer("B"));
        assertThat(view.sources(1)).containsExactly(view.peer("C"), view.peer("A"), view.peer("B"));
    }

    @Test
    void leftOutRowsHaveDefaults() {
        TestSwarmView view = SwarmViews.parse("""
                peer A 1  xx.
                peer B 0  x..
                """);

        assertThat(IntStream.range(0, 3).filter(view::verified)).isEmpty();
        assertThat(view.missing()).isEqualTo(3);
        assertThat(IntStream.range(0, 3).map(view::inFlight)).containsExactly(0, 0, 0);
        assertThat(IntStream.range(0, 3).map(view::availability)).as("availability = number of sources")
                .containsExactly(2, 1, 0);
        assertThat(view.sources(2)).isEmpty();
        assertThat(view.playhead()).isEqualTo(-1);
    }

    @Test
    void aViewNeedsNoPeers() {
        TestSwarmView view = SwarmViews.parse("avail 12z.");

        assertThat(IntStream.range(0, 4).map(view::availability)).containsExactly(1, 2, 35, 0);
        assertThat(view.peerNames()).isEmpty();
        assertThat(view.sources(0)).isEmpty();
    }

    @Test
    void isForgivingAboutWhitespaceCaseAndComments() {
        TestSwarmView view = SwarmViews.parse("  // a swarm\r\n"
                + "\tVERIFIED   ##.. ..\r\n"
                + "\r\n"
                + "   avail 1 2 3 4 5 6   // grouped cells\n"
                + "peer   A\t 3   .XR. x.\n"
                + "Playhead    2   \n");

        assertThat(view.pieceCount()).isEqualTo(6);
        assertThat(view.verified(1)).isTrue();
        assertThat(view.availability(5)).isEqualTo(6);
        assertThat(view.sources(1)).containsExactly(view.peer("A"));
        assertThat(view.requested(2, "A")).isTrue();
        assertThat(view.freeSlots(view.peer("A"))).isEqualTo(3);
        assertThat(view.playhead()).isEqualTo(2);
    }

    @Test
    void requestMarkersPutPiecesInFlightWithoutTakingSlots() {
        TestSwarmView view = SwarmViews.parse("""
                peer A 2  rr.
                peer B 1  r.x
                """);

        assertThat(IntStream.range(0, 3).map(view::inFlight)).containsExactly(2, 1, 0);
        assertThat(view.requested(0, "A")).isTrue();
        assertThat(view.requested(0, "B")).isTrue();
        assertThat(view.requested(2, "B")).isFalse();
        assertThat(view.sources(0)).containsExactly(view.peer("A"), view.peer("B"));
        assertThat(view.freeSlots(view.peer("A"))).isEqualTo(2);
    }

    @Test
    void inflightRowCountsRequestsToUnseenPeersToo() {
        TestSwarmView view = SwarmViews.parse("""
                inflight  21.
                peer A 1  r..
                """);

        assertThat(IntStream.range(0, 3).map(view::inFlight)).containsExactly(2, 1, 0);
        assertThat(view.requested(1, "A")).isFalse();
    }

    @Test
    void lengthRowSetsThePieceLength() {
        assertThat(SwarmViews.parse("verified ..\nlength 16384").pieceLength(1)).isEqualTo(16384);
    }

    @Test
    void peerIdsAreTheNamesAsciiBytes() {
        PeerId id = SwarmViews.peerId("Ab");

        assertThat(id.toHex()).isEqualTo("41620000000000000000000000000000");
        assertThat(SwarmViews.parse("peer Ab 1 x").peer("Ab")).isEqualTo(id);
        assertThat(SwarmViews.peerId("B")).isNotEqualTo(SwarmViews.peerId("B0"));
    }

    @Test
    void printsTheDslBackAligned() {
        TestSwarmView view = SwarmViews.parse("""
                verified ##..
                peer Alice 2 ..xr
                peer B 0 xxxx
                playhead 1
                length 100
                """);

        assertThat(view).hasToString("""
                verified      ##..
                inflight      ...1
                avail         1122
                peer Alice 2  ..xr
                peer B 0      xxxx
                playhead      1
                length        100
                """);
    }

    @Test
    void printedViewParsesBackToTheSameView() {
        TestSwarmView view = SwarmViews.parse(EXAMPLE);
        RecordingSink sink = new RecordingSink(view);
        sink.request(3, view.peer("A"));
        sink.request(3, view.peer("B"));

        String printed = view.toString();

        assertThat(SwarmViews.parse(printed)).hasToString(printed);
        assertThat(printed).contains("inflight  ..12......").contains("peer A 1  ..xrx.....")
                .contains("peer B 0  xxxrxxxxxx");
    }

    @Test
    void sourceListsAreImmutable() {
        TestSwarmView view = SwarmViews.parse("peer A 1 x");

        assertThatThrownBy(() -> view.sources(0).clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void readingOutsideTheViewFailsLoudly() {
        TestSwarmView view = SwarmViews.parse("avail 11");

        assertThatThrownBy(() -> view.verified(2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> view.sources(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> view.peer("Z")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no peer named 'Z'");
        assertThat(view.freeSlots(SwarmViews.peerId("Z"))).isZero();
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("", "no pieces"),
                Arguments.of("// only a comment\n\n", "no pieces"),
                Arguments.of("playhead 0", "no pieces"),
                Arguments.of("avial 12", "line 1: unknown row 'avial'"),
                Arguments.of("verified ..\navail 123", "line 2: 'avail' has 3 pieces but 'verified' on line 1 has 2"),
                Arguments.of("avail 12\npeer A 1 x", "line 2: 'peer A' has 1 pieces but 'avail' on line 1 has 2"),
                Arguments.of("verified", "line 1: 'verified' has no cells"),
                Arguments.of("verified #x", "line 1: 'verified': piece 1 is 'x'; expected '#' (verified) or '.'"),
                Arguments.of("avail 1-", "line 1: 'avail': piece 1 is '-'"),
                Arguments.of("inflight 1\u0663", "line 1: 'inflight': piece 1 is"),
                Arguments.of("avail 1\navail 2", "line 2: second 'avail' row (the first is on line 1)"),
                Arguments.of("peer", "line 1: a peer row reads 'peer <name> <free slots> <cells>'"),
                Arguments.of("peer A", "line 1: a peer row reads"),
                Arguments.of("peer A xx.", "line 1: peer A: free slots must be a number, got 'xx.'"),
                Arguments.of("peer A 1", "line 1: 'peer A' has no cells"),
                Arguments.of("peer A -1 x", "line 1: peer A: free slots must be >= 0"),
                Arguments.of("peer A 1 xo", "line 1: 'peer A': piece 1 is 'o'"),
                Arguments.of("peer A.B 1 x", "line 1: peer name must be 1..16 characters"),
                Arguments.of("peer ABCDEFGHIJKLMNOPQ 1 x", "line 1: peer name must be 1..16 characters"),
                Arguments.of("peer A 1 x\npeer A 2 x", "line 2: peer A is declared twice"),
                Arguments.of("avail 11\nplayhead 2", "line 2: playhead must be -1 or a piece in 0..1: 2"),
                Arguments.of("avail 11\nplayhead -2", "line 2: playhead must be -1 or a piece in 0..1: -2"),
                Arguments.of("avail 11\nplayhead one", "line 2: 'playhead' takes one whole number, got 'one'"),
                Arguments.of("avail 11\nplayhead 1 2", "line 2: 'playhead' takes one whole number, got '1 2'"),
                Arguments.of("avail 11\nlength 0", "line 2: length must be 1..4194304 bytes: 0"),
                Arguments.of("inflight 1.\npeer A 1 rr\npeer B 1 r.",
                        "line 1: 'inflight': piece 0 is 1 but 2 peers have a request in flight ('r') for it"),
                Arguments.of("verified #.\ninflight 1.", "line 1: piece 0 is verified but has requests in flight (line 2)"),
                Arguments.of("verified .#\npeer A 1 .r", "line 1: piece 1 is verified but has requests in flight (line 2)"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void refusesMalformedDslSayingWhereAndWhy(String dsl, String message) {
        assertThatThrownBy(() -> SwarmViews.parse(dsl)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void refusesNull() {
        assertThatThrownBy(() -> SwarmViews.parse(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SwarmViews.peerId("")).isInstanceOf(IllegalArgumentException.class);
    }
}
