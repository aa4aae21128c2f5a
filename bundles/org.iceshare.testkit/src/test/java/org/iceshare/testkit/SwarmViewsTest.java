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

    // ---- API 1.2: window, live, deadlines, delivery times

    @Test
    void leftOutStreamingRowsKeepTheApiDefaults() {
        TestSwarmView view = SwarmViews.parse(EXAMPLE);

        assertThat(view.firstPiece()).isZero();
        assertThat(view.live()).isFalse();
        assertThat(IntStream.range(0, 10).mapToLong(view::deadlineMillis)).containsOnly(Long.MAX_VALUE);
        assertThat(view.expectedMillis(view.peer("A"))).isZero();
        assertThat(view.expectedMillis(SwarmViews.peerId("Z"))).isZero();
    }

    @Test
    void firstRowMovesTheWindowAndReadsBelowItFail() {
        TestSwarmView view = SwarmViews.parse("""
                verified  #.#..
                peer A 1  xxxxx
                first     2
                live
                """);

        assertThat(view.firstPiece()).isEqualTo(2);
        assertThat(view.live()).isTrue();
        assertThat(view.missing()).as("only the window counts").isEqualTo(2);
        assertThat(view.verified(2)).isTrue();
        assertThatThrownBy(() -> view.verified(1)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("outside the window 2..4");
        assertThatThrownBy(() -> view.sources(0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> view.deadlineMillis(1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> new RecordingSink(view).request(1, view.peer("A")))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(new RecordingSink(view).request(3, view.peer("A"))).isTrue();
    }

    @Test
    void deadlineRuleCountsFromThePlayhead() {
        TestSwarmView view = SwarmViews.parse("""
                avail     111111
                deadline  250/piece -100
                playhead  2
                """);

        assertThat(IntStream.range(0, 6).mapToLong(view::deadlineMillis))
                .containsExactly(Long.MAX_VALUE, Long.MAX_VALUE, -100L, 150L, 400L, 650L);

        view.playhead(4);
        assertThat(view.deadlineMillis(3)).isEqualTo(Long.MAX_VALUE);
        assertThat(view.deadlineMillis(5)).isEqualTo(150);

        view.playhead(-1);
        assertThat(IntStream.range(0, 6).mapToLong(view::deadlineMillis)).as("nobody plays")
                .containsOnly(Long.MAX_VALUE);
        assertThatThrownBy(() -> view.playhead(6)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void deadlineValuesGiveOneDeadlinePerPiece() {
        TestSwarmView view = SwarmViews.parse("""
                avail     1111
                deadline  . -20 0 3000
                """);

        assertThat(IntStream.range(0, 4).mapToLong(view::deadlineMillis))
                .containsExactly(Long.MAX_VALUE, -20L, 0L, 3000L);
    }

    @Test
    void expectedTimeIsTheDeliveryTimeTimesTheQueuePlusOne() {
        TestSwarmView view = SwarmViews.parse("""
                peer A 2 40ms  r.x
                peer B 3 0ms   xxx
                peer C 1       xxx
                """);
        RecordingSink sink = new RecordingSink(view);

        assertThat(view.expectedMillis(view.peer("A"))).as("one request queued").isEqualTo(80);
        assertThat(view.expectedMillis(view.peer("B"))).isZero();
        assertThat(view.expectedMillis(view.peer("C"))).as("no delivery time").isZero();
        assertThat(view.queued("A")).isEqualTo(1);

        sink.request(2, view.peer("A"));
        assertThat(view.expectedMillis(view.peer("A"))).isEqualTo(120);
        view.verify(0);
        assertThat(view.expectedMillis(view.peer("A"))).isEqualTo(80);
        view.release(2, "A");
        assertThat(view.expectedMillis(view.peer("A"))).isEqualTo(40);

        view.deliveryMillis("C", 500);
        assertThat(view.expectedMillis(view.peer("C"))).isEqualTo(500);
        assertThatThrownBy(() -> view.deliveryMillis("C", -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theStreamingExampleOfTheJavadocParses() {
        TestSwarmView view = SwarmViews.parse("""
                avail     1111 1111
                deadline  250/piece -100   // the piece at the playhead is 100 ms late, the next due in 150 ms, ...
                peer S 1  40ms xxxx xxxx   // S: one free slot, delivers a piece in 40 ms
                peer T 2  xxrx xxxx        // T: no delivery time given, expected time 0
                playhead  2
                first     1                // piece 0 left the live window
                live
                """);

        assertThat(view.deadlineMillis(2)).isEqualTo(-100);
        assertThat(view.deadlineMillis(3)).isEqualTo(150);
        assertThat(view.deadlineMillis(1)).isEqualTo(Long.MAX_VALUE);
        assertThat(view.expectedMillis(view.peer("S"))).isEqualTo(40);
        assertThat(view.expectedMillis(view.peer("T"))).isZero();
        assertThat(view.inFlight(2)).isEqualTo(1);
        assertThat(view.missing()).isEqualTo(7);
    }

    @Test
    void streamingRowsPrintBackAndParseBack() {
        TestSwarmView view = SwarmViews.parse("""
                verified  #...
                peer A 2 40ms  xx.x
                peer B 0  xxxx
                playhead  1
                first 1
                live
                deadline  250/piece -100
                """);

        assertThat(view).hasToString("""
                verified       #...
                inflight       ....
                avail          2212
                peer A 2 40ms  xx.x
                peer B 0       xxxx
                playhead       1
                first          1
                live
                deadline       250/piece -100
                """);
        assertThat(SwarmViews.parse(view.toString())).hasToString(view.toString());

        String values = SwarmViews.parse("avail 111\ndeadline . -5 70").toString();
        assertThat(values).contains("deadline  . -5 70");
        assertThat(SwarmViews.parse(values)).hasToString(values);
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
                Arguments.of("verified .#\npeer A 1 .r", "line 1: piece 1 is verified but has requests in flight (line 2)"),
                Arguments.of("peer A 1 40 xx", "line 1: peer A: a delivery time reads '<whole number>ms', for example "
                        + "'40ms', got '40'"),
                Arguments.of("peer A 1 -4ms xx", "line 1: peer A: a delivery time reads"),
                Arguments.of("peer A 1 40ms", "line 1: 'peer A' has no cells"),
                Arguments.of("peer A 1 99999999999999999999ms x", "line 1: peer A: delivery time too large"),
                Arguments.of("avail 11\nfirst 3", "line 2: first must be a piece in 0..2: 3"),
                Arguments.of("avail 11\nfirst -1", "line 2: first must be a piece in 0..2: -1"),
                Arguments.of("peer A 1 r.\nfirst 1",
                        "line 2: piece 0 is below first 1 (out of the window) but has requests in flight (line 1)"),
                Arguments.of("avail 11\nlive now", "line 2: 'live' takes no value, got 'now'"),
                Arguments.of("avail 11\nlive\nlive", "line 3: second 'live' row"),
                Arguments.of("avail 11\ndeadline", "line 2: 'deadline' has no values"),
                Arguments.of("avail 11\ndeadline 1 2 3", "line 2: 'deadline' has 3 pieces but 'avail' on line 1 has 2"),
                Arguments.of("avail 11\ndeadline 1 soon", "line 2: 'deadline': piece 1 is 'soon'"),
                Arguments.of("avail 11\ndeadline 250/pc", "line 2: 'deadline': a rule reads '<ms>/piece [<offset>]'"),
                Arguments.of("avail 11\ndeadline 250/piece 1 2", "line 2: 'deadline': a rule reads"),
                Arguments.of("avail 11\ndeadline 1 9223372036854775807", "line 2: 'deadline': piece 1: write '.'"));
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
