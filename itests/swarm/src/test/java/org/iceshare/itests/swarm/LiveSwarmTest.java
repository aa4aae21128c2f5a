package org.iceshare.itests.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.iceshare.itests.swarm.LiveSwarmRun.Figures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acceptance (issue 4): a real Vorbis stream at real-time rate, 1 source and 50 peers joining over the
 * first 10 s, for 60 s, in-JVM over real loopback sockets. {@code -Dlive.peers}, {@code -Dlive.join}
 * and {@code -Dlive.seconds} shrink it for a quick look.
 */
class LiveSwarmTest {
    private static final Logger LOG = LoggerFactory.getLogger(LiveSwarmTest.class);

    @TempDir
    Path tmp;

    @Test
    void fiftyListenersFollowARealTimeVorbisStream() throws Exception {
        Path media = TestMedia.vorbis(90, 4);
        Figures f = LiveSwarmRun.run(tmp, media, Integer.getInteger("live.peers", 50),
                Integer.getInteger("live.join", 10), Integer.getInteger("live.seconds", 60));
        LOG.info("live swarm: {}", f);
        assertThat(f.suf()).as("source upload factor").isLessThanOrEqualTo(1.5);
        assertThat(f.minContinuity()).as("continuity index of every peer").isGreaterThanOrEqualTo(0.999);
        assertThat(f.startupP95()).as("startup p95 (ms)").isLessThanOrEqualTo(1500);
        assertThat(f.latencyP95()).as("end-to-end latency p95 (ms)").isLessThanOrEqualTo(3000);
    }
}
