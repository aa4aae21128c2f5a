package org.iceshare.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.iceshare.itests.swarm.LiveSwarmRun;
import org.iceshare.itests.swarm.TestMedia;

/**
 * The live swarm benchmark: a real Vorbis stream (oggenc, about 128 kbit/s) played out at real-time
 * rate by one source, N peers joining at random moments in the first seconds, in one JVM over
 * loopback sockets. Prints the source upload factor and the peers' continuity, startup and latency.
 */
public final class LiveBench {
    private LiveBench() {
    }

    public static void main(String[] args) throws Exception {
        int peers = 100;
        int join = 10;
        int seconds = 60;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--peers" -> peers = Integer.parseInt(args[++i]);
                case "--join" -> join = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path media = TestMedia.vorbis(seconds + 30, 4);
        System.out.printf(Locale.ROOT, "live swarm: 1 source + %d peers joining over %d s, %d s of %s (%d bytes), "
                + "%d cores%n", peers, join, seconds, media.getFileName(), Files.size(media),
                Runtime.getRuntime().availableProcessors());
        Path root = Files.createTempDirectory("iceshare-live-bench");
        LiveSwarmRun.Figures f = LiveSwarmRun.run(root, media, peers, join, seconds);
        System.out.printf(Locale.ROOT, "RESULT peers=%d suf=%.3f continuity_min=%.4f continuity_p50=%.4f "
                + "startup_p50=%dms startup_p95=%dms latency_p50=%dms latency_p95=%dms%n", f.peers(), f.suf(),
                f.minContinuity(), f.p50Continuity(), f.startupP50(), f.startupP95(), f.latencyP50(), f.latencyP95());
    }
}
