package org.iceshare.media.ogg.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.iceshare.api.swarm.ChainLink;
import org.iceshare.api.media.LiveCut;
import org.iceshare.api.media.LiveCutter;
import org.iceshare.api.media.LivePiece;
import org.iceshare.api.media.MediaLayout;
import org.iceshare.api.media.MediaLayout.Segment;
import org.iceshare.api.swarm.PieceInfo;
import org.iceshare.media.ogg.internal.OggCorpus.Result;
import org.iceshare.media.ogg.internal.OggCorpusTest.Corpus;
import org.iceshare.media.ogg.internal.OggTestFiles.Fixture;
import org.iceshare.media.ogg.internal.OggTestFiles.Page;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The live cutter ({@link OggLiveCutter}), fed with the real encoders' corpus in random chunks,
 * with garbage, damage, streams joined mid-way, restarted producers, hostile input, and a real
 * {@code ffmpeg -f ogg -} encode read from its stdout. The file layout ({@link OggFormat#layout}) is
 * the oracle for headers, bytes and link times; the naive scanner of {@link OggTestFiles} for pages
 * and keyframes; {@code ffmpeg -v error -f null} for whether the output decodes.
 */
@ExtendWith(OggCorpus.class)
class OggLiveCutterTest {
    private static final long SEED = 0x11fe_c0de_5eedL;
    private static final long TARGET = 500_000;

    /** Everything a cutter gave for an input. */
    record Output(List<LivePiece> pieces, long skipped, List<String> problems, long fed, long maxBuffered) {
        List<LivePiece> data() {
            return pieces.stream().filter(p -> !p.header()).toList();
        }

        List<LivePiece> headers() {
            return pieces.stream().filter(LivePiece::header).toList();
        }

        byte[] bytes() {
            return concat(pieces);
        }

        long outBytes() {
            return pieces.stream().mapToLong(LivePiece::length).sum();
        }
    }

    /** Feeds {@code parts} in turn, each in random chunks of 1 byte to 64 KiB (log-uniform, seeded), then flushes. */
    static Output cut(long target, long seed, byte[]... parts) {
        LiveCutter cutter = new OggFormat(OggFormat.DEFAULT_PIECE_SIZE).liveCutter(target).orElseThrow();
        Collector c = new Collector((OggLiveCutter) cutter);
        Random random = new Random(seed);
        for (byte[] part : parts) {
            int at = 0;
            while (at < part.length) {
                int n = Math.min(part.length - at, 1 + random.nextInt(1 << random.nextInt(17)));
                c.accept(ByteBuffer.wrap(part, at, n));
                at += n;
            }
        }
        return c.flush();
    }

    static Output cut(byte[]... parts) {
        return cut(TARGET, SEED, parts);
    }

    /** Collects a cutter's output and checks what must hold after every call. */
    static final class Collector {
        final OggLiveCutter cutter;
        final List<LivePiece> pieces = new ArrayList<>();
        final List<String> problems = new ArrayList<>();
        long skipped;
        long fed;
        long maxBuffered;

        Collector(OggLiveCutter cutter) {
            this.cutter = cutter;
        }

        LiveCut accept(ByteBuffer chunk) {
            fed += chunk.remaining();
            LiveCut cut = cutter.accept(chunk);
            assertThat(chunk.hasRemaining()).isFalse();
            take(cut);
            return cut;
        }

        /** Flushes mid-stream (a source that went away) and returns what that gave. */
        LiveCut flushNow() {
            LiveCut cut = cutter.flush();
            take(cut);
            return cut;
        }

        Output flush() {
            take(cutter.flush());
            assertThat(cutter.bufferedBytes()).isZero();
            // every byte fed is in a piece or skipped
            assertThat(pieces.stream().mapToLong(LivePiece::length).sum() + skipped).as("bytes accounted for")
                    .isEqualTo(fed);
            return new Output(List.copyOf(pieces), skipped, List.copyOf(problems), fed, maxBuffered);
        }

        private void take(LiveCut cut) {
            assertThat(cut.skippedBytes()).isNotNegative();
            assertThat(cut.problems()).hasSizeLessThanOrEqualTo(OggLiveCutter.MAX_PROBLEMS + 1);
            pieces.addAll(cut.pieces());
            problems.addAll(cut.problems());
            skipped += cut.skippedBytes();
            long buffered = cutter.bufferedBytes();
            maxBuffered = Math.max(maxBuffered, buffered);
            assertThat(buffered).isLessThanOrEqualTo(OggPage.MAX_LENGTH + PieceInfo.MAX_LENGTH
                    + (long) ChainLink.MAX_HEADER_BYTES);
            assertThat(cutter.bufferCapacity()).isLessThanOrEqualTo(OggPageReader.BUFFER_LENGTH
                    + (long) PieceInfo.MAX_LENGTH + ChainLink.MAX_HEADER_BYTES);
            // pieces, bytes in pieces, skipped and held bytes add up to what was fed
            assertThat(pieces.stream().mapToLong(LivePiece::length).sum() + skipped + buffered).isEqualTo(fed);
        }
    }

    static byte[] concat(List<LivePiece> pieces) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (LivePiece p : pieces) {
            ByteBuffer b = p.data();
            byte[] a = new byte[b.remaining()];
            b.get(a);
            out.writeBytes(a);
        }
        return out.toByteArray();
    }

    static MediaLayout layout(byte[] file, int target) throws Exception {
        return new OggFormat(target).layout(new ByteArrayInputStream(file));
    }

    /** What holds for any output: pieces are whole pages, times never go back, links come with their headers. */
    static void assertWellFormed(Output out) {
        long lastStart = 0;
        long lastEnd = 0;
        boolean inLink = false;
        boolean afterHeader = false;
        String codecs = null;
        for (int i = 0; i < out.pieces().size(); i++) {
            LivePiece p = out.pieces().get(i);
            byte[] bytes = concat(List.of(p));
            assertThat(bytes.length).isPositive().isLessThanOrEqualTo(PieceInfo.MAX_LENGTH);
            // whole pages with good CRCs, nothing else
            List<Page> pages = OggTestFiles.scan(bytes);
            for (Page page : pages) {
                assertThat(OggTestFiles.withCrc(OggTestFiles.bytes(bytes, page)))
                        .as("piece %d: page at %d has its CRC", i, page.offset())
                        .isEqualTo(OggTestFiles.bytes(bytes, page));
            }
            assertThat(p.startMicros()).as("piece %d start", i).isGreaterThanOrEqualTo(lastStart);
            assertThat(p.endMicros()).as("piece %d end", i).isGreaterThanOrEqualTo(Math.max(p.startMicros(), lastEnd));
            if (p.header()) {
                assertThat(p.linkStart()).isTrue();
                assertThat(p.startPoint()).isFalse();
                assertThat(p.startMicros()).as("a link starts where the previous ended").isEqualTo(lastEnd)
                        .isEqualTo(p.endMicros());
                assertThat((pages.get(0).flags() & OggPage.BOS)).isNotZero();
                assertThat(bytes.length).isLessThanOrEqualTo(ChainLink.MAX_HEADER_BYTES);
                assertThat(p.codecs()).isNotEmpty();
                codecs = p.codecs();
                inLink = true;
                afterHeader = true;
            } else {
                assertThat(inLink).as("data piece %d comes after its link's headers", i).isTrue();
                assertThat(p.linkStart()).isFalse();
                assertThat(p.codecs()).isEqualTo(codecs);
                if (afterHeader) {
                    assertThat(p.startPoint()).as("a link's first data piece is a start point").isTrue();
                }
                afterHeader = false;
                lastStart = p.startMicros();
            }
            lastEnd = p.endMicros();
        }
    }

    // ---- the corpus in random chunks: the file layout's headers, the file's bytes, the file's times ----

    static Stream<Arguments> corpusAndSeeds() {
        return Arrays.stream(Corpus.values()).flatMap(c -> Stream.of(Arguments.of(c, SEED), Arguments.of(c, 7L)));
    }

    @ParameterizedTest(name = "{0}, seed {1}")
    @MethodSource("corpusAndSeeds")
    void aFileInRandomChunksGivesItsHeadersAndItsBytes(Corpus corpus, long seed) throws Exception {
        byte[] file = corpus.bytes();
        Output out = cut(TARGET, seed, file);
        MediaLayout layout = layout(file, OggFormat.DEFAULT_PIECE_SIZE);

        assertThat(out.skipped()).isZero();
        assertThat(out.problems()).isEmpty();
        assertWellFormed(out);
        assertThat(out.bytes()).isEqualTo(file);
        assertThat(out.headers()).hasSameSizeAs(layout.links());
        long at = 0;
        int link = -1;
        for (LivePiece p : out.pieces()) {
            if (p.header()) {
                link++;
                MediaLayout.Link l = layout.links().get(link);
                assertThat(l.headerPieces()).isEqualTo(1);
                Segment h = layout.pieces().get(l.firstPiece());
                // the header piece is the file layout's header piece, byte for byte
                assertThat(at).isEqualTo(h.offset());
                assertThat(p.length()).isEqualTo(h.length());
                assertThat(p.codecs()).isEqualTo(l.codecs());
                assertThat(p.startMicros()).isEqualTo(l.startMicros());
            }
            at += p.length();
        }
        // the data pieces of each link tile the rest of it
        assertThat(out.data().stream().mapToLong(LivePiece::length).sum()).isEqualTo(file.length
                - layout.links().stream().mapToLong(l -> layout.pieces().get(l.firstPiece()).length()).sum());
        LivePiece last = out.pieces().get(out.pieces().size() - 1);
        assertThat(last.endMicros()).isEqualTo(Long.parseLong(layout.properties().get("durationMicros")));
    }

    /**
     * A data piece is handed out when its end is known, and its end is its last page's time: the
     * pieces' ends are those of the file layout's one-page pieces (the file cutter's times), so link
     * times follow each other as in the file.
     */
    @ParameterizedTest
    @EnumSource(Corpus.class)
    void dataPiecesEndAtTheirLastPagesTime(Corpus corpus) throws Exception {
        byte[] file = corpus.bytes();
        Output out = cut(file);
        MediaLayout pages = layout(file, 1);
        Map<Long, Segment> byEnd = new HashMap<>();
        pages.pieces().forEach(s -> byEnd.put(s.offset() + s.length(), s));
        long at = 0;
        long from = 0;
        long clock = 0;
        for (LivePiece p : out.pieces()) {
            at += p.length();
            if (!p.header()) {
                long expected = clock;
                for (Segment s : pages.pieces()) {
                    if (s.offset() >= from && s.offset() < at) {
                        expected = Math.max(expected, s.endMicros());
                    }
                }
                assertThat(byEnd).containsKey(at);
                assertThat(p.endMicros()).as("end of the piece ending at byte %d", at).isEqualTo(expected);
                clock = p.endMicros();
            }
            from = at;
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 40_000, 250_000, 1_000_000, 5_000_000})
    void everyTargetTilesTheFile(long target) throws Exception {
        for (Corpus corpus : Corpus.values()) {
            byte[] file = corpus.bytes();
            Output out = cut(target, SEED, file);
            assertWellFormed(out);
            assertThat(out.bytes()).as("%s at target %d", corpus, target).isEqualTo(file);
        }
    }

    @Test
    void aFileTrickledOneByteAtATime() throws Exception {
        byte[] file = Fixture.VORBIS.bytes();
        OggLiveCutter cutter = new OggLiveCutter(TARGET);
        Collector c = new Collector(cutter);
        for (int i = 0; i < file.length; i++) {
            c.accept(ByteBuffer.wrap(file, i, 1));
        }
        Output out = c.flush();
        assertThat(out.bytes()).isEqualTo(file);
        // the same pieces, with the same times, however the bytes are cut
        Output chunked = cut(file);
        assertThat(out.pieces()).hasSameSizeAs(chunked.pieces());
        for (int i = 0; i < out.pieces().size(); i++) {
            LivePiece a = out.pieces().get(i);
            LivePiece b = chunked.pieces().get(i);
            assertThat(List.of(a.length(), a.startMicros(), a.endMicros(), a.startPoint(), a.header()))
                    .isEqualTo(List.of(b.length(), b.startMicros(), b.endMicros(), b.startPoint(), b.header()));
        }
        // at most one page, one unfinished piece and the link's header pages were held
        long largest = out.pieces().stream().mapToLong(LivePiece::length).max().orElseThrow();
        assertThat(out.maxBuffered()).isLessThanOrEqualTo(OggPage.MAX_LENGTH + largest + out.headers().get(0).length());
    }

    // ---- target duration ----

    /** The largest duration of one data page of a single-stream file: the file layout cut one page per piece. */
    private static long longestPage(byte[] file) throws Exception {
        MediaLayout pages = layout(file, 1);
        return pages.pieces().stream().skip(pages.headerPieces()).mapToLong(s -> s.endMicros() - s.startMicros())
                .max().orElseThrow();
    }

    static Stream<Arguments> audioAndTargets() {
        return Stream.of(Corpus.VORBIS, Corpus.VORBIS_22K_MONO, Corpus.OPUS, Corpus.FLAC, Corpus.SPEEX,
                Corpus.CHAIN_VORBIS_PARAMS, Corpus.CHAIN_VORBIS_OPUS, Corpus.CHAIN_THREE)
                .flatMap(c -> Stream.of(100_000L, 250_000L, 500_000L, 1_000_000L).map(t -> Arguments.of(c, t)));
    }

    /** Every data piece but the last of its link holds from the target to the target plus one page. */
    @ParameterizedTest(name = "{0}, target {1}")
    @MethodSource("audioAndTargets")
    void dataPiecesHoldTheTargetDuration(Corpus corpus, long target) throws Exception {
        byte[] file = corpus.bytes();
        long page = 0;
        for (String link : corpus.links) {
            page = Math.max(page, longestPage(OggCorpus.bytes(link)));
        }
        Output out = cut(target, SEED, file);
        List<LivePiece> pieces = out.pieces();
        int checked = 0;
        for (int i = 0; i < pieces.size(); i++) {
            LivePiece p = pieces.get(i);
            boolean lastOfLink = i + 1 == pieces.size() || pieces.get(i + 1).header();
            if (p.header() || lastOfLink) {
                continue;
            }
            long d = p.endMicros() - p.startMicros();
            assertThat(d).as("piece %d of %s", i, corpus).isGreaterThanOrEqualTo(target).isLessThan(target + page);
            checked++;
        }
        assertThat(checked).isPositive();
    }

    @Test
    void aTargetOutOfRangeIsRefused() {
        OggFormat format = new OggFormat(OggFormat.DEFAULT_PIECE_SIZE);
        assertThatThrownBy(() -> format.liveCutter(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> format.liveCutter(-5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> format.liveCutter(OggLiveCutter.MAX_TARGET_MICROS + 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(format.liveCutter(OggLiveCutter.MAX_TARGET_MICROS)).isPresent();
        assertThat(format.liveCutter(1)).isPresent();
    }

    // ---- Theora: keyframes start pieces ----

    static Stream<Corpus> withTheora() {
        return OggCorpusTest.withTheora();
    }

    /**
     * With a target under a frame, every keyframe page starts a piece, and the start points while
     * Theora plays are exactly the keyframe pages; with a larger target, start points on Theora pages
     * are still only keyframes.
     */
    @ParameterizedTest
    @MethodSource("withTheora")
    void theoraStartPointsAreKeyframes(Corpus corpus) throws Exception {
        byte[] file = corpus.bytes();
        Set<Long> keyframes = OggTestFiles.keyframePages(file);
        Map<Long, Page> byOffset = new HashMap<>();
        OggTestFiles.scan(file).forEach(p -> byOffset.put(p.offset(), p));
        int theora = OggTestFiles.scan(file).stream()
                .filter(p -> (p.flags() & OggPage.BOS) != 0 && file[(int) p.offset() + 28] == (byte) 0x80
                        && file[(int) p.offset() + 29] == 't')
                .findFirst().orElseThrow().serial();
        assertThat(keyframes).hasSizeGreaterThan(2);

        for (long target : new long[] {40_000, TARGET, 2_000_000}) {
            Output out = cut(target, SEED, file);
            assertThat(out.bytes()).isEqualTo(file);
            Set<Long> startPointsOnTheora = new TreeSet<>();
            Set<Long> pieceStarts = new TreeSet<>();
            long at = 0;
            for (LivePiece p : out.pieces()) {
                if (!p.header()) {
                    pieceStarts.add(at);
                    if (p.startPoint() && byOffset.get(at).serial() == theora) {
                        startPointsOnTheora.add(at);
                    }
                }
                at += p.length();
            }
            assertThat(keyframes).as("start points on Theora pages at target %d", target)
                    .containsAll(startPointsOnTheora);
            if (target == 40_000) {
                assertThat(pieceStarts).containsAll(keyframes);
                assertThat(startPointsOnTheora).isEqualTo(new TreeSet<>(keyframes));
            }
        }
    }

    // ---- chains ----

    @ParameterizedTest
    @EnumSource(value = Corpus.class, names = {"CHAIN_VORBIS_PARAMS", "CHAIN_VORBIS_OPUS", "CHAIN_THREE"})
    void chainedFilesGiveOneLinkPerFileWithTimeRunningOn(Corpus corpus) throws Exception {
        byte[] file = corpus.bytes();
        Output out = cut(file);
        MediaLayout layout = layout(file, OggFormat.DEFAULT_PIECE_SIZE);
        assertWellFormed(out);
        List<LivePiece> headers = out.headers();
        assertThat(headers).hasSize(corpus.links.size());
        assertThat(headers).extracting(LivePiece::codecs)
                .isEqualTo(layout.links().stream().map(MediaLayout.Link::codecs).toList());
        assertThat(headers).extracting(LivePiece::startMicros)
                .isEqualTo(layout.links().stream().map(MediaLayout.Link::startMicros).toList());
        for (int k = 1; k < headers.size(); k++) {
            assertThat(headers.get(k).startMicros()).isGreaterThan(headers.get(k - 1).startMicros());
        }
        // each link's bytes are the file that was concatenated there
        int k = -1;
        List<List<LivePiece>> links = new ArrayList<>();
        for (LivePiece p : out.pieces()) {
            if (p.linkStart()) {
                links.add(new ArrayList<>());
                k++;
            }
            links.get(k).add(p);
        }
        for (int i = 0; i < links.size(); i++) {
            assertThat(concat(links.get(i))).isEqualTo(OggCorpus.bytes(corpus.links.get(i)));
        }
    }

    /** Looping a file, as a radio plays a track again: a new link each time, times running on. */
    @Test
    void aLoopedFileIsAChainOfLinks() throws Exception {
        byte[] file = Corpus.OPUS.bytes();
        Output out = cut(file, file, file);
        assertWellFormed(out);
        assertThat(out.headers()).hasSize(3).extracting(LivePiece::startMicros)
                .containsExactly(0L, 4_000_000L, 8_000_000L);
        assertThat(out.pieces().get(out.pieces().size() - 1).endMicros()).isEqualTo(12_000_000L);
        assertThat(out.bytes()).isEqualTo(OggTestFiles.concat(file, file, file));
    }

    // ---- garbage and damage ----

    /** Junk after {@code pageIndexes}' pages; returns the content and where each junk run lies in it. */
    record Injected(byte[] content, List<long[]> runs, List<String> reasons) {
    }

    static Injected inject(byte[] file, int[] pageIndexes, Random random) {
        List<Page> pages = OggTestFiles.scan(file);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<long[]> runs = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        int from = 0;
        for (int i : pageIndexes) {
            int cut = (int) pages.get(i).offset();
            out.write(file, from, cut - from);
            byte[] junk;
            switch (runs.size() % 3) {
                case 0 -> {
                    junk = "ICY StreamTitle='live';".repeat(1 + random.nextInt(4)).getBytes(StandardCharsets.US_ASCII);
                    reasons.add("LOST_SYNC");
                }
                case 1 -> {
                    junk = new byte[1 + random.nextInt(3000)];
                    random.nextBytes(junk);
                    junk[0] = 'x';
                    reasons.add("LOST_SYNC");
                }
                default -> {
                    // a fake page header, then a damaged copy of a real page: the run starts with a bad CRC
                    byte[] copy = OggTestFiles.bytes(file, pages.get(Math.max(1, i - 1)));
                    copy[copy.length / 2] ^= 0x55;
                    junk = OggTestFiles.concat("OggS\0".getBytes(StandardCharsets.US_ASCII), copy, new byte[] {7, 7});
                    reasons.add("BAD_CRC");
                }
            }
            runs.add(new long[] {out.size(), junk.length});
            out.writeBytes(junk);
            from = cut;
        }
        out.write(file, from, file.length - from);
        return new Injected(out.toByteArray(), runs, reasons);
    }

    @ParameterizedTest
    @EnumSource(value = Corpus.class, names = {"VORBIS", "THEORA_VORBIS", "CHAIN_VORBIS_OPUS", "MUX_VORBIS_OPUS"})
    void garbageBetweenPagesIsSkippedAndReported(Corpus corpus, @TempDir Path tmp) throws Exception {
        byte[] file = corpus.bytes();
        int pages = OggTestFiles.scan(file).size();
        Random random = new Random(SEED);
        // junk early, in the middle, and before the last page
        int[] where = new TreeSet<>(List.of(3, pages / 3, pages / 2, pages - 1)).stream().mapToInt(Integer::intValue)
                .toArray();
        Injected injected = inject(file, where, random);

        Output out = cut(injected.content());

        long junk = injected.runs().stream().mapToLong(r -> r[1]).sum();
        assertThat(out.skipped()).isEqualTo(junk);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < injected.runs().size(); i++) {
            long[] r = injected.runs().get(i);
            expected.add("skipped " + r[1] + " bytes at byte " + r[0] + " (" + injected.reasons().get(i) + ")");
        }
        assertThat(out.problems()).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(out.problems().get(i)).startsWith(expected.get(i));
        }
        // nothing of the junk is passed on: the output is the file
        assertWellFormed(out);
        assertThat(out.bytes()).isEqualTo(file);
        assertEveryLinkDecodes(out, tmp);
    }

    /**
     * Each link of the output, written alone, decodes without an error (ffmpeg 5.1 is no oracle for a
     * chain whose codec or parameters change, so the links are decoded one by one).
     */
    private static void assertEveryLinkDecodes(Output out, Path tmp) throws IOException {
        List<List<LivePiece>> links = new ArrayList<>();
        for (LivePiece p : out.pieces()) {
            if (p.linkStart()) {
                links.add(new ArrayList<>());
            }
            links.get(links.size() - 1).add(p);
        }
        for (int k = 0; k < links.size(); k++) {
            Path link = tmp.resolve("link" + k + ".ogg");
            Files.write(link, concat(links.get(k)));
            assertDecodes(link);
        }
    }

    @Test
    void aDamagedPageIsDroppedAndTheRestDecodes(@TempDir Path tmp) throws Exception {
        byte[] file = Corpus.VORBIS.bytes();
        List<Page> pages = OggTestFiles.scan(file);
        Page bad = pages.get(pages.size() / 2);
        byte[] damaged = file.clone();
        damaged[(int) bad.offset() + 100] ^= 0x01;

        Output out = cut(damaged);

        assertThat(out.skipped()).isEqualTo(bad.length());
        assertThat(out.problems()).hasSize(1);
        assertThat(out.problems().get(0)).startsWith("skipped " + bad.length() + " bytes at byte " + bad.offset()
                + " (BAD_CRC)");
        assertWellFormed(out);
        byte[] expected = OggTestFiles.concat(Arrays.copyOf(file, (int) bad.offset()),
                Arrays.copyOfRange(file, (int) bad.end(), file.length));
        assertThat(out.bytes()).isEqualTo(expected);
        Path joined = tmp.resolve("damaged.ogg");
        Files.write(joined, out.bytes());
        Result r = OggCorpus.run("ffmpeg", "-nostdin", "-v", "error", "-i", joined.toString(), "-f", "null", "-");
        assertThat(r.exit()).as(r.stderr()).isZero();
    }

    /** The end of the input inside a page: the rest of it is skipped when the input ends. */
    @Test
    void aPageCutShortByTheEndOfTheInputIsSkippedAtTheFlush() throws Exception {
        byte[] file = Corpus.VORBIS.bytes();
        List<Page> pages = OggTestFiles.scan(file);
        Page last = pages.get(pages.size() - 1);
        byte[] cut = Arrays.copyOf(file, file.length - 10);

        Output out = cut(cut);

        assertThat(out.skipped()).isEqualTo(last.length() - 10);
        assertThat(out.problems()).hasSize(1);
        assertThat(out.problems().get(0)).startsWith("skipped " + (last.length() - 10) + " bytes at byte "
                + last.offset() + " (TRUNCATED)");
        assertThat(out.bytes()).isEqualTo(Arrays.copyOf(file, (int) last.offset()));
        // the unfinished piece came out at the flush, with its end known from its last page
        assertThat(out.data().get(out.data().size() - 1).endMicros()).isPositive();
    }

    /** Random damage of every kind the fuzzer knows: the output is always well formed, every byte accounted for. */
    @Test
    @Timeout(60)
    void randomDamageNeverPassesOnBadPages() throws Exception {
        List<byte[]> files = Stream.of(Corpus.VORBIS, Corpus.THEORA_VORBIS, Corpus.CHAIN_THREE, Corpus.MUX_VORBIS_OPUS,
                Corpus.SKELETON_CHOP).map(Corpus::bytes).toList();
        Random random = new Random(SEED);
        int runs = 0;
        for (; runs < 300; runs++) {
            byte[] original = files.get(runs % files.size());
            byte[] mutant = OggTestFiles.mutate(original, OggTestFiles.scan(original), random);
            Output out = cut(TARGET, runs, mutant);
            assertWellFormed(out);
        }
        assertThat(runs).isEqualTo(300);
    }

    // ---- streams joined mid-way, producers that restart ----

    @Test
    void aStreamJoinedMidWayWaitsForTheNextBosGroup() throws Exception {
        byte[] first = Corpus.VORBIS.bytes();
        byte[] second = Corpus.OPUS.bytes();
        List<Page> pages = OggTestFiles.scan(first);
        // the join falls inside page 6: the rest of it is garbage, then pages without their link's headers
        int join = (int) pages.get(6).offset() + 1000;
        byte[] tail = Arrays.copyOfRange(first, join, first.length);
        long partial = pages.get(7).offset() - join;
        long droppedPages = pages.size() - 7;
        long droppedBytes = first.length - pages.get(7).offset();

        Output out = cut(tail, second);

        assertWellFormed(out);
        assertThat(out.bytes()).isEqualTo(second);
        assertThat(out.headers()).hasSize(1).first().satisfies(h -> {
            assertThat(h.codecs()).isEqualTo("opus");
            assertThat(h.startMicros()).isZero();
        });
        assertThat(out.skipped()).isEqualTo(tail.length);
        assertThat(out.problems()).hasSize(3);
        assertThat(out.problems().get(0)).startsWith("skipped " + partial + " bytes at byte 0 (LOST_SYNC)");
        assertThat(out.problems().get(1)).startsWith("the page at byte " + partial + " (logical stream serial 1001) "
                + "is not a BOS page, and the input starts mid-way");
        assertThat(out.problems().get(2)).isEqualTo("dropped " + droppedPages + " page(s), " + droppedBytes
                + " bytes, from byte " + partial + "; a chain link begins at the BOS page at byte " + tail.length);
    }

    /** Icecast replays the headers to a late joiner, then goes on mid-stream: a sequence gap, tolerated. */
    @Test
    void headersReplayedBeforeALateJoinPlay(@TempDir Path tmp) throws Exception {
        byte[] file = Corpus.THEORA_VORBIS.bytes();
        MediaLayout layout = layout(file, 16_384);
        Segment headers = layout.pieces().get(0);
        Segment from = layout.pieces().stream().skip(1).filter(Segment::startPoint).skip(2).findFirst().orElseThrow();
        byte[] joined = OggTestFiles.concat(Arrays.copyOf(file, headers.length()),
                Arrays.copyOfRange(file, (int) from.offset(), file.length));

        Output out = cut(joined);

        assertThat(out.skipped()).isZero();
        assertThat(out.problems()).isEmpty();
        assertWellFormed(out);
        assertThat(out.bytes()).isEqualTo(joined);
        assertThat(out.data().get(0).startMicros()).isZero();
        Path path = tmp.resolve("late.ogv");
        Files.write(path, out.bytes());
        assertDecodes(path);
    }

    /** A producer that restarts without EOS pages (a new ffmpeg push relayed by Icecast): a new link at its BOS pages. */
    @Test
    void aRestartWithoutEosStartsANewLink() throws Exception {
        byte[] first = Corpus.VORBIS.bytes();
        byte[] second = Corpus.VORBIS_22K_MONO.bytes();
        List<Page> pages = OggTestFiles.scan(first);
        int stop = (int) pages.get(8).offset();
        byte[] cutShort = Arrays.copyOf(first, stop);
        MediaLayout cutLayout = layout(first, 1);
        long firstEnd = cutLayout.pieces().stream().filter(s -> s.offset() + s.length() == stop).findFirst()
                .orElseThrow().endMicros();

        Output out = cut(cutShort, second);

        assertWellFormed(out);
        assertThat(out.bytes()).isEqualTo(OggTestFiles.concat(cutShort, second));
        assertThat(out.skipped()).isZero();
        assertThat(out.headers()).hasSize(2).extracting(LivePiece::startMicros).containsExactly(0L, firstEnd);
        assertThat(out.problems()).hasSize(1);
        assertThat(out.problems().get(0)).startsWith("a BOS page at byte " + stop + " came while 1 logical stream(s) "
                + "of the link begun at byte 0 had not ended");
        assertThat(out.pieces().get(out.pieces().size() - 1).endMicros()).isEqualTo(firstEnd + 3_000_000L);
    }

    /** After a flush (a source that went away), the next input is a new link, and time runs on. */
    @Test
    void aFlushEmitsTheUnfinishedPieceAndTheNextInputIsANewLink() throws Exception {
        byte[] file = Corpus.VORBIS.bytes();
        List<Page> pages = OggTestFiles.scan(file);
        int stop = (int) pages.get(9).offset() + 500;
        OggLiveCutter cutter = new OggLiveCutter(2_000_000);
        Collector c = new Collector(cutter);
        c.accept(ByteBuffer.wrap(file, 0, stop));
        assertThat(c.pieces).hasSizeGreaterThanOrEqualTo(2);
        LiveCut flushed = c.flushNow();
        assertThat(flushed.pieces()).hasSize(1);
        LivePiece unfinished = flushed.pieces().get(0);
        assertThat(unfinished.header()).isFalse();
        assertThat(unfinished.endMicros() - unfinished.startMicros()).isPositive().isLessThan(2_000_000);
        assertThat(flushed.skippedBytes()).isEqualTo(500);
        assertThat(cutter.bufferedBytes()).isZero();

        c.accept(ByteBuffer.wrap(Corpus.OPUS.bytes()));
        Output out = c.flush();
        assertWellFormed(out);
        assertThat(out.headers()).hasSize(2);
        assertThat(out.headers().get(1).startMicros()).isEqualTo(unfinished.endMicros());
        assertThat(out.headers().get(1).linkStart()).isTrue();
        assertThat(out.pieces().get(out.pieces().size() - 1).endMicros()).isEqualTo(unfinished.endMicros() + 4_000_000);
    }

    @Test
    void aBrokenLinkIsDroppedUpToTheNextBosPage() throws Exception {
        // oggz-merge's illegal multiplex: Opus audio before the Vorbis comment and setup headers
        byte[] bad = OggCorpus.bytes("bad-header-order.ogg");
        byte[] good = Corpus.FLAC.bytes();

        Output out = cut(bad, good);

        assertWellFormed(out);
        assertThat(out.problems()).anySatisfy(p -> assertThat(p).contains("holds header packets of logical stream")
                .endsWith("is dropped from there up to the next BOS page"));
        // the good link after it comes through whole
        List<LivePiece> pieces = out.pieces();
        int flac = pieces.indexOf(pieces.stream().filter(p -> p.linkStart() && p.codecs().equals("flac")).findFirst()
                .orElseThrow());
        assertThat(concat(pieces.subList(flac, pieces.size()))).isEqualTo(good);
        assertThat(out.outBytes() + out.skipped()).isEqualTo(bad.length + good.length);
    }

    /** A source that sends its headers and goes (or ends its streams) before any data: nothing of it is passed on. */
    @Test
    void aLinkWithoutDataIsDropped() throws Exception {
        List<byte[]> vorbisPackets = OggTestFiles.packets(Corpus.VORBIS.bytes(), 1001);
        byte[] headersOnly = OggTestFiles.cat(OggTestFiles.paginate(5, 0, true, true, 65_025, List.of(
                new OggTestFiles.Packet(vorbisPackets.get(0), 0, true),
                new OggTestFiles.Packet(vorbisPackets.get(1), 0),
                new OggTestFiles.Packet(vorbisPackets.get(2), 0, true))));
        byte[] good = Corpus.FLAC.bytes();

        Output out = cut(headersOnly, good);

        assertWellFormed(out);
        assertThat(out.bytes()).isEqualTo(good);
        assertThat(out.skipped()).isEqualTo(headersOnly.length);
        assertThat(out.problems()).containsExactly("the link begun at byte 0 ends before any data page: its "
                + headersOnly.length + " header bytes are dropped");
        assertThat(out.headers()).hasSize(1).first().satisfies(h -> assertThat(h.startMicros()).isZero());
    }

    // ---- memory and cost are bounded ----

    @Test
    @Timeout(30)
    void endlessGarbageIsSkippedAsItComes() {
        OggLiveCutter cutter = new OggLiveCutter(TARGET);
        byte[] chunk = new byte[65_536];
        Random random = new Random(SEED);
        long skipped = 0;
        long fed = 0;
        long maxBuffered = 0;
        boolean counted = true;
        // measured around the whole loop: the allocation counter itself allocates
        long before = OggTestFiles.allocatedBytes();
        for (int i = 0; i < 512; i++) { // 32 MiB
            random.nextBytes(chunk);
            LiveCut cut = cutter.accept(ByteBuffer.wrap(chunk));
            fed += chunk.length;
            skipped += cut.skippedBytes();
            maxBuffered = Math.max(maxBuffered, cutter.bufferedBytes());
            // skipped bytes are counted as the scan passes, not only when the run ends
            counted &= cut.pieces().isEmpty() && skipped + cutter.bufferedBytes() == fed;
        }
        long allocated = OggTestFiles.allocatedBytes() - before;
        assertThat(counted).isTrue();
        assertThat(maxBuffered).isLessThanOrEqualTo(OggPage.MAX_LENGTH);
        assertThat(allocated).as("bytes allocated for 32 MiB of garbage").isLessThan(256 * 1024);
        LiveCut last = cutter.flush();
        assertThat(skipped + last.skippedBytes()).isEqualTo(32L << 20);
        assertThat(last.problems()).containsExactly("skipped " + (32L << 20) + " bytes at byte 0 (LOST_SYNC): no Ogg "
                + "page there");
    }

    /**
     * Fake page headers that each declare a maximal page, and one that declares one with nothing
     * behind it: the cutter holds one page buffer at most, and goes on once real pages come.
     */
    @Test
    @Timeout(30)
    void hugeDeclaredLengthsHoldOnePageAtMost() {
        byte[] fake = new byte[27 + 255];
        System.arraycopy("OggS".getBytes(StandardCharsets.US_ASCII), 0, fake, 0, 4);
        fake[26] = (byte) 255;
        Arrays.fill(fake, 27, fake.length, (byte) 255);
        byte[] hostile = new byte[4 << 20];
        for (int i = 0; i + fake.length <= hostile.length; i += fake.length) {
            System.arraycopy(fake, 0, hostile, i, fake.length);
        }
        byte[] file = Corpus.OPUS.bytes();
        OggLiveCutter cutter = new OggLiveCutter(TARGET);
        Collector c = new Collector(cutter);
        long maxBuffered = 0;
        int pieces = 0;
        long before = OggTestFiles.allocatedBytes();
        for (int at = 0; at < hostile.length; at += 8192) {
            LiveCut cut = cutter.accept(ByteBuffer.wrap(hostile, at, 8192));
            c.fed += 8192;
            c.skipped += cut.skippedBytes();
            pieces += cut.pieces().size();
            maxBuffered = Math.max(maxBuffered, cutter.bufferedBytes());
        }
        long allocated = OggTestFiles.allocatedBytes() - before;
        assertThat(pieces).isZero();
        assertThat(maxBuffered).isLessThanOrEqualTo(OggPage.MAX_LENGTH);
        assertThat(allocated).as("bytes allocated for 4 MiB of fake page headers").isLessThan(256 * 1024);
        c.accept(ByteBuffer.wrap(file));
        Output out = c.flush();
        assertThat(out.bytes()).isEqualTo(file);
        assertThat(out.skipped()).isEqualTo(hostile.length);
    }

    /** A link whose header pages exceed what a link announcement carries is dropped; the header buffer stays bounded. */
    @Test
    void headersLargerThanALinkCarriesDropTheLink() throws Exception {
        int serial = 77;
        List<OggTestFiles.Packet> packets = List.of(
                new OggTestFiles.Packet(Arrays.copyOf(OggTestFiles.packets(Corpus.VORBIS.bytes(), 1001).get(0), 30), 0,
                        true),
                new OggTestFiles.Packet(OggTestFiles.packet("\u0003vorbis", 2 << 20), 0),
                new OggTestFiles.Packet(OggTestFiles.packets(Corpus.VORBIS.bytes(), 1001).get(2), 0, true));
        byte[] big = OggTestFiles.cat(OggTestFiles.paginate(serial, 0, true, true, 65_025, packets));
        byte[] good = Corpus.OPUS.bytes();

        Output out = cut(big, good);

        assertThat(out.bytes()).isEqualTo(good);
        assertThat(out.skipped()).isEqualTo(big.length);
        assertThat(out.problems()).anySatisfy(p -> assertThat(p).contains("take more than " + ChainLink.MAX_HEADER_BYTES
                + " bytes"));
        assertThat(out.maxBuffered()).isLessThanOrEqualTo(ChainLink.MAX_HEADER_BYTES + (long) OggPage.MAX_LENGTH);
    }

    /**
     * A link whose only stream is of a codec not known here has no time: its BOS page is its header,
     * its data is cut at {@value OggLiveCutter#UNTIMED_PIECE_BYTES} bytes, and time stays where it was.
     */
    @Test
    void aLinkWithoutTimeIsCutBySize() throws Exception {
        List<OggTestFiles.Packet> packets = new ArrayList<>();
        packets.add(new OggTestFiles.Packet(OggTestFiles.packet("\u0080kate\0\0\0", 64), 0, true));
        for (int i = 0; i < 300; i++) {
            packets.add(new OggTestFiles.Packet(new byte[1000], i + 1L));
        }
        byte[] opaque = OggTestFiles.cat(OggTestFiles.paginate(99, 0, true, true, 4000, packets));
        byte[] vorbis = Corpus.VORBIS.bytes();

        Output out = cut(vorbis, opaque, vorbis);

        assertWellFormed(out);
        assertThat(out.bytes()).isEqualTo(OggTestFiles.concat(vorbis, opaque, vorbis));
        assertThat(out.headers()).extracting(LivePiece::codecs).containsExactly("vorbis", "kate", "vorbis");
        assertThat(out.headers()).extracting(LivePiece::startMicros).containsExactly(0L, 5_000_000L, 5_000_000L);
        List<LivePiece> kate = out.data().stream().filter(p -> p.codecs().equals("kate")).toList();
        assertThat(kate).hasSizeGreaterThan(3).allSatisfy(p -> {
            assertThat(p.length()).isLessThanOrEqualTo(OggLiveCutter.UNTIMED_PIECE_BYTES);
            assertThat(p.startMicros()).isEqualTo(5_000_000L);
            assertThat(p.endMicros()).isEqualTo(5_000_000L);
        });
        assertThat(out.pieces().get(out.pieces().size() - 1).endMicros()).isEqualTo(10_000_000L);
    }

    // ---- a real encoder's live output ----

    /** ffmpeg encodes to stdout, as a live source does; its output goes through the cutter as read. */
    @Test
    @Timeout(120)
    void ffmpegOggOutputReadFromItsStdout(@TempDir Path tmp) throws Exception {
        Process ffmpeg = new ProcessBuilder("ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i",
                "sine=frequency=440:sample_rate=44100:duration=3", "-c:a", "libvorbis", "-f", "ogg", "-")
                .redirectError(tmp.resolve("ffmpeg.err").toFile()).start();
        OggLiveCutter cutter = new OggLiveCutter(250_000);
        Collector c = new Collector(cutter);
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        List<Integer> piecesPerRead = new ArrayList<>();
        try (InputStream in = ffmpeg.getInputStream()) {
            byte[] buf = new byte[8192];
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                raw.write(buf, 0, n);
                piecesPerRead.add(c.accept(ByteBuffer.wrap(buf, 0, n)).pieces().size());
            }
        }
        assertThat(ffmpeg.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(ffmpeg.exitValue()).as(Files.readString(tmp.resolve("ffmpeg.err"))).isZero();
        Output out = c.flush();

        assertThat(out.skipped()).isZero();
        assertThat(out.problems()).isEmpty();
        assertWellFormed(out);
        assertThat(out.bytes()).isEqualTo(raw.toByteArray());
        assertThat(out.headers()).hasSize(1).first().extracting(LivePiece::codecs).isEqualTo("vorbis");
        List<LivePiece> data = out.data();
        assertThat(data.size()).isGreaterThanOrEqualTo(3);
        for (LivePiece p : data.subList(0, data.size() - 1)) {
            assertThat(p.endMicros() - p.startMicros()).isGreaterThanOrEqualTo(250_000);
        }
        assertThat(data.get(data.size() - 1).endMicros()).isCloseTo(3_000_000L, within(30_000L));
        // pieces came out while ffmpeg was still writing, not all at the end
        assertThat(piecesPerRead.stream().filter(n -> n > 0).count()).isGreaterThan(1);
        Path path = tmp.resolve("ffmpeg-live.ogg");
        Files.write(path, out.bytes());
        assertDecodes(path);
    }

    // ---- the service ----

    @Test
    void theComponentDelegatesToTheFormat() {
        OggFormatComponent component = new OggFormatComponent(new OggFormatComponent.Config() {
            @Override
            public int pieceSize() {
                return OggFormat.DEFAULT_PIECE_SIZE;
            }

            @Override
            public int pieceDuration() {
                return 2_000;
            }

            @Override
            public Class<? extends java.lang.annotation.Annotation> annotationType() {
                return OggFormatComponent.Config.class;
            }
        });
        LiveCutter cutter = component.liveCutter(300_000).orElseThrow();
        assertThat(cutter).isInstanceOfSatisfying(OggLiveCutter.class,
                c -> assertThat(c.targetMicros()).isEqualTo(300_000));
        LiveCut cut = cutter.accept(ByteBuffer.wrap(Corpus.VORBIS.bytes()));
        assertThat(cut.pieces()).isNotEmpty();
        assertThatThrownBy(() -> component.liveCutter(0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertDecodes(Path file) {
        Result r = OggCorpus.run("ffmpeg", "-nostdin", "-v", "error", "-i", file.toString(), "-f", "null", "-");
        assertThat(r.exit()).as("ffmpeg on %s: %s", file, r.stderr()).isZero();
        assertThat(r.stderr()).as("ffmpeg errors on %s", file).isEmpty();
    }
}
