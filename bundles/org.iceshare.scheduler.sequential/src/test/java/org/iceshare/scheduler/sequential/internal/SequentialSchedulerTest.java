package org.iceshare.scheduler.sequential.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.iceshare.testkit.RecordingSink;
import org.iceshare.testkit.SwarmViews;
import org.iceshare.testkit.TestSwarmView;
import org.junit.jupiter.api.Test;

class SequentialSchedulerTest {

    private final SequentialScheduler scheduler = new SequentialScheduler();

    /** Runs one scheduler call on a fresh view of the DSL and returns the accepted requests. */
    private List<String> schedule(String dsl) {
        TestSwarmView view = SwarmViews.parse(dsl);
        RecordingSink sink = new RecordingSink(view);
        scheduler.schedule(view, sink);
        return sink.requests();
    }

    @Test
    void isNamedSequential() {
        assertThat(scheduler.name()).isEqualTo("sequential");
    }

    @Test
    void walksInIndexOrderFromTheStartWhenNobodyPlays() {
        assertThat(schedule("""
                verified  #....
                avail     91119
                peer A 9  xxxxx
                """)).as("availability plays no part").containsExactly("1@A", "2@A", "3@A", "4@A");
    }

    @Test
    void startsAtThePlayheadAndWrapsAround() {
        assertThat(schedule("""
                verified  ##........
                peer A 20 xxxxxxxxxx
                playhead  6
                """)).containsExactly("6@A", "7@A", "8@A", "9@A", "2@A", "3@A", "4@A", "5@A");
    }

    @Test
    void spendsFewSlotsRightAfterThePlayhead() {
        assertThat(schedule("""
                peer A 3  xxxxxxxxxx
                playhead  8
                """)).containsExactly("8@A", "9@A", "0@A");
    }

    @Test
    void skipsVerifiedInFlightAndUnassignedPieces() {
        assertThat(schedule("""
                verified  #.....
                inflight  ..2...
                peer A 9  x.rxx.
                """)).containsExactly("3@A", "4@A");
    }

    @Test
    void takesTheFirstSourceWithAFreeSlotInTrackerOrder() {
        TestSwarmView view = SwarmViews.parse("""
                peer B 0  xxx
                peer A 1  xx.
                peer C 2  xxx
                """);
        RecordingSink sink = new RecordingSink(view);

        scheduler.schedule(view, sink);

        assertThat(sink.requests()).containsExactly("0@A", "1@C", "2@C");
        assertThat(sink.refused()).isEmpty();
    }

    @Test
    void asksNothingWhenThereIsNothingToAsk() {
        assertThat(schedule("verified ####\npeer A 3 xxxx")).as("all verified").isEmpty();
        assertThat(schedule("peer A 0 xxxx")).as("no free slot").isEmpty();
        assertThat(schedule("avail 1111\npeer A 3 ....")).as("unassigned").isEmpty();
        assertThat(schedule("inflight 2222\npeer A 3 xxxx")).as("all in flight twice").isEmpty();
    }

    @Test
    void endgameDuplicatesOnceToAnotherPeerFromThePlayheadOn() {
        TestSwarmView view = SwarmViews.parse("""
                peer A 0  rrrr
                peer B 2  xxxx
                playhead  2
                """);
        RecordingSink sink = new RecordingSink(view);

        scheduler.schedule(view, sink);

        assertThat(sink.requests()).containsExactly("2@B", "3@B");

        view.verify(3);
        sink.clear();
        scheduler.schedule(view, sink);

        assertThat(sink.requests()).as("B's freed slot goes to piece 0, not to piece 2 a second time")
                .containsExactly("0@B");
    }

    @Test
    void freshPiecesGetTheSlotsBeforeDuplicates() {
        assertThat(schedule("""
                peer A 1  r.
                peer B 1  xx
                """)).containsExactly("1@B");
    }

    @Test
    void endgameNeverAsksThePeerAlreadyAsked() {
        TestSwarmView view = SwarmViews.parse("peer A 3 r.");
        RecordingSink sink = new RecordingSink(view);

        scheduler.schedule(view, sink);

        assertThat(sink.requests()).isEmpty();
        assertThat(view.inFlight(0)).isEqualTo(1);
    }

    @Test
    void declaresItsServiceProperties() throws IOException {
        String name = "/OSGI-INF/" + SequentialScheduler.class.getName() + ".xml";
        String xml;
        try (InputStream in = getClass().getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }

        assertThat(xml).contains("org.iceshare.api.scheduler.PieceScheduler")
                .contains("name=\"scheduler.name\"").contains("value=\"sequential\"")
                .contains("name=\"service.ranking\"").contains("type=\"Integer\"").contains("value=\"50\"");
    }
}
