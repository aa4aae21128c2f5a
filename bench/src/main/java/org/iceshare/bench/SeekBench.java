package org.iceshare.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.iceshare.itests.swarm.SeekRun;
import org.iceshare.itests.swarm.TestMedia;

/**
 * Time starts on a peer that holds nothing yet: a 300 s Vorbis file in 64 KiB pieces, N seeks, each by a
 * fresh peer asking {@code ?t=} a random time. Prints the time from the HTTP request to the first
 * decodable byte (the target: p95 at most 1 s over 20 seeks). The same run, shorter and without
 * the figure, is {@code SeekLatencyTest} in the suite.
 */
public final class SeekBench {
    private SeekBench() {
    }

    public static void main(String[] args) throws Exception {
        int seeks = 20;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seeks" -> seeks = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path media = TestMedia.vorbis(300, 6);
        System.out.printf(Locale.ROOT, "seek: %d time starts on fresh peers, %s (%d bytes), %d cores%n", seeks,
                media.getFileName(), Files.size(media), Runtime.getRuntime().availableProcessors());
        SeekRun.Figures f = SeekRun.run(Files.createTempDirectory("iceshare-seek-bench"), media, seeks, 3);
        System.out.println(f);
        System.out.printf(Locale.ROOT, "RESULT seeks=%d first_decodable_p50=%dms first_decodable_p95=%dms "
                + "first_decodable_max=%dms target_p95<=1000ms%n", f.seeks(), f.p50(), f.p95(), f.max());
    }
}
