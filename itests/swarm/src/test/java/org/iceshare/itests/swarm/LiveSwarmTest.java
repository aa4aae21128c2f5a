package org.iceshare.itests.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.iceshare.itests.swarm.LiveSwarmRun.Figures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acceptance (issue 4), functional part: a real Vorbis stream at real-time rate, 1 source and 20 peers
 * joining over the first 5 s, for 20 s, in-JVM over real loopback sockets. Every peer joins and plays
 * (pieces fall due at its playback clock, and it got some of them), and the source uploads about
 * one stream's worth (SUF at most 1.5, whatever the load: the tracker hands a piece held only by the
 * source to one peer at a time).
 *
 * <p>Continuity, startup and latency (the targets: continuity at least 0.999, startup p95 at
 * most 1 s, latency p95 at most 2 s, for 50 peers over 60 s) depend on how busy the machine is: they are
 * measured by {@code LiveBench} ({@code iceshare-bench.jar live}, docs/benchmarks.md), not asserted
 * here. {@code -Dlive.peers}, {@code -Dlive.join} and {@code -Dlive.seconds} change the run.
 */
class LiveSwarmTest {
    private static final Logger LOG = LoggerFactory.getLogger(LiveSwarmTest.class);

    @TempDir
    Path tmp;

    @Test
    void listenersJoiningAtRandomMomentsFollowARealTimeVorbisStream() throws Exception {
        Path media = TestMedia.vorbis(50, 4);
        int peers = Integer.getInteger("live.peers", 20);
        Figures f = LiveSwarmRun.run(tmp, media, peers, Integer.getInteger("live.join", 5),
                Integer.getInteger("live.seconds", 20));
        LOG.info("live swarm: {}", f);
        // LiveSwarmRun checked that every peer joined and had pieces fall due
        assertThat(f.peers()).isEqualTo(peers);
        assertThat(f.played()).as("peers that got pieces by their deadline").isEqualTo(peers);
        assertThat(f.suf()).as("source upload factor").isLessThanOrEqualTo(1.5);
    }
}
