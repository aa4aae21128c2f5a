package org.iceshare.source.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

import org.iceshare.api.media.LivePiece;
import org.iceshare.api.source.LiveStreamInfo;
import org.iceshare.testkit.FakePeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The push server with real HTTP requests: java.net.http for PUT, a raw socket for the legacy SOURCE
 * method and for control over every byte and disconnect.
 */
class PushServerTest {
    private static final String PASSWORD = "s3cret-for-tests";
    private static byte[] ogg;

    private final RecordingFeeds feeds = new RecordingFeeds();
    private final FakePeer peer = RecordingFeeds.peer("default", feeds);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private LiveSourceEngine engine;
    private InetSocketAddress server;

    @BeforeAll
    static void media() throws IOException {
        ogg = Files.readAllBytes(TestMedia.vorbis(3));
    }

    void start(long stallMillis, long graceMillis, int maxPushes) throws IOException {
        SourceSettings s = SourceSettings.DEFAULTS.withPush(true, "127.0.0.1", freePort(), PASSWORD)
                .withTimes(stallMillis, 1000, 30_000, graceMillis).withMaxPushes(maxPushes);
        engine = new LiveSourceEngine(s, () -> List.of(TestFormats.ogg(), TestFormats.raw()),
                n -> n.equals(peer.name()) ? peer : null);
        engine.start();
        server = engine.pushAddress();
        assertThat(server).isNotNull();
    }

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private URI mount(String name) {
        return URI.create("http://127.0.0.1:" + server.getPort() + "/" + name);
    }

    private HttpResponse<String> put(String mount, String auth, String type, byte[] body, boolean expect)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(mount(mount)).PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                .expectContinue(expect).timeout(Duration.ofSeconds(10));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        if (type != null) {
            b.header("Content-Type", type);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void wrongOrMissingCredentialsAre401WithAChallenge() throws Exception {
        start(5000, 60_000, 16);
        for (String auth : new String[] {RawSource.basic("source", "wrong"), RawSource.basic("admin", PASSWORD), null,
            "Bearer abc", "Basic !!!"}) {
            HttpResponse<String> r = put("a.ogg", auth, "audio/ogg", ogg, false);
            assertThat(r.statusCode()).as("auth %s", auth).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"IceShare source\"");
        }
        // with Expect: 100-continue the refusal comes instead of 100 (a raw socket: the JDK 17 client hangs on
        // a final answer to an expect-continue request, JDK-8286171)
        try (RawSource raw = new RawSource(server)) {
            raw.head("PUT /a.ogg HTTP/1.1", "Authorization: " + RawSource.basic("source", "wrong"),
                    "Content-Type: audio/ogg", "Expect: 100-continue");
            String answer = raw.answer();
            assertThat(answer).startsWith("HTTP/1.1 401 Unauthorized\r\n")
                    .contains("WWW-Authenticate: Basic realm=\"IceShare source\"\r\n");
        }
        assertThat(engine.streams()).isEmpty();
        assertThat(feeds.feeds()).isEmpty();
    }

    private HttpResponse<String> metadata(String query, String auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getPort()
                + "/admin/metadata?" + query)).timeout(Duration.ofSeconds(10));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void metadataUpdatesTakeThePushCredentialsAndAreStampedWithTheLiveEdge() throws Exception {
        start(5000, 60_000, 16);
        String auth = RawSource.basic("source", PASSWORD);
        String update = "mount=/m.ogg&mode=updinfo&song=Caf%C3%A9+del+Mar";
        assertThat(metadata(update, RawSource.basic("source", "wrong")).statusCode()).isEqualTo(401);
        assertThat(metadata(update, null).statusCode()).isEqualTo(401);
        assertThat(metadata(update, auth).statusCode()).as("no such mount yet").isEqualTo(404);
        try (RawSource raw = new RawSource(server)) {
            raw.head("PUT /m.ogg HTTP/1.1", "Authorization: " + auth, "Content-Type: audio/ogg");
            raw.send(ogg, 0, ogg.length); // the connection stays open: the stream stays on air
            await().atMost(Duration.ofSeconds(30)).until(() -> feeds.feed("m").map(f -> f.pieces().stream()
                    .mapToLong(LivePiece::endMicros).max().orElse(0) >= 2_900_000).orElse(false));
            RecordingFeed feed = feeds.feed("m").orElseThrow();
            assertThat(metadata("mount=/m.ogg&mode=updinfo", auth).statusCode()).as("no song").isEqualTo(400);
            assertThat(metadata("mount=/m.ogg&mode=fallback&song=x", auth).statusCode()).isEqualTo(400);
            assertThat(metadata("mount=/m.ogg&mode=updinfo&song=x&charset=no-such-charset", auth).statusCode())
                    .isEqualTo(400);
            try (RawSource bad = new RawSource(server)) { // a client that sends a malformed escape
                bad.head("GET /admin/metadata?mount=/m.ogg&mode=updinfo&song=%ZZ HTTP/1.1", "Authorization: " + auth);
                assertThat(bad.answer()).startsWith("HTTP/1.1 400 Bad Request\r\n");
            }
            assertThat(feed.titles()).isEmpty();

            List<LivePiece> pieces = feed.pieces();
            LivePiece last = pieces.get(pieces.size() - 1);
            HttpResponse<String> ok = metadata(update, auth);
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).contains("<return>1</return>");
            HttpResponse<String> titled = metadata("mount=/m.ogg&mode=updinfo&title=T&artist=A", auth);
            assertThat(titled.statusCode()).isEqualTo(200);
            // the live edge: the newest piece's end, plus at most one piece's time since it went out
            assertThat(feed.titles()).hasSize(2);
            RecordingFeed.Title t = feed.titles().get(0);
            assertThat(t.title()).isEqualTo("Café del Mar");
            assertThat(t.artist()).isEmpty();
            assertThat(t.micros()).isBetween(last.endMicros(), last.endMicros() + (last.endMicros()
                    - last.startMicros()));
            assertThat(feed.titles().get(1)).extracting(RecordingFeed.Title::title, RecordingFeed.Title::artist)
                    .containsExactly("T", "A");
        }
    }

    @Test
    void passwordGuessesAreThrottledPerAddressAndCounted() throws Exception {
        start(5000, 60_000, 16);
        java.net.InetAddress attacker = java.net.InetAddress.getByName("127.0.0.2");
        java.util.Map<Integer, Integer> statuses = new java.util.TreeMap<>();
        String lastAnswer = "";
        long started = System.nanoTime();
        for (int i = 0; i < 300; i++) {
            try (RawSource raw = new RawSource(server, attacker)) {
                raw.head("PUT /a.ogg HTTP/1.1", "Authorization: " + RawSource.basic("source", "guess" + i),
                        "Content-Type: audio/ogg", "Expect: 100-continue");
                lastAnswer = raw.answer();
                statuses.merge(Integer.parseInt(lastAnswer.substring(9, 12)), 1, Integer::sum);
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        // five guesses are checked; then the address is locked out for 1 s, 2 s, 4 s, ...: in T seconds it gets
        // at most log2(T + 1) more guesses, however fast it asks
        int allowed = PushThrottle.FREE_FAILURES + 1 + (int) Math.ceil(Math.log(seconds + 1) / Math.log(2));
        assertThat(statuses.get(401)).as("guesses checked in %.1f s", seconds)
                .isBetween(PushThrottle.FREE_FAILURES, allowed);
        assertThat(statuses.get(429)).isEqualTo(300 - statuses.get(401));
        assertThat(lastAnswer).startsWith("HTTP/1.1 429 Too Many Requests\r\n").contains("Retry-After: ");

        // the right password from a locked-out address is refused too, while the lockout lasts (five more
        // failures make sure it lasts: 32 s at least)
        for (int i = 0; i < 5; i++) {
            engine.throttle().failed(attacker);
        }
        try (RawSource raw = new RawSource(server, attacker)) {
            raw.head("PUT /a.ogg HTTP/1.1", "Authorization: " + RawSource.basic("source", PASSWORD),
                    "Content-Type: audio/ogg", "Expect: 100-continue");
            assertThat(raw.answer()).startsWith("HTTP/1.1 429 ");
        }
        // another address is not affected
        HttpResponse<String> honest = put("b.ogg", RawSource.basic("source", PASSWORD), "audio/ogg", ogg, false);
        assertThat(honest.statusCode()).isEqualTo(200);

        org.iceshare.api.transport.Refusals r = engine.pushRefusals();
        assertThat(r.count(org.iceshare.api.transport.Refusals.PUSH_PASSWORD)).isEqualTo((long) statuses.get(401));
        assertThat(r.count(org.iceshare.api.transport.Refusals.PUSH_THROTTLED)).isEqualTo(statuses.get(429) + 1L);
    }

    @Test
    void otherMethodsAre405AndBadMountsAre400() throws Exception {
        start(5000, 60_000, 16);
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(mount("a.ogg")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("PUT, SOURCE");
        HttpResponse<String> bad = put("..", RawSource.basic("source", PASSWORD), "audio/ogg", ogg, false);
        assertThat(bad.statusCode()).isEqualTo(400);
    }

    @Test
    void aNonOggTypeOrBodyIs415() throws Exception {
        start(5000, 60_000, 16);
        String auth = RawSource.basic("source", PASSWORD);
        HttpResponse<String> type = put("a.ogg", auth, "video/webm", ogg, false);
        assertThat(type.statusCode()).isEqualTo(415);
        assertThat(type.body()).contains("not video/webm");

        byte[] text = "this is plain text and no Ogg stream at all, whatever its Content-Type header says\n"
                .repeat(10).getBytes(StandardCharsets.US_ASCII);
        HttpResponse<String> body = put("b.ogg", auth, "audio/ogg", text, false);
        assertThat(body.statusCode()).isEqualTo(415);
        assertThat(body.body()).contains("OggS");
        try (RawSource raw = new RawSource(server)) {
            raw.head("PUT /b.ogg HTTP/1.1", "Authorization: " + auth, "Content-Type: audio/ogg",
                    "Expect: 100-continue");
            assertThat(raw.status()).isEqualTo(100);
            raw.send(text, 0, text.length);
            assertThat(raw.status()).isEqualTo(415);
        }
        // ffmpeg's default type when -content_type is not given: the body decides
        HttpResponse<String> mpeg = put("c.ogg", auth, "audio/mpeg", text, false);
        assertThat(mpeg.statusCode()).isEqualTo(415);
        await().atMost(Duration.ofSeconds(30)).until(() -> server != null && engine.streams().isEmpty());
        assertThat(feeds.feeds()).isEmpty();
    }

    @Test
    void aPutWithALengthOrInChunksIsTakenWhole() throws Exception {
        start(5000, 60_000, 16);
        String auth = RawSource.basic("source", PASSWORD);
        HttpResponse<String> r = put("whole.ogg", auth, "application/ogg", ogg, false);
        assertThat(r.statusCode()).isEqualTo(200);
        RecordingFeed feed = await().atMost(Duration.ofSeconds(30)).until(() -> feeds.feed("whole").orElse(null),
                f -> f != null && !f.onAirNow());
        assertThat(feed.bytes()).isEqualTo(ogg);
        assertThat(feed.airEvents()).last().extracting(RecordingFeed.AirEvent::reason)
                .isEqualTo("the source's request body ended");

        HttpResponse<String> chunked = http.send(HttpRequest.newBuilder(mount("chunks.ogg"))
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(ogg)))
                .header("Authorization", auth).header("Content-Type", "audio/ogg").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(chunked.statusCode()).isEqualTo(200);
        RecordingFeed chunkedFeed = await().atMost(Duration.ofSeconds(30))
                .until(() -> feeds.feed("chunks").orElse(null), f -> f != null && !f.onAirNow());
        assertThat(chunkedFeed.bytes()).isEqualTo(ogg);
        assertThat(chunkedFeed.mediaType).isEqualTo("audio/ogg");
    }

    @Test
    void sourceStreamsABusyMountIsRefusedAndAReconnectResumesTheSameStream() throws Exception {
        start(5000, 60_000, 16);
        int half = ogg.length / 2;
        RawSource first = new RawSource(server).source("/show.ogg", PASSWORD).send(ogg, 0, half);
        assertThat(first.status()).isEqualTo(200);
        RecordingFeed feed = await().atMost(Duration.ofSeconds(30)).until(() -> feeds.feed("show").orElse(null),
                f -> f != null && f.received().size() >= 2);
        assertThat(engine.streams()).singleElement().satisfies(i -> {
            assertThat(i.name()).isEqualTo("show");
            assertThat(i.input()).isEqualTo("push");
            assertThat(i.onAir()).isTrue();
            assertThat(i.url().toString()).isEqualTo("icet://127.0.0.1:7740/show");
        });

        // a second source for the same mount while the first delivers: 403
        try (RawSource second = new RawSource(server)) {
            second.source("/show.ogg", PASSWORD).send(ogg, 0, half);
            assertThat(second.status()).isEqualTo(403);
        }
        HttpResponse<String> busy = put("show.ogg", RawSource.basic("source", PASSWORD), "audio/ogg", ogg, false);
        assertThat(busy.statusCode()).isEqualTo(403);

        // the first disconnects: off air, kept
        first.send(ogg, half, ogg.length).close();
        await().atMost(Duration.ofSeconds(30)).until(() -> !feed.onAirNow());
        assertThat(feed.airEvents()).last().extracting(RecordingFeed.AirEvent::reason)
                .isEqualTo("the source disconnected");
        assertThat(engine.streams()).singleElement().extracting(LiveStreamInfo::onAir).isEqualTo(false);
        long endBefore = feed.pieces().stream().mapToLong(LivePiece::endMicros).max().orElseThrow();
        int piecesBefore = feed.received().size();

        // it comes back (PUT with 100-continue, as ffmpeg does): the same stream, a new link, on air
        try (RawSource again = new RawSource(server)) {
            again.head("PUT /show.ogg HTTP/1.1", "Host: 127.0.0.1", "Authorization: " + RawSource.basic("source",
                    PASSWORD), "Content-Type: audio/ogg", "Expect: 100-continue");
            assertThat(again.status()).isEqualTo(100);
            again.send(ogg, 0, half);
            assertThat(again.status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).until(() -> feed.received().size() > piecesBefore + 1);
            assertThat(feed.onAirNow()).isTrue();
            assertThat(feeds.feeds()).hasSize(1);
            LivePiece resumed = feed.pieces().get(piecesBefore);
            assertThat(resumed.linkStart()).isTrue();
            assertThat(resumed.startMicros()).isGreaterThanOrEqualTo(endBefore);
            assertThat(feed.airEvents()).extracting(RecordingFeed.AirEvent::onAir).containsExactly(false, true);
        }
        assertThat(feed.misused()).isFalse();
    }

    @Test
    void aStallGoesOffAirAndInputResumingPutsItBackOnAir() throws Exception {
        start(1000, 60_000, 16);
        int third = ogg.length / 2;
        try (RawSource src = new RawSource(server)) {
            src.source("/stally.ogg", PASSWORD).send(ogg, 0, third);
            assertThat(src.status()).isEqualTo(200);
            RecordingFeed feed = await().atMost(Duration.ofSeconds(30)).until(() -> feeds.feed("stally").orElse(null),
                    f -> f != null);
            await().atMost(Duration.ofSeconds(30)).until(() -> !feed.onAirNow());
            assertThat(feed.airEvents()).last().extracting(RecordingFeed.AirEvent::reason).asString()
                    .startsWith("no input for");
            int before = feed.received().size();
            src.send(ogg, third, ogg.length);
            await().atMost(Duration.ofSeconds(30)).until(() -> feed.received().size() > before && feed.onAirNow());
            assertThat(feed.airEvents()).extracting(RecordingFeed.AirEvent::onAir).containsExactly(false, true);
            // the connection was kept: no new link, the bytes simply continued
            assertThat(feed.linkStarts()).isEqualTo(1);
        }
    }

    @Test
    void aPushToAStalledMountTakesItOver() throws Exception {
        start(1000, 60_000, 16);
        int half = ogg.length / 2;
        try (RawSource stalled = new RawSource(server)) {
            stalled.source("/take.ogg", PASSWORD).send(ogg, 0, half);
            assertThat(stalled.status()).isEqualTo(200);
            RecordingFeed feed = await().atMost(Duration.ofSeconds(30)).until(() -> feeds.feed("take").orElse(null),
                    f -> f != null && !f.onAirNow());
            try (RawSource fresh = new RawSource(server)) {
                fresh.source("/take.ogg", PASSWORD).send(ogg, 0, half);
                assertThat(fresh.status()).isEqualTo(200);
                assertThat(stalled.closedByServer()).isTrue();
                await().atMost(Duration.ofSeconds(30)).until(feed::onAirNow);
                assertThat(feed.linkStarts()).isEqualTo(2);
                assertThat(feeds.feeds()).hasSize(1);
            }
        }
    }

    @Test
    void afterTheGracePeriodTheStreamIsClosedAndANewPushStartsAfresh() throws Exception {
        start(5000, 1000, 16);
        try (RawSource src = new RawSource(server)) {
            src.source("/brief.ogg", PASSWORD).send(ogg, 0, ogg.length);
            assertThat(src.status()).isEqualTo(200);
        }
        RecordingFeed feed = await().atMost(Duration.ofSeconds(30)).until(() -> feeds.feed("brief").orElse(null),
                f -> f != null && f.closed());
        assertThat(engine.streams()).isEmpty();
        try (RawSource src = new RawSource(server)) {
            src.source("/brief.ogg", PASSWORD).send(ogg, 0, ogg.length);
            assertThat(src.status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).until(() -> feeds.feeds().size() == 2);
        }
        assertThat(feed.misused()).isFalse();
    }

    @Test
    void tooManyPushesAre503() throws Exception {
        start(5000, 60_000, 1);
        try (RawSource a = new RawSource(server); RawSource b = new RawSource(server)) {
            a.source("/one.ogg", PASSWORD).send(ogg, 0, 4096);
            assertThat(a.status()).isEqualTo(200);
            b.source("/two.ogg", PASSWORD).send(ogg, 0, 4096);
            assertThat(b.status()).isEqualTo(503);
        }
    }

    @Test
    void badInputDoesNotDisturbAnotherStream() throws Exception {
        start(5000, 60_000, 16);
        int part = ogg.length / 2;
        try (RawSource good = new RawSource(server)) {
            good.source("/good.ogg", PASSWORD).send(ogg, 0, part);
            assertThat(good.status()).isEqualTo(200);
            RecordingFeed feed = await().atMost(Duration.ofSeconds(30)).until(() -> feeds.feed("good").orElse(null),
                    f -> f != null && !f.received().isEmpty());

            String auth = RawSource.basic("source", PASSWORD);
            assertThat(put("good.ogg", RawSource.basic("source", "nope"), "audio/ogg", ogg, false).statusCode())
                    .isEqualTo(401);
            assertThat(put("other.ogg", auth, "audio/ogg", "not ogg ".repeat(20).getBytes(StandardCharsets.US_ASCII),
                    false).statusCode()).isEqualTo(415);
            try (RawSource garbage = new RawSource(server)) {
                garbage.head("HELLO THERE");
                assertThat(garbage.status()).isEqualTo(400);
            }
            try (RawSource huge = new RawSource(server)) {
                huge.head("PUT /huge.ogg HTTP/1.1", "X-Filler: " + "x".repeat(9000));
                assertThat(huge.status()).isEqualTo(431);
            }
            try (RawSource oldProtocol = new RawSource(server)) {
                oldProtocol.head("SOURCE /old.ogg HTTP/2.0", "Authorization: " + auth);
                assertThat(oldProtocol.status()).isEqualTo(505);
            }
            good.send(ogg, part, ogg.length);
            await().atMost(Duration.ofSeconds(30)).until(() -> feed.bytes().length > ogg.length * 3 / 4);
            assertThat(feed.airEvents()).isEmpty();
            assertThat(engine.streams()).extracting(LiveStreamInfo::name).containsExactly("good");
        }
    }

    @Test
    void aSignedLengthOrChunkSizeIs400() throws Exception {
        // found by PushFuzzTest: a chunk size of "-5" closed the connection without an answer (an exception),
        // and "+5" or a Content-Length of "+5" was taken as 5
        start(5000, 60_000, 16);
        String auth = "Authorization: " + RawSource.basic("source", PASSWORD);
        try (RawSource plus = new RawSource(server)) {
            plus.head("PUT /signed.ogg HTTP/1.1", auth, "Content-Type: audio/ogg", "Content-Length: +5");
            assertThat(plus.answer()).startsWith("HTTP/1.1 400 ");
        }
        for (String size : new String[] {"-5", "+5"}) {
            try (RawSource chunked = new RawSource(server)) {
                chunked.head("PUT /signed.ogg HTTP/1.1", auth, "Content-Type: audio/ogg", "Transfer-Encoding: chunked");
                byte[] body = (size + "\r\nOggS\0\r\n0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
                chunked.send(body, 0, body.length);
                assertThat(chunked.answer()).as(size).startsWith("HTTP/1.1 400 ");
            }
        }
        assertThat(engine.streams()).isEmpty();
    }
}
