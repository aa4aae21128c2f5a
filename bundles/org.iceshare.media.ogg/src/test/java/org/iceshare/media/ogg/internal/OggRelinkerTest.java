package org.iceshare.media.ogg.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;

import org.iceshare.media.ogg.internal.OggTestFiles.Fixture;
import org.iceshare.media.ogg.internal.OggTestFiles.Page;
import org.junit.jupiter.api.Test;

/**
 * What live sources ask of the Ogg format besides cutting: which media types are Ogg, which type a
 * stream gets from its codecs, and a file read again as a new chain link (a loop round).
 */
class OggRelinkerTest {
    private final OggFormat format = new OggFormat(OggFormat.DEFAULT_PIECE_SIZE);

    @Test
    void aRoundGetsNewSerialsAndEveryPageKeepsAValidCrc() throws Exception {
        byte[] file = Fixture.THEORA_VORBIS.bytes();
        byte[] relinked;
        try (InputStream in = format.relinked(new ByteArrayInputStream(file), 3)) {
            relinked = in.readAllBytes();
        }
        assertThat(relinked).hasSameSizeAs(file);
        List<Page> before = OggTestFiles.scan(file);
        List<Page> after = OggTestFiles.scan(relinked);
        assertThat(after).hasSameSizeAs(before);
        for (int i = 0; i < before.size(); i++) {
            Page b = before.get(i);
            Page a = after.get(i);
            assertThat(a.serial()).isEqualTo(b.serial() + 3 * OggFormat.SERIAL_STEP);
            assertThat(a.crc()).as("page %d: its CRC is computed again", i)
                    .isEqualTo(OggTestFiles.referenceCrc(zeroCrc(OggTestFiles.bytes(relinked, a)), 0, a.length()));
            assertThat(Arrays.copyOfRange(relinked, (int) a.offset() + 18, (int) a.end()))
                    .as("page %d: only the serial and the CRC change", i)
                    .isEqualTo(withCrc(Arrays.copyOfRange(file, (int) b.offset() + 18, (int) b.end()), a.crc()));
        }
        // the original followed by its relinked copy is a proper chain: the strict layout accepts it
        var layout = format.layout(new ByteArrayInputStream(OggTestFiles.concat(file, relinked)));
        assertThat(layout.links()).hasSize(2);
    }

    @Test
    void roundZeroIsTheFileAsItIs() throws IOException {
        InputStream in = new ByteArrayInputStream(Fixture.OPUS.bytes());
        assertThat(format.relinked(in, 0)).isSameAs(in);
    }

    @Test
    void damageStopsTheRewritingAndPassesTheRestThrough() throws IOException {
        byte[] file = Fixture.VORBIS.bytes();
        List<Page> pages = OggTestFiles.scan(file);
        byte[] damaged = file.clone();
        int second = (int) pages.get(1).offset();
        Arrays.fill(damaged, second, second + 4, (byte) 'X');
        try (OggRelinker r = new OggRelinker(new ByteArrayInputStream(damaged), 7)) {
            byte[] out = r.readAllBytes();
            assertThat(r.passingThrough()).isTrue();
            assertThat(Arrays.copyOfRange(out, second, out.length))
                    .isEqualTo(Arrays.copyOfRange(damaged, second, damaged.length));
        }
    }

    @Test
    void handlesTheOggMediaTypes() {
        assertThat(format.handles("audio/ogg")).isTrue();
        assertThat(format.handles("video/ogg")).isTrue();
        assertThat(format.handles("application/ogg")).isTrue();
        assertThat(format.handles("audio/mpeg")).isFalse();
        assertThat(format.handles("application/octet-stream")).isFalse();
        assertThat(format.handles(null)).isFalse();
    }

    @Test
    void aStreamsMediaTypeFollowsItsCodecs() {
        assertThat(format.mediaType("vorbis", null)).isEqualTo("audio/ogg");
        assertThat(format.mediaType("opus", "application/ogg")).isEqualTo("audio/ogg");
        assertThat(format.mediaType("theora,vorbis", "audio/ogg")).isEqualTo("video/ogg");
        assertThat(format.mediaType("", "video/ogg")).as("no codec known: what the input declared")
                .isEqualTo("video/ogg");
        assertThat(format.mediaType("kate", "audio/mpeg")).as("not an Ogg type: ignored")
                .isEqualTo("application/ogg");
        assertThat(format.mediaType("", null)).isEqualTo("application/ogg");
    }

    /** A page's bytes with the CRC field zeroed. */
    private static byte[] zeroCrc(byte[] page) {
        byte[] copy = page.clone();
        Arrays.fill(copy, 22, 26, (byte) 0);
        return copy;
    }

    /** Bytes from offset 18 of a page (sequence on), with the CRC (at 22, so at 4 here) set. */
    private static byte[] withCrc(byte[] fromSequence, int crc) {
        byte[] copy = fromSequence.clone();
        copy[4] = (byte) crc;
        copy[5] = (byte) (crc >>> 8);
        copy[6] = (byte) (crc >>> 16);
        copy[7] = (byte) (crc >>> 24);
        return copy;
    }
}
