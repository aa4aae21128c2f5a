package org.iceshare.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.iceshare.itests.swarm.StreamingRun;
import org.iceshare.itests.swarm.TestMedia;

/**
 * Streaming a file from the start under a constrained source: a Theora+Vorbis file of about 9 Mbit/s,
 * a source capped at a multiple of that, N players starting together. Prints the startup delay each
 * player needed to play without a stall.
 */
public final class StreamBench {
    private StreamBench() {
    }

    public static void main(String[] args) throws Exception {
        int peers = 25;
        double factor = 2.0;
        int seconds = 60;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--peers" -> peers = Integer.parseInt(args[++i]);
                case "--source-factor" -> factor = Double.parseDouble(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path media = TestMedia.theoraHeavy(seconds, 9);
        System.out.printf(Locale.ROOT, "file streaming: %d players, %s (%d bytes), source capped at %.1fx the "
                + "bitrate, %d cores%n", peers, media.getFileName(), Files.size(media), factor,
                Runtime.getRuntime().availableProcessors());
        StreamingRun.Figures f = StreamingRun.run(Files.createTempDirectory("iceshare-stream-bench"), media, peers,
                factor, 256 * 1024);
        System.out.println(f);
        System.out.printf(Locale.ROOT, "RESULT peers=%d bitrate=%.1fMbit/s source_factor=%.1f startup_needed_p50=%dms "
                + "startup_needed_p95=%dms startup_needed_max=%dms suf=%.3f complete=%.1fs%n", f.peers(),
                f.bitrateMbps(), factor, f.neededP50(), f.neededP95(), f.neededMax(), f.suf(), f.seconds());
    }
}
