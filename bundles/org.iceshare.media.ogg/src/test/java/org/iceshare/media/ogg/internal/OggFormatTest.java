package org.iceshare.media.ogg.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.iceshare.api.media.MediaLayout;
import org.iceshare.api.media.MediaLayout.Segment;
import org.iceshare.api.swarm.PieceInfo;
import org.iceshare.media.ogg.internal.OggFormatException.Kind;
import org.iceshare.media.ogg.internal.OggTestFiles.Fixture;
import org.iceshare.media.ogg.internal.OggTestFiles.Page;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class OggFormatTest {
    private static final int[] TARGETS = {1, 16_384, 65_536, OggFormat.DEFAULT_PIECE_SIZE};

    static Stream<Arguments> fixturesAndTargets() {
        return Arrays.stream(Fixture.values())
                .flatMap(f -> Arrays.stream(TARGETS).mapToObj(t -> Arguments.of(f, t)));
    }

    @ParameterizedTest(name = "{0}, target {1}")
    @MethodSource("fixturesAndTargets")
    void cutsRealFilesIntoPiecesOfWholePages(Fixture fixture, int target) throws Exception {
        byte[] file = fixture.bytes();
        List<Page> pages = OggTestFiles.scan(file);

        MediaLayout layout = new OggFormat(target).layout(new ByteArrayInputStream(file));

        assertWholePageTiling(file, pages, layout, target);

        // the header pieces are exactly the header run, and that run is what the fixture says
        long headerEnd = pages.get(fixture.headerPages - 1).end();
        assertThat(layout.headerPieces()).isEqualTo(1);
        assertThat(layout.pieces().get(0)).isEqualTo(new Segment(0, (int) headerEnd));
        for (Page p : pages.subList(0, fixture.headerPages)) {
            assertThat(p.granule()).isIn(0L, -1L);
        }
        assertThat(pages.get(fixture.headerPages - 1).granule()).isZero();
        assertThat(pages.get(fixture.headerPages).granule()).isPositive();

        assertThat(layout.mediaType()).isEqualTo(fixture.mediaType);
        assertThat(layout.properties()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "pages", Integer.toString(fixture.pages),
                "streams", Integer.toString(fixture.streams),
                "codecs", fixture.codecs,
                "headerPages", Integer.toString(fixture.headerPages),
                "headerBytes", Long.toString(headerEnd)));
    }

    /**
     * Piece counts pinned per fixture at targets 256 KiB, 64 KiB and 16 KiB. They were worked out
     * apart from this code, by walking the page lengths of each file with the greedy rule.
     */
    @ParameterizedTest
    @EnumSource(Fixture.class)
    void pieceCounts(Fixture fixture) throws Exception {
        Map<Fixture, List<Integer>> expected = Map.of(
                Fixture.VORBIS, List.of(2, 2, 5),
                Fixture.OPUS, List.of(2, 2, 4),
                Fixture.FLAC, List.of(2, 2, 3),
                Fixture.SPEEX, List.of(2, 2, 2),
                Fixture.THEORA_VORBIS, List.of(2, 3, 5),
                Fixture.VORBIS_BIG_COMMENT, List.of(2, 2, 2));
        byte[] file = fixture.bytes();
        List<Integer> counts = new ArrayList<>();
        for (int target : new int[] {262_144, 65_536, 16_384}) {
            counts.add(new OggFormat(target).layout(new ByteArrayInputStream(file)).pieces().size());
        }
        assertThat(counts).isEqualTo(expected.get(fixture));
    }

    @Test
    void aHeaderRunLargerThanTheLargestPieceIsSplitAtPageBoundaries() throws Exception {
        int serial = 77;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(OggTestFiles.page(OggPage.BOS, 0, serial, 0, OggTestFiles.packet("\u0001vorbis", 30)));
        int headerPages = 70; // 69 comment pages of 65,306 bytes: about 4.3 MiB of headers
        for (int i = 1; i < headerPages; i++) {
            out.writeBytes(OggTestFiles.page(0, 0, serial, i, new byte[65_024]));
        }
        for (int i = 0; i < 5; i++) {
            out.writeBytes(OggTestFiles.page(i == 4 ? OggPage.EOS : 0, 1000L * (i + 1), serial, headerPages + i,
                    new byte[3000]));
        }
        byte[] file = out.toByteArray();
        List<Page> pages = OggTestFiles.scan(file);

        MediaLayout layout = new OggFormat(8192).layout(new ByteArrayInputStream(file));

        assertWholePageTiling(file, pages, layout, 8192);
        assertThat(layout.headerPieces()).isEqualTo(2);
        List<Segment> header = layout.pieces().subList(0, 2);
        assertThat(header.get(0).length()).isLessThanOrEqualTo(PieceInfo.MAX_LENGTH)
                .isGreaterThan(PieceInfo.MAX_LENGTH - 65_306);
        assertThat(header.get(1).offset() + header.get(1).length()).isEqualTo(pages.get(headerPages - 1).end());
        assertThat(layout.pieces()).hasSize(2 + 3); // data pages of 3,039 bytes, two per 8 KiB piece
        assertThat(layout.properties()).containsEntry("headerPages", "70");
    }

    @Test
    void aPageOnWhichNoPacketEndsIsHeaderOnlyWhenAGranuleZeroPageFollows() throws Exception {
        int serial = 5;
        byte[] bos = OggTestFiles.page(OggPage.BOS, 0, serial, 0, OggTestFiles.packet("OpusHead", 19));
        byte[] spanning = OggTestFiles.page(0, -1, serial, 1, new byte[] {(byte) 255}, new byte[255]);
        byte[] ending = OggTestFiles.page(OggPage.CONTINUED | OggPage.EOS, 960, serial, 2, new byte[] {10},
                new byte[10]);

        MediaLayout layout = new OggFormat(1).layout(new ByteArrayInputStream(OggTestFiles.concat(bos, spanning,
                ending)));

        assertThat(layout.headerPieces()).isEqualTo(1);
        assertThat(layout.pieces()).containsExactly(new Segment(0, bos.length),
                new Segment(bos.length, spanning.length), new Segment(bos.length + spanning.length, ending.length));
        assertThat(layout.properties()).containsEntry("headerPages", "1");
    }

    @Test
    void theUndecidedRunOfGranuleMinusOnePagesIsBounded() throws Exception {
        int serial = 6;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(OggTestFiles.page(OggPage.BOS, 0, serial, 0, OggTestFiles.packet("\u0001vorbis", 30)));
        int spanning = OggFormat.MAX_UNDECIDED_PAGES + 1;
        for (int i = 1; i <= spanning; i++) {
            out.writeBytes(OggTestFiles.page(i == 1 ? 0 : OggPage.CONTINUED, -1, serial, i, new byte[] {(byte) 255},
                    new byte[255]));
        }
        out.writeBytes(OggTestFiles.page(OggPage.CONTINUED | OggPage.EOS, 0, serial, spanning + 1, new byte[] {1},
                new byte[1]));
        byte[] file = out.toByteArray();

        MediaLayout layout = new OggFormat(65_536).layout(new ByteArrayInputStream(file));

        // past the bound the run is over: the long packet counts as data
        assertThat(layout.properties()).containsEntry("headerPages", "1");
        assertWholePageTiling(file, OggTestFiles.scan(file), layout, 65_536);
    }

    @Test
    void chainedFilesAreAccepted() throws Exception {
        byte[] vorbis = Fixture.VORBIS.bytes();
        byte[] speex = Fixture.SPEEX.bytes();
        byte[] chained = OggTestFiles.concat(vorbis, speex, vorbis);

        MediaLayout layout = new OggFormat(16_384).layout(new ByteArrayInputStream(chained));

        assertWholePageTiling(chained, OggTestFiles.scan(chained), layout, 16_384);
        assertThat(layout.mediaType()).isEqualTo("audio/ogg");
        assertThat(layout.properties()).containsEntry("pages", "31").containsEntry("streams", "3")
                .containsEntry("codecs", "speex,vorbis").containsEntry("headerPages", "2");
    }

    @Test
    void skeletonAndUnknownStreamsAreApplicationOgg() throws Exception {
        byte[] skeleton = OggTestFiles.concat(
                OggTestFiles.page(OggPage.BOS, 0, 1, 0, OggTestFiles.packet("fishead\0", 80)),
                OggTestFiles.page(OggPage.BOS, 0, 2, 0, OggTestFiles.packet("mystery!", 20)),
                OggTestFiles.page(OggPage.EOS, 0, 1, 1, new byte[0][]),
                OggTestFiles.page(OggPage.EOS, 100, 2, 1, new byte[40]));

        MediaLayout layout = new OggFormat(OggFormat.DEFAULT_PIECE_SIZE).layout(new ByteArrayInputStream(skeleton));

        assertThat(layout.mediaType()).isEqualTo("application/ogg");
        assertThat(layout.properties()).containsEntry("codecs", "skeleton,unknown").containsEntry("streams", "2")
                .containsEntry("headerPages", "3");
        assertThat(layout.headerPieces()).isEqualTo(1);
        assertThat(layout.pieces()).hasSize(2);
    }

    @Test
    void aSkeletonBesideTheoraIsVideo() throws Exception {
        byte[] file = OggTestFiles.concat(
                OggTestFiles.page(OggPage.BOS, 0, 1, 0, OggTestFiles.packet("fishead\0", 80)),
                OggTestFiles.page(OggPage.BOS, 0, 2, 0, OggTestFiles.packet("\u0080theora", 42)),
                OggTestFiles.page(OggPage.EOS, 0, 1, 1, new byte[0][]),
                OggTestFiles.page(OggPage.EOS, 64, 2, 1, new byte[100]));
        MediaLayout layout = new OggFormat(OggFormat.DEFAULT_PIECE_SIZE).layout(new ByteArrayInputStream(file));
        assertThat(layout.mediaType()).isEqualTo("video/ogg");
        assertThat(layout.properties()).containsEntry("codecs", "skeleton,theora");
    }

    @Test
    void emptyContent() {
        OggFormatException e = layoutFailure(new byte[0]);
        assertThat(e.kind()).isEqualTo(Kind.EMPTY);
        assertThat(e.offset()).isZero();
    }

    @Test
    void nonOggContent() {
        OggFormatException e = layoutFailure(OggTestFiles.resource("not-ogg.wav"));
        assertThat(e.kind()).isEqualTo(Kind.NOT_OGG);
        assertThat(e.offset()).isZero();
        assertThat(e.format()).isEqualTo("ogg");
    }

    @Test
    void aDamagedPageRefusesTheWholeFile() {
        byte[] file = Fixture.THEORA_VORBIS.bytes();
        Page page = OggTestFiles.scan(file).get(7);
        file[(int) page.offset() + 500] ^= (byte) 0x80;
        OggFormatException e = layoutFailure(file);
        assertThat(e.kind()).isEqualTo(Kind.BAD_CRC);
        assertThat(e.offset()).isEqualTo(page.offset()).isEqualTo(45_577);
        assertThat(e.page()).isEqualTo(7);
    }

    @Test
    void theFirstPageMustBeABosPage() {
        byte[] file = OggTestFiles.pages(Fixture.VORBIS.bytes(), 1, Integer.MAX_VALUE);
        OggFormatException e = layoutFailure(file);
        assertThat(e.kind()).isEqualTo(Kind.NO_BOS);
        assertThat(e.offset()).isZero();
        assertThat(e.page()).isZero();
        assertThat(e.getMessage()).isEqualTo("ogg at byte 0: the first page (logical stream serial 1234) is not a "
                + "BOS page; an Ogg stream begins with the first page of a logical stream");
    }

    @Test
    void aPageOfAStreamThatNeverBegan() {
        byte[] vorbis = Fixture.VORBIS.bytes();
        byte[] file = OggTestFiles.concat(vorbis, OggTestFiles.pages(Fixture.SPEEX.bytes(), 1, Integer.MAX_VALUE));
        OggFormatException e = layoutFailure(file);
        assertThat(e.kind()).isEqualTo(Kind.NO_BOS);
        assertThat(e.offset()).isEqualTo(vorbis.length);
        assertThat(e.page()).isEqualTo(13);
        assertThat(e.detail()).isEqualTo("page 13 at byte 49401 belongs to logical stream serial 9000, which has no "
                + "BOS page before it");
    }

    @Test
    void aPageAfterItsStreamsEos() {
        byte[] vorbis = Fixture.VORBIS.bytes();
        byte[] file = OggTestFiles.concat(vorbis, OggTestFiles.pages(vorbis, 12, 13));
        OggFormatException e = layoutFailure(file);
        assertThat(e.kind()).isEqualTo(Kind.NO_BOS);
        assertThat(e.offset()).isEqualTo(vorbis.length);
        assertThat(e.detail()).contains("continues logical stream serial 1234, which already ended with an EOS page");
    }

    @Test
    void aBosPageAfterDataPagesOfItsLink() {
        // theora-vorbis with the Vorbis BOS page moved behind the first Theora header page
        byte[] tv = Fixture.THEORA_VORBIS.bytes();
        byte[] file = OggTestFiles.concat(OggTestFiles.pages(tv, 0, 1), OggTestFiles.pages(tv, 2, 3),
                OggTestFiles.pages(tv, 1, 2), OggTestFiles.pages(tv, 3, Integer.MAX_VALUE));
        OggFormatException e = layoutFailure(file);
        assertThat(e.kind()).isEqualTo(Kind.BOS_MISPLACED);
        assertThat(e.offset()).isEqualTo(70 + 3292);
        assertThat(e.page()).isEqualTo(2);
        assertThat(e.detail()).isEqualTo("BOS page 2 at byte 3362 (logical stream serial 7001) comes after data "
                + "pages of its link; RFC 3533 puts all BOS pages of a link first");
    }

    @Test
    void twoOpenStreamsWithOneSerial() {
        byte[] vorbis = Fixture.VORBIS.bytes();
        byte[] file = OggTestFiles.concat(OggTestFiles.pages(vorbis, 0, 1), vorbis);
        OggFormatException e = layoutFailure(file);
        assertThat(e.kind()).isEqualTo(Kind.DUPLICATE_SERIAL);
        assertThat(e.offset()).isEqualTo(58);
        assertThat(e.page()).isEqualTo(1);
    }

    @Test
    void tooManyStreamsAtOnce() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int serial = 0; serial <= LogicalStreams.MAX_OPEN_STREAMS; serial++) {
            out.writeBytes(OggTestFiles.page(OggPage.BOS, 0, serial, 0, OggTestFiles.packet("Speex   ", 80)));
        }
        OggFormatException e = layoutFailure(out.toByteArray());
        assertThat(e.kind()).isEqualTo(Kind.TOO_MANY_STREAMS);
        assertThat(e.page()).isEqualTo(LogicalStreams.MAX_OPEN_STREAMS);
    }

    @Test
    void manyOnePageStreamsBesideAnOpenOneAreFine() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(OggTestFiles.page(OggPage.BOS, 0, 1, 0, OggTestFiles.packet("Speex   ", 80)));
        for (int serial = 2; serial < 2 + 3 * LogicalStreams.MAX_OPEN_STREAMS; serial++) {
            out.writeBytes(OggTestFiles.page(OggPage.BOS | OggPage.EOS, 0, serial, 0, OggTestFiles.packet("?", 4)));
        }
        out.writeBytes(OggTestFiles.page(OggPage.EOS, 320, 1, 1, new byte[50]));

        MediaLayout layout = new OggFormat(OggFormat.DEFAULT_PIECE_SIZE).layout(new ByteArrayInputStream(
                out.toByteArray()));

        assertThat(layout.properties()).containsEntry("streams", Integer.toString(1 + 3 * LogicalStreams.MAX_OPEN_STREAMS))
                .containsEntry("codecs", "speex,unknown");
    }

    @ParameterizedTest
    @EnumSource(Fixture.class)
    void probeIsSureOfAWholeFirstPage(Fixture fixture) {
        byte[] file = fixture.bytes();
        assertThat(probe(ByteBuffer.wrap(file))).isEqualTo(90);
        int firstPage = OggTestFiles.scan(file).get(0).length();
        assertThat(probe(ByteBuffer.wrap(file, 0, firstPage))).isEqualTo(90);
        assertThat(probe(ByteBuffer.wrap(file, 0, firstPage - 1))).isEqualTo(60);
    }

    @Test
    void probeAnswers() {
        byte[] vorbis = Fixture.VORBIS.bytes();
        assertThat(probe(ByteBuffer.wrap(new byte[0]))).isZero();
        assertThat(probe(ByteBuffer.wrap(new byte[] {'O', 'g', 'g'}))).isZero();
        assertThat(probe(ByteBuffer.wrap(new byte[] {'o', 'g', 'g', 'S', 0}))).isZero();
        assertThat(probe(ByteBuffer.wrap(OggTestFiles.resource("not-ogg.wav")))).isZero();
        assertThat(probe(ByteBuffer.wrap(new byte[] {'O', 'g', 'g', 'S'}))).isEqualTo(30);
        assertThat(probe(ByteBuffer.wrap(new byte[] {'O', 'g', 'g', 'S', 1, 2, 0, 0}))).isEqualTo(30);
        assertThat(probe(ByteBuffer.wrap(new byte[] {'O', 'g', 'g', 'S', 0}))).isEqualTo(60);
        assertThat(probe(ByteBuffer.wrap(vorbis, 0, 40))).isEqualTo(60);

        byte[] badCrc = vorbis.clone();
        badCrc[40] ^= 1;
        assertThat(probe(ByteBuffer.wrap(badCrc))).isEqualTo(60);

        byte[] notBos = OggTestFiles.pages(vorbis, 1, Integer.MAX_VALUE);
        assertThat(probe(ByteBuffer.wrap(notBos))).isEqualTo(60);
    }

    @Test
    void probeReadsFromThePositionAndMovesNothing() {
        byte[] vorbis = Fixture.VORBIS.bytes();
        ByteBuffer head = ByteBuffer.wrap(OggTestFiles.concat(new byte[] {9, 9, 9}, vorbis));
        head.position(3);
        assertThat(probe(head)).isEqualTo(90);
        assertThat(head.position()).isEqualTo(3);
        assertThat(head.limit()).isEqualTo(3 + vorbis.length);

        head.limit(3 + 40);
        assertThat(probe(head)).isEqualTo(60);

        ByteBuffer direct = ByteBuffer.allocateDirect(vorbis.length).put(vorbis).flip();
        assertThat(probe(direct.asReadOnlyBuffer())).isEqualTo(90);
        assertThat(direct.position()).isZero();
    }

    @Test
    void nameAndTargetRange() {
        assertThat(new OggFormat(1).name()).isEqualTo("ogg");
        assertThat(new OggFormat(PieceInfo.MAX_LENGTH).targetPieceSize()).isEqualTo(PieceInfo.MAX_LENGTH);
        assertThatThrownBy(() -> new OggFormat(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OggFormat(PieceInfo.MAX_LENGTH + 1)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Hostile input: 2,000 seeded mutations of a real file (bit flips, byte changes, cuts, deletions,
     * insertions, page swaps and drops, header fields rewritten with a fixed-up CRC). Whatever comes
     * in, layout either cuts it properly or throws an OggFormatException; nothing else escapes.
     */
    @Test
    @Timeout(60)
    void mutatedFilesFailOnlyWithOggFormatException() throws IOException {
        byte[] original = Fixture.THEORA_VORBIS.bytes();
        List<Page> pages = OggTestFiles.scan(original);
        Random random = new Random(0x0665_2024L);
        OggFormat format = new OggFormat(16_384);
        Map<Kind, Integer> failures = new EnumMap<>(Kind.class);
        int accepted = 0;

        for (int i = 0; i < 2_000; i++) {
            byte[] mutated = mutate(original, pages, random);
            try {
                MediaLayout layout = format.layout(new ByteArrayInputStream(mutated));
                assertThat(layout.length()).isEqualTo(mutated.length);
                accepted++;
            } catch (OggFormatException e) {
                assertThat(e.offset()).isBetween(0L, (long) mutated.length);
                assertThat(e.detail()).isNotBlank();
                failures.merge(e.kind(), 1, Integer::sum);
            }
        }

        assertThat(accepted + failures.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(2_000);
        assertThat(failures.keySet()).contains(Kind.BAD_CRC, Kind.TRUNCATED, Kind.LOST_SYNC, Kind.NOT_OGG,
                Kind.BAD_VERSION, Kind.NO_BOS, Kind.BOS_MISPLACED);
    }

    private static byte[] mutate(byte[] original, List<Page> pages, Random random) {
        byte[] m = original.clone();
        Page page = pages.get(random.nextInt(pages.size()));
        int at = random.nextInt(m.length);
        switch (random.nextInt(9)) {
            case 0 -> m[at] ^= (byte) (1 << random.nextInt(8));
            case 1 -> m[at] = (byte) random.nextInt(256);
            case 2 -> m[(int) page.offset() + random.nextInt(27)] = (byte) random.nextInt(256);
            case 3 -> m = Arrays.copyOf(m, at);
            case 4 -> {
                int n = Math.min(1 + random.nextInt(5000), m.length - at);
                byte[] cut = new byte[m.length - n];
                System.arraycopy(m, 0, cut, 0, at);
                System.arraycopy(m, at + n, cut, at, m.length - at - n);
                m = cut;
            }
            case 5 -> {
                byte[] junk = new byte[1 + random.nextInt(100)];
                random.nextBytes(junk);
                if (random.nextBoolean()) {
                    junk[0] = 'O';
                    if (junk.length > 3) {
                        junk[1] = 'g';
                        junk[2] = 'g';
                        junk[3] = 'S';
                    }
                }
                m = OggTestFiles.concat(Arrays.copyOf(m, at), junk, Arrays.copyOfRange(m, at, m.length));
            }
            case 6 -> { // drop one page
                m = OggTestFiles.concat(Arrays.copyOf(m, (int) page.offset()),
                        Arrays.copyOfRange(m, (int) page.end(), m.length));
            }
            case 7 -> { // move one page to another page boundary
                Page other = pages.get(random.nextInt(pages.size()));
                byte[] moved = OggTestFiles.bytes(m, page);
                byte[] without = OggTestFiles.concat(Arrays.copyOf(m, (int) page.offset()),
                        Arrays.copyOfRange(m, (int) page.end(), m.length));
                int to = (int) Math.min(other.offset(), without.length);
                m = OggTestFiles.concat(Arrays.copyOf(without, to), moved, Arrays.copyOfRange(without, to,
                        without.length));
            }
            default -> { // rewrite a header field of one page and fix its CRC, so the structure checks are hit
                byte[] p = OggTestFiles.bytes(m, page);
                int field = 5 + random.nextInt(22 - 5 + 1); // type flags, granule, serial, sequence, segment count
                p[Math.min(field, 26)] = (byte) random.nextInt(256);
                if (field >= 22) {
                    p[26] = (byte) random.nextInt(256);
                }
                p = OggTestFiles.withCrc(p);
                System.arraycopy(p, 0, m, (int) page.offset(), p.length);
            }
        }
        return m;
    }

    /**
     * Checks the invariants every layout keeps: the pieces tile the file; each starts where a page
     * starts (and its bytes there read "OggS"); joined they give the file back byte for byte; no
     * piece exceeds PieceInfo.MAX_LENGTH; a data piece of more than one page stays within the target,
     * and data pieces are greedy (the next page would not have fitted).
     */
    static void assertWholePageTiling(byte[] file, List<Page> pages, MediaLayout layout, int target) {
        assertThat(layout.length()).isEqualTo(file.length);
        Map<Long, Page> byOffset = pages.stream().collect(Collectors.toMap(Page::offset, p -> p));
        Set<Long> starts = byOffset.keySet();
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        long expected = 0;
        List<Segment> pieces = layout.pieces();
        for (int i = 0; i < pieces.size(); i++) {
            Segment piece = pieces.get(i);
            assertThat(piece.offset()).isEqualTo(expected);
            assertThat(starts).as("piece %d starts on a page", i).contains(piece.offset());
            assertThat(new String(file, (int) piece.offset(), 4, java.nio.charset.StandardCharsets.US_ASCII))
                    .isEqualTo("OggS");
            assertThat(starts.contains(piece.offset() + piece.length()) || piece.offset() + piece.length() == file.length)
                    .as("piece %d ends on a page boundary", i).isTrue();
            assertThat(piece.length()).isLessThanOrEqualTo(PieceInfo.MAX_LENGTH);
            if (i >= layout.headerPieces()) {
                Page first = byOffset.get(piece.offset());
                if (piece.length() > target) {
                    assertThat(piece.length()).as("data piece %d longer than the target is one page", i)
                            .isEqualTo(first.length());
                }
                if (i + 1 < pieces.size()) {
                    Page next = byOffset.get(pieces.get(i + 1).offset());
                    assertThat((long) piece.length() + next.length()).as("data piece %d is greedy", i)
                            .isGreaterThan(target);
                }
            }
            joined.write(file, (int) piece.offset(), piece.length());
            expected += piece.length();
        }
        assertThat(expected).isEqualTo(file.length);
        assertThat(joined.toByteArray()).isEqualTo(file);
    }

    private static int probe(ByteBuffer head) {
        return new OggFormat(OggFormat.DEFAULT_PIECE_SIZE).probe(head);
    }

    private static OggFormatException layoutFailure(byte[] content) {
        Throwable thrown = catchThrowable(() -> new OggFormat(OggFormat.DEFAULT_PIECE_SIZE)
                .layout(new ByteArrayInputStream(content)));
        assertThat(thrown).isInstanceOf(OggFormatException.class);
        return (OggFormatException) thrown;
    }
}
