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
 * Acceptance (issue 13, bursts): a listener's peer starts its player a start burst behind the live edge,
 * its own default (4 s here) or the one the player asks for on its URL ({@code ?burst=10}); the delay of
 * the first data page the player gets behind the live edge matches the burst within one piece. The
 * stream has 14 s of past when the listener joins, so the 10 s burst's pieces must come from the swarm
 * (the tracker plans them after the peer's Seek back); the peer is not skipped ahead by its 8 s max lag.
 * A burst beyond the stream's 30 s window (less the 2 s headroom) is refused with a 400.
 */
class LiveBurstTest {
    private static final Logger LOG = LoggerFactory.getLogger(LiveBurstTest.class);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final long PIECE_MICROS = 500_000;

    @TempDir
    Path tmp;

    @Test
    void aPlayerStartsItsBurstBehindTheLiveEdgeWithinOnePiece() throws Exception {
        Path media = TestMedia.vorbis(40, 2);
        try (SwarmFixture swarm = new SwarmFixture(tmp, TrackerSettings.loopback(), 8 * 1024)) {
            PeerEngine source = swarm.addPeer("source");
            LiveFeed feed = source.publishLive("burst.ogg", "audio/ogg", null, 30_000_000L).toCompletableFuture()
                    .get(60, TimeUnit.SECONDS);
            LiveWindow sourceWindow = source.liveWindow(feed.content());
            try (LiveFeeder feeder = new LiveFeeder(feed, media, new OggFormat(8 * 1024), PIECE_MICROS)) {
                feeder.start(1, 14_000_000L);
                await().atMost(Duration.ofSeconds(20)).until(() -> edge(sourceWindow) >= 13_000_000L);
                PeerEngine listener = swarm.addPeer("listener", s -> s.withLiveBurst(Duration.ofSeconds(4)));
                SwarmStatus joined = listener.get(feed.url()).toCompletableFuture().get(60, TimeUnit.SECONDS);
                URI url = joined.playerUrl();
                LiveWindow listenerWindow = listener.liveWindow(feed.content());

                long delayDefault = firstPieceDelay(url, sourceWindow, listenerWindow, 4_000_000L);
                long delayAsked = firstPieceDelay(URI.create(url + "?burst=10"), sourceWindow, listenerWindow,
                        10_000_000L);
                long delayDecoded = decodedDelay(URI.create(url + "?burst=10"), sourceWindow, listenerWindow,
                        10_000_000L);
                assertThat(listener.swarms().get(0).quality().skips())
                        .as("a 10 s burst is not caught up by the 8 s max lag").isZero();

                HttpResponse<String> beyond = HTTP.send(HttpRequest.newBuilder(URI.create(url + "?burst=29")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(beyond.statusCode()).isEqualTo(400);
                assertThat(beyond.body()).contains("beyond the live window").contains("at most 28.0 s");
                HttpResponse<String> bad = HTTP.send(HttpRequest.newBuilder(URI.create(url + "?burst=soon")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(bad.statusCode()).isEqualTo(400);
                LOG.info("start bursts: 4 s (the peer's default) -> {} ms behind the live edge, 10 s (asked) -> {} ms;"
                        + " ffmpeg's first decoded frame on ?burst=10 -> {} ms", delayDefault / 1000,
                        delayAsked / 1000, delayDecoded / 1000);
            }
        }
    }

    /**
     * Plays the URL until the header pages and the first data piece are in; returns how far (media time)
     * that piece starts behind the live edge, asserting that it is the burst within one piece. The edge is
     * the end of the newest piece the source cut, read just before the request and just after the
     * piece arrived: the start point was chosen in between.
     */
    private static long firstPieceDelay(URI url, LiveWindow sourceWindow, LiveWindow listenerWindow,
            long burstMicros) throws Exception {
        long edgeBefore = freshEdge(sourceWindow, listenerWindow);
        HttpResponse<InputStream> r = HTTP.send(HttpRequest.newBuilder(url).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int first = -1;
        int headers = -1;
        long deadline = System.nanoTime() + 20_000_000_000L;
        try (InputStream in = r.body()) {
            byte[] buf = new byte[8192];
            while (first < 0 && System.nanoTime() < deadline) {
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                out.write(buf, 0, n);
                byte[] got = out.toByteArray();
                if (headers < 0) {
                    headers = headerLength(got, sourceWindow);
                }
                if (headers >= 0) {
                    first = pieceAt(got, headers, sourceWindow);
                }
            }
        }
        long edgeAfter = edge(sourceWindow);
        assertThat(headers).as("the output starts with a link's header pages").isGreaterThan(0);
        assertThat(first).as("the first data piece after the headers is one of the source's").isGreaterThanOrEqualTo(0);
        PieceInfo info = sourceWindow.info(first);
        assertThat(info.startPoint()).isTrue();
        long start = info.startMicros();
        LOG.info("burst {} ms: first piece {} at {}..{} ms, live edge {}..{} ms", burstMicros / 1000, first,
                start / 1000, info.endMicros() / 1000, edgeBefore / 1000, edgeAfter / 1000);
        assertThat(start).as("at least the burst behind the live edge when the start point was chosen")
                .isLessThanOrEqualTo(edgeAfter - burstMicros);
        assertThat(info.endMicros()).as("within one piece: the next piece starts less than the burst behind")
                .isGreaterThan(edgeBefore - burstMicros);
        return edgeBefore - start;
    }

    /**
     * A real decoder on the player URL: ffmpeg's first decoded frame's presentation time (the stream's
     * media time, from the pages' granule positions) against the live edge when it connected; the burst
     * within one piece (the longest piece of the window).
     */
    private static long decodedDelay(URI url, LiveWindow sourceWindow, LiveWindow listenerWindow, long burstMicros)
            throws Exception {
        long edgeBefore = freshEdge(sourceWindow, listenerWindow);
        // -copyts: the frames keep the stream's own times; framecrc: "#tb 0: 1/RATE", then "0, dts, pts, ..."
        String out = TestMedia.run(List.of("ffmpeg", "-v", "error", "-copyts", "-i", url.toString(), "-frames:a", "1",
                "-f", "framecrc", "-"));
        long edgeAfter = edge(sourceWindow);
        String tb = out.lines().filter(l -> l.startsWith("#tb 0:")).findFirst().orElseThrow().substring(6).trim();
        String frame = out.lines().filter(l -> l.startsWith("0,")).findFirst().orElseThrow();
        long ptsTicks = Long.parseLong(frame.split(",")[2].trim());
        String[] rate = tb.split("/");
        long pts = ptsTicks * 1_000_000L * Long.parseLong(rate[0].trim()) / Long.parseLong(rate[1].trim());
        long piece = 0;
        for (int p = sourceWindow.firstPiece(); p < sourceWindow.end(); p++) {
            PieceInfo i = sourceWindow.info(p);
            piece = Math.max(piece, i == null ? 0 : i.endMicros() - i.startMicros());
        }
        LOG.info("ffmpeg on {}: first frame at {} ms, live edge {}..{} ms", url, pts / 1000, edgeBefore / 1000,
                edgeAfter / 1000);
        assertThat(edgeAfter - pts).as("the decoded delay is the burst within one piece")
                .isGreaterThan(burstMicros - piece);
        assertThat(edgeBefore - pts).as("the decoded delay is the burst within one piece")
                .isLessThan(burstMicros + piece);
        return edgeBefore - pts;
    }

    /**
     * The live edge just after it moved, once the listener's peer heard of it too (the endpoint chooses
     * the start point by the newest piece announced to it): the next piece is a whole piece away, so the
     * edge the start point is chosen at is, most likely, this one. The tracker's announcement delay is
     * not part of the burst.
     */
    private static long freshEdge(LiveWindow source, LiveWindow listener) {
        long now = edge(source);
        await().atMost(Duration.ofSeconds(5)).until(() -> edge(source) > now && edge(listener) == edge(source));
        return edge(source);
    }

    /** The end (media time) of the newest piece in the window, or -1. */
    private static long edge(LiveWindow w) {
        PieceInfo newest = w.end() > 0 ? w.info(w.end() - 1) : null;
        return newest == null ? -1 : newest.endMicros();
    }

    /** The length of the link header block the output starts with, or -1 (not all here yet, or none). */
    private static int headerLength(byte[] got, LiveWindow window) {
        for (int k = 0; k < 64; k++) {
            LiveWindow.Link l = window.link(k);
            if (l == null) {
                continue;
            }
            byte[] h = bytes(l.headers());
            if (got.length >= h.length && Arrays.equals(Arrays.copyOf(got, h.length), h)) {
                return h.length;
            }
        }
        return -1;
    }

    /** The piece of the source's window whose bytes the output has in full at {@code at}, or -1. */
    private static int pieceAt(byte[] got, int at, LiveWindow window) throws java.io.IOException {
        for (int p = window.firstPiece(); p < window.end(); p++) {
            if (!window.has(p)) {
                continue;
            }
            byte[] piece = bytes(window.read(p));
            if (got.length - at >= piece.length && Arrays.equals(got, at, at + piece.length, piece, 0, piece.length)) {
                return p;
            }
        }
        return -1;
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
