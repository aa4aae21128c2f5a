package org.iceshare.source.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

import org.junit.jupiter.api.Test;

/** The request head decoder, over an EmbeddedChannel: valid heads, split input, and every malformed one. */
class SourceRequestDecoderTest {

    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    @Test
    void aPutHeadIsDecodedAndTheStreamBytesPassOn() {
        EmbeddedChannel ch = new EmbeddedChannel(new SourceRequestDecoder());
        ch.writeInbound(bytes("PUT /live.ogg HTTP/1.1\r\nHost: x\r\nAuthorization: Basic YQ==\r\n"
                + "Content-Type: audio/ogg\r\nIce-Name: a\r\nIce-Name: b\r\n\r\nOggS\0rest"));
        SourceRequest r = ch.readInbound();
        assertThat(r.isValid()).isTrue();
        assertThat(r.method()).isEqualTo("PUT");
        assertThat(r.target()).isEqualTo("/live.ogg");
        assertThat(r.version()).isEqualTo("HTTP/1.1");
        assertThat(r.header("content-type")).isEqualTo("audio/ogg");
        assertThat(r.header("AUTHORIZATION")).isEqualTo("Basic YQ==");
        assertThat(r.header("ice-name")).isEqualTo("a, b");
        ByteBuf rest = ch.readInbound();
        assertThat(rest.toString(StandardCharsets.ISO_8859_1)).isEqualTo("OggS\0rest");
        rest.release();
        assertThat(ch.pipeline().get(SourceRequestDecoder.class)).isNull();
        ch.writeInbound(bytes("more"));
        ByteBuf more = ch.readInbound();
        assertThat(more.toString(StandardCharsets.ISO_8859_1)).isEqualTo("more");
        more.release();
        ch.finishAndReleaseAll();
    }

    @Test
    void aLegacySourceHeadArrivingInBitsWithBareLineFeeds() {
        EmbeddedChannel ch = new EmbeddedChannel(new SourceRequestDecoder());
        String head = "SOURCE /old.ogg ICE/1.0\nice-password: x\n\n";
        for (char c : head.toCharArray()) {
            assertThat((Object) ch.readInbound()).isNull();
            ch.writeInbound(bytes(String.valueOf(c)));
        }
        SourceRequest r = ch.readInbound();
        assertThat(r.isValid()).isTrue();
        assertThat(r.method()).isEqualTo("SOURCE");
        assertThat(r.version()).isEqualTo("ICE/1.0");
        assertThat(r.answerVersion()).isEqualTo("HTTP/1.0");
        assertThat(r.header("ice-password")).isEqualTo("x");
        ch.finishAndReleaseAll();
    }

    @Test
    void malformedHeadsAreInvalidValues() {
        assertInvalid("GARBAGE\r\n\r\n", 400, "request line");
        assertInvalid("PUT  /x HTTP/1.1\r\n\r\n", 400, "request line");
        assertInvalid("put /x HTTP/1.1\r\n\r\n", 400, "method");
        assertInvalid("PUT /x HTTP/2.0\r\n\r\n", 505, "HTTP/2.0");
        assertInvalid("PUT /x HTTP/1.1\r\nNoColon\r\n\r\n", 400, "header line");
        assertInvalid("PUT /x HTTP/1.1\r\nName : v\r\n\r\n", 400, "header line");
        assertInvalid("PUT /x HTTP/1.1\r\n folded: v\r\n\r\n", 400, "header line");
        assertInvalid("PUT /x HTTP/1.1\r\n" + "A: b\r\n".repeat(SourceRequestDecoder.MAX_HEADERS + 1) + "\r\n", 431,
                "header lines");
        assertInvalid("PUT /x HTTP/1.1\r\nX: " + "y".repeat(SourceRequestDecoder.MAX_HEAD_BYTES) + "\r\n\r\n", 431,
                "longer");
        // too long without ever ending
        assertInvalid("PUT /x HTTP/1.1\r\nX: " + "y".repeat(SourceRequestDecoder.MAX_HEAD_BYTES + 10), 431, "longer");
    }

    private static void assertInvalid(String input, int status, String problem) {
        EmbeddedChannel ch = new EmbeddedChannel(new SourceRequestDecoder());
        ch.writeInbound(bytes(input));
        SourceRequest r = ch.readInbound();
        assertThat(r).as(input).isNotNull();
        assertThat(r.isValid()).isFalse();
        assertThat(r.status()).as(input).isEqualTo(status);
        assertThat(r.problem()).contains(problem);
        assertThat(ch.pipeline().get(SourceRequestDecoder.class)).isNull();
        ch.finishAndReleaseAll();
    }
}
