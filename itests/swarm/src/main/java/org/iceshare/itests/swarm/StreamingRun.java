package org.iceshare.itests.swarm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.core.internal.peer.PeerEngine;
import org.iceshare.media.ogg.internal.OggFormat;
import org.iceshare.tracker.internal.TrackerSettings;

/**
 * Streaming a file from the start, as players do, under a constrained source: the source's upload is
 * capped at a multiple of the file's bitrate, and N peers start playing it together. Each peer runs a
 * playback clock from its join (what an HTTP player streaming the file drives), so the deadline
 * scheduler and the tracker serve pieces in playback order. The figure per peer is the startup delay
 * it needed: the latest any piece arrived relative to its media time, so a player that waited that
 * long after joining would never stall.
 */
public final class StreamingRun {
    private StreamingRun() {
    }

    /** The figures of one run. */
    public record Figures(int peers, double bitrateMbps, double suf, long neededP50, long neededP95, long neededMax,
            double seconds, long firstPlayableP95, int played) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d players, %.2f Mbit/s file: startup needed p50 %d ms, p95 %d ms, "
                    + "max %d ms; first playable byte p95 %d ms; SUF %.3f; all complete in %.1f s; %d played", peers,
                    bitrateMbps, neededP50, neededP95, neededMax, firstPlayableP95, suf, seconds, played);
        }
    }

    /** The 95th percentile (nearest rank) of a sorted, non-empty list. */
    private static long p95(List<Long> sorted) {
        return sorted.get(Math.max(0, (int) Math.ceil(0.95 * sorted.size()) - 1));
    }

    public static Figures run(Path root, Path media, int peers, double sourceRateFactor, int pieceSize)
            throws Exception {
        return run(root, media, peers, sourceRateFactor, new OggFormat(pieceSize));
    }

    /** As above, with the Ogg format (its piece size and duration) the source cuts the file with. */
    public static Figures run(Path root, Path media, int peers, double sourceRateFactor, OggFormat format)
            throws Exception {
        long size = Files.size(media);
        try (SwarmFixture swarm = new SwarmFixture(root, TrackerSettings.loopback(), List.of(format))) {
            PeerEngine source = swarm.addPeer("source");
            IcetUrl url = source.publish(media, "movie.ogv", null).toCompletableFuture().get(5, TimeUnit.MINUTES);
            long durationMicros = source.store(source.swarms().get(0).content()).manifest().durationMicros();
            double bytesPerSecond = size / (durationMicros / 1e6);
            source.uploadRate((long) (bytesPerSecond * sourceRateFactor));
            List<PeerEngine> players = new ArrayList<>();
            for (int i = 0; i < peers; i++) {
                players.add(swarm.addPeer("player" + i));
            }
            long start = System.nanoTime();
            ContentId content = null;
            for (PeerEngine p : players) {
                content = p.get(url).toCompletableFuture().get(30, TimeUnit.SECONDS).content();
                p.play(content);
            }
            ContentId id = content;
            long deadline = start + TimeUnit.SECONDS.toNanos((long) (durationMicros / 1e6) * 3 + 60);
            while (!players.stream().allMatch(p -> p.store(id).isComplete())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("not every player completed in time");
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            List<Long> needed = new ArrayList<>();
            List<Long> firstPlayable = new ArrayList<>();
            int played = 0;
            for (PeerEngine p : players) {
                SwarmStatus s = p.swarm(id).orElseThrow();
                if (!SwarmFixture.sameBytes(media, swarm.dataFile(p, id))) {
                    throw new IllegalStateException("copy at " + p.name() + " differs");
                }
                // its playback clock ran: pieces fell due, and it measured when it could have started
                if (s.quality().piecesDue() > 0 && s.quality().bufferNeededMillis() >= 0
                        && s.quality().startupMillis() >= 0) {
                    played++;
                }
                needed.add(s.quality().bufferNeededMillis());
                firstPlayable.add(s.quality().startupMillis());
            }
            Collections.sort(needed);
            Collections.sort(firstPlayable);
            double suf = (double) source.swarm(id).orElseThrow().uploaded() / size;
            return new Figures(peers, bytesPerSecond * 8 / 1e6, suf, needed.get(needed.size() / 2), p95(needed),
                    needed.get(needed.size() - 1), seconds, p95(firstPlayable), played);
        }
    }
}
