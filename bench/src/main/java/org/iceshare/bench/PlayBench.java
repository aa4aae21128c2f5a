package org.iceshare.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.source.LiveStreamInfo;
import org.iceshare.core.internal.peer.PeerEngine;
import org.iceshare.itests.swarm.SwarmFixture;
import org.iceshare.itests.swarm.TestMedia;
import org.iceshare.media.ogg.internal.OggFormat;
import org.iceshare.source.internal.LiveSourceEngine;
import org.iceshare.source.internal.SourceSettings;
import org.iceshare.tracker.internal.TrackerSettings;

/**
 * A file played out as a live stream ({@code iceshare:live play}, the live sources' file player) into a
 * real peer: how closely it follows real time. Plays a Vorbis file of N seconds R times and prints how
 * long each play took over the file's duration. {@code FilePlayTest} in the suite checks that the player
 * never runs ahead of real time; how far behind it falls is this figure.
 */
public final class PlayBench {
    private PlayBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = 10;
        int runs = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path media = TestMedia.vorbis(seconds, 4);
        System.out.printf(Locale.ROOT, "file play: %s (%d bytes, %d s) played %d times, %d cores%n",
                media.getFileName(), Files.size(media), seconds, runs, Runtime.getRuntime().availableProcessors());
        List<Long> lag = new ArrayList<>();
        try (SwarmFixture swarm = new SwarmFixture(Files.createTempDirectory("iceshare-play-bench"),
                TrackerSettings.loopback(), 8 * 1024)) {
            PeerEngine peer = swarm.addPeer("default");
            try (LiveSourceEngine engine = new LiveSourceEngine(SourceSettings.DEFAULTS.withPush(false, "127.0.0.1",
                    1, ""), () -> List.of(new OggFormat(8 * 1024)), n -> n.equals("default") ? peer : null)) {
                for (int r = 0; r < runs; r++) {
                    String name = "play" + r;
                    long start = System.nanoTime();
                    engine.playFile(media, name, false).toCompletableFuture().get(60, TimeUnit.SECONDS);
                    while (engine.streams().stream().anyMatch(i -> i.name().equals(name) && i.onAir())) {
                        TimeUnit.MILLISECONDS.sleep(5);
                    }
                    long took = (System.nanoTime() - start) / 1_000_000;
                    LiveStreamInfo info = engine.streams().stream().filter(i -> i.name().equals(name)).findFirst()
                            .orElse(null);
                    System.out.printf(Locale.ROOT, "play %d: %d ms for %d s of audio (%s)%n", r + 1, took, seconds,
                            info);
                    lag.add(took - seconds * 1000L);
                }
            }
        }
        Collections.sort(lag);
        System.out.printf(Locale.ROOT, "RESULT seconds=%d runs=%d behind_real_time_median=%dms "
                + "behind_real_time_max=%dms%n", seconds, runs, lag.get(lag.size() / 2), lag.get(lag.size() - 1));
    }
}
