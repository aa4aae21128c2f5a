package org.iceshare.source.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;

import org.iceshare.api.media.LivePiece;
import org.junit.jupiter.api.Test;

/** The small parts: body framing, the timeline, serial renewal, media types, names, credentials, settings. */
class SmallPartsTest {

    private static byte[] unframeAll(BodyFraming f, byte[] in, int step) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < in.length; i += step) {
            out.writeBytes(f.unframe(in, i, Math.min(step, in.length - i)));
        }
        return out.toByteArray();
    }

    @Test
    void chunkedBodiesAreTakenApartWhateverTheSplits() throws Exception {
        byte[] in = "5;ext=1\r\nhello\r\n0B\r\n, chunked!!\r\n0\r\nTrailer: x\r\n\r\nIGNORED".getBytes(
                StandardCharsets.ISO_8859_1);
        for (int step : new int[] {1, 2, 7, in.length}) {
            BodyFraming f = BodyFraming.chunked();
            assertThat(new String(unframeAll(f, in, step), StandardCharsets.ISO_8859_1)).isEqualTo(
                    "hello, chunked!!");
            assertThat(f.complete()).isTrue();
        }
        assertThatThrownBy(() -> unframeAll(BodyFraming.chunked(), "zz\r\n".getBytes(StandardCharsets.US_ASCII), 1))
                .hasMessageContaining("chunk size");
        assertThatThrownBy(() -> unframeAll(BodyFraming.chunked(), "2\r\nabc\r\n".getBytes(StandardCharsets.US_ASCII),
                1)).hasMessageContaining("longer than its size");
        assertThatThrownBy(() -> unframeAll(BodyFraming.chunked(), "1".repeat(300).getBytes(StandardCharsets.US_ASCII),
                50)).hasMessageContaining("longer than");
    }

    @Test
    void aChunkSizeIsHexDigitsOnlyNoSign() {
        // found by PushFuzzTest: "-5" made the framing copy -5 bytes (IndexOutOfBoundsException, the push closed
        // without an answer) and "+5" was taken as 5
        for (String size : new String[] {"-5", "+5", "0x5", " 5 5", "\u0665"}) {
            byte[] in = (size + "\r\nhello\r\n0\r\n\r\n").getBytes(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> unframeAll(BodyFraming.chunked(), in, 1)).as(size)
                    .isInstanceOf(BodyFraming.MalformedBodyException.class).hasMessageContaining("chunk size");
        }
    }

    @Test
    void lengthAndUntilCloseFraming() throws Exception {
        BodyFraming f = BodyFraming.length(5);
        assertThat(unframeAll(f, "hello world".getBytes(StandardCharsets.US_ASCII), 3)).isEqualTo(
                "hello".getBytes(StandardCharsets.US_ASCII));
        assertThat(f.complete()).isTrue();
        BodyFraming c = BodyFraming.untilClose();
        assertThat(unframeAll(c, "abc".getBytes(StandardCharsets.US_ASCII), 1)).hasSize(3);
        assertThat(c.complete()).isFalse();
    }

    private static LivePiece piece(long start, long end, boolean linkStart) {
        return new LivePiece(ByteBuffer.wrap(new byte[] {1}), start, end, !linkStart, linkStart, linkStart, "vorbis");
    }

    @Test
    void theTimelineContinuesWhenACutterStartsOver() {
        Timeline t = new Timeline();
        assertThat(t.place(piece(0, 0, true)).startMicros()).isZero();
        assertThat(t.place(piece(0, 500_000, false)).endMicros()).isEqualTo(500_000);
        assertThat(t.place(piece(500_000, 1_000_000, false)).endMicros()).isEqualTo(1_000_000);
        // a cutter continuing time across links: nothing moves
        LivePiece same = piece(1_000_000, 1_000_000, true);
        assertThat(t.place(same)).isSameAs(same);
        assertThat(t.place(piece(1_000_000, 1_400_000, false)).endMicros()).isEqualTo(1_400_000);
        // a cutter that starts over at 0 after a flush: shifted to continue
        LivePiece restarted = t.place(piece(0, 0, true));
        assertThat(restarted.startMicros()).isEqualTo(1_400_000);
        assertThat(restarted.linkStart()).isTrue();
        assertThat(t.place(piece(0, 500_000, false)).endMicros()).isEqualTo(1_900_000);
        // small overlaps inside a link stay
        assertThat(t.place(piece(450_000, 900_000, false)).startMicros()).isEqualTo(1_850_000);
        // untimed pieces pass
        assertThat(t.place(piece(-1, -1, false)).startMicros()).isEqualTo(-1);
        assertThat(t.lastEnd()).isEqualTo(2_300_000);
    }

    @Test
    void mountNamesAndCredentials() {
        assertThat(LiveSourceEngine.mountName("/live.ogg")).isEqualTo("live");
        assertThat(LiveSourceEngine.mountName("/radio/show.OPUS")).isEqualTo("show");
        assertThat(LiveSourceEngine.mountName("/plain")).isEqualTo("plain");
        assertThat(LiveSourceEngine.mountName("/.ogg")).isEqualTo(".ogg");
        assertThat(LiveSourceEngine.authorized(RawSource.basic("source", "pw"), "pw")).isTrue();
        assertThat(LiveSourceEngine.authorized(RawSource.basic("source", "pw:x"), "pw:x")).isTrue();
        assertThat(LiveSourceEngine.authorized("basic " + RawSource.basic("source", "pw").substring(6), "pw")).isTrue();
        assertThat(LiveSourceEngine.authorized(RawSource.basic("other", "pw"), "pw")).isFalse();
        assertThat(LiveSourceEngine.authorized(RawSource.basic("source", "PW"), "pw")).isFalse();
        assertThat(LiveSourceEngine.authorized(null, "pw")).isFalse();
        assertThat(LiveSourceEngine.authorized("Basic %%%", "pw")).isFalse();
    }

    @Test
    void settingsAreCheckedAsAWhole() {
        assertThat(SourceSettings.DEFAULTS.defaultPassword()).isTrue();
        assertThatThrownBy(() -> SourceSettings.DEFAULTS.withPush(true, "0.0.0.0", 8001, "hackme"))
                .hasMessageContaining("still the default");
        assertThat(SourceSettings.DEFAULTS.withPush(true, "0.0.0.0", 8001, "long-and-secret").pushHost())
                .isEqualTo("0.0.0.0");
        assertThat(SourceSettings.DEFAULTS.withPush(true, "localhost", 8001, "hackme").pushHost()).isEqualTo(
                "localhost");
        assertThat(SourceSettings.DEFAULTS.withPush(true, "::1", 8001, "hackme").pushHost()).isEqualTo("::1");
        assertThatThrownBy(() -> SourceSettings.DEFAULTS.withPush(true, "127.0.0.1", 8001, ""))
                .hasMessageContaining("pushPassword");
        assertThat(SourceSettings.DEFAULTS.withPush(false, "127.0.0.1", 8001, "").pushEnabled()).isFalse();
        assertThatThrownBy(() -> SourceSettings.DEFAULTS.withPush(true, "127.0.0.1", 70000, "x"))
                .hasMessageContaining("pushPort");
        assertThatThrownBy(() -> SourceSettings.DEFAULTS.withTimes(500, 1000, 30_000, 0))
                .hasMessageContaining("stallTimeoutSeconds");
        assertThatThrownBy(() -> SourceSettings.DEFAULTS.withTimes(5000, 2000, 1000, 0))
                .hasMessageContaining("reconnectMaxMillis");
        assertThatThrownBy(() -> SourceSettings.DEFAULTS.withMaxPushes(0)).hasMessageContaining("maxPushes");
    }

    @Test
    void theComponentKeepsTheSettingsInForceWhenAValueIsOutOfRange() {
        SourceSettings current = SourceSettings.DEFAULTS.withTimes(3000, 1000, 30_000, 10_000);
        Map<String, Object> bad = Map.of("pieceMillis", 50);
        assertThat(LiveSourcesComponent.settings(config(bad), current)).isSameAs(current);
        SourceSettings good = LiveSourcesComponent.settings(config(Map.of("pieceMillis", 250, "windowSeconds", 60,
                "pushPort", 8123, "graceSeconds", 0)), current);
        assertThat(good.targetPieceMicros()).isEqualTo(250_000);
        assertThat(good.windowMicros()).isEqualTo(60_000_000);
        assertThat(good.pushPort()).isEqualTo(8123);
        assertThat(good.graceMillis()).isZero();
        assertThat(good.stallTimeoutMillis()).isEqualTo(5000);
        assertThat(LiveSourcesComponent.settings(config(Map.of("_pushPassword", "other")), current).pushPassword())
                .isEqualTo("other");
    }

    @Test
    void thePasswordIsAPrivatePropertyKeptOutOfTheServiceProperties() throws Exception {
        String xml = Files.readString(java.nio.file.Path.of("target/classes/OSGI-INF/"
                + "org.iceshare.source.internal.LiveSourcesComponent.xml"));
        assertThat(xml).contains("name=\".pushPassword\"").doesNotContain("name=\"pushPassword\"");
    }

    /** A Config whose methods answer from {@code values}, else their defaults. */
    private static LiveSourcesComponent.Config config(Map<String, Object> values) {
        return (LiveSourcesComponent.Config) java.lang.reflect.Proxy.newProxyInstance(
                LiveSourcesComponent.Config.class.getClassLoader(), new Class<?>[] {LiveSourcesComponent.Config.class},
                (proxy, m, args) -> values.containsKey(m.getName()) ? values.get(m.getName()) : m.getDefaultValue());
    }
}
