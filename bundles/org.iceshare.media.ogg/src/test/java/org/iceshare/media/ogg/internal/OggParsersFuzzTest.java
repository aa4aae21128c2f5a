package org.iceshare.media.ogg.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.iceshare.api.media.LiveCut;
import org.iceshare.api.media.LivePiece;
import org.iceshare.api.media.MediaLayout;
import org.iceshare.api.media.MediaLayout.Segment;
import org.iceshare.api.swarm.PieceInfo;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the Ogg parsers that untrusted bytes reach: the live page reader and the
 * live cutter (a pushed or pulled stream, in reads cut anywhere), and the strict file layout (a file an
 * operator publishes may come from anywhere). In the normal test run this replays the seeds and past
 * findings in {@code OggParsersFuzzTestInputs/}; {@code bench/fuzz.sh} fuzzes each for minutes.
 * {@link OggFuzzTest} mutates the corpus files at random as well; these targets are guided by coverage.
 */
class OggParsersFuzzTest {

    /**
     * The live reader, fed in reads cut anywhere, returns only pages with a valid CRC, accounts for every
     * byte (pages plus skipped runs), never holds more than its one buffer, and finds the same pages as
     * the resynchronising reader over the same bytes as one stream.
     */
    @FuzzTest(maxDuration = "10s")
    void liveReader(FuzzedDataProvider data) throws IOException, OggFormatException {
        long splitSeed = data.consumeLong();
        byte[] input = data.consumeRemainingAsBytes();

        long[] skipped = {0};
        OggPageReader live = OggPageReader.live(skip -> {
            assertThat(skip.offset()).isBetween(0L, (long) input.length - 1);
            skipped[0] += skip.length();
        }, 0);
        List<OggPage> livePages = new ArrayList<>();
        long inPages = 0;
        for (byte[] read : split(input, new Random(splitSeed))) {
            ByteBuffer bytes = ByteBuffer.wrap(read);
            while (bytes.hasRemaining()) {
                assertThat(live.feed(bytes)).as("a drained reader takes bytes").isPositive();
                assertThat(live.buffered()).isLessThanOrEqualTo(OggPageReader.BUFFER_LENGTH);
                inPages += drain(live, livePages);
            }
        }
        live.endOfInput();
        inPages += drain(live, livePages);
        assertThat(live.pendingSkip()).isZero();
        assertThat(inPages + skipped[0]).as("every byte is in a page or skipped").isEqualTo(input.length);
        assertThat(live.skippedBytes()).isEqualTo(skipped[0]);

        OggPageReader stream = OggPageReader.resynchronising(new ByteArrayInputStream(input), skip -> { });
        List<OggPage> streamPages = new ArrayList<>();
        drain(stream, streamPages);
        assertThat(livePages).as("the same pages whatever the reads").isEqualTo(streamPages);
    }

    private static long drain(OggPageReader reader, List<OggPage> pages) throws IOException, OggFormatException {
        long bytes = 0;
        for (OggPage page = reader.next(); page != null; page = reader.next()) {
            assertThat(page.totalLength()).isLessThanOrEqualTo(OggPage.MAX_LENGTH);
            assertThat(OggCrc.page(reader.array(), reader.pageStart(), page.totalLength()))
                    .isEqualTo(page.storedCrc());
            pages.add(page);
            bytes += page.totalLength();
        }
        return bytes;
    }

    /**
     * The live cutter, fed in reads cut anywhere: every piece is whole pages with valid CRCs (a strict
     * reader takes it), within the piece and header limits; times never go back; every byte fed is in a
     * piece or counted as skipped; its buffers stay within their bounds.
     */
    @FuzzTest(maxDuration = "10s")
    void liveCutter(FuzzedDataProvider data) throws IOException, OggFormatException {
        long target = data.consumeLong(1, 2_000_000);
        long splitSeed = data.consumeLong();
        byte[] input = data.consumeRemainingAsBytes();

        OggLiveCutter cutter = new OggLiveCutter(target);
        List<LiveCut> cuts = new ArrayList<>();
        for (byte[] read : split(input, new Random(splitSeed))) {
            cuts.add(cutter.accept(ByteBuffer.wrap(read)));
            assertThat(cutter.bufferedBytes()).isLessThanOrEqualTo(
                    (long) OggPageReader.BUFFER_LENGTH + PieceInfo.MAX_LENGTH + OggLiveCutter.MAX_HEADER_BYTES);
        }
        cuts.add(cutter.flush());
        assertThat(cutter.bufferedBytes()).as("nothing held after a flush").isZero();

        long inPieces = 0;
        long skipped = 0;
        long lastStart = Long.MIN_VALUE;
        long lastEnd = Long.MIN_VALUE;
        for (LiveCut cut : cuts) {
            skipped += cut.skippedBytes();
            assertThat(cut.problems()).hasSizeLessThanOrEqualTo(OggLiveCutter.MAX_PROBLEMS + 1);
            for (LivePiece piece : cut.pieces()) {
                assertThat(piece.length()).isPositive();
                assertThat(piece.length()).isLessThanOrEqualTo(
                        piece.header() ? OggLiveCutter.MAX_HEADER_BYTES : PieceInfo.MAX_LENGTH);
                assertWholePages(piece.data());
                assertThat(piece.endMicros()).isGreaterThanOrEqualTo(piece.startMicros());
                assertThat(piece.startMicros()).isGreaterThanOrEqualTo(Math.max(0, lastStart));
                assertThat(piece.endMicros()).isGreaterThanOrEqualTo(lastEnd);
                if (piece.header()) {
                    assertThat(piece.linkStart()).isTrue();
                }
                lastStart = piece.startMicros();
                lastEnd = piece.endMicros();
                inPieces += piece.length();
            }
        }
        assertThat(inPieces + skipped).as("every byte fed is in a piece or skipped").isEqualTo(input.length);
    }

    private static void assertWholePages(ByteBuffer data) throws IOException, OggFormatException {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        OggPageReader strict = new OggPageReader(new ByteArrayInputStream(bytes));
        long total = 0;
        for (OggPage page = strict.next(); page != null; page = strict.next()) {
            total += page.totalLength();
        }
        assertThat(total).as("a piece is whole, valid pages").isEqualTo(bytes.length);
    }

    /**
     * The strict file layout either cuts the input into pieces that start on pages and cover it, or
     * refuses it with an {@link OggFormatException} that says where and why; nothing else escapes.
     */
    @FuzzTest(maxDuration = "10s")
    void fileLayout(byte[] input) throws IOException {
        MediaLayout layout;
        try {
            layout = new OggFormat(4096).layout(new ByteArrayInputStream(input));
        } catch (OggFormatException e) {
            assertThat(e.offset()).isBetween(0L, (long) input.length);
            assertThat(e.kind()).isNotNull();
            assertThat(e.detail()).isNotBlank();
            return;
        }
        assertThat(layout.length()).isEqualTo(input.length);
        long at = 0;
        for (Segment s : layout.pieces()) {
            assertThat(s.offset()).isEqualTo(at);
            assertThat(s.length()).isBetween(1, PieceInfo.MAX_LENGTH);
            assertThat(new String(input, (int) s.offset(), 4, java.nio.charset.StandardCharsets.US_ASCII))
                    .isEqualTo("OggS");
            assertThat(s.endMicros()).isGreaterThanOrEqualTo(s.startMicros());
            at += s.length();
        }
        assertThat(at).isEqualTo(input.length);
    }

    /** Splits the input into reads of 1 to 300 bytes or, now and then, a larger piece. */
    static List<byte[]> split(byte[] input, Random random) {
        List<byte[]> reads = new ArrayList<>();
        int at = 0;
        while (at < input.length) {
            int n = random.nextInt(8) == 0 ? 1 + random.nextInt(input.length) : 1 + random.nextInt(300);
            n = Math.min(n, input.length - at);
            byte[] read = new byte[n];
            System.arraycopy(input, at, read, 0, n);
            reads.add(read);
            at += n;
        }
        return reads;
    }
}
