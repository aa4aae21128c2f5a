package org.iceshare.media.ogg.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.iceshare.media.ogg.internal.OggFormatException.Kind;
import org.iceshare.media.ogg.internal.OggTestFiles.Fixture;
import org.iceshare.media.ogg.internal.OggTestFiles.Page;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class OggPageReaderTest {

    @ParameterizedTest
    @EnumSource(Fixture.class)
    void readsEveryPageOfRealFilesWithValidCrc(Fixture fixture) throws Exception {
        byte[] file = fixture.bytes();
        List<OggPage> pages = readAll(new ByteArrayInputStream(file));

        assertThat(pages).hasSize(fixture.pages);
        List<Page> scanned = OggTestFiles.scan(file);
        assertThat(scanned).hasSize(fixture.pages);
        for (int i = 0; i < pages.size(); i++) {
            OggPage p = pages.get(i);
            Page s = scanned.get(i);
            assertThat(p.offset()).isEqualTo(s.offset());
            assertThat(p.totalLength()).isEqualTo(s.length());
            assertThat(p.headerType()).isEqualTo(s.flags());
            assertThat(p.granulePosition()).isEqualTo(s.granule());
            assertThat(p.serialNumber()).isEqualTo(s.serial());
            assertThat(p.sequenceNumber()).isEqualTo(s.sequence());
            assertThat(p.storedCrc()).isEqualTo(s.crc());
        }
        assertThat(pages.get(pages.size() - 1).end()).isEqualTo(file.length);
        assertThat(pages.get(0).isBos()).isTrue();
        assertThat(pages.get(pages.size() - 1).isEos()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Fixture.class)
    void aStreamThatTricklesOneByteAtATimeGivesTheSamePages(Fixture fixture) throws Exception {
        byte[] file = fixture.bytes();
        assertThat(readAll(new Trickle(new ByteArrayInputStream(file))))
                .isEqualTo(readAll(new ByteArrayInputStream(file)));
    }

    @Test
    void readsAMaximalPage() throws Exception {
        List<OggPage> pages = readAll(new ByteArrayInputStream(Fixture.VORBIS_BIG_COMMENT.bytes()));
        OggPage big = pages.get(1);
        assertThat(big.totalLength()).isEqualTo(OggPage.MAX_LENGTH).isEqualTo(65_307);
        assertThat(big.segmentCount()).isEqualTo(255);
        assertThat(big.granulePosition()).isEqualTo(OggPage.NO_GRANULE);
        assertThat(pages.get(2).isContinued()).isTrue();
    }

    @Test
    void exposesTheBytesOfTheCurrentPage() throws Exception {
        byte[] file = Fixture.THEORA_VORBIS.bytes();
        OggPageReader reader = new OggPageReader(new ByteArrayInputStream(file));
        assertThatThrownBy(reader::body).isInstanceOf(IllegalStateException.class);
        for (OggPage page = reader.next(); page != null; page = reader.next()) {
            ByteBuffer bytes = reader.pageBytes();
            assertThat(bytes.isReadOnly()).isTrue();
            assertThat(bytes).isEqualTo(ByteBuffer.wrap(file, (int) page.offset(), page.totalLength()));
            assertThat(reader.body()).isEqualTo(
                    ByteBuffer.wrap(file, (int) page.offset() + page.headerLength(), page.bodyLength()));
        }
        assertThat(reader.pageCount()).isEqualTo(10);
        assertThat(reader.next()).isNull();
        assertThatThrownBy(reader::pageBytes).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void emptyContent() {
        OggFormatException e = failure(new byte[0]);
        assertThat(e.kind()).isEqualTo(Kind.EMPTY);
        assertThat(e.offset()).isZero();
    }

    @Test
    void wavIsNotOgg() {
        OggFormatException e = failure(OggTestFiles.resource("not-ogg.wav"));
        assertThat(e.kind()).isEqualTo(Kind.NOT_OGG);
        assertThat(e.offset()).isZero();
        assertThat(e.page()).isZero();
        assertThat(e.getMessage()).isEqualTo("ogg at byte 0: not an Ogg stream: no 'OggS' capture pattern at byte 0 "
                + "(found 52 49 46 46 \"RIFF\")");
    }

    @Test
    void randomBytesAreNotOgg() {
        byte[] noise = new byte[5000];
        new Random(3).nextBytes(noise);
        noise[0] = 'x';
        assertThat(failure(noise).kind()).isEqualTo(Kind.NOT_OGG);
        assertThat(failure(new byte[] {'O', 'g'}).kind()).isEqualTo(Kind.TRUNCATED);
        assertThat(failure(new byte[] {'O', 'x'}).kind()).isEqualTo(Kind.NOT_OGG);
    }

    @ParameterizedTest
    @EnumSource(Fixture.class)
    void aFlippedByteInAPageBodyIsABadCrcOnThatPage(Fixture fixture) {
        byte[] file = fixture.bytes();
        List<Page> pages = OggTestFiles.scan(file);
        int index = pages.size() / 2;
        Page page = pages.get(index);
        byte[] damaged = file.clone();
        damaged[(int) page.end() - 1 - page.length() / 3] ^= 0x10;

        OggFormatException e = failure(damaged);

        assertThat(e.kind()).isEqualTo(Kind.BAD_CRC);
        assertThat(e.offset()).isEqualTo(page.offset());
        assertThat(e.page()).isEqualTo(index);
        assertThat(e.detail()).startsWith("bad CRC on page " + index + " at byte " + page.offset() + " (stored 0x"
                + String.format("%08x", page.crc()) + ", computed 0x");
    }

    @Test
    void aDamagedCrcFieldIsABadCrc() {
        byte[] file = Fixture.VORBIS.bytes();
        Page page = OggTestFiles.scan(file).get(4);
        file[(int) page.offset() + 23] ^= 1;
        OggFormatException e = failure(file);
        assertThat(e.kind()).isEqualTo(Kind.BAD_CRC);
        assertThat(e.offset()).isEqualTo(page.offset());
        assertThat(e.getMessage()).matches("ogg at byte 12484: bad CRC on page 4 at byte 12484 "
                + "\\(stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\\)");
    }

    @ParameterizedTest
    @EnumSource(Fixture.class)
    void aTruncatedLastPage(Fixture fixture) {
        byte[] file = fixture.bytes();
        List<Page> pages = OggTestFiles.scan(file);
        Page last = pages.get(pages.size() - 1);
        byte[] cut = Arrays.copyOf(file, file.length - 1);

        OggFormatException e = failure(cut);

        assertThat(e.kind()).isEqualTo(Kind.TRUNCATED);
        assertThat(e.offset()).isEqualTo(last.offset());
        assertThat(e.page()).isEqualTo(pages.size() - 1);
        assertThat(e.detail()).contains("truncated page " + (pages.size() - 1) + " at byte " + last.offset());
    }

    @Test
    void contentEndingInsideAPageHeaderIsTruncated() {
        byte[] file = Fixture.OPUS.bytes();
        byte[] cut = Arrays.copyOf(file, (int) OggTestFiles.scan(file).get(3).offset() + 10);
        OggFormatException e = failure(cut);
        assertThat(e.kind()).isEqualTo(Kind.TRUNCATED);
        assertThat(e.offset()).isEqualTo(6298);
        assertThat(e.detail()).isEqualTo("truncated page 3 at byte 6298: the content ends 10 bytes into its 27-byte "
                + "header");
    }

    @Test
    void contentEndingInsideASegmentTableIsAnOverrun() {
        byte[] file = Fixture.VORBIS.bytes();
        Page page = OggTestFiles.scan(file).get(5);
        byte[] cut = Arrays.copyOf(file, (int) page.offset() + 27 + 3);
        OggFormatException e = failure(cut);
        assertThat(e.kind()).isEqualTo(Kind.SEGMENT_TABLE_OVERRUN);
        assertThat(e.offset()).isEqualTo(page.offset());
        assertThat(e.detail()).contains("declares " + (file[(int) page.offset() + 26] & 0xff)
                + " lacing values but the content ends after 3 of them");
    }

    /**
     * A segment table that claims more body bytes than remain cannot be told apart from a file cut
     * short: both are TRUNCATED, on the page whose table lies.
     */
    @Test
    void aSegmentTableClaimingMoreBytesThanExistIsTruncated() {
        byte[] file = Fixture.SPEEX.bytes();
        List<Page> pages = OggTestFiles.scan(file);
        Page last = pages.get(pages.size() - 1);
        int lastLacing = (int) last.offset() + 27 + (file[(int) last.offset() + 26] & 0xff) - 1;
        assertThat(file[lastLacing] & 0xff).isLessThan(200);
        file[lastLacing] = (byte) 250;

        OggFormatException e = failure(file);

        assertThat(e.kind()).isEqualTo(Kind.TRUNCATED);
        assertThat(e.offset()).isEqualTo(last.offset());
        assertThat(e.detail()).contains("or the segment table is corrupt");
    }

    @Test
    void aSegmentTableClaimingTooFewBytesIsABadCrc() {
        // the CRC is checked over the page the table describes, before the next page is looked for
        byte[] file = Fixture.SPEEX.bytes();
        Page page = OggTestFiles.scan(file).get(2);
        file[(int) page.offset() + 27] = 1;
        OggFormatException e = failure(file);
        assertThat(e.kind()).isEqualTo(Kind.BAD_CRC);
        assertThat(e.offset()).isEqualTo(page.offset());
    }

    @Test
    void aBadVersionByte() {
        byte[] file = Fixture.FLAC.bytes();
        Page page = OggTestFiles.scan(file).get(2);
        file[(int) page.offset() + 4] = 1;
        OggFormatException e = failure(file);
        assertThat(e.kind()).isEqualTo(Kind.BAD_VERSION);
        assertThat(e.offset()).isEqualTo(page.offset());
        assertThat(e.page()).isEqualTo(2);
        assertThat(e.detail()).isEqualTo("unsupported Ogg stream structure version 1 on page 2 at byte 151 "
                + "(only version 0 exists)");
    }

    @Test
    void garbageAfterTheLastPageLosesSync() {
        byte[] file = Fixture.SPEEX.bytes();
        byte[] tagged = OggTestFiles.concat(file, "TAG+ID3v1-like trailer".getBytes(StandardCharsets.US_ASCII));
        OggFormatException e = failure(tagged);
        assertThat(e.kind()).isEqualTo(Kind.LOST_SYNC);
        assertThat(e.offset()).isEqualTo(file.length);
        assertThat(e.page()).isEqualTo(5);
        assertThat(e.detail()).isEqualTo("lost sync: no 'OggS' capture pattern at byte 3564, where page 5 should "
                + "start (found 54 41 47 2b \"TAG+\")");
    }

    @Test
    void aSpentReaderRefusesToGoOn() throws Exception {
        OggPageReader reader = new OggPageReader(new ByteArrayInputStream(new byte[] {1, 2, 3}));
        assertThatThrownBy(reader::next).isInstanceOf(OggFormatException.class);
        assertThatThrownBy(reader::next).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void readErrorsPassThrough() {
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("disk on fire");
            }
        };
        assertThatThrownBy(() -> new OggPageReader(broken).next()).isInstanceOf(IOException.class)
                .hasMessage("disk on fire");
    }

    static List<OggPage> readAll(InputStream in) throws IOException, OggFormatException {
        OggPageReader reader = new OggPageReader(in);
        List<OggPage> pages = new ArrayList<>();
        for (OggPage page = reader.next(); page != null; page = reader.next()) {
            pages.add(page);
        }
        return pages;
    }

    private static OggFormatException failure(byte[] content) {
        Throwable thrown = catchThrowable(() -> readAll(new ByteArrayInputStream(content)));
        assertThat(thrown).isInstanceOf(OggFormatException.class);
        return (OggFormatException) thrown;
    }

    /** Hands out one byte per read, like a slow network stream. */
    static final class Trickle extends FilterInputStream {
        Trickle(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, 1));
        }
    }
}
