package org.iceshare.core.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import org.iceshare.api.media.MediaFormat;
import org.iceshare.api.media.MediaLayout;
import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.ChainLink;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.swarm.SeekPoint;
import org.iceshare.core.internal.storage.LiveWindow;
import org.iceshare.core.internal.storage.PieceStore;
import org.iceshare.core.internal.support.Encoders;
import org.iceshare.core.internal.support.Sha256;
import org.iceshare.media.ogg.internal.OggFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The player endpoint's request handling, through Netty's {@link EmbeddedChannel}: requests in,
 * responses out, with real piece stores (an Ogg Vorbis file made by oggenc, cut by the real Ogg
 * format, and a file of random bytes without time) behind a {@link PlayerSource} whose pieces the
 * test delivers.
 */
class PlayerHandlerTest {
    static final int PIECE = 16_384;

    @TempDir
    static Path shared;
    @TempDir
    Path tmp;

    static byte[] ogg;
    static Manifest timed;
    static byte[] raw;
    static Manifest untimed;
    /** The time of the time starts: the middle of a data piece, so page precision lands inside it. */
    static long t;
    static String at;

    Source source;
    EmbeddedChannel channel;

    @BeforeAll
    static void media() throws Exception {
        ogg = Files.readAllBytes(Encoders.vorbis(shared, 20));
        MediaLayout layout = new OggFormat(PIECE).layout(new ByteArrayInputStream(ogg));
        timed = Sha256.manifest("tone.ogg", ogg, "ogg", layout);
        raw = new byte[100_000];
        new java.util.Random(3).nextBytes(raw);
        untimed = Sha256.manifest("noise.bin", raw, 30_000);
        var middle = timed.piece(timed.pieceCount() / 2);
        t = (middle.startMicros() + middle.endMicros()) / 2 / 1000 * 1000;
        at = String.format(java.util.Locale.ROOT, "%.3f", t / 1e6);
    }

    @BeforeEach
    void open() throws IOException {
        source = new Source();
        source.add(timed, ogg, tmp.resolve("timed"), true);
        source.add(untimed, raw, tmp.resolve("untimed"), true);
        channel = new EmbeddedChannel(new PlayerHandler(source));
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
        source.close();
    }

    // ---- routing and errors ----

    @Test
    void aLiveBurstIsTheAskedOneOrTheDefaultWithinTheWindowAndOneBeyondItIs400() {
        Manifest m = Manifest.live(ContentId.random(), "live.ogg", "audio/ogg", "ogg", "sha-256", 10_000_000L);
        source.live.put(m.id(), new LiveWindow(m));
        source.defaultBurst = 20_000_000L;
        Response beyond = get(url(m) + "?burst=8.5");
        assertThat(beyond.status()).isEqualTo(400);
        assertThat(beyond.text()).contains("beyond the live window").contains("10.0 s of this stream")
                .contains("at most 8.0 s");
        assertThat(get(url(m) + "?burst=-1").status()).isEqualTo(400);
        assertThat(get(url(m) + "?burst=soon").status()).isEqualTo(400);
        assertThat(source.bursts).as("no live player was started").isEmpty();

        // each live answer ends with its connection: one channel per player
        for (String query : List.of("?burst=3", "?burst=8", "")) {
            EmbeddedChannel ch = new EmbeddedChannel(new PlayerHandler(source));
            try {
                ch.writeInbound(request(HttpMethod.GET, url(m) + query, Map.of()));
                ch.runPendingTasks();
                assertThat(collect(ch).status()).isEqualTo(200);
            } finally {
                ch.finishAndReleaseAll();
            }
        }
        assertThat(source.bursts).as("asked, asked at the largest, the 20 s default clamped to the window's 8 s")
                .containsExactly(3_000_000L, 8_000_000L, 8_000_000L);
    }

    @Test
    void unknownPathsAndContentsAre404() {
        assertThat(get("/nothing").status()).isEqualTo(404);
        assertThat(get("/content/not-an-id/x.ogg").status()).isEqualTo(404);
        Response r = get("/content/" + ContentId.random().toHex() + "/x.ogg");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.text()).contains("is not on this peer");
        assertThat(channel.isOpen()).as("a 404 keeps the connection").isTrue();
    }

    @Test
    void timedMetadataIsForLiveStreamsOnly() {
        Response r = get(url(timed) + "/metadata");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.text()).contains("timed metadata is for live streams");
        // beside the player path <id>/<name>: a stream named "metadata" still plays at <id>/metadata
        assertThat(PlayerHandler.isMetadata("c0ffee/metadata")).isFalse();
        assertThat(PlayerHandler.isMetadata("c0ffee/radio/metadata")).isTrue();
    }

    @Test
    void onlyGetAndHeadAreAllowed() {
        Response r = send(HttpMethod.POST, url(timed), Map.of());
        assertThat(r.status()).isEqualTo(405);
        assertThat(r.headers().get("Allow")).isEqualTo("GET, HEAD");
    }

    @Test
    void aBadTimeIs400() {
        for (String t : List.of("abc", "-1", "NaN", "Infinity", "1e10", "")) {
            Response r = get(url(timed) + "?t=" + t);
            assertThat(r.status()).as("t=%s", t).isEqualTo(400);
            assertThat(r.text()).as("t=%s", t).contains("t must be a time in seconds");
        }
        Response r = get(url(untimed) + "?t=3");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.text()).contains("has no time index");
        assertThat(source.seeks).as("a bad time tells the swarm nothing").isEmpty();
    }

    @Test
    void theIndexAndTheStatisticsAnswer() {
        Response index = get("/");
        assertThat(index.status()).isEqualTo(200);
        assertThat(index.text()).startsWith("IceShare peer handler-test");
        Response stats = get("/stats.json");
        assertThat(stats.status()).isEqualTo(200);
        assertThat(stats.headers().get("Content-Type")).startsWith("application/json");
        assertThat(stats.text()).contains("handler-test");
    }

    // ---- files and ranges ----

    @Test
    void aFileIsServedWholeAndByRanges() {
        Response whole = get(url(untimed));
        assertThat(whole.status()).isEqualTo(200);
        assertThat(whole.headers().get("Accept-Ranges")).isEqualTo("bytes");
        assertThat(whole.headers().getInt("Content-Length")).isEqualTo(raw.length);
        assertThat(whole.body()).isEqualTo(raw);
        assertThat(whole.complete()).isTrue();

        Response part = get(url(untimed), Map.of("Range", "bytes=29000-61999"));
        assertThat(part.status()).isEqualTo(206);
        assertThat(part.headers().get("Content-Range")).isEqualTo("bytes 29000-61999/" + raw.length);
        assertThat(part.body()).isEqualTo(Arrays.copyOfRange(raw, 29_000, 62_000));

        Response suffix = get(url(untimed), Map.of("Range", "bytes=-10"));
        assertThat(suffix.body()).isEqualTo(Arrays.copyOfRange(raw, raw.length - 10, raw.length));

        Response beyond = get(url(untimed), Map.of("Range", "bytes=" + raw.length + "-"));
        assertThat(beyond.status()).isEqualTo(416);
        assertThat(beyond.headers().get("Content-Range")).isEqualTo("bytes */" + raw.length);
        assertThat(channel.isOpen()).as("keep-alive across all of them").isTrue();
    }

    @Test
    void headAnswersTheHeadersWithoutABody() {
        Response head = send(HttpMethod.HEAD, url(untimed), Map.of());
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.headers().getInt("Content-Length")).isEqualTo(raw.length);
        assertThat(head.body()).isEmpty();
        assertThat(head.complete()).isTrue();
    }

    // ---- time starts ----

    @Test
    void aTimeStartIsTheLinksHeadersThenTheFileFromAPageAtOrBeforeT() {
        Response r = get(url(timed) + "?t=" + at);
        assertThat(r.status()).isEqualTo(200);
        byte[] body = r.body();
        assertThat(r.headers().getInt("Content-Length")).isEqualTo(body.length);
        ChainLink link = timed.links().get(0);
        int headers = (int) timed.piece(link.firstPiece() + link.headerPieces() - 1).end();
        assertThat(Arrays.copyOf(body, headers)).isEqualTo(Arrays.copyOf(ogg, headers));
        int from = ogg.length - (body.length - headers);
        assertThat(Arrays.copyOfRange(body, headers, body.length)).isEqualTo(Arrays.copyOfRange(ogg, from, ogg.length));
        assertThat(new String(ogg, from, 4, StandardCharsets.ISO_8859_1)).as("a page starts there").isEqualTo("OggS");

        // finer than the seek index's piece: the data starts inside a piece, at or before t
        SeekPoint point = timed.seek(t).orElseThrow();
        String seek = r.headers().get("X-IceShare-Seek");
        assertThat(seek).contains("offset=" + from);
        double start = Double.parseDouble(seek.substring(seek.indexOf("start=") + 6));
        assertThat(start).isLessThanOrEqualTo(t / 1e6).isGreaterThanOrEqualTo(point.pieceStartMicros() / 1e6);
        assertThat(from).as("page precision, not the piece's first byte").isGreaterThan(
                (int) timed.piece(point.piece()).offset());
        assertThat(source.seeks).containsExactly(t);
    }

    @Test
    void rangesApplyToTheTimeStartsOwnBody() {
        byte[] body = get(url(timed) + "?t=" + at).body();
        int length = body.length;

        Response open = get(url(timed) + "?t=" + at, Map.of("Range", "bytes=1000-"));
        assertThat(open.status()).isEqualTo(206);
        assertThat(open.headers().get("Content-Range")).isEqualTo("bytes 1000-" + (length - 1) + "/" + length);
        assertThat(open.headers().getInt("Content-Length")).isEqualTo(length - 1000);
        assertThat(open.body()).isEqualTo(Arrays.copyOfRange(body, 1000, length));

        // a range across the seam between the header pages and the data
        int headers = (int) timed.piece(timed.headerPieces() - 1).end();
        Response seam = get(url(timed) + "?t=" + at, Map.of("Range", "bytes=" + (headers - 50) + "-" + (headers + 49)));
        assertThat(seam.status()).isEqualTo(206);
        assertThat(seam.body()).isEqualTo(Arrays.copyOfRange(body, headers - 50, headers + 50));

        Response tail = get(url(timed) + "?t=" + at, Map.of("Range", "bytes=-300"));
        assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(body, length - 300, length));

        Response beyond = get(url(timed) + "?t=" + at, Map.of("Range", "bytes=" + length + "-"));
        assertThat(beyond.status()).isEqualTo(416);
        assertThat(beyond.headers().get("Content-Range")).isEqualTo("bytes */" + length);

        Response head = send(HttpMethod.HEAD, url(timed) + "?t=" + at, Map.of());
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.headers().getInt("Content-Length")).isEqualTo(length);
        assertThat(head.body()).isEmpty();
    }

    @Test
    void aTimeStartWaitsForThePiecesItNeedsThenStreamsAsTheRestArrives() throws IOException {
        byte[] expected = get(url(timed) + "?t=" + at).body();
        Source empty = new Source();
        empty.add(timed, ogg, tmp.resolve("empty"), false);
        EmbeddedChannel ch = new EmbeddedChannel(new PlayerHandler(empty));
        try {
            ch.writeInbound(request(HttpMethod.GET, url(timed) + "?t=" + at, Map.of()));
            ch.runPendingTasks();
            assertThat((Object) ch.readOutbound()).as("no answer before the pieces are here").isNull();
            assertThat(empty.seeks).containsExactly(t);

            SeekPoint point = timed.seek(t).orElseThrow();
            for (int i = 0; i < timed.headerPieces(); i++) {
                empty.deliver(timed.id(), i);
            }
            ch.runPendingTasks();
            assertThat((Object) ch.readOutbound()).as("still waiting for the piece that plays at t").isNull();
            for (int i = point.piece(); i < timed.pieceCount() && timed.piece(i).startMicros() <= t; i++) {
                empty.deliver(timed.id(), i);
            }
            ch.runPendingTasks();
            Response head = collect(ch);
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.headers().getInt("Content-Length")).isEqualTo(expected.length);
            assertThat(head.complete()).as("the rest is not here yet").isFalse();
            for (int i = 0; i < timed.pieceCount(); i++) {
                if (!empty.has(timed.id(), i)) {
                    empty.deliver(timed.id(), i);
                    ch.runPendingTasks();
                }
            }
            Response rest = collect(ch);
            byte[] all = new byte[head.body().length + rest.body().length];
            System.arraycopy(head.body(), 0, all, 0, head.body().length);
            System.arraycopy(rest.body(), 0, all, head.body().length, rest.body().length);
            assertThat(all).isEqualTo(expected);
            assertThat(rest.complete()).isTrue();
            assertThat(empty.playheads).as("the player's position went to the swarm").isNotEmpty();
        } finally {
            ch.finishAndReleaseAll();
            empty.close();
        }
    }

    @Test
    void aRequestPipelinedBehindABodyIsAnsweredAfterIt() throws IOException {
        Source empty = new Source();
        empty.add(untimed, raw, tmp.resolve("pipelined"), false);
        EmbeddedChannel ch = new EmbeddedChannel(new PlayerHandler(empty));
        try {
            ch.writeInbound(request(HttpMethod.GET, url(untimed), Map.of()));
            ch.runPendingTasks();
            Response first = collect(ch);
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.complete()).isFalse();
            // the codec hands over every request of a read, auto-read or not: the second waits its turn
            ch.writeInbound(request(HttpMethod.GET, url(untimed), Map.of("Range", "bytes=0-9")));
            ch.writeInbound(request(HttpMethod.HEAD, "/", Map.of()));
            ch.runPendingTasks();
            assertThat(collect(ch).status()).as("nothing while the first body is in progress").isEqualTo(-1);
            for (int i = 0; i < untimed.pieceCount(); i++) {
                empty.deliver(untimed.id(), i);
                ch.runPendingTasks();
            }
            List<Object> out = new ArrayList<>();
            for (Object o = ch.readOutbound(); o != null; o = ch.readOutbound()) {
                out.add(o);
            }
            List<Integer> statuses = new ArrayList<>();
            for (Object o : out) {
                if (o instanceof HttpResponse r) {
                    statuses.add(r.status().code());
                }
                io.netty.util.ReferenceCountUtil.release(o);
            }
            assertThat(statuses).as("the rest of the first body, then the others in order").containsExactly(206, 200);
            assertThat(ch.isOpen()).isTrue();
        } finally {
            ch.finishAndReleaseAll();
            empty.close();
        }
    }

    @Test
    void nothingIsAnsweredAfterAnAnswerThatCloses() {
        // found by PlayerFuzzTest: a malformed request was answered with 400 and Connection: close, and then
        // the requests pipelined behind it were answered as well. Writes are seen before the channel, which
        // drops those after its close.
        List<HttpResponse> answers = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(new io.netty.channel.ChannelOutboundHandlerAdapter() {
            @Override
            public void write(io.netty.channel.ChannelHandlerContext ctx, Object msg,
                    io.netty.channel.ChannelPromise promise) {
                if (msg instanceof HttpResponse r) {
                    answers.add(r);
                }
                ctx.write(msg, promise);
            }
        }, new PlayerHandler(source));
        try {
            // one read: the second request reaches the handler after the first answer closed the channel
            ch.writeInbound(request(HttpMethod.GET, "/", Map.of("Connection", "close")),
                    request(HttpMethod.GET, "/stats.json", Map.of()));
            ch.runPendingTasks();
            assertThat(answers).hasSize(1);
            assertThat(answers.get(0).headers().get("Connection")).isEqualTo("close");
            assertThat(ch.isOpen()).isFalse();
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void theEndpointWritesNoAnswerOfItsOwnForABody() {
        // found by PlayerFuzzTest: Netty's HttpObjectAggregator answered 100 Continue, 413 and 417 by itself,
        // out of turn; RequestHeads hands the request on at its head and drops the body
        EmbeddedChannel ch = new EmbeddedChannel(new io.netty.handler.codec.http.HttpServerCodec(8192, 8192, 8192),
                new RequestHeads(), new PlayerHandler(source));
        try {
            ch.writeInbound(io.netty.buffer.Unpooled.copiedBuffer("GET / HTTP/1.1\r\nExpect: 100-continue\r\n"
                    + "Content-Length: 100000\r\n\r\n", StandardCharsets.US_ASCII));
            ch.writeInbound(io.netty.buffer.Unpooled.wrappedBuffer(new byte[100_000]));
            ch.writeInbound(io.netty.buffer.Unpooled.copiedBuffer("GET /stats.json HTTP/1.1\r\n\r\n",
                    StandardCharsets.US_ASCII));
            ch.runPendingTasks();
            StringBuilder wire = new StringBuilder();
            for (Object o = ch.readOutbound(); o != null; o = ch.readOutbound()) {
                ByteBuf b = (ByteBuf) o;
                wire.append(b.toString(StandardCharsets.ISO_8859_1));
                b.release();
            }
            List<String> statusLines = wire.toString().lines().filter(l -> l.startsWith("HTTP/1.1 ")).toList();
            assertThat(statusLines).containsExactly("HTTP/1.1 200 OK", "HTTP/1.1 200 OK");
            assertThat(wire.toString()).contains("handler-test");
            assertThat(ch.isOpen()).isTrue();
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    // ---- plumbing ----

    static String url(Manifest m) {
        return "/content/" + m.id().toHex() + "/" + m.name();
    }

    Response get(String uri) {
        return send(HttpMethod.GET, uri, Map.of());
    }

    Response get(String uri, Map<String, String> headers) {
        return send(HttpMethod.GET, uri, headers);
    }

    Response send(HttpMethod method, String uri, Map<String, String> headers) {
        channel.writeInbound(request(method, uri, headers));
        channel.runPendingTasks();
        return collect(channel);
    }

    static DefaultFullHttpRequest request(HttpMethod method, String uri, Map<String, String> headers) {
        DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri);
        headers.forEach((k, v) -> req.headers().set(k, v));
        return req;
    }

    /** What came out: the response head, the body bytes, and whether the body ended. */
    record Response(int status, HttpHeaders headers, byte[] body, boolean complete) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    static Response collect(EmbeddedChannel ch) {
        int status = -1;
        HttpHeaders headers = null;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean complete = false;
        for (Object o = ch.readOutbound(); o != null; o = ch.readOutbound()) {
            if (o instanceof HttpResponse r) {
                status = r.status().code();
                headers = r.headers();
            }
            if (o instanceof HttpContent c) {
                ByteBuf b = c.content();
                byte[] bytes = new byte[b.readableBytes()];
                b.getBytes(b.readerIndex(), bytes);
                body.writeBytes(bytes);
                complete |= o instanceof LastHttpContent;
                c.release();
            }
            if (o instanceof FullHttpResponse) {
                complete = true;
            }
        }
        return new Response(status, headers, body.toByteArray(), complete);
    }

    /**
     * The peer as the endpoint sees it: real piece stores; the test delivers pieces to an incomplete
     * one, which completes the waits for them.
     */
    static final class Source implements PlayerSource {
        final Map<ContentId, PieceStore> stores = new HashMap<>();
        final Map<ContentId, byte[]> data = new HashMap<>();
        final Map<String, List<CompletableFuture<Void>>> waits = new HashMap<>();
        final List<Long> seeks = new ArrayList<>();
        final List<Integer> playheads = new ArrayList<>();
        final PeerId id = PeerId.random();
        final Map<ContentId, LiveWindow> live = new HashMap<>();
        /** The bursts live players were started with (µs). */
        final List<Long> bursts = new ArrayList<>();
        long defaultBurst;

        void add(Manifest m, byte[] bytes, Path dir, boolean complete) throws IOException {
            data.put(m.id(), bytes);
            if (complete) {
                Path file = dir.resolveSibling(dir.getFileName() + ".src");
                Files.write(file, bytes);
                stores.put(m.id(), PieceStore.createComplete(dir, m, file));
            } else {
                stores.put(m.id(), PieceStore.create(dir, m));
            }
        }

        boolean has(ContentId c, int piece) {
            return stores.get(c).has(piece);
        }

        void deliver(ContentId c, int piece) throws IOException {
            PieceStore s = stores.get(c);
            var info = s.manifest().piece(piece);
            s.write(piece, ByteBuffer.wrap(data.get(c), (int) info.offset(), info.length()).slice());
            List<CompletableFuture<Void>> w = waits.remove(c + "/" + piece);
            if (w != null) {
                w.forEach(f -> f.complete(null));
            }
        }

        void close() {
            stores.values().forEach(PieceStore::close);
        }

        @Override
        public String name() {
            return "handler-test";
        }

        @Override
        public PeerId id() {
            return id;
        }

        @Override
        public List<SwarmStatus> swarms() {
            return List.of();
        }

        @Override
        public PieceStore store(ContentId content) {
            return stores.get(content);
        }

        @Override
        public LiveWindow liveWindow(ContentId content) {
            return live.get(content);
        }

        @Override
        public CompletableFuture<Void> awaitPiece(ContentId content, int piece) {
            PieceStore s = stores.get(content);
            if (s == null) {
                return CompletableFuture.failedFuture(new IOException("not here"));
            }
            if (s.has(piece)) {
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> f = new CompletableFuture<>();
            waits.computeIfAbsent(content + "/" + piece, k -> new ArrayList<>()).add(f);
            return f;
        }

        @Override
        public CompletableFuture<Integer> awaitLiveStart(ContentId content, long burstMicros) {
            bursts.add(burstMicros);
            return CompletableFuture.failedFuture(new IOException("no live stream here"));
        }

        @Override
        public long defaultLiveBurstMicros() {
            return defaultBurst;
        }

        @Override
        public int liveFloor(ContentId content) {
            return -1;
        }

        @Override
        public void playhead(ContentId content, int piece) {
            playheads.add(piece);
        }

        @Override
        public Optional<SeekPoint> seek(ContentId content, long micros) {
            PieceStore s = stores.get(content);
            if (s == null) {
                return Optional.empty();
            }
            Optional<SeekPoint> p = s.manifest().seek(micros);
            p.ifPresent(x -> seeks.add(micros));
            return p;
        }

        @Override
        public List<MediaFormat> mediaFormats() {
            return List.of(new OggFormat(PIECE));
        }
    }
}
