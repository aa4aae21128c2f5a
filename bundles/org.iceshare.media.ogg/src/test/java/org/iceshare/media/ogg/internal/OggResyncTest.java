package org.iceshare.media.ogg.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.iceshare.media.ogg.internal.OggFormatException.Kind;
import org.iceshare.media.ogg.internal.OggPageReaderTest.Trickle;
import org.iceshare.media.ogg.internal.OggTestFiles.Fixture;
import org.iceshare.media.ogg.internal.OggTestFiles.Page;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The resynchronising page reader (live input): it scans for "OggS", accepts a page only on a valid
 * CRC, and reports every skipped run with its offset and length. And the limits of page size and
 * memory that hold in both modes.
 */
class OggResyncTest {

    /** What a resynchronising reader returned: the pages' offsets and the skips. */
    record Read(List<Long> pages, List<OggSkip> skips) {
    }

    static Read resync(InputStream in) throws IOException, OggFormatException {
        List<OggSkip> skips = new ArrayList<>();
        OggPageReader reader = OggPageReader.resynchronising(in, skips::add);
        List<Long> pages = new ArrayList<>();
        for (OggPage page = reader.next(); page != null; page = reader.next()) {
            assertThat(OggCrc.page(reader.array(), reader.pageStart(), page.totalLength())).isEqualTo(page.storedCrc());
            pages.add(page.offset());
        }
        assertThat(reader.skippedBytes()).isEqualTo(skips.stream().mapToLong(OggSkip::length).sum());
        assertThat(reader.skips()).isEqualTo(skips.size());
        return new Read(pages, skips);
    }

    static Read resync(byte[] content) throws IOException, OggFormatException {
        return resync(new ByteArrayInputStream(content));
    }

    private static List<Long> offsets(List<Page> pages) {
        return pages.stream().map(Page::offset).toList();
    }

    @ParameterizedTest
    @EnumSource(Fixture.class)
    void aCleanFileReadsAsInStrictMode(Fixture fixture) throws Exception {
        byte[] file = fixture.bytes();
        Read read = resync(file);
        assertThat(read.skips()).isEmpty();
        assertThat(read.pages()).isEqualTo(offsets(OggTestFiles.scan(file)));
    }

    @Test
    void garbageBetweenPagesIsSkippedAndReported() throws Exception {
        byte[] file = Fixture.VORBIS.bytes();
        List<Page> pages = OggTestFiles.scan(file);
        int cut = (int) pages.get(5).offset();
        byte[] junk = "Icecast metadata: StreamTitle='x';".repeat(3).getBytes(StandardCharsets.US_ASCII);
        byte[] content = OggTestFiles.concat(Arrays.copyOf(file, cut), junk, Arrays.copyOfRange(file, cut, file.length));

        Read read = resync(content);

        assertThat(read.skips()).containsExactly(new OggSkip(cut, junk.length, Kind.LOST_SYNC));
        assertThat(read.pages()).hasSize(pages.size());
        assertThat(read.pages().get(5)).isEqualTo(cut + junk.length);
        // the strict reader refuses the same content at the same byte
        assertThatThrownBy(() -> OggPageReaderTest.readAll(new ByteArrayInputStream(content)))
                .isInstanceOfSatisfying(OggFormatException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.LOST_SYNC);
                    assertThat(e.offset()).isEqualTo(cut);
                });
    }

    @Test
    void leadingAndTrailingGarbage() throws Exception {
        byte[] file = Fixture.SPEEX.bytes();
        byte[] head = new byte[777];
        new Random(1).nextBytes(head);
        byte[] content = OggTestFiles.concat(head, file, "TAG-trailer".getBytes(StandardCharsets.US_ASCII));

        Read read = resync(content);

        assertThat(read.pages()).hasSize(5).first().isEqualTo(777L);
        assertThat(read.skips()).containsExactly(new OggSkip(0, 777, Kind.LOST_SYNC),
                new OggSkip(777 + file.length, 11, Kind.LOST_SYNC));
    }

    @Test
    void aDamagedPageIsSkippedWholeAndNeverReturned() throws Exception {
        byte[] file = Fixture.THEORA_VORBIS.bytes();
        List<Page> pages = OggTestFiles.scan(file);
        Page bad = pages.get(6);
        file[(int) bad.offset() + 1000] ^= 0x20;

        Read read = resync(file);

        assertThat(read.skips()).containsExactly(new OggSkip(bad.offset(), bad.length(), Kind.BAD_CRC));
        List<Long> expected = new ArrayList<>(offsets(pages));
        expected.remove(bad.offset());
        assertThat(read.pages()).isEqualTo(expected);
    }

    @Test
    void aLyingSegmentTableCostsOnlyItsOwnPage() throws Exception {
        // page 4's last lacing value claims more bytes: its CRC fails, the next page is found inside
        byte[] file = Fixture.VORBIS.bytes();
        List<Page> pages = OggTestFiles.scan(file);
        Page bad = pages.get(4);
        int o = (int) bad.offset();
        file[o + 27 + (file[o + 26] & 0xff) - 1] = (byte) 254;

        Read read = resync(file);

        assertThat(read.skips()).containsExactly(new OggSkip(bad.offset(), bad.length(), Kind.BAD_CRC));
        assertThat(read.pages()).hasSize(pages.size() - 1);
    }

    @Test
    void aFakeCapturePatternInsideGarbageDoesNotEndTheRun() throws Exception {
        byte[] file = Fixture.OPUS.bytes();
        List<Page> pages = OggTestFiles.scan(file);
        int cut = (int) pages.get(3).offset();
        byte[] fake = pages.get(2).length() > 0 ? OggTestFiles.bytes(file, pages.get(2)) : null;
        fake[fake.length / 2] ^= 1; // a whole page with a bad CRC, inside garbage
        byte[] junk = OggTestFiles.concat("xxOggSyy".getBytes(StandardCharsets.US_ASCII), fake, new byte[] {1, 2});
        byte[] content = OggTestFiles.concat(Arrays.copyOf(file, cut), junk, Arrays.copyOfRange(file, cut, file.length));

        Read read = resync(content);

        assertThat(read.skips()).containsExactly(new OggSkip(cut, junk.length, Kind.LOST_SYNC));
        assertThat(read.pages()).hasSize(pages.size());
    }

    @Test
    void aStreamEndingInsideAPageSkipsTheRest() throws Exception {
        byte[] file = Fixture.FLAC.bytes();
        List<Page> pages = OggTestFiles.scan(file);
        Page last = pages.get(pages.size() - 1);
        byte[] cut = Arrays.copyOf(file, file.length - 10);

        Read read = resync(cut);

        assertThat(read.pages()).hasSize(pages.size() - 1);
        assertThat(read.skips()).containsExactly(new OggSkip(last.offset(), last.length() - 10, Kind.TRUNCATED));
    }

    @Test
    void noiseOnlyAndEmptyInput() throws Exception {
        byte[] noise = new byte[100_000];
        new Random(5).nextBytes(noise);
        Read read = resync(noise);
        assertThat(read.pages()).isEmpty();
        assertThat(read.skips()).containsExactly(new OggSkip(0, noise.length, Kind.LOST_SYNC));

        Read empty = resync(new byte[0]);
        assertThat(empty.pages()).isEmpty();
        assertThat(empty.skips()).isEmpty();
    }

    /** Damage random pages; the reader returns exactly the intact ones, and reports each damaged run once. */
    @Test
    void randomDamageLosesExactlyTheDamagedPages() throws Exception {
        byte[] original = Fixture.THEORA_VORBIS.bytes();
        List<Page> pages = OggTestFiles.scan(original);
        Random random = new Random(42);
        for (int round = 0; round < 50; round++) {
            byte[] file = original.clone();
            boolean[] damaged = new boolean[pages.size()];
            for (int i = 0; i < pages.size(); i++) {
                if (random.nextInt(3) == 0) {
                    damaged[i] = true;
                    Page p = pages.get(i);
                    file[(int) p.offset() + 4 + random.nextInt(p.length() - 4)] ^= (byte) (1 + random.nextInt(255));
                }
            }
            Read read = resync(file);

            List<Long> intact = new ArrayList<>();
            List<OggSkip> runs = new ArrayList<>();
            for (int i = 0; i < pages.size(); i++) {
                Page p = pages.get(i);
                if (!damaged[i]) {
                    intact.add(p.offset());
                } else if (i > 0 && damaged[i - 1]) {
                    OggSkip run = runs.remove(runs.size() - 1);
                    runs.add(new OggSkip(run.offset(), run.length() + p.length(), run.reason()));
                } else {
                    runs.add(new OggSkip(p.offset(), p.length(), Kind.BAD_CRC));
                }
            }
            assertThat(read.pages()).as("round %d", round).isEqualTo(intact);
            assertThat(read.skips()).extracting(OggSkip::offset, OggSkip::length).as("round %d", round)
                    .isEqualTo(runs.stream().map(r -> org.assertj.core.groups.Tuple.tuple(r.offset(), r.length()))
                            .toList());
        }
    }

    @Test
    void aTricklingStreamGivesTheSamePagesAndSkips() throws Exception {
        byte[] file = Fixture.VORBIS.bytes();
        byte[] content = OggTestFiles.concat(new byte[] {'O', 'g', 'g'}, Arrays.copyOf(file, 20_000), new byte[33],
                Arrays.copyOfRange(file, 20_000, file.length));
        assertThat(resync(new Trickle(new ByteArrayInputStream(content)))).isEqualTo(resync(content));
    }

    // ---- live mode: fed in chunks, the same pages and skips ----

    /** Reads {@code content} with a live reader fed in random chunks (1 byte to 64 KiB, log-uniform). */
    static Read live(byte[] content, Random random) {
        List<OggSkip> skips = new ArrayList<>();
        OggPageReader reader = OggPageReader.live(skips::add, 0);
        assertThat(reader.isLive()).isTrue();
        List<Long> pages = new ArrayList<>();
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(content);
        try {
            while (true) {
                for (OggPage page = reader.next(); page != null; page = reader.next()) {
                    assertThat(OggCrc.page(reader.array(), reader.pageStart(), page.totalLength()))
                            .isEqualTo(page.storedCrc());
                    pages.add(page.offset());
                }
                assertThat(reader.buffered()).isLessThanOrEqualTo(OggPageReader.BUFFER_LENGTH);
                if (!in.hasRemaining()) {
                    break;
                }
                int n = Math.min(in.remaining(), 1 + random.nextInt(1 << random.nextInt(17)));
                java.nio.ByteBuffer chunk = in.slice(in.position(), n);
                int taken = reader.feed(chunk);
                assertThat(taken).isPositive();
                in.position(in.position() + taken);
            }
            reader.endOfInput();
            for (OggPage page = reader.next(); page != null; page = reader.next()) {
                pages.add(page.offset());
            }
        } catch (IOException | OggFormatException e) {
            throw new AssertionError("a live reader throws nothing", e);
        }
        assertThat(reader.buffered()).isZero();
        assertThat(reader.pendingSkip()).isZero();
        assertThat(reader.skippedBytes()).isEqualTo(skips.stream().mapToLong(OggSkip::length).sum());
        return new Read(pages, skips);
    }

    /** Fuzzed files of every fixture: fed in random chunks, a live reader finds what a resynchronising one reads. */
    @Test
    @Timeout(60)
    void aLiveReaderFedInChunksFindsWhatTheResynchronisingReaderReads() throws Exception {
        Random random = new Random(0x11fe);
        int runs = 0;
        for (Fixture fixture : Fixture.values()) {
            byte[] file = fixture.bytes();
            List<Page> pages = OggTestFiles.scan(file);
            assertThat(live(file, random)).isEqualTo(resync(file));
            for (int i = 0; i < 150; i++) {
                byte[] mutant = OggTestFiles.mutate(file, pages, random);
                assertThat(live(mutant, random)).as("%s mutant %d", fixture, i).isEqualTo(resync(mutant));
                runs++;
            }
        }
        assertThat(runs).isEqualTo(150 * Fixture.values().length);
    }

    @Test
    void aLiveReaderCountsASkipInProgressAndContinuesItsOffsets() throws Exception {
        List<OggSkip> skips = new ArrayList<>();
        OggPageReader reader = OggPageReader.live(skips::add, 1000);
        byte[] junk = "no pages here, only words".getBytes(StandardCharsets.US_ASCII);
        reader.feed(java.nio.ByteBuffer.wrap(junk));
        assertThat(reader.next()).isNull();
        // all but the last three bytes, which could begin a capture pattern, are passed over
        assertThat(reader.pendingSkip()).isEqualTo(junk.length - 3);
        assertThat(skips).isEmpty();
        byte[] file = Fixture.SPEEX.bytes();
        // the capture pattern is found, but the run ends only with a whole valid page (the BOS page has 108 bytes)
        reader.feed(java.nio.ByteBuffer.wrap(file, 0, 100));
        assertThat(reader.next()).isNull();
        assertThat(skips).isEmpty();
        assertThat(reader.pendingSkip()).isEqualTo(junk.length);
        reader.feed(java.nio.ByteBuffer.wrap(file, 100, 100));
        assertThat(reader.next()).satisfies(p -> assertThat(p.offset()).isEqualTo(1000 + junk.length));
        assertThat(skips).containsExactly(new OggSkip(1000, junk.length, Kind.LOST_SYNC));
        assertThat(reader.pendingSkip()).isZero();
        assertThatThrownBy(() -> new OggPageReader(new ByteArrayInputStream(file)).feed(java.nio.ByteBuffer.allocate(1)))
                .isInstanceOf(IllegalStateException.class);
        reader.endOfInput();
        assertThatThrownBy(() -> reader.feed(java.nio.ByteBuffer.allocate(1))).isInstanceOf(IllegalStateException.class);
    }

    // ---- page size and memory limits, both modes ----

    /**
     * A page cannot be longer than 65,307 bytes: the segment count is one byte and each lacing value
     * is one byte, so 27 + 255 + 255 * 255 is the most a header can declare. There is nothing to
     * reject beyond it; what follows a maximal page's declared end is where the next page must begin.
     */
    @Test
    void aPageLongerThan65307BytesCannotBeDeclared() throws Exception {
        assertThat(OggPage.MAX_LENGTH).isEqualTo(27 + 255 + 255 * 255).isEqualTo(65_307);
        assertThat(OggPageReader.BUFFER_LENGTH).isEqualTo(OggPage.MAX_LENGTH);
        assertThatThrownBy(() -> new OggPage(0, 0, 0, 0, 0, 0, 256, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OggPage(0, 0, 0, 0, 0, 0, 255, 255 * 255 + 1))
                .isInstanceOf(IllegalArgumentException.class);

        byte[] lacing = new byte[255];
        Arrays.fill(lacing, (byte) 255);
        byte[] max = OggTestFiles.page(OggPage.BOS, -1, 1, 0, lacing, new byte[255 * 255]);
        assertThat(max).hasSize(65_307);
        assertThat(OggPageReaderTest.readAll(new ByteArrayInputStream(max)).get(0).totalLength()).isEqualTo(65_307);

        // one byte more "in" the page is one byte of garbage after it
        byte[] longer = OggTestFiles.concat(max, new byte[] {0});
        assertThatThrownBy(() -> OggPageReaderTest.readAll(new ByteArrayInputStream(longer)))
                .isInstanceOfSatisfying(OggFormatException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.LOST_SYNC);
                    assertThat(e.offset()).isEqualTo(65_307);
                });
        assertThat(resync(longer).skips()).containsExactly(new OggSkip(65_307, 1, Kind.LOST_SYNC));
    }

    /** The largest declaration, with nothing behind it: the reader reads and holds one page buffer, no more. */
    @Test
    void aLargeDeclaredLengthAllocatesNothingBeyondThePageBuffer() throws Exception {
        byte[] lacing = new byte[255];
        Arrays.fill(lacing, (byte) 255);
        byte[] declared = Arrays.copyOf(OggTestFiles.page(OggPage.BOS, 0, 1, 0, lacing, new byte[255 * 255]), 300);
        Throwable thrown = null;
        long allocated = 0;
        for (int warm = 0; warm < 3; warm++) { // the first rounds load classes
            ByteArrayInputStream in = new ByteArrayInputStream(declared);
            long before = OggTestFiles.allocatedBytes();
            try {
                new OggPageReader(in).next();
            } catch (OggFormatException e) {
                thrown = e;
            }
            allocated = OggTestFiles.allocatedBytes() - before;
        }
        assertThat(thrown).isInstanceOfSatisfying(OggFormatException.class,
                e -> assertThat(e.kind()).isEqualTo(Kind.TRUNCATED));
        assertThat(allocated).isBetween((long) OggPageReader.BUFFER_LENGTH, OggPageReader.BUFFER_LENGTH + 32_768L);
    }

    /**
     * A hostile live stream: 1 MiB of fake page headers, each declaring a maximal page. Every one is
     * tried once (one CRC over at most one page); the reader allocates nothing while it scans, and
     * finishes.
     */
    @Test
    @Timeout(20)
    void hostileFakeHeadersCostABoundedScan() throws Exception {
        byte[] fake = new byte[27 + 255];
        System.arraycopy("OggS".getBytes(StandardCharsets.US_ASCII), 0, fake, 0, 4);
        fake[26] = (byte) 255;
        Arrays.fill(fake, 27, fake.length, (byte) 255);
        byte[] content = new byte[1 << 20];
        for (int i = 0; i + fake.length <= content.length; i += fake.length) {
            System.arraycopy(fake, 0, content, i, fake.length);
        }
        List<OggSkip> skips = new ArrayList<>();
        OggPageReader reader = OggPageReader.resynchronising(new ByteArrayInputStream(content), skips::add);
        long before = OggTestFiles.allocatedBytes();
        assertThat(reader.next()).isNull();
        long allocated = OggTestFiles.allocatedBytes() - before;
        assertThat(skips).containsExactly(new OggSkip(0, content.length, Kind.BAD_CRC));
        assertThat(allocated).isLessThan(16_384);
    }
}
