package org.iceshare.source.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.iceshare.api.media.LivePiece;
import org.iceshare.api.peer.LiveFeed;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.testkit.FakePeer;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * Coverage-guided fuzzing of the push server's request handling: what a source client (or anyone who
 * can reach the port) sends, through the server's real pipeline ({@link SourceRequestDecoder},
 * {@link PushHandler}) to a real {@link LiveSourceEngine} as the gate, with the right password or not;
 * and of the chunked body framing on its own against a strict reading of RFC 9112.
 *
 * <p>In the normal test run this replays the seeds and past findings in {@code PushFuzzTestInputs/};
 * {@code bench/fuzz.sh} fuzzes each target for minutes.
 */
class PushFuzzTest {
    private static final String PASSWORD = "fuzz-password";
    private static final Set<Integer> STATUSES = Set.of(200, 400, 401, 403, 404, 405, 408, 409, 415, 429, 431, 501, 503,
            505);
    private static final Pattern STATUS_LINE = Pattern.compile("(HTTP/1\\.[01]|ICE/1\\.0) (\\d{3}) [A-Za-z ]+");

    private static LiveSourceEngine engine;
    private static byte[] ogg;

    /** One engine for the whole run (it owns threads); its pushes end with each input's channel. */
    private static synchronized LiveSourceEngine engine() {
        if (engine == null) {
            try (InputStream in = PushFuzzTest.class.getResourceAsStream("push-fuzz.spx")) {
                ogg = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            SourceSettings s = SourceSettings.DEFAULTS.withPush(true, "127.0.0.1", 8000, PASSWORD)
                    .withTimes(60_000, 1000, 30_000, 1000).withMaxPushes(4);
            FakePeer peer = new FakePeer("default").onPublishLive(
                    (name, type, tracker, window) -> CompletableFuture.completedFuture(new DiscardingFeed(name)));
            engine = new LiveSourceEngine(s, () -> List.of(TestFormats.ogg(), TestFormats.raw()),
                    n -> n.equals(peer.name()) ? peer : null);
        }
        return engine;
    }

    /**
     * A request (raw bytes, or built from the input: method, mount, password, type, framing, an Ogg body)
     * in reads cut anywhere. The answer, as the client reads it: at most one final answer, after any
     * {@code 100 Continue}; a status line with an expected status; a refusal's body as long as its
     * {@code Content-Length} and nothing after it; and the connection is never closed without an answer
     * (no exception ends it silently).
     */
    @FuzzTest(maxDuration = "10s")
    void requestsFromASource(FuzzedDataProvider data) {
        LiveSourceEngine gate = engine();
        long splitSeed = data.consumeLong();
        byte[] input = data.consumeBoolean() ? data.consumeRemainingAsBytes() : request(data);

        EmbeddedChannel channel = new EmbeddedChannel(new SourceRequestDecoder(), new PushHandler(gate));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            for (byte[] read : split(input, new Random(splitSeed))) {
                if (!channel.isOpen()) {
                    break;
                }
                channel.writeInbound(Unpooled.wrappedBuffer(read));
                channel.runPendingTasks();
                drain(channel, out);
            }
            channel.runPendingTasks();
            drain(channel, out);
            boolean open = channel.isOpen();
            channel.close();
            drain(channel, out);
            checkAnswer(new String(out.toByteArray(), StandardCharsets.ISO_8859_1), open);
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    private static void drain(EmbeddedChannel channel, ByteArrayOutputStream out) {
        for (Object o; (o = channel.readOutbound()) != null;) {
            ByteBuf b = (ByteBuf) o;
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            out.writeBytes(bytes);
            b.release();
        }
    }

    private static void checkAnswer(String answer, boolean stillOpen) {
        String rest = answer;
        while (rest.startsWith("HTTP/1.1 100 Continue\r\n\r\n")) {
            rest = rest.substring("HTTP/1.1 100 Continue\r\n\r\n".length());
        }
        if (rest.isEmpty()) {
            assertThat(stillOpen).as("the connection was closed without an answer").isTrue();
            return;
        }
        int headEnd = rest.indexOf("\r\n\r\n");
        assertThat(headEnd).as("an answer's head is complete: %s", answer).isPositive();
        String[] lines = rest.substring(0, headEnd).split("\r\n");
        Matcher m = STATUS_LINE.matcher(lines[0]);
        assertThat(m.matches()).as("status line %s", lines[0]).isTrue();
        int status = Integer.parseInt(m.group(2));
        assertThat(STATUSES).as("status of %s", lines[0]).contains(status);
        String body = rest.substring(headEnd + 4);
        if (status == 200 && !rest.substring(0, headEnd).contains("\r\nContent-Type: text/xml")) {
            assertThat(body).as("nothing is written after a push's 200 OK").isEmpty();
            return;
        } // a metadata update's 200 carries Icecast's XML answer, checked like a refusal's body
        String length = null;
        for (int i = 1; i < lines.length; i++) {
            assertThat(lines[i]).as("a header line").matches("[A-Za-z-]+: [\\x20-\\x7e]*");
            if (lines[i].startsWith("Content-Length: ")) {
                length = lines[i].substring("Content-Length: ".length());
            }
        }
        assertThat(length).as("a refusal says its length").isNotNull();
        assertThat(body.getBytes(StandardCharsets.ISO_8859_1)).as("a refusal's body, and nothing after it")
                .hasSize(Integer.parseInt(length));
    }

    /** A request a source client could send, from the parts it controls. */
    private static byte[] request(FuzzedDataProvider data) {
        StringBuilder sb = new StringBuilder();
        sb.append(data.pickValue(List.of("PUT", "PUT", "SOURCE", "GET", "POST")));
        sb.append(' ').append(switch (data.consumeInt(0, 2)) {
            case 0 -> "/live.ogg";
            case 1 -> "/admin/metadata?mount=/live.ogg&mode=" + data.pickValue(List.of("updinfo", "updinfo", "x"))
                    + "&song=" + data.consumeAsciiString(12);
            default -> "/" + data.consumeAsciiString(20);
        });
        sb.append(' ').append(data.pickValue(List.of("HTTP/1.1", "HTTP/1.0", "ICE/1.0"))).append("\r\n");
        switch (data.consumeInt(0, 3)) {
            case 0 -> sb.append("Authorization: Basic ").append(basic("source:" + PASSWORD)).append("\r\n");
            case 1 -> sb.append("Authorization: Basic ").append(basic(data.consumeAsciiString(30))).append("\r\n");
            case 2 -> sb.append("Authorization: ").append(data.consumeAsciiString(40)).append("\r\n");
            default -> {
            }
        }
        if (data.consumeBoolean()) {
            sb.append("Content-Type: ").append(data.pickValue(List.of("application/ogg", "audio/ogg", "audio/mpeg",
                    "text/plain", "audio/ogg; codecs=vorbis"))).append("\r\n");
        }
        if (data.consumeBoolean()) {
            sb.append("Expect: 100-continue\r\n");
        }
        if (data.consumeBoolean()) {
            sb.append(data.consumeAsciiString(40)).append("\r\n");
        }
        int bodyLength = data.consumeInt(0, ogg.length);
        byte[] body = Arrays.copyOf(ogg, bodyLength);
        if (data.consumeBoolean()) {
            // damage the body somewhere
            body = body.clone();
            if (body.length > 0) {
                body[data.consumeInt(0, body.length - 1)] ^= (byte) data.consumeInt(1, 255);
            }
        }
        ByteArrayOutputStream framed = new ByteArrayOutputStream();
        switch (data.consumeInt(0, 2)) {
            case 1 -> {
                String length = data.consumeBoolean() ? Integer.toString(body.length) : data.consumeAsciiString(8);
                sb.append("Content-Length: ").append(length).append("\r\n");
                framed.writeBytes(body);
            }
            case 2 -> {
                sb.append("Transfer-Encoding: chunked\r\n");
                int at = 0;
                while (at < body.length) {
                    int n = Math.min(body.length - at, data.consumeInt(1, 2000));
                    String size = data.consumeBoolean() ? Integer.toHexString(n) : data.consumeAsciiString(6);
                    framed.writeBytes((size + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    framed.write(body, at, n);
                    framed.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    at += n;
                }
                framed.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            default -> framed.writeBytes(body);
        }
        sb.append("\r\n");
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
        all.writeBytes(framed.toByteArray());
        return all.toByteArray();
    }

    private static String basic(String credentials) {
        return Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.ISO_8859_1));
    }

    /**
     * Chunked body framing, in reads cut anywhere, against a strict decoder of RFC 9112 section 7.1
     * written here: both take the same body apart the same way, or both refuse it; the framing throws
     * nothing but its {@link BodyFraming.MalformedBodyException}, and never gives more bytes than came in.
     */
    @FuzzTest(maxDuration = "10s")
    void chunkedBodies(FuzzedDataProvider data) {
        long splitSeed = data.consumeLong();
        byte[] input = data.consumeRemainingAsBytes();

        StrictChunked.Result expected = StrictChunked.decode(input);
        BodyFraming framing = BodyFraming.chunked();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        boolean refused = false;
        int fed = 0;
        for (byte[] read : split(input, new Random(splitSeed))) {
            if (framing.complete()) {
                break;
            }
            try {
                byte[] bytes = framing.unframe(read, 0, read.length);
                assertThat(bytes.length).isLessThanOrEqualTo(read.length);
                got.writeBytes(bytes);
            } catch (BodyFraming.MalformedBodyException e) {
                assertThat(e.getMessage()).isNotBlank();
                refused = true;
                break;
            }
            fed += read.length;
        }
        if (expected.malformedAt() >= 0) {
            if (!refused) {
                // the framing may not have been fed the bad byte yet, or stopped at a complete body before it
                assertThat(fed).as("a malformed body is refused once its bad byte came: %s", expected)
                        .isLessThanOrEqualTo(expected.malformedAt());
            }
        } else {
            assertThat(refused).as("a well-formed body is not refused").isFalse();
            assertThat(framing.complete()).as("complete").isEqualTo(expected.complete());
        }
        byte[] data0 = got.toByteArray();
        assertThat(data0).as("the data before the end or the first error")
                .isEqualTo(Arrays.copyOf(expected.data(), Math.min(data0.length, expected.data().length)));
        if (!refused && expected.malformedAt() < 0) {
            assertThat(data0).isEqualTo(expected.data());
        }
    }

    /**
     * A strict chunked decoder (RFC 9112 section 7.1): {@code chunk-size = 1*HEXDIG}, then optional
     * extensions after {@code ;}, {@code CRLF} or a bare {@code LF}; {@code CRLF} after the data; trailer
     * lines up to an empty line. Sizes of more than 15 hex digits are refused (as the framing does).
     */
    static final class StrictChunked {
        record Result(byte[] data, boolean complete, int malformedAt) {
            @Override
            public String toString() {
                return "Result[" + data.length + " bytes, complete " + complete + ", malformed at " + malformedAt + "]";
            }
        }

        static Result decode(byte[] in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int i = 0;
            while (true) {
                int eol = lineEnd(in, i);
                int tooLong = tooLong(in, i);
                if (tooLong >= 0) {
                    return new Result(out.toByteArray(), false, tooLong);
                }
                if (eol < 0) {
                    return new Result(out.toByteArray(), false, -1);
                }
                String line = line(in, i, eol).trim();
                int semi = line.indexOf(';');
                String hex = (semi < 0 ? line : line.substring(0, semi)).trim();
                if (!hex.matches("[0-9A-Fa-f]{1,15}")) {
                    return new Result(out.toByteArray(), false, eol);
                }
                long size = Long.parseLong(hex, 16);
                i = eol + 1;
                if (size == 0) {
                    while (true) {
                        int t = lineEnd(in, i);
                        int bad = tooLong(in, i);
                        if (bad >= 0) {
                            return new Result(out.toByteArray(), false, bad);
                        }
                        if (t < 0) {
                            return new Result(out.toByteArray(), false, -1);
                        }
                        boolean empty = line(in, i, t).trim().isEmpty();
                        i = t + 1;
                        if (empty) {
                            return new Result(out.toByteArray(), true, -1);
                        }
                    }
                }
                long n = Math.min(size, in.length - i);
                out.write(in, i, (int) n);
                i += (int) n;
                if (n < size) {
                    return new Result(out.toByteArray(), false, -1);
                }
                int end = lineEnd(in, i);
                int bad = tooLong(in, i);
                if (bad >= 0) {
                    return new Result(out.toByteArray(), false, bad);
                }
                if (end < 0) {
                    return new Result(out.toByteArray(), false, -1);
                }
                if (!line(in, i, end).trim().isEmpty()) {
                    return new Result(out.toByteArray(), false, end);
                }
                i = end + 1;
            }
        }

        /** Index of the next '\n' from {@code from}, or -1. */
        private static int lineEnd(byte[] in, int from) {
            for (int i = from; i < in.length; i++) {
                if (in[i] == '\n') {
                    return i;
                }
            }
            return -1;
        }

        /** The line's text without CR bytes, as the framing reads it. */
        private static String line(byte[] in, int from, int to) {
            StringBuilder sb = new StringBuilder();
            for (int i = from; i < to; i++) {
                if (in[i] != '\r') {
                    sb.append((char) (in[i] & 0xff));
                }
            }
            return sb.toString();
        }

        /**
         * Where a line from {@code from} becomes longer than {@link BodyFraming#MAX_SIZE_LINE} characters
         * (CR bytes not counted), which is malformed: the index of the first character too many, or -1.
         */
        private static int tooLong(byte[] in, int from) {
            int count = 0;
            for (int i = from; i < in.length && in[i] != '\n'; i++) {
                if (in[i] != '\r' && ++count > BodyFraming.MAX_SIZE_LINE) {
                    return i;
                }
            }
            return -1;
        }
    }

    /** Splits the input into reads of 1 to 200 bytes or, now and then, all that is left. */
    private static List<byte[]> split(byte[] input, Random random) {
        List<byte[]> reads = new ArrayList<>();
        int at = 0;
        while (at < input.length) {
            int n = random.nextInt(4) == 0 ? input.length - at : 1 + random.nextInt(200);
            n = Math.min(n, input.length - at);
            reads.add(Arrays.copyOfRange(input, at, at + n));
            at += n;
        }
        return reads;
    }

    /** A peer's live feed that takes pieces and keeps nothing, so a long fuzzing run holds no memory. */
    private static final class DiscardingFeed implements LiveFeed {
        private final IcetUrl url;
        private final ContentId content = ContentId.random();
        private long streamed;

        DiscardingFeed(String name) {
            this.url = new IcetUrl("127.0.0.1", 7740, name);
        }

        @Override
        public IcetUrl url() {
            return url;
        }

        @Override
        public ContentId content() {
            return content;
        }

        @Override
        public synchronized void piece(LivePiece piece) {
            streamed += piece.length();
        }

        @Override
        public void onAir(boolean onAir, String reason) {
        }

        @Override
        public void metadata(long micros, String title, String artist) {
        }

        @Override
        public long uploaded() {
            return 0;
        }

        @Override
        public synchronized long streamed() {
            return streamed;
        }

        @Override
        public void close() {
        }
    }
}
