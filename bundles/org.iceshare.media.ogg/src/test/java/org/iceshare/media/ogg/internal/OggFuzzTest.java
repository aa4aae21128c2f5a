package org.iceshare.media.ogg.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.iceshare.api.media.MediaLayout;
import org.iceshare.api.media.MediaLayout.Segment;
import org.iceshare.media.ogg.internal.OggCorpusTest.Corpus;
import org.iceshare.media.ogg.internal.OggFormatException.Kind;
import org.iceshare.media.ogg.internal.OggTestFiles.Page;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Random mutations of every corpus file (a fixed seed, for {@value #SECONDS} seconds): the strict
 * layout either cuts a mutant properly or refuses it with an {@link OggFormatException} carrying a
 * kind, an offset inside the content and an explanation; nothing else escapes. The resynchronising
 * reader accounts for every byte of a mutant, as pages with a valid CRC or reported skips. Neither
 * allocates in proportion to anything the input declares: each call stays under a fixed bound
 * ({@value #ALLOCATION_BOUND} bytes), measured with HotSpot's per-thread allocation counter.
 */
@ExtendWith(OggCorpus.class)
class OggFuzzTest {
    static final int SECONDS = 3;
    /**
     * The most one call may allocate: the page buffer (65,307 bytes), per-stream state, the piece
     * list of a file of at most 200 KB cut at 4 KiB, an exception's message. Not the input size, and
     * not any length declared inside it.
     */
    static final long ALLOCATION_BOUND = 1 << 20;

    private static final Logger LOG = LoggerFactory.getLogger(OggFuzzTest.class);

    /** The corpus files and their pages, each with its own seed so a failure can be replayed. */
    private static List<byte[]> files() {
        List<byte[]> out = new ArrayList<>();
        for (Corpus c : Corpus.values()) {
            out.add(c.bytes());
        }
        out.add(OggCorpus.bytes("bad-oggz-merge.ogg"));
        out.add(OggCorpus.bytes("bad-header-order.ogg"));
        return out;
    }

    @Test
    @Timeout(SECONDS + 30)
    void mutatedCorpusFilesFailOnlyWithTypedErrors() throws IOException {
        List<byte[]> files = files();
        List<List<Page>> pages = files.stream().map(OggTestFiles::scan).toList();
        OggFormat format = new OggFormat(4096);
        Random random = new Random(0x1ce5_4a7eL);
        Map<Kind, Integer> refused = new EnumMap<>(Kind.class);
        int accepted = 0;
        int runs = 0;
        long maxAllocated = 0;
        long deadline = System.nanoTime() + SECONDS * 1_000_000_000L;
        for (int warm = 0; warm < 2; warm++) { // load the classes before measuring
            for (byte[] f : files) {
                try {
                    format.layout(new ByteArrayInputStream(f));
                } catch (OggFormatException e) {
                    refused.clear();
                }
            }
        }
        while (System.nanoTime() < deadline) {
            int which = random.nextInt(files.size());
            byte[] mutant = OggTestFiles.mutate(files.get(which), pages.get(which), random);
            ByteArrayInputStream in = new ByteArrayInputStream(mutant);
            long before = OggTestFiles.allocatedBytes();
            MediaLayout layout = null;
            OggFormatException error = null;
            try {
                layout = format.layout(in);
            } catch (OggFormatException e) {
                error = e;
            }
            long allocated = OggTestFiles.allocatedBytes() - before;
            maxAllocated = Math.max(maxAllocated, allocated);
            assertThat(allocated).as("allocation of run %d", runs).isLessThan(ALLOCATION_BOUND);
            if (error != null) {
                assertThat(error.offset()).isBetween(0L, (long) mutant.length);
                assertThat(error.detail()).isNotBlank();
                assertThat(error.getMessage()).startsWith("ogg at byte " + error.offset() + ": ");
                refused.merge(error.kind(), 1, Integer::sum);
            } else {
                assertConsistent(mutant, layout);
                accepted++;
            }
            runs++;
        }
        LOG.info("layout fuzz: {} mutants in {} s, {} accepted, refused {}, at most {} bytes allocated per call", runs,
                SECONDS, accepted, refused, maxAllocated);
        assertThat(runs).isGreaterThan(500);
        assertThat(accepted).isPositive();
        assertThat(refused.keySet()).contains(Kind.BAD_CRC, Kind.TRUNCATED, Kind.LOST_SYNC, Kind.NOT_OGG,
                Kind.BAD_VERSION, Kind.NO_BOS, Kind.BOS_MISPLACED, Kind.BAD_HEADER, Kind.BAD_CONTINUATION);
        assertThat(maxAllocated).isLessThan(ALLOCATION_BOUND);
    }

    /** What every accepted layout keeps, whatever came in. */
    private static void assertConsistent(byte[] file, MediaLayout layout) {
        assertThat(layout.length()).isEqualTo(file.length);
        long at = 0;
        for (Segment s : layout.pieces()) {
            assertThat(s.offset()).isEqualTo(at);
            assertThat(new String(file, (int) s.offset(), 4, java.nio.charset.StandardCharsets.US_ASCII))
                    .isEqualTo("OggS");
            assertThat(s.endMicros()).isGreaterThanOrEqualTo(s.startMicros());
            at += s.length();
        }
        for (MediaLayout.Link l : layout.links()) {
            assertThat(l.endMicros()).isGreaterThanOrEqualTo(l.startMicros());
            assertThat(l.codecs().length()).isLessThanOrEqualTo(255);
        }
    }

    @Test
    @Timeout(SECONDS + 30)
    void theResynchronisingReaderAccountsForEveryByte() throws IOException, OggFormatException {
        List<byte[]> files = files();
        List<List<Page>> pages = files.stream().map(OggTestFiles::scan).toList();
        Random random = new Random(0x5eed_0f_0d_d5L);
        long deadline = System.nanoTime() + SECONDS * 1_000_000_000L;
        int runs = 0;
        long skipped = 0;
        while (System.nanoTime() < deadline) {
            int which = random.nextInt(files.size());
            byte[] mutant = OggTestFiles.mutate(files.get(which), pages.get(which), random);
            long[] skippedHere = {0};
            OggPageReader reader = OggPageReader.resynchronising(new ByteArrayInputStream(mutant), s -> {
                assertThat(s.offset()).isBetween(0L, (long) mutant.length - 1);
                skippedHere[0] += s.length();
            });
            long before = OggTestFiles.allocatedBytes();
            long inPages = 0;
            for (OggPage page = reader.next(); page != null; page = reader.next()) {
                assertThat(OggCrc.page(reader.array(), reader.pageStart(), page.totalLength()))
                        .isEqualTo(page.storedCrc());
                inPages += page.totalLength();
            }
            assertThat(OggTestFiles.allocatedBytes() - before).isLessThan(ALLOCATION_BOUND);
            assertThat(inPages + skippedHere[0]).as("run %d", runs).isEqualTo(mutant.length);
            skipped += skippedHere[0];
            runs++;
        }
        LOG.info("resync fuzz: {} mutants in {} s, {} bytes skipped in all, every byte accounted for", runs, SECONDS,
                skipped);
        assertThat(runs).isGreaterThan(500);
        assertThat(skipped).isPositive();
    }
}
