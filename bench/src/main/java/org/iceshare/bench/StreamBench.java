package org.iceshare.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.iceshare.itests.swarm.StreamingRun;
import org.iceshare.itests.swarm.TestMedia;
import org.iceshare.media.ogg.internal.OggFormat;

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
        boolean audio = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--audio" -> audio = true;
                case "--peers" -> peers = Integer.parseInt(args[++i]);
                case "--source-factor" -> factor = Double.parseDouble(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (audio) {
            audio(peers, factor, seconds);
            return;
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

    /**
     * The same with a Vorbis file (oggenc -q 6, about 200 kbit/s), cut twice in the same run: by size
     * only (256 KiB pieces, about 15 s of audio each: the default, and the baseline) and with a 2 s
     * target duration ({@code pieceDuration = 2000}). Prints both and the ratio of the startup each
     * needed.
     */
    private static void audio(int peers, double factor, int seconds) throws Exception {
        Path media = TestMedia.vorbis(seconds, 6);
        System.out.printf(Locale.ROOT, "audio file streaming: %d players, %s (%d bytes), source capped at %.1fx the "
                + "bitrate, %d cores%n", peers, media.getFileName(), Files.size(media), factor,
                Runtime.getRuntime().availableProcessors());
        StreamingRun.Figures bySize = StreamingRun.run(Files.createTempDirectory("iceshare-stream-bench"), media,
                peers, factor, new OggFormat(OggFormat.DEFAULT_PIECE_SIZE));
        System.out.println("256 KiB pieces (baseline): " + bySize);
        StreamingRun.Figures byTime = StreamingRun.run(Files.createTempDirectory("iceshare-stream-bench"), media,
                peers, factor, new OggFormat(OggFormat.DEFAULT_PIECE_SIZE, OggFormat.STREAMING_PIECE_MICROS));
        System.out.println("2 s pieces: " + byTime);
        System.out.printf(Locale.ROOT, "RESULT peers=%d bitrate=%.2fMbit/s source_factor=%.1f "
                + "baseline_needed_p50=%dms baseline_needed_p95=%dms needed_p50=%dms needed_p95=%dms "
                + "p95_ratio=%.2f suf_baseline=%.3f suf=%.3f%n", peers, byTime.bitrateMbps(), factor,
                bySize.neededP50(), bySize.neededP95(), byTime.neededP50(), byTime.neededP95(),
                (double) byTime.neededP95() / Math.max(1, bySize.neededP95()), bySize.suf(), byTime.suf());
    }
}
