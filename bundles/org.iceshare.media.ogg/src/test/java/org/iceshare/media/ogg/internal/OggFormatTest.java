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

        // the header piece is exactly the header run the fixture names, at time 0
        long headerEnd = pages.get(fixture.headerPages - 1).end();
        assertThat(layout.headerPieces()).isEqualTo(1);
        assertThat(layout.pieces().get(0)).isEqualTo(new Segment(0, (int) headerEnd, 0, 0, false, 0));
        for (Page p : pages.subList(0, fixture.headerPages)) {
            assertThat(p.granule()).isIn(0L, -1L);
        }
        assertThat(pages.get(fixture.headerPages - 1).granule()).isZero();
        assertThat(pages.get(fixture.headerPages).granule()).isPositive();
        assertThat(layout.links()).containsExactly(new MediaLayout.Link(0, 1, 0, fixture.durationMicros,
                fixture.codecs));
        assertThat(layout.pieces().get(1).startPoint()).isTrue();
        assertThat(layout.pieces().get(layout.pieces().size() - 1).endMicros()).isEqualTo(fixture.durationMicros);

        assertThat(layout.mediaType()).isEqualTo(fixture.mediaType);
        assertThat(layout.properties()).containsAllEntriesOf(Map.of(
                "pages", Integer.toString(fixture.pages),
                "packets", Integer.toString(fixture.packets),
                "streams", Integer.toString(fixture.streams),
                "links", "1",
                "codecs", fixture.codecs,
                "headerPages", Integer.toString(fixture.headerPages),
                "headerBytes", Long.toString(headerEnd),
                "durationMicros", Long.toString(fixture.durationMicros),
                "sequenceGaps", "0"));
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
        // real Vorbis headers, with a 4.3 MiB comment packet in the middle: 69 full pages
        List<byte[]> headers = OggTestFiles.packets(Fixture.VORBIS.bytes(), 1234);
        byte[] comment = OggTestFiles.concat(headers.get(1), new byte[69 * 65_025 - headers.get(1).length - 100]);
        List<OggTestFiles.Packet> packets = new ArrayList<>(List.of(new OggTestFiles.Packet(headers.get(0), 0, true),
                new OggTestFiles.Packet(comment, 0), new OggTestFiles.Packet(headers.get(2), 0, true)));
        for (int i = 0; i < 5; i++) {
            packets.add(new OggTestFiles.Packet(new byte[3000], 1000L * (i + 1), true));
        }
        byte[] file = OggTestFiles.cat(OggTestFiles.paginate(77, 0, true, true, 65_025, packets));
        List<Page> pages = OggTestFiles.scan(file);
        int headerPages = pages.size() - 5;
        assertThat(headerPages).isGreaterThan(69);

        MediaLayout layout = new OggFormat(8192).layout(new ByteArrayInputStream(file));

        assertWholePageTiling(file, pages, layout, 8192);
        assertThat(layout.headerPieces()).isEqualTo(2);
        List<Segment> header = layout.pieces().subList(0, 2);
        assertThat(header.get(0).length()).isLessThanOrEqualTo(PieceInfo.MAX_LENGTH)
                .isGreaterThan(PieceInfo.MAX_LENGTH - 65_307);
        assertThat(header.get(1).offset() + header.get(1).length()).isEqualTo(pages.get(headerPages - 1).end());
        assertThat(layout.pieces()).hasSize(2 + 3); // data pages of 3,028 bytes, two per 8 KiB piece
        assertThat(layout.properties()).containsEntry("headerPages", Integer.toString(headerPages));
    }


    @Test
    void pagesOnWhichNoPacketEndsGoWithThePacketTheyCarry() throws Exception {
        // an OpusTags spanning three pages (header pages, granule -1 on the first two), then an audio
        // packet spanning two pages (data pages)
        byte[] tags = OggTestFiles.concat(OggTestFiles.opusTags(), new byte[600]);
        byte[] audio = OggTestFiles.opus20ms(400);
        List<byte[]> pages = OggTestFiles.paginate(5, 0, true, true, 255, List.of(
                new OggTestFiles.Packet(OggTestFiles.opusHead(2, 312), 0, true),
                new OggTestFiles.Packet(tags, 0, true), new OggTestFiles.Packet(audio, 960 + 312)));
        assertThat(pages).hasSize(1 + 3 + 2);
        byte[] file = OggTestFiles.cat(pages);

        MediaLayout layout = new OggFormat(1).layout(new ByteArrayInputStream(file));

        assertThat(layout.headerPieces()).isEqualTo(1);
        assertThat(layout.properties()).containsEntry("headerPages", "4").containsEntry("packets", "3");
        int headerBytes = pages.get(0).length + pages.get(1).length + pages.get(2).length + pages.get(3).length;
        assertThat(layout.pieces()).containsExactly(new Segment(0, headerBytes, 0, 0, false, 0),
                new Segment(headerBytes, pages.get(4).length, 0, 0, true, 0),
                new Segment(headerBytes + pages.get(4).length, pages.get(5).length, 0, 20_000, false, 0));
    }


    @Test
    void aPacketSpanningThousandsOfPagesIsCountedNotHeld() throws Exception {
        // one 16 MiB Speex "packet" over 258 full pages: the layout holds no part of it
        byte[] huge = new byte[258 * 65_025 - 10];
        List<byte[]> pages = OggTestFiles.paginate(6, 0, true, true, 65_025, List.of(
                new OggTestFiles.Packet(OggTestFiles.speexHeader(16_000, 320, 1, 0), 0, true),
                new OggTestFiles.Packet(new byte[20], 0, true), new OggTestFiles.Packet(huge, 320)));
        byte[] file = OggTestFiles.cat(pages);

        long before = allocatedBytes();
        MediaLayout layout = new OggFormat(OggFormat.DEFAULT_PIECE_SIZE).layout(new ByteArrayInputStream(file));
        long allocated = allocatedBytes() - before;

        assertThat(layout.properties()).containsEntry("packets", "3").containsEntry("headerPages", "2");
        assertWholePageTiling(file, OggTestFiles.scan(file), layout, OggFormat.DEFAULT_PIECE_SIZE);
        // the page buffer, per-stream state and the list of 68 pieces; nothing in proportion to the packet
        assertThat(allocated).isLessThan(1 << 20);
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
                .containsEntry("links", "3").containsEntry("codecs", "speex,vorbis").containsEntry("headerPages", "6")
                .containsEntry("durationMicros", "12020000");
        assertThat(layout.links()).extracting(MediaLayout.Link::codecs).containsExactly("vorbis", "speex", "vorbis");
        assertThat(layout.links()).extracting(MediaLayout.Link::startMicros).containsExactly(0L, 5_000_000L,
                7_020_000L);
        assertThat(layout.links()).extracting(MediaLayout.Link::endMicros).containsExactly(5_000_000L, 7_020_000L,
                12_020_000L);
    }


    @Test
    void skeletonAndUnknownStreamsAreApplicationOgg() throws Exception {
        byte[] skeleton = OggTestFiles.concat(
                OggTestFiles.page(OggPage.BOS, 0, 1, 0, OggTestFiles.packet("fishead\0", 80)),
                OggTestFiles.page(OggPage.BOS, 0, 2, 0, OggTestFiles.packet("mystery!", 20)),
                OggTestFiles.page(OggPage.EOS, 0, 1, 1, new byte[0][]),
                OggTestFiles.page(OggPage.EOS, 100, 2, 1, new byte[40]));

        MediaLayout layout = new OggFormat(OggFormat.DEFAULT_PIECE_SIZE).layout(new ByteArrayInputStream(skeleton));

        // a link without any known codec: only its BOS pages are headers, and it has no time
        assertThat(layout.mediaType()).isEqualTo("application/ogg");
        assertThat(layout.properties()).containsEntry("codecs", "skeleton,unknown").containsEntry("streams", "2")
                .containsEntry("headerPages", "2").containsEntry("durationMicros", "-1");
        assertThat(layout.headerPieces()).isEqualTo(1);
        assertThat(layout.pieces()).hasSize(2);
        assertThat(layout.pieces()).allSatisfy(p -> assertThat(p.startMicros()).isEqualTo(-1));
        assertThat(layout.links()).containsExactly(new MediaLayout.Link(0, 1, -1, -1, "skeleton,unknown"));
    }


    @Test
    void aSkeletonBesideTheoraIsVideo() throws Exception {
        byte[] file = OggTestFiles.concat(
                OggTestFiles.page(OggPage.BOS, 0, 1, 0, OggTestFiles.packet("fishead\0", 80)),
                OggTestFiles.page(OggPage.BOS, 0, 2, 0, OggTestFiles.theoraIdent(25, 1, 6)),
                OggTestFiles.page(0, 0, 2, 1, new byte[][] {OggTestFiles.theoraComment(), OggTestFiles.theoraSetup()}),
                OggTestFiles.page(OggPage.EOS, 0, 1, 1, new byte[0][]),
                OggTestFiles.page(OggPage.EOS, 64, 2, 2, OggTestFiles.theoraFrame(true, 100)));
        MediaLayout layout = new OggFormat(OggFormat.DEFAULT_PIECE_SIZE).layout(new ByteArrayInputStream(file));
        assertThat(layout.mediaType()).isEqualTo("video/ogg");
        assertThat(layout.properties()).containsEntry("codecs", "skeleton,theora").containsEntry("headerPages", "4")
                .containsEntry("durationMicros", "40000");
        assertThat(layout.links().get(0).codecs()).isEqualTo("skeleton,theora");
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
        assertThat(e.detail()).isEqualTo("BOS page 2 at byte 3362 (logical stream serial 7001) comes after pages of "
                + "its link that are not BOS pages; RFC 3533 puts all BOS pages of a link first");
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
            out.writeBytes(OggTestFiles.page(OggPage.BOS, 0, serial, 0, OggTestFiles.speexHeader(16_000, 320, 1, 0)));
        }
        OggFormatException e = layoutFailure(out.toByteArray());
        assertThat(e.kind()).isEqualTo(Kind.TOO_MANY_STREAMS);
        assertThat(e.page()).isEqualTo(LogicalStreams.MAX_OPEN_STREAMS);
    }

    @Test
    void manyOnePageStreamsBesideAnOpenOneAreFine() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(OggTestFiles.page(OggPage.BOS, 0, 1, 0, OggTestFiles.speexHeader(16_000, 320, 1, 0)));
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

    /**
     * With a target duration, low-bitrate audio is cut into pieces of about that much media: each
     * data piece but the last lasts at most the target, unless it had not reached 16 KiB before its
     * last page. The pieces still tile the file on page boundaries.
     */
    @ParameterizedTest
    @EnumSource(value = Fixture.class, names = {"VORBIS", "OPUS"})
    void aTargetDurationCutsAudioIntoShortPieces(Fixture fixture) throws Exception {
        byte[] file = fixture.bytes();
        List<Page> pages = OggTestFiles.scan(file);
        Map<Long, Page> byEnd = pages.stream().collect(Collectors.toMap(Page::end, p -> p));
        long target = 1_000_000;

        MediaLayout bySize = new OggFormat(OggFormat.DEFAULT_PIECE_SIZE).layout(new ByteArrayInputStream(file));
        MediaLayout byTime = new OggFormat(OggFormat.DEFAULT_PIECE_SIZE, target).layout(new ByteArrayInputStream(file));

        assertThat(bySize.pieces()).hasSize(2);
        // 5 s of about 79 kbit/s (Vorbis, 49 KB) and 45 kbit/s (Opus, 28 KB): pieces of 1 s, or of 16 KiB when 1 s is less
        assertThat(byTime.pieces().size()).as("%s: %s", fixture, byTime.pieces())
                .isEqualTo(fixture == Fixture.VORBIS ? 4 : 3);
        assertThat(byTime.pieces().get(0)).isEqualTo(bySize.pieces().get(0));
        assertThat(byTime.links()).isEqualTo(bySize.links());
        long offset = 0;
        for (int i = 0; i < byTime.pieces().size(); i++) {
            Segment piece = byTime.pieces().get(i);
            assertThat(piece.offset()).isEqualTo(offset);
            offset += piece.length();
            Page last = byEnd.get(offset);
            assertThat(last).as("piece %d ends on a page boundary", i).isNotNull();
            if (i > 0) {
                assertThat(piece.startPoint()).as("audio: every data piece is a start point").isTrue();
            }
            if (i > 0 && i < byTime.pieces().size() - 1) {
                assertThat(piece.endMicros() - piece.startMicros() <= target
                        || piece.length() - last.length() < OggPieceCutter.DURATION_CUT_MIN_BYTES)
                        .as("data piece %d: %s lasts at most the target, or was under 16 KiB before its last page",
                                i, piece).isTrue();
                assertThat(piece.length()).as("no piece cut by time under 16 KiB")
                        .isGreaterThanOrEqualTo(OggPieceCutter.DURATION_CUT_MIN_BYTES);
            }
        }
        assertThat(offset).isEqualTo(file.length);
        assertThat(byTime.pieces().get(byTime.pieces().size() - 1).endMicros()).isEqualTo(fixture.durationMicros);
    }

    @Test
    void durationCutsStopAfterTheirPieceLimit() throws Exception {
        byte[] file = Fixture.VORBIS.bytes();
        MediaLayout unlimited = new OggFormat(OggFormat.DEFAULT_PIECE_SIZE, 1_000_000).layout(
                new ByteArrayInputStream(file));
        MediaLayout limited = new OggFormat(OggFormat.DEFAULT_PIECE_SIZE, 1_000_000, 2).layout(
                new ByteArrayInputStream(file));

        assertThat(unlimited.pieces()).hasSize(4);
        // the header piece and one data piece cut by time, then the rest by size: one piece
        assertThat(limited.pieces()).hasSize(3);
        assertThat(limited.pieces().subList(0, 2)).isEqualTo(unlimited.pieces().subList(0, 2));
    }

    @Test
    void videoAtItsBitrateReachesTheSizeFirst() throws Exception {
        byte[] file = Fixture.THEORA_VORBIS.bytes();
        for (int target : new int[] {16_384, 65_536}) {
            MediaLayout bySize = new OggFormat(target).layout(new ByteArrayInputStream(file));
            MediaLayout both = new OggFormat(target, 2_000_000).layout(new ByteArrayInputStream(file));
            assertThat(both.pieces()).isEqualTo(bySize.pieces());
        }
    }

    @Test
    void nameAndTargetRange() {
        assertThat(new OggFormat(1).name()).isEqualTo("ogg");
        assertThat(new OggFormat(PieceInfo.MAX_LENGTH).targetPieceSize()).isEqualTo(PieceInfo.MAX_LENGTH);
        assertThatThrownBy(() -> new OggFormat(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OggFormat(PieceInfo.MAX_LENGTH + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new OggFormat(65_536, OggFormat.MAX_PIECE_MICROS).targetPieceMicros())
                .isEqualTo(OggFormat.MAX_PIECE_MICROS);
        assertThat(new OggFormat(65_536).targetPieceMicros()).isZero();
        assertThatThrownBy(() -> new OggFormat(65_536, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OggFormat(65_536, OggFormat.MAX_PIECE_MICROS + 1))
                .isInstanceOf(IllegalArgumentException.class);
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
            byte[] mutated = OggTestFiles.mutate(original, pages, random);
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

    /**
     * Checks the invariants every layout keeps: the pieces tile the file; each starts where a page
     * starts (and its bytes there read "OggS"); joined they give the file back byte for byte; no
     * piece exceeds PieceInfo.MAX_LENGTH; a data piece of more than one page stays within the target,
     * and data pieces are greedy (the next page would not have fitted) unless the next piece begins
     * with a Theora keyframe page.
     */
    static void assertWholePageTiling(byte[] file, List<Page> pages, MediaLayout layout, int target) {
        assertThat(layout.length()).isEqualTo(file.length);
        Map<Long, Page> byOffset = pages.stream().collect(Collectors.toMap(Page::offset, p -> p));
        Set<Long> starts = byOffset.keySet();
        Set<Long> keyframes = OggTestFiles.keyframePages(file);
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
            MediaLayout.Link link = layout.links().get(piece.link());
            if (i >= link.firstPiece() + link.headerPieces()) {
                Page first = byOffset.get(piece.offset());
                if (piece.length() > target) {
                    assertThat(piece.length()).as("data piece %d longer than the target is one page", i)
                            .isEqualTo(first.length());
                }
                if (i + 1 < pieces.size() && pieces.get(i + 1).link() == piece.link()
                        && !keyframes.contains(pieces.get(i + 1).offset())) {
                    Page next = byOffset.get(pieces.get(i + 1).offset());
                    assertThat((long) piece.length() + next.length())
                            .as("data piece %d is greedy, unless a keyframe starts the next", i).isGreaterThan(target);
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

    private static long allocatedBytes() {
        return OggTestFiles.allocatedBytes();
    }
}
