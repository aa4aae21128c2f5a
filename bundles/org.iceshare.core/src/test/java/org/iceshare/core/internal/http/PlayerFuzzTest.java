package org.iceshare.core.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.iceshare.api.media.MediaLayout;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.core.internal.support.Sha256;
import org.iceshare.media.ogg.internal.OggFormat;
import org.iceshare.media.ogg.internal.OggFormatException;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Coverage-guided fuzzing of the player endpoint's request handling: bytes from a player (or anyone who
 * can reach the port) through the endpoint's real pipeline ({@link HttpServerCodec}, {@link RequestHeads},
 * {@link PlayerHandler}) over two complete contents (an Ogg Opus file with a time index, random bytes
 * without). The input is either raw bytes or requests built from it (methods, paths to the contents,
 * {@code ?t=}, {@code Range}, {@code Connection}, bodies, pipelined several at a time), cut into reads
 * anywhere; as on a socket, the next read comes only while the handler reads (auto-read on).
 *
 * <p>The invariants, checked on what the handler writes before it is encoded: answers do not overlap
 * (one response at a time, in order, never more final answers than requests), each has an expected
 * status, a body of exactly its {@code Content-Length} (but for {@code HEAD}, whose body
 * the codec drops), the right bytes of the
 * content for a file or a range of it, nothing follows an answer that closes the connection, the
 * connection is never closed without such an answer (no exception ends it silently), and an answer
 * never stalls (every piece is here).
 *
 * <p>In the normal test run this replays the seeds and past findings in {@code PlayerFuzzTestInputs/};
 * {@code bench/fuzz.sh} fuzzes it for minutes.
 */
class PlayerFuzzTest {

    private static final Set<Integer> STATUSES = Set.of(200, 206, 400, 404, 405, 416, 503);
    private static final int PIECE = 4096;

    /** The two contents, built once for the whole run. */
    private static Contents contents;

    private record Contents(PlayerHandlerTest.Source source, byte[] ogg, Manifest timed, byte[] raw,
            Manifest untimed) {
    }

    private static synchronized Contents contents() {
        if (contents == null) {
            try {
                Path dir = Files.createTempDirectory("player-fuzz");
                byte[] ogg;
                try (InputStream in = PlayerFuzzTest.class.getResourceAsStream("player-fuzz.opus")) {
                    ogg = in.readAllBytes();
                }
                MediaLayout layout = new OggFormat(PIECE).layout(new ByteArrayInputStream(ogg));
                Manifest timed = Sha256.manifest("tone.opus", ogg, "ogg", layout);
                byte[] raw = new byte[50_000];
                new Random(3).nextBytes(raw);
                Manifest untimed = Sha256.manifest("noise.bin", raw, 7_000);
                PlayerHandlerTest.Source source = new PlayerHandlerTest.Source();
                source.add(timed, ogg, dir.resolve("timed"), true);
                source.add(untimed, raw, dir.resolve("untimed"), true);
                contents = new Contents(source, ogg, timed, raw, untimed);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (OggFormatException e) {
                throw new IllegalStateException("the test file is not a valid Ogg file", e);
            }
        }
        return contents;
    }

    @FuzzTest(maxDuration = "10s")
    void requestsFromAPlayer(FuzzedDataProvider data) {
        Contents c = contents();
        long splitSeed = data.consumeLong();
        byte[] input = data.consumeBoolean() ? data.consumeRemainingAsBytes() : requests(data, c);

        Recorder recorder = new Recorder(c);
        EmbeddedChannel channel = new EmbeddedChannel(new HttpServerCodec(PlayerHttpServer.MAX_HEADER,
                PlayerHttpServer.MAX_HEADER, 8192), recorder, new RequestHeads(),
                new PlayerHandler(c.source()));
        try {
            for (byte[] read : split(input, new Random(splitSeed))) {
                settle(channel);
                recorder.rethrow();
                if (!channel.isOpen()) {
                    break;
                }
                assertThat(channel.config().isAutoRead()).as("an answer stalled: the handler stopped reading, "
                        + "with every piece here and nothing left to do").isTrue();
                channel.writeInbound(Unpooled.wrappedBuffer(read));
                recorder.rethrow();
            }
            settle(channel);
            recorder.rethrow();
            if (channel.isOpen()) {
                assertThat(channel.config().isAutoRead()).as("an answer stalled").isTrue();
                assertThat(recorder.open).as("an answer left unfinished").isNull();
            }
            recorder.checkClose(channel.isOpen());
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /** Runs the tasks the handler queued (piece waits hop back to the event loop) until none is left. */
    private static void settle(EmbeddedChannel channel) {
        for (int i = 0; i < 10_000 && channel.hasPendingTasks(); i++) {
            channel.runPendingTasks();
        }
        assertThat(channel.hasPendingTasks()).as("tasks keep coming").isFalse();
        for (Object o; (o = channel.readOutbound()) != null;) {
            io.netty.util.ReferenceCountUtil.release(o);
        }
    }

    /** One to four requests built from the input: the parts a player controls. */
    private static byte[] requests(FuzzedDataProvider data, Contents c) {
        StringBuilder sb = new StringBuilder();
        int n = data.consumeInt(1, 4);
        for (int i = 0; i < n; i++) {
            String method = data.pickValue(List.of("GET", "GET", "HEAD", "POST", "OPTIONS", "PUT"));
            String path = switch (data.consumeInt(0, 6)) {
                case 0 -> "/";
                case 1 -> "/stats.json";
                case 2, 3 -> PlayerHandlerTest.url(c.timed());
                case 4 -> PlayerHandlerTest.url(c.untimed());
                case 5 -> "/content/" + c.untimed().id().toHex() + data.consumeAsciiString(12);
                default -> "/" + data.consumeAsciiString(40);
            };
            if (data.consumeBoolean()) {
                path += "?t=" + data.consumeAsciiString(16);
            }
            sb.append(method).append(' ').append(path).append(data.consumeBoolean() ? " HTTP/1.1" : " HTTP/1.0")
                    .append("\r\nHost: peer\r\n");
            if (data.consumeBoolean()) {
                sb.append("Range: ").append(data.consumeBoolean() ? "bytes=" : "")
                        .append(data.consumeAsciiString(24)).append("\r\n");
            }
            if (data.consumeBoolean()) {
                sb.append("Connection: ").append(data.pickValue(List.of("close", "keep-alive", "upgrade")))
                        .append("\r\n");
            }
            if (data.consumeBoolean()) {
                sb.append(data.consumeAsciiString(40)).append("\r\n");
            }
            String body = "";
            switch (data.consumeInt(0, 3)) {
                case 1 -> {
                    body = data.consumeAsciiString(32);
                    sb.append("Content-Length: ").append(body.length()).append("\r\n");
                }
                case 2 -> {
                    String chunk = data.consumeAsciiString(16);
                    sb.append("Transfer-Encoding: chunked\r\n");
                    body = Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n0\r\n\r\n";
                }
                case 3 -> sb.append("Expect: 100-continue\r\nContent-Length: 4\r\n");
                default -> {
                }
            }
            sb.append("\r\n").append(body);
        }
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Splits the input into reads of 1 to 100 bytes or, now and then, all that is left. */
    private static List<byte[]> split(byte[] input, Random random) {
        List<byte[]> reads = new ArrayList<>();
        int at = 0;
        while (at < input.length) {
            int n = random.nextInt(4) == 0 ? input.length - at : 1 + random.nextInt(100);
            n = Math.min(n, input.length - at);
            reads.add(Arrays.copyOfRange(input, at, at + n));
            at += n;
        }
        return reads;
    }

    /**
     * Sits between the HTTP codec and the rest: sees each request the codec decoded (in) and each part of
     * each answer before it is encoded (out), and checks the answers as a player would read them.
     */
    private static final class Recorder extends ChannelDuplexHandler {
        private final Contents c;
        /** Methods of the requests decoded and not answered yet, in order. */
        private final Deque<HttpMethod> pending = new ArrayDeque<>();
        /** The answer being written (head seen, last content not yet), or null. */
        HttpResponse open;
        private boolean openHead;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private boolean closingAnswer;
        private int answers;
        private Throwable failure;

        Recorder(Contents c) {
            this.c = c;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest req) {
                pending.add(req.method());
            } else if (msg instanceof HttpContent c && c.decoderResult().isFailure()) {
                pending.add(HttpMethod.GET); // a body that broke the framing: answered as a bad request
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            // Netty turns what a write throws into a failed promise: keep the first failure for the test
            try {
                check(msg);
            } catch (AssertionError | RuntimeException e) {
                if (failure == null) {
                    failure = e;
                }
            }
            ctx.write(msg, promise);
        }

        /** Throws the first failed check, if any. */
        void rethrow() {
            if (failure instanceof AssertionError e) {
                throw e;
            }
            if (failure instanceof RuntimeException e) {
                throw e;
            }
        }

        private void check(Object msg) {
            assertThat(closingAnswer).as("nothing is written after an answer that closes the connection").isFalse();
            if (msg instanceof HttpResponse r) {
                assertThat(open).as("a new answer begins while %s is unfinished", open).isNull();
                assertThat(STATUSES).as("status of %s", r).contains(r.status().code());
                assertThat(pending).as("an answer without a request: %s", r).isNotEmpty();
                openHead = pending.poll().equals(HttpMethod.HEAD);
                answers++;
                open = r;
                body.reset();
            } else {
                assertThat(msg).as("only HTTP objects are written").isInstanceOf(HttpContent.class);
                assertThat(open).as("content without an answer: %s", msg).isNotNull();
            }
            if (msg instanceof HttpContent content && open != null) {
                ByteBuf b = content.content();
                byte[] bytes = new byte[b.readableBytes()];
                b.getBytes(b.readerIndex(), bytes);
                body.writeBytes(bytes);
                if (msg instanceof LastHttpContent || msg instanceof FullHttpResponse) {
                    HttpResponse done = open;
                    open = null;
                    finished(done);
                }
            }
        }

        private void finished(HttpResponse r) {
            byte[] got = body.toByteArray();
            String length = r.headers().get(HttpHeaderNames.CONTENT_LENGTH);
            if (openHead) {
                // nothing to check: the HTTP codec sends no body in a HEAD answer, whatever is written (the
                // index's or an error's text)
            } else if (length != null) {
                assertThat(got.length).as("body of %s", r).isEqualTo(Long.parseLong(length));
            } else {
                assertThat(got).as("%s without Content-Length has no body", r).isEmpty();
            }
            closingAnswer = r.headers().contains(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true);
            if (!openHead && r.headers().get("X-IceShare-Seek") == null) {
                checkFileBytes(r, got);
            }
        }

        /** A file or a range of it is the content's very bytes. */
        private void checkFileBytes(HttpResponse r, byte[] got) {
            String type = r.headers().get(HttpHeaderNames.CONTENT_TYPE);
            byte[] file = c.untimed().mediaType().equals(type) ? c.raw()
                    : c.timed().mediaType().equals(type) ? c.ogg() : null;
            if (file == null) {
                return;
            }
            if (r.status().code() == 200) {
                assertThat(got).as("the whole file").isEqualTo(file);
            } else if (r.status().code() == 206) {
                String range = r.headers().get(HttpHeaderNames.CONTENT_RANGE);
                assertThat(range).matches("bytes \\d+-\\d+/" + file.length);
                String[] ab = range.substring(6, range.indexOf('/')).split("-");
                int from = Integer.parseInt(ab[0]);
                int to = Integer.parseInt(ab[1]) + 1;
                assertThat(from).isLessThan(to);
                assertThat(got).as(range).isEqualTo(Arrays.copyOfRange(file, from, to));
            }
        }

        /** The connection closes only after an answer that says so, never silently. */
        void checkClose(boolean channelOpen) {
            if (!channelOpen) {
                assertThat(answers).as("closed without an answer").isPositive();
                assertThat(closingAnswer).as("closed without an answer saying Connection: close").isTrue();
            }
        }
    }
}
