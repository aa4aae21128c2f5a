package org.iceshare.itests.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.ChainLink;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.core.internal.peer.PeerEngine;
import org.iceshare.core.internal.storage.PieceStore;
import org.iceshare.tracker.internal.TrackerSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acceptance (issue 3): every corpus file, received through a swarm of a publisher and three peers,
 * decodes with ffmpeg from the start and from time starts at 25%, 50% and 90% of its duration. Each
 * time start begins with its chain link's headers; a Theora stream starts on a keyframe.
 */
class SeekTest {
    private static final Logger LOG = LoggerFactory.getLogger(SeekTest.class);

    @TempDir
    static Path tmp;
    static SwarmFixture swarm;
    static PeerEngine source;
    static List<PeerEngine> peers = new ArrayList<>();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        swarm = new SwarmFixture(tmp, TrackerSettings.loopback(), 64 * 1024);
        source = swarm.addPeer("source");
        for (int i = 0; i < 3; i++) {
            peers.add(swarm.addPeer("peer" + i));
        }
    }

    @AfterAll
    static void stop() {
        swarm.close();
    }

    static Stream<Arguments> corpus() throws IOException {
        return Stream.of(
                Arguments.of("vorbis", TestMedia.vorbis(40, 4)),
                Arguments.of("opus", TestMedia.opus(30)),
                Arguments.of("flac", TestMedia.flacTone(20)),
                Arguments.of("speex", TestMedia.speex(20)),
                Arguments.of("theora+vorbis", TestMedia.theoraVorbis(12, 50)),
                Arguments.of("chained vorbis", TestMedia.chainedVorbis(15)),
                Arguments.of("multiplexed vorbis+opus", TestMedia.multiplexed(TestMedia.vorbis(20, 2),
                        TestMedia.opus(20), "mux-vorbis-opus.ogg")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void playsFromTheStartAndFromTimeStarts(String kind, Path media) throws Exception {
        String name = media.getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_");
        IcetUrl url = source.publish(media, name, null).toCompletableFuture().get(30, TimeUnit.SECONDS);
        byte[] file = Files.readAllBytes(media);
        for (int i = 0; i < peers.size(); i++) {
            PeerEngine peer = peers.get(i);
            SwarmStatus s = peer.get(url).toCompletableFuture().get(10, TimeUnit.SECONDS);
            Manifest m = peer.store(s.content()).manifest();
            assertThat(m.timed()).as("%s has a time index", kind).isTrue();
            URI player = s.playerUrl();
            if (i == 0) {
                byte[] whole = HTTP.send(HttpRequest.newBuilder(player).build(),
                        HttpResponse.BodyHandlers.ofByteArray()).body();
                assertThat(whole).isEqualTo(file);
                assertDecodes(kind + " from the start", player.toString(), whole, m, 0, 0);
            }
            double duration = m.durationMicros() / 1e6;
            for (double fraction : new double[] {0.25, 0.5, 0.9}) {
                String at = String.format(Locale.ROOT, "%.3f", duration * fraction);
                URI timed = URI.create(player + "?t=" + at);
                HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(timed).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertThat(r.statusCode()).isEqualTo(200);
                var point = m.seek((long) (duration * fraction * 1e6)).orElseThrow();
                ChainLink link = point.link();
                byte[] headers = Arrays.copyOfRange(file, (int) m.piece(link.firstPiece()).offset(),
                        (int) m.piece(link.firstPiece() + link.headerPieces() - 1).end());
                assertThat(Arrays.copyOf(r.body(), headers.length)).as("%s at %s s starts with link %d's headers",
                        kind, at, link.index()).isEqualTo(headers);
                assertThat(point.pieceStartMicros()).isLessThanOrEqualTo((long) (duration * fraction * 1e6));
                // after the headers, the file from the start (at a page boundary in or after the seek piece) to its end
                long from = file.length - (long) (r.body().length - headers.length);
                assertThat(from).isBetween(m.piece(point.piece()).offset(), (long) file.length);
                assertThat(Arrays.equals(r.body(), headers.length, r.body().length, file, (int) from, file.length))
                        .as("%s at %s s continues with the file from byte %d", kind, at, from).isTrue();
                assertDecodes(kind + " from " + at + " s", timed.toString(), r.body(), m, headers.length, from);
                if (kind.startsWith("theora")) {
                    String first = TestMedia.run(List.of("ffprobe", "-v", "error", "-select_streams", "v:0",
                            "-show_entries", "frame=key_frame", "-read_intervals", "%+#1", "-of", "csv=p=0",
                            timed.toString()));
                    assertThat(first.trim()).as("first video frame from %s s is a keyframe", at).isEqualTo("1");
                }
            }
            PieceStore store = peer.store(s.content());
            LOG.info("{}: peer {} holds {}/{} pieces after the time starts", kind, peer.name(), store.verifiedCount(),
                    m.pieceCount());
        }
    }

    /**
     * Decodes what a player received with ffmpeg and asserts no error. A chained content is split at
     * its chain boundaries and each link decoded alone: ffmpeg 5.1 cannot decode a chain whose links
     * change parameters or codecs (see the tool notes), so it is no oracle across the boundary.
     *
     * @param body what the player received
     * @param prefix bytes of link headers at the start of the body that are not in the file at {@code from}
     * @param from the file offset the body continues at after the prefix
     */
    static void assertDecodes(String what, String url, byte[] body, Manifest m, int prefix, long from)
            throws IOException {
        List<Integer> cuts = new ArrayList<>();
        for (ChainLink l : m.links()) {
            long start = m.piece(l.firstPiece()).offset();
            if (l.index() > 0 && start > from) {
                cuts.add((int) (prefix + start - from));
            }
        }
        if (cuts.isEmpty()) {
            assertThat(ffmpegErrors(url)).as(what).isEmpty();
            return;
        }
        cuts.add(body.length);
        int begin = 0;
        for (int cut : cuts) {
            Path part = Files.createTempFile(tmp, "link", ".ogg");
            Files.write(part, Arrays.copyOfRange(body, begin, cut));
            assertThat(ffmpegErrors(part.toString())).as("%s, bytes %d..%d (one chain link)", what, begin, cut)
                    .isEmpty();
            begin = cut;
        }
    }

    /** ffmpeg's error output for decoding a URL to nothing; empty when it decodes cleanly. */
    static String ffmpegErrors(String url) throws IOException {
        return TestMedia.run(List.of("ffmpeg", "-nostdin", "-v", "error", "-i", url, "-f", "null", "-")).trim();
    }
}
