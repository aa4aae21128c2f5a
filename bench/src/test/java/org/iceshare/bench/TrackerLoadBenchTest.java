package org.iceshare.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A smoke run of the tracker load simulator: 50 peers in 2 swarms against a tracker in this JVM for one short
 * step. Functional checks only (every peer joined, the message mix reached the tracker and was answered); no
 * figures are asserted: those come from the bench on a quiet machine.
 */
class TrackerLoadBenchTest {

    @Test
    void fiftySimulatedPeersJoinReportAndGetAnswers() throws Exception {
        TrackerLoadBench.Result r = new TrackerLoadBench().parse("--peers", "50", "--swarms", "2", "--pieces", "16",
                "--rates", "20", "--seconds", "2", "--in-process").run();

        assertThat(r.peers()).isEqualTo(50);
        assertThat(r.errors()).as("error reports and closed connections").isEmpty();
        assertThat(r.steps()).hasSize(1);
        TrackerLoadBench.Step s = r.steps().get(0);
        // the pacer sent the mix, and the tracker answered: pongs measured, pieces assigned and verified
        assertThat(s.sentByType()).containsKeys("PING", "RATES", "VERIFIED");
        assertThat(s.pings()).isPositive();
        assertThat(r.verified()).isPositive();
        // 16 pieces at up to 20 messages a second: some peers complete within the step, leave and join again
        assertThat(r.churns()).isPositive();
        assertThat(s.joins()).isPositive();
        assertThat(s.received()).isPositive();
        assertThat(s.messagesPerSecond()).isPositive();
        assertThat(r.joinMillis()[1]).isPositive();
    }
}
