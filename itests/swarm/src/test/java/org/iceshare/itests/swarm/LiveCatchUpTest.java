package org.iceshare.itests.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.peer.LiveFeed;
import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.PieceInfo;
import org.iceshare.core.internal.peer.PeerEngine;
import org.iceshare.core.internal.storage.LiveWindow;
import org.iceshare.media.ogg.internal.OggFormat;
import org.iceshare.tracker.internal.TrackerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 11: a live peer that falls more than the max lag (8 s of media) behind the live edge skips
 * ahead to a recent start point instead of fetching every stale piece in order. One listener plays a
 * real-time Vorbis stream; its download is starved for 14 s, then capped at 1.5 times the stream rate
 * (fetching the backlog in order would take it about 28 s to catch up). It must be back within the max
 * lag a few seconds after the cap lifts, its player output must decode across the jump, and the skip
 * must show in its figures (skipped pieces counted late).
 */
class LiveCatchUpTest {
    private static final Logger LOG = LoggerFactory.getLogger(LiveCatchUpTest.class);
    private static final long MAX_LAG_MICROS = 8_000_000;

    @TempDir
    Path tmp;

    @Test
    void aStarvedListenerSkipsAheadToTheLiveEdgeAndItsPlayerKeepsDecoding() throws Exception {
        Path media = TestMedia.vorbis(40, 4);
        long streamRate = Files.size(media) / 40;
        try (SwarmFixture swarm = new SwarmFixture(tmp, TrackerSettings.loopback(), 8 * 1024)) {
            PeerEngine source = swarm.addPeer("source");
            LiveFeed feed = source.publishLive("live.ogg", "audio/ogg", null, 30_000_000L).toCompletableFuture()
                    .get(60, TimeUnit.SECONDS);
            LiveWindow edge = source.liveWindow(feed.content());
            try (LiveFeeder feeder = new LiveFeeder(feed, List.of(media), new OggFormat(8 * 1024), 500_000)) {
                feeder.start(2);
                PeerEngine listener = swarm.addPeer("listener");
                SwarmStatus joined = listener.get(feed.url()).toCompletableFuture().get(60, TimeUnit.SECONDS);
                Capture capture = new Capture(joined.playerUrl());
                capture.start();
                try {
                    await().atMost(Duration.ofSeconds(20))
                            .until(() -> listener.swarms().get(0).quality().piecesDue() > 6);

                    listener.downloadRate(Math.max(1, streamRate / 20));
                    LOG.info("listener starved at {} B/s (stream {} B/s)", streamRate / 20, streamRate);
                    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                            .until(() -> listener.swarms().get(0).quality().skips() > 0);
                    // stay starved a while longer: the listener falls behind again
                    await().pollDelay(Duration.ofSeconds(14 - 8)).atMost(Duration.ofSeconds(7)).until(() -> true);
                    listener.downloadRate(streamRate * 3 / 2);
                    long lifted = System.nanoTime();
                    LOG.info("listener capped at {} B/s", streamRate * 3 / 2);

                    await().atMost(Duration.ofSeconds(12)).pollInterval(Duration.ofMillis(250))
                            .until(() -> withinMaxLag(capture.bytes(), edge));
                    LOG.info("listener's player output back within {} ms of the live edge {} ms after the cap lifted",
                            MAX_LAG_MICROS / 1000, (System.nanoTime() - lifted) / 1_000_000);
                    // keep playing a little past the jump
                    int end = edge.end();
                    await().atMost(Duration.ofSeconds(10)).until(() -> edge.end() >= end + 4);
                } finally {
                    capture.stop();
                }

                SwarmStatus.Quality q = listener.swarms().get(0).quality();
                LOG.info("listener: {}", q);
                assertThat(q.skips()).isGreaterThanOrEqualTo(1);
                assertThat(q.piecesLate()).as("skipped pieces count as missed").isGreaterThan(0);
                assertThat(q.continuity()).isLessThan(1.0);

                byte[] out = capture.bytes();
                assertThat(skippedInOutput(out, edge)).as("the player's output jumps over pieces the source cut")
                        .isGreaterThan(0);
                int last = LiveHttpTest.lastIndexOfPage(out);
                Path played = Files.write(tmp.resolve("played.ogg"), Arrays.copyOf(out, last));
                String errors = TestMedia.run(List.of("ffmpeg", "-nostdin", "-v", "error", "-i", played.toString(),
                        "-f", "null", "-")).trim();
                assertThat(errors).as("ffmpeg decoding the listener's output across the skip").isEmpty();
            }
        }
    }

    /** Whether the player output holds a piece less than the max lag older than the newest one the source cut. */
    private static boolean withinMaxLag(byte[] out, LiveWindow edge) throws Exception {
        int newest = edge.end() - 1;
        PieceInfo top = edge.info(newest);
        if (top == null) {
            return false;
        }
        for (int p = newest; p >= edge.firstPiece(); p--) {
            PieceInfo info = edge.info(p);
            if (info == null || !edge.has(p)) {
                continue;
            }
            if (info.startMicros() >= 0 && top.startMicros() - info.startMicros() > MAX_LAG_MICROS) {
                return false;
            }
            ByteBuffer b = edge.read(p);
            byte[] piece = new byte[b.remaining()];
            b.get(piece);
            if (LiveHttpTest.indexOf(out, piece, 0) >= 0) {
                return true;
            }
        }
        return false;
    }

    /** How many pieces still in the source's window are missing from the output between two that are in it. */
    private static int skippedInOutput(byte[] out, LiveWindow edge) throws Exception {
        int first = -1;
        int last = -1;
        List<Integer> missing = new java.util.ArrayList<>();
        for (int p = edge.firstPiece(); p < edge.end(); p++) {
            if (!edge.has(p)) {
                continue;
            }
            ByteBuffer b = edge.read(p);
            byte[] piece = new byte[b.remaining()];
            b.get(piece);
            if (LiveHttpTest.indexOf(out, piece, 0) >= 0) {
                first = first < 0 ? p : first;
                last = p;
            } else {
                missing.add(p);
            }
        }
        int f = first;
        int l = last;
        return (int) missing.stream().filter(p -> p > f && p < l).count();
    }

    /** Reads a player's live output on its own thread, as a player would, until stopped. */
    private static final class Capture {
        private final URI url;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private volatile boolean stopped;
        private Thread thread;

        Capture(URI url) {
            this.url = url;
        }

        void start() {
            thread = new Thread(() -> {
                try {
                    HttpResponse<InputStream> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url).build(),
                            HttpResponse.BodyHandlers.ofInputStream());
                    try (InputStream in = r.body()) {
                        byte[] buf = new byte[8192];
                        int n;
                        while (!stopped && (n = in.read(buf)) >= 0) {
                            synchronized (out) {
                                out.write(buf, 0, n);
                            }
                        }
                    }
                } catch (Exception e) {
                    if (!stopped) {
                        LOG.warn("capture ended: {}", e.toString());
                    }
                }
            }, "capture");
            thread.setDaemon(true);
            thread.start();
        }

        byte[] bytes() {
            synchronized (out) {
                return out.toByteArray();
            }
        }

        void stop() throws InterruptedException {
            stopped = true;
            thread.join(2000);
        }
    }
}
