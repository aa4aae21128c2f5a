package org.iceshare.itests.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.iceshare.api.peer.LiveFeed;
import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.core.internal.peer.PeerEngine;
import org.iceshare.core.internal.storage.LiveWindow;
import org.iceshare.media.ogg.internal.OggFormat;
import org.iceshare.tracker.internal.TrackerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acceptance (issue 4): players join a live stream at random moments; each player's output starts
 * with the header pages of the current chain link and decodes without error (a Theora stream starts
 * on a keyframe); a chain change at the source reaches every player, which keeps decoding through it.
 */
class LiveHttpTest {
    private static final Logger LOG = LoggerFactory.getLogger(LiveHttpTest.class);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path tmp;

    static Stream<Arguments> streams() throws IOException {
        return Stream.of(
                Arguments.of("vorbis", List.of(TestMedia.vorbis(40, 4)), "audio/ogg"),
                Arguments.of("opus", List.of(TestMedia.opus(30)), "audio/ogg"),
                Arguments.of("theora+vorbis", List.of(TestMedia.theoraVorbis(30, 25)), "video/ogg"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("streams")
    void lateJoinersStartWithTheCurrentLinkHeadersAndDecode(String kind, List<Path> media, String type)
            throws Exception {
        List<byte[]> captures = run(media, type, 8, 4, 2500, 2);
        for (byte[] c : captures) {
            if (kind.startsWith("theora")) {
                Path f = Files.write(Files.createTempFile(tmp, "late", ".ogv"), c);
                String first = TestMedia.run(List.of("ffprobe", "-v", "error", "-select_streams", "v:0",
                        "-show_entries", "frame=key_frame", "-read_intervals", "%+#1", "-of", "csv=p=0", f.toString()));
                assertThat(first.trim()).as("first video frame of a late joiner is a keyframe").isEqualTo("1");
            }
        }
    }

    @Test
    void aChainChangeReachesEveryPlayerWhoKeepsDecoding() throws Exception {
        // a Vorbis stream replaced by one with another sample rate and channel count
        List<Path> media = List.of(TestMedia.vorbis(6, 3), TestMedia.chainedVorbisSecondLink(6));
        // four files in turn (24 s): the stream outlasts every capture (joined within 2 s, 12 s each), which
        // sees a change at 6 s and at 12 s
        List<byte[]> captures = run(media, "audio/ogg", 4, 2, 12_000, 4);
        for (byte[] c : captures) {
            assertThat(oggsCount(c, "OpusHead") + oggsCount(c, "\u0001vorbis")).as("two links' headers in one "
                    + "player's output").isGreaterThanOrEqualTo(2);
        }
    }

    /**
     * Runs a live stream of {@code media} (played in turn, {@code files} in all) with {@code peers}
     * joining at random moments in the first {@code joinSeconds}; each records {@code captureMillis} of
     * its player output. Asserts, per player, that the output starts with a link's header block, that
     * each link in it decodes with ffmpeg, and that it played (pieces fell due at its playback clock and
     * it had some in time). How many it had in time (continuity) depends on how busy the machine is: the
     * live benchmark measures it.
     */
    private List<byte[]> run(List<Path> media, String type, int peers, int joinSeconds, long captureMillis, int files)
            throws Exception {
        ScheduledExecutorService pool = Executors.newScheduledThreadPool(peers);
        try (SwarmFixture swarm = new SwarmFixture(tmp, TrackerSettings.loopback(), 8 * 1024)) {
            PeerEngine source = swarm.addPeer("source");
            LiveFeed feed = source.publishLive("live.ogg", type, null, 30_000_000L).toCompletableFuture()
                    .get(60, TimeUnit.SECONDS);
            LiveWindow sourceWindow = source.liveWindow(feed.content());
            Random random = new Random(5);
            List<Future<byte[]>> jobs = new ArrayList<>();
            List<PeerEngine> joined = new ArrayList<>();
            try (LiveFeeder feeder = new LiveFeeder(feed, media, new OggFormat(8 * 1024), 500_000)) {
                feeder.start(files);
                for (int i = 0; i < peers; i++) {
                    PeerEngine p = swarm.addPeer("player" + i);
                    joined.add(p);
                    long delay = random.nextInt(joinSeconds * 1000);
                    jobs.add(pool.schedule(() -> {
                        SwarmStatus s = p.get(feed.url()).toCompletableFuture().get(60, TimeUnit.SECONDS);
                        return capture(s.playerUrl(), captureMillis);
                    }, delay, TimeUnit.MILLISECONDS));
                }
                List<byte[]> captures = new ArrayList<>();
                for (Future<byte[]> job : jobs) {
                    byte[] c = job.get(60, TimeUnit.SECONDS);
                    captures.add(c);
                    assertThat(startsWithALinkHeader(c, sourceWindow)).as("output starts with a link's headers (%d"
                            + " bytes captured, starting %s; the source's links' header sizes %s)", c.length,
                            HexFormat.of().formatHex(c, 0, Math.min(c.length, 40)), headerSizes(sourceWindow))
                            .isTrue();
                    assertDecodesPerLink(c, sourceWindow);
                }
                for (PeerEngine p : joined) {
                    SwarmStatus s = p.swarms().get(0);
                    assertThat(s.quality().piecesDue()).as("%s pieces due", p.name())
                            .isGreaterThan(s.quality().piecesLate());
                }
                LOG.info("{} live players joined at random moments; every output started with a link's headers "
                        + "and decoded", peers);
                return captures;
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Reads a player's live output for a while, then cuts it at the last whole page. */
    private static byte[] capture(URI url, long millis) throws Exception {
        HttpResponse<InputStream> r = HTTP.send(HttpRequest.newBuilder(url).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        long end = System.nanoTime() + millis * 1_000_000;
        try (InputStream in = r.body()) {
            byte[] buf = new byte[8192];
            while (System.nanoTime() < end) {
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                out.write(buf, 0, n);
            }
        }
        byte[] all = out.toByteArray();
        int last = lastIndexOf(all, "OggS".getBytes(StandardCharsets.US_ASCII));
        return last > 0 ? Arrays.copyOf(all, last) : all;
    }

    private static List<String> headerSizes(LiveWindow window) {
        List<String> sizes = new ArrayList<>();
        for (int k = 0; k < 1000; k++) {
            LiveWindow.Link l = window.link(k);
            if (l != null) {
                sizes.add("link " + k + ": " + l.headers().remaining());
            }
        }
        return sizes;
    }

    private static boolean startsWithALinkHeader(byte[] c, LiveWindow window) {
        for (int k = 0; k < 1000; k++) {
            LiveWindow.Link l = window.link(k);
            if (l == null) {
                continue;
            }
            ByteBuffer h = l.headers();
            byte[] headers = new byte[h.remaining()];
            h.get(headers);
            if (c.length >= headers.length && Arrays.equals(Arrays.copyOf(c, headers.length), headers)) {
                return true;
            }
        }
        return false;
    }

    /** Splits at every link header block found and decodes each part (ffmpeg 5.1 cannot decode changing chains). */
    private void assertDecodesPerLink(byte[] c, LiveWindow window) throws IOException {
        List<Integer> cuts = new ArrayList<>();
        for (int k = 0; k < 1000; k++) {
            LiveWindow.Link l = window.link(k);
            if (l == null) {
                continue;
            }
            ByteBuffer h = l.headers();
            byte[] headers = new byte[h.remaining()];
            h.get(headers);
            int at = indexOf(c, headers, 1);
            while (at > 0) {
                cuts.add(at);
                at = indexOf(c, headers, at + 1);
            }
        }
        cuts.add(c.length);
        java.util.Collections.sort(cuts);
        int begin = 0;
        for (int cut : cuts) {
            if (cut - begin < 64) {
                continue;
            }
            Path part = Files.write(Files.createTempFile(tmp, "live", ".ogg"), Arrays.copyOfRange(c, begin, cut));
            String errors = TestMedia.run(List.of("ffmpeg", "-nostdin", "-v", "error", "-i", part.toString(), "-f",
                    "null", "-")).trim();
            assertThat(errors).as("decoding a player's output, bytes %d..%d", begin, cut).isEmpty();
            begin = cut;
        }
    }

    private static int oggsCount(byte[] c, String marker) {
        byte[] m = marker.getBytes(StandardCharsets.ISO_8859_1);
        int n = 0;
        for (int at = indexOf(c, m, 0); at >= 0; at = indexOf(c, m, at + 1)) {
            n++;
        }
        return n;
    }

    static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Where the last Ogg page of a capture begins (it may be cut short), or the capture's length. */
    static int lastIndexOfPage(byte[] c) {
        int last = lastIndexOf(c, "OggS".getBytes(StandardCharsets.US_ASCII));
        return last > 0 ? last : c.length;
    }

    private static int lastIndexOf(byte[] hay, byte[] needle) {
        for (int i = hay.length - needle.length; i >= 0; i--) {
            if (Arrays.equals(Arrays.copyOfRange(hay, i, i + needle.length), needle)) {
                return i;
            }
        }
        return -1;
    }
}
