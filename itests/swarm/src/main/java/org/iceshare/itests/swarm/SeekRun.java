package org.iceshare.itests.swarm;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.ChainLink;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.core.internal.peer.PeerEngine;
import org.iceshare.tracker.internal.TrackerSettings;

/**
 * Time starts on peers that hold nothing yet, for {@code SeekLatencyTest} and the seek benchmark: a file
 * in 64 KiB pieces is published; then, one at a time, a fresh peer joins and a player asks it for
 * {@code ?t=} a random time. For each seek it checks that the peer held none of the target pieces and
 * reads the answer up to its first decodable byte (the link's headers, then the first byte of the start
 * point), and it measures how long that took.
 */
public final class SeekRun {
    private SeekRun() {
    }

    /** The figures of one run, in milliseconds from the HTTP request to the first decodable byte. */
    public record Figures(int seeks, long p50, long p95, long max) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d seeks to a part not downloaded, first decodable byte: p50 %d ms, "
                    + "p95 %d ms, max %d ms", seeks, p50, p95, max);
        }
    }

    /**
     * Runs {@code seeks} time starts. Throws when a peer already held its target or an answer ended before
     * its first decodable byte.
     */
    public static Figures run(Path root, Path media, int seeks, long seed) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        List<Long> millis = new ArrayList<>();
        try (SwarmFixture swarm = new SwarmFixture(root, TrackerSettings.loopback(), 64 * 1024)) {
            PeerEngine source = swarm.addPeer("source");
            IcetUrl url = source.publish(media, "seek.ogg", null).toCompletableFuture().get(60, TimeUnit.SECONDS);
            Random random = new Random(seed);
            for (int i = 0; i < seeks; i++) {
                PeerEngine peer = swarm.addPeer("seeker" + i);
                SwarmStatus s = peer.get(url).toCompletableFuture().get(60, TimeUnit.SECONDS);
                Manifest m = peer.store(s.content()).manifest();
                double at = random.nextDouble() * m.durationMicros() / 1e6 * 0.95;
                var point = m.seek((long) (at * 1e6)).orElseThrow();
                if (peer.store(s.content()).has(point.piece())) {
                    throw new IllegalStateException("seek " + i + ": the fresh peer already holds piece "
                            + point.piece());
                }
                ChainLink link = point.link();
                long headerBytes = m.piece(link.firstPiece() + link.headerPieces() - 1).end()
                        - m.piece(link.firstPiece()).offset();
                URI timed = URI.create(s.playerUrl() + String.format(Locale.ROOT, "?t=%.3f", at));
                long start = System.nanoTime();
                HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(timed).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream body = r.body()) {
                    if (r.statusCode() / 100 != 2) {
                        throw new IllegalStateException("seek " + i + " to " + at + " s: HTTP " + r.statusCode());
                    }
                    long need = headerBytes + 1;
                    byte[] buf = new byte[8192];
                    while (need > 0) {
                        int n = body.read(buf, 0, (int) Math.min(buf.length, need));
                        if (n <= 0) {
                            throw new IllegalStateException("seek " + i + " to " + at + " s: the answer ended "
                                    + need + " bytes before its first decodable byte");
                        }
                        need -= n;
                    }
                }
                millis.add((System.nanoTime() - start) / 1_000_000);
                swarm.stopPeer(peer);
            }
        }
        Collections.sort(millis);
        return new Figures(seeks, millis.get((millis.size() - 1) / 2), LiveSwarmRun.percentile(millis, 95),
                millis.get(millis.size() - 1));
    }
}
