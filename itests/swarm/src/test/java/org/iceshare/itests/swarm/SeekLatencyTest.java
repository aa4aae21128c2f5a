package org.iceshare.itests.swarm;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acceptance (issue 3): a time start on a peer that holds none of the target pieces serves its first
 * decodable byte (the link's headers, then the first byte of the start point) within 1 s, p95 over 20
 * seeks. Each seek is made by a fresh peer that has just joined and holds nothing.
 */
class SeekLatencyTest {
    private static final Logger LOG = LoggerFactory.getLogger(SeekLatencyTest.class);

    @TempDir
    Path tmp;

    @Test
    void aTimeStartServesItsFirstDecodableByteWithinOneSecond() throws Exception {
        Path media = TestMedia.vorbis(300, 6);
        HttpClient http = HttpClient.newHttpClient();
        List<Long> millis = new ArrayList<>();
        try (SwarmFixture swarm = new SwarmFixture(tmp, TrackerSettings.loopback(), 64 * 1024)) {
            PeerEngine source = swarm.addPeer("source");
            IcetUrl url = source.publish(media, "seek.ogg", null).toCompletableFuture().get(30, TimeUnit.SECONDS);
            Random random = new Random(3);
            for (int i = 0; i < 20; i++) {
                PeerEngine peer = swarm.addPeer("seeker" + i);
                SwarmStatus s = peer.get(url).toCompletableFuture().get(10, TimeUnit.SECONDS);
                Manifest m = peer.store(s.content()).manifest();
                double at = random.nextDouble() * m.durationMicros() / 1e6 * 0.95;
                var point = m.seek((long) (at * 1e6)).orElseThrow();
                assertThat(peer.store(s.content()).has(point.piece())).as("the peer holds the target").isFalse();
                ChainLink link = point.link();
                long headerBytes = m.piece(link.firstPiece() + link.headerPieces() - 1).end()
                        - m.piece(link.firstPiece()).offset();
                URI timed = URI.create(s.playerUrl() + String.format(Locale.ROOT, "?t=%.3f", at));
                long start = System.nanoTime();
                HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(timed).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream body = r.body()) {
                    long need = headerBytes + 1;
                    byte[] buf = new byte[8192];
                    while (need > 0) {
                        int n = body.read(buf, 0, (int) Math.min(buf.length, need));
                        assertThat(n).as("body ended early").isPositive();
                        need -= n;
                    }
                }
                millis.add((System.nanoTime() - start) / 1_000_000);
                swarm.stopPeer(peer);
            }
        }
        Collections.sort(millis);
        long p50 = millis.get(9);
        long p95 = millis.get(18);
        LOG.info("seek to a part not downloaded, first decodable byte: p50 {} ms, p95 {} ms, max {} ms (20 seeks)",
                p50, p95, millis.get(19));
        assertThat(p95).as("p95 of 20 seeks (ms)").isLessThanOrEqualTo(1000);
    }
}
