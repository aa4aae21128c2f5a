package org.iceshare.source.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.media.LivePiece;
import org.iceshare.api.source.LiveStreamInfo;
import org.iceshare.testkit.FakePeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file played out at real-time rate, once or looping, against a recording feed. */
class FilePlayTest {
    private final RecordingFeeds feeds = new RecordingFeeds();
    private final FakePeer peer = RecordingFeeds.peer("default", feeds);
    private LiveSourceEngine engine;

    @BeforeEach
    void start() {
        SourceSettings s = SourceSettings.DEFAULTS.withPush(false, "127.0.0.1", 1, "").withTimes(5000, 1000, 30_000,
                1000);
        engine = new LiveSourceEngine(s, () -> List.of(TestFormats.ogg(), TestFormats.raw()),
                n -> n.equals(peer.name()) ? peer : null);
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    @Test
    void aThreeSecondFileIsPlayedOutWholeAndNeverAheadOfRealTime() throws Exception {
        Path file = TestMedia.vorbis(3);
        long t0 = System.nanoTime();
        LiveStreamInfo info = engine.playFile(file, "tone", false).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(info.url().toString()).isEqualTo("icet://127.0.0.1:7740/tone");
        assertThat(info.input()).isEqualTo("file:" + file.toAbsolutePath().normalize());
        RecordingFeed feed = feeds.feed("tone").orElseThrow();
        assertThat(feed.mediaType).isEqualTo("audio/ogg");
        assertThat(feed.windowMicros).isEqualTo(30_000_000L);

        await().atMost(Duration.ofSeconds(30)).until(() -> !feed.onAirNow());
        long took = System.nanoTime() - t0;
        List<RecordingFeed.Received> got = feed.received();
        assertThat(feed.airEvents()).last().extracting(RecordingFeed.AirEvent::reason).isEqualTo("end of file");

        // every byte of the file, in order, in whole pieces
        assertThat(feed.bytes()).isEqualTo(Files.readAllBytes(file));
        assertThat(got.get(0).piece().header()).isTrue();
        assertThat(got.get(0).piece().linkStart()).isTrue();
        assertThat(got.get(0).piece().codecs()).isEqualTo("vorbis");

        // Pacing, as it holds on a busy machine too: never ahead of real time, so a piece comes no earlier
        // than its end time after the start (t0 is before the player's clock started, so this holds
        // exactly), and the whole play took at least the file's 3 s. How closely it follows real time is
        // a figure of the benchmark (docs/benchmarks.md, "play"), not a bound here: a busy CI machine
        // makes any upper bound flaky.
        assertThat(Duration.ofNanos(took)).isGreaterThanOrEqualTo(Duration.ofMillis(2500));
        long origin = got.get(0).piece().startMicros();
        for (RecordingFeed.Received r : got) {
            long due = (r.piece().endMicros() - origin) * 1000;
            assertThat(r.nanos() - t0).as("arrival of piece ending at %d µs", r.piece().endMicros())
                    .isGreaterThanOrEqualTo(due);
        }
        assertThat(feed.misused()).isFalse();

        // after the grace period (1 s here) the stream is closed and gone
        await().atMost(Duration.ofSeconds(30)).until(feed::closed);
        assertThat(engine.streams()).isEmpty();
    }

    @Test
    void aLoopingFileMakesNewLinksWithNewSerialsAndIncreasingTimes() throws Exception {
        Path file = TestMedia.opus(1);
        engine.playFile(file, null, true).toCompletableFuture().get(10, TimeUnit.SECONDS);
        RecordingFeed feed = feeds.feed(file.getFileName().toString()).orElseThrow();
        assertThat(feed.mediaType).isEqualTo("audio/ogg");

        await().atMost(Duration.ofSeconds(30)).until(() -> feed.linkStarts() >= 3);
        assertThat(engine.streams()).singleElement().satisfies(i -> {
            assertThat(i.onAir()).isTrue();
            assertThat(i.input()).endsWith("(loop)");
        });
        List<LivePiece> pieces = feed.pieces();
        long lastEnd = -1;
        List<Integer> serials = new java.util.ArrayList<>();
        for (LivePiece p : pieces) {
            if (p.linkStart()) {
                assertThat(p.startMicros()).as("a new link starts where the last ended").isGreaterThanOrEqualTo(
                        lastEnd - 100_000);
                serials.add(serial(p));
            }
            lastEnd = Math.max(lastEnd, p.endMicros());
        }
        assertThat(serials).hasSizeGreaterThanOrEqualTo(3).doesNotHaveDuplicates();
        assertThat(lastEnd).isGreaterThanOrEqualTo(1_500_000);

        assertThat(engine.stop(file.getFileName().toString())).isTrue();
        assertThat(feed.closed()).isTrue();
        assertThat(engine.stop(file.getFileName().toString())).isFalse();
        assertThat(feed.misused()).isFalse();
    }

    @Test
    void aFileThatIsNotOggIsRefusedWithTheReason(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "this is plain text, not an Ogg stream at all, as anyone can see\n".repeat(4));
        assertThatThrownBy(() -> engine.playFile(text, "notes", false).toCompletableFuture().get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasMessageContaining("OggS");
        assertThatThrownBy(() -> engine.playFile(dir.resolve("missing.ogg"), null, false).toCompletableFuture()
                .get(30, TimeUnit.SECONDS)).hasMessageContaining("no readable file");
        assertThat(engine.streams()).isEmpty();
        assertThat(feeds.feeds()).isEmpty();
    }

    @Test
    void aNameInUseOrInvalidIsRefused() throws Exception {
        Path file = TestMedia.vorbis(3);
        engine.playFile(file, "one", true).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> engine.playFile(file, "one", false).toCompletableFuture().get(30, TimeUnit.SECONDS))
                .hasMessageContaining("'one' is running");
        assertThatThrownBy(() -> engine.playFile(file, "bad name", false).toCompletableFuture()
                .get(30, TimeUnit.SECONDS)).hasMessageContaining("letters, digits");
        assertThat(engine.streams()).extracting(LiveStreamInfo::name).containsExactly("one");
    }

    @Test
    void withoutThePeerTheStreamFailsWithTheReason() throws Exception {
        feeds.refuse("tracker 127.0.0.1:7740 unreachable");
        assertThatThrownBy(() -> engine.playFile(TestMedia.vorbis(3), "x", false).toCompletableFuture()
                .get(10, TimeUnit.SECONDS)).hasMessageContaining("tracker 127.0.0.1:7740 unreachable");
        await().atMost(Duration.ofSeconds(30)).until(() -> engine.stream("x") == null);
    }

    /** The serial number of a piece's first page. */
    static int serial(LivePiece p) {
        ByteBuffer d = p.data().order(ByteOrder.LITTLE_ENDIAN);
        return d.getInt(d.position() + 14);
    }
}
