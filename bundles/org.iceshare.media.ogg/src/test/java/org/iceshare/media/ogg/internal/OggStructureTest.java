package org.iceshare.media.ogg.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;

import org.iceshare.api.media.MediaLayout;
import org.iceshare.api.media.MediaLayout.Segment;
import org.iceshare.media.ogg.internal.OggFormatException.Kind;
import org.iceshare.media.ogg.internal.OggTestFiles.Fixture;
import org.iceshare.media.ogg.internal.OggTestFiles.Packet;
import org.iceshare.media.ogg.internal.OggTestFiles.Page;
import org.junit.jupiter.api.Test;

/**
 * The rules that span pages (continuation, headers before data, codec headers), time, and how
 * keyframes shape pieces, on synthetic streams built by the independent paginator.
 */
class OggStructureTest {

    private static MediaLayout layout(int target, byte[] file) throws Exception {
        return new OggFormat(target).layout(new ByteArrayInputStream(file));
    }

    private static OggFormatException failure(byte[] file) {
        Throwable thrown = catchThrowable(() -> layout(OggFormat.DEFAULT_PIECE_SIZE, file));
        assertThat(thrown).isInstanceOf(OggFormatException.class);
        return (OggFormatException) thrown;
    }

    /**
     * An Opus stream without pre-skip: headers, then {@code packets} 20 ms packets of {@code size}
     * bytes after {@code firstGranule}, with the given page body size.
     */
    static List<byte[]> opus(int serial, long firstGranule, int packets, int size, int maxBody) {
        List<Packet> list = new ArrayList<>(List.of(new Packet(OggTestFiles.opusHead(2, 0), 0, true),
                new Packet(OggTestFiles.opusTags(), 0, true)));
        for (int i = 0; i < packets; i++) {
            list.add(new Packet(OggTestFiles.opus20ms(size), firstGranule + 960L * (i + 1)));
        }
        return OggTestFiles.paginate(serial, 0, true, true, maxBody, list);
    }

    /**
     * A Theora stream at 25 fps with KFGSHIFT 6: headers, then frames; {@code sizes[i]} is frame i's
     * size, negative for a keyframe. Every keyframe begins a page (as ffmpeg's muxer does).
     */
    static List<byte[]> theora(int serial, int maxBody, int... sizes) {
        List<Packet> list = new ArrayList<>(List.of(new Packet(OggTestFiles.theoraIdent(25, 1, 6), 0, true),
                new Packet(OggTestFiles.theoraComment(), 0), new Packet(OggTestFiles.theoraSetup(), 0, true)));
        int keyframe = 0;
        for (int i = 0; i < sizes.length; i++) {
            boolean key = sizes[i] < 0;
            if (key) {
                keyframe = i;
            }
            long granule = (long) (keyframe + 1) << 6 | (i - keyframe);
            boolean nextIsKey = i + 1 < sizes.length && sizes[i + 1] < 0;
            list.add(new Packet(OggTestFiles.theoraFrame(key, Math.abs(sizes[i])), granule, nextIsKey));
        }
        return OggTestFiles.paginate(serial, 0, true, true, maxBody, list);
    }

    static int[] gops(int groups, int frames, int keySize, int frameSize) {
        int[] sizes = new int[groups * frames];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = i % frames == 0 ? -keySize : frameSize;
        }
        return sizes;
    }

    // ---- malformed: each with its typed error and offset ----

    @Test
    void aPageThatClaimsToContinueWhatEnded() {
        List<byte[]> pages = opus(3, 0, 30, 100, 1000);
        assertThat(pages).hasSizeGreaterThan(3);
        byte[] bad = pages.get(2).clone();
        bad[5] |= OggPage.CONTINUED;
        byte[] file = OggTestFiles.cat(List.of(pages.get(0), pages.get(1), OggTestFiles.withCrc(bad), pages.get(3)));
        OggFormatException e = failure(file);
        assertThat(e.kind()).isEqualTo(Kind.BAD_CONTINUATION);
        assertThat(e.offset()).isEqualTo(pages.get(0).length + pages.get(1).length);
        assertThat(e.detail()).contains("says it continues a packet, but the stream's previous page ended its last "
                + "packet");
    }

    @Test
    void aPageThatDoesNotContinueWhatWasLeftOpen() {
        List<byte[]> pages = opus(3, 0, 10, 700, 1000); // 700-byte packets over 1000-byte pages: most continue
        int at = -1;
        for (int i = 3; i < pages.size(); i++) {
            if ((pages.get(i)[5] & OggPage.CONTINUED) != 0) {
                at = i;
                break;
            }
        }
        byte[] bad = pages.get(at).clone();
        bad[5] &= ~OggPage.CONTINUED;
        List<byte[]> damaged = new ArrayList<>(pages);
        damaged.set(at, OggTestFiles.withCrc(bad));
        OggFormatException e = failure(OggTestFiles.cat(damaged));
        assertThat(e.kind()).isEqualTo(Kind.BAD_CONTINUATION);
        assertThat(e.page()).isEqualTo(at);
        assertThat(e.detail()).contains("does not continue the packet its stream's previous page left unfinished");
    }

    @Test
    void aBosPageCannotContinueAnything() {
        byte[] bos = OggTestFiles.page(OggPage.BOS | OggPage.CONTINUED, 0, 1, 0, OggTestFiles.opusHead(2, 0));
        OggFormatException e = failure(bos);
        assertThat(e.kind()).isEqualTo(Kind.BAD_CONTINUATION);
        assertThat(e.offset()).isZero();
    }

    /** A gap in sequence numbers (a late-joined recording, oggz-chop) is tolerated: the cut packet is dropped. */
    @Test
    void aSequenceGapIsToleratedAndCounted() throws Exception {
        List<byte[]> pages = opus(3, 0, 40, 700, 1000);
        int drop = 6;
        assertThat(pages.get(drop + 1)[5] & OggPage.CONTINUED).isNotZero();
        List<byte[]> gapped = new ArrayList<>(pages);
        gapped.remove(drop);
        byte[] file = OggTestFiles.cat(gapped);
        MediaLayout layout = layout(4096, file);
        assertThat(layout.properties()).containsEntry("sequenceGaps", "1");
        assertThat(layout.length()).isEqualTo(file.length);
    }

    @Test
    void headersOfEveryStreamComeBeforeTheFirstDataPage() {
        // Theora and Opus: Theora's first frame comes before OpusTags
        List<byte[]> t = theora(1, 4000, -500, 100, 100);
        List<byte[]> o = opus(2, 0, 5, 100, 4000);
        assertThat(t).hasSize(3);
        byte[] file = OggTestFiles.cat(List.of(t.get(0), o.get(0), t.get(1), t.get(2), o.get(1), o.get(2)));
        OggFormatException e = failure(file);
        assertThat(e.kind()).isEqualTo(Kind.HEADER_AFTER_DATA);
        assertThat(e.page()).isEqualTo(4);
        assertThat(e.offset()).isEqualTo(t.get(0).length + o.get(0).length + t.get(1).length + t.get(2).length);
        assertThat(e.detail()).contains("holds header packets of logical stream serial 2 (opus), but the data of its "
                + "link began before, on page 3");
    }

    @Test
    void aPageWithTheLastHeaderAndTheFirstAudio() {
        List<Packet> list = List.of(new Packet(OggTestFiles.opusHead(2, 312), 0, true),
                new Packet(OggTestFiles.opusTags(), 0), new Packet(OggTestFiles.opus20ms(50), 1272));
        List<byte[]> pages = OggTestFiles.paginate(4, 0, true, true, 65_025, list);
        assertThat(pages).hasSize(2);
        OggFormatException e = failure(OggTestFiles.cat(pages));
        assertThat(e.kind()).isEqualTo(Kind.MIXED_HEADER_PAGE);
        assertThat(e.offset()).isEqualTo(pages.get(0).length);
        assertThat(e.page()).isEqualTo(1);
    }

    @Test
    void aBosPageMustHoldItsIdentificationHeaderAlone() {
        byte[] bos = OggTestFiles.page(OggPage.BOS, 0, 1, 0, new byte[][] {OggTestFiles.opusHead(2, 0),
                OggTestFiles.opusTags()});
        OggFormatException e = failure(bos);
        assertThat(e.kind()).isEqualTo(Kind.BAD_HEADER);
        assertThat(e.detail()).contains("must hold its identification header packet alone");
    }

    @Test
    void aMalformedIdentificationHeader() {
        byte[] ident = OggTestFiles.theoraIdent(25, 0, 6);
        OggFormatException e = failure(OggTestFiles.page(OggPage.BOS, 0, 1, 0, ident));
        assertThat(e.kind()).isEqualTo(Kind.BAD_HEADER);
        assertThat(e.offset()).isZero();
        assertThat(e.detail()).isEqualTo("header packet 0 of logical stream serial 1 (theora), which begins on the "
                + "page at byte 0: Theora frame rate 25/0");
    }

    @Test
    void aWrongSecondHeader() {
        List<byte[]> pages = OggTestFiles.paginate(1, 0, true, true, 4000, List.of(
                new Packet(OggTestFiles.theoraIdent(25, 1, 6), 0, true), new Packet(OggTestFiles.theoraSetup(), 0),
                new Packet(OggTestFiles.theoraSetup(), 0, true)));
        OggFormatException e = failure(OggTestFiles.cat(pages));
        assertThat(e.kind()).isEqualTo(Kind.BAD_HEADER);
        assertThat(e.offset()).isEqualTo(pages.get(0).length);
        assertThat(e.detail()).contains("is not a comment header (0x81 \"theora\")");
    }

    @Test
    void aStreamThatEndsBeforeItsHeadersDo() {
        List<byte[]> pages = OggTestFiles.paginate(1, 0, true, true, 4000, List.of(
                new Packet(OggTestFiles.theoraIdent(25, 1, 6), 0, true), new Packet(OggTestFiles.theoraComment(), 0)));
        OggFormatException e = failure(OggTestFiles.cat(pages));
        assertThat(e.kind()).isEqualTo(Kind.BAD_HEADER);
        assertThat(e.offset()).isEqualTo(pages.get(0).length);
        assertThat(e.detail()).contains("reaches its EOS page 1").contains("after 2 packets, before all of its 3 header "
                + "packets");

        byte[] cut = OggTestFiles.pages(Fixture.VORBIS.bytes(), 0, 1);
        OggFormatException atEnd = failure(cut);
        assertThat(atEnd.kind()).isEqualTo(Kind.BAD_HEADER);
        assertThat(atEnd.offset()).isEqualTo(cut.length);
        assertThat(atEnd.detail()).contains("reaches the end of the content after 1 packets");
    }

    /** RFC 3533: a page on which no packet ends has granule -1; another value there is ignored. */
    @Test
    void theGranuleOfAPageWithoutAPacketEndIsIgnored() throws Exception {
        List<byte[]> pages = opus(3, 0, 3, 3000, 1000);
        List<byte[]> changed = new ArrayList<>();
        for (byte[] p : pages) {
            List<Page> scanned = OggTestFiles.scan(p);
            if (scanned.get(0).granule() == -1) {
                byte[] q = p.clone();
                java.nio.ByteBuffer.wrap(q).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(6, 48_000L * 3600);
                p = OggTestFiles.withCrc(q);
            }
            changed.add(p);
        }
        MediaLayout layout = layout(1, OggTestFiles.cat(changed));
        assertThat(layout.properties()).containsEntry("durationMicros", "60000");
        assertThat(changed).isNotEqualTo(pages);
        assertThat(layout.pieces()).allSatisfy(s -> assertThat(s.endMicros()).isLessThanOrEqualTo(60_000));
    }

    // ---- time ----

    /** A stream cut from a longer one (granules far from 0) starts at time 0 all the same. */
    @Test
    void timeStartsAtTheFirstSampleWhateverTheGranules() throws Exception {
        long tenMinutes = 48_000L * 600;
        MediaLayout layout = layout(2000, OggTestFiles.cat(opus(3, tenMinutes, 100, 100, 1000)));
        assertThat(layout.properties()).containsEntry("durationMicros", "2000000");
        assertThat(layout.pieces().get(1).startMicros()).isZero();
        assertThat(layout.links().get(0)).isEqualTo(new MediaLayout.Link(0, 1, 0, 2_000_000, "opus"));
    }

    /** Chained links: each link's time continues from the previous link's end, even if its granules start late. */
    @Test
    void chainedTimeContinues() throws Exception {
        byte[] first = OggTestFiles.cat(opus(3, 0, 50, 100, 1000)); // 1 s
        byte[] second = OggTestFiles.cat(opus(4, 48_000L * 3600, 100, 100, 1000)); // 2 s, an hour in
        byte[] third = Fixture.SPEEX.bytes(); // 2.02 s
        MediaLayout layout = layout(2000, OggTestFiles.concat(first, second, third));
        assertThat(layout.links()).containsExactly(new MediaLayout.Link(0, 1, 0, 1_000_000, "opus"),
                new MediaLayout.Link(layout.links().get(1).firstPiece(), 1, 1_000_000, 3_000_000, "opus"),
                new MediaLayout.Link(layout.links().get(2).firstPiece(), 1, 3_000_000, 5_020_000, "speex"));
        for (MediaLayout.Link l : layout.links()) {
            Segment header = layout.pieces().get(l.firstPiece());
            assertThat(header.startMicros()).isEqualTo(l.startMicros()).isEqualTo(header.endMicros());
            assertThat(header.startPoint()).isFalse();
            Segment firstData = layout.pieces().get(l.firstPiece() + 1);
            assertThat(firstData.startMicros()).isEqualTo(l.startMicros());
            assertThat(firstData.startPoint()).isTrue();
        }
        long previousEnd = 0;
        for (Segment s : layout.pieces()) {
            assertThat(s.startMicros()).isGreaterThanOrEqualTo(previousEnd - 1).isLessThanOrEqualTo(s.endMicros());
            previousEnd = Math.max(previousEnd, s.endMicros());
        }
    }

    // ---- start points and keyframes ----

    /** Audio: a piece is a start point when a new packet begins at its first byte, not when it continues one. */
    @Test
    void audioStartPointsAreWhereAPacketBegins() throws Exception {
        byte[] file = OggTestFiles.cat(opus(3, 0, 60, 700, 1000));
        List<Page> pages = OggTestFiles.scan(file);
        MediaLayout layout = layout(1, file); // one header piece of two pages, then one page per piece
        assertThat(layout.pieces()).hasSize(pages.size() - 1);
        int continued = 0;
        for (int i = 1; i < layout.pieces().size(); i++) {
            Segment piece = layout.pieces().get(i);
            Page page = pages.get(i + 1);
            assertThat(piece.offset()).isEqualTo(page.offset());
            boolean continues = (page.flags() & OggPage.CONTINUED) != 0;
            continued += continues ? 1 : 0;
            assertThat(piece.startPoint()).as("piece %d", i).isEqualTo(!continues);
        }
        assertThat(continued).isGreaterThan(10);
    }

    /** Groups of pictures longer than the target: every keyframe starts a piece, and only those pieces are start points. */
    @Test
    void everyKeyframeStartsAPieceWhenGroupsAreLong() throws Exception {
        byte[] file = OggTestFiles.cat(theora(1, 4000, gops(6, 25, 8000, 1500)));
        java.util.Set<Long> keyframes = OggTestFiles.keyframePages(file);
        assertThat(keyframes).hasSize(6);
        MediaLayout layout = layout(16_384, file);
        List<Segment> data = layout.pieces().subList(1, layout.pieces().size());
        for (Segment s : data) {
            assertThat(s.startPoint()).as("piece at %d", s.offset()).isEqualTo(keyframes.contains(s.offset()));
        }
        assertThat(data.stream().filter(Segment::startPoint).map(Segment::offset).toList())
                .containsExactlyInAnyOrderElementsOf(keyframes);
        // each keyframe piece starts at its keyframe's time: 25 frames = 1 s apart
        assertThat(data.stream().filter(Segment::startPoint).map(Segment::startMicros).toList())
                .containsExactly(0L, 1_000_000L, 2_000_000L, 3_000_000L, 4_000_000L, 5_000_000L);
        assertThat(layout.links().get(0).endMicros()).isEqualTo(6_000_000);
    }

    /**
     * Groups shorter than half the target share a piece: a keyframe cuts only when the current piece
     * (which began at a keyframe) holds at least half the target.
     */
    @Test
    void shortGroupsSharePieces() throws Exception {
        // groups of 5 frames, about 3 KiB each; target 16 KiB: a cut at the first keyframe past 8 KiB
        byte[] file = OggTestFiles.cat(theora(1, 4000, gops(20, 5, 1000, 500)));
        java.util.Set<Long> keyframes = OggTestFiles.keyframePages(file);
        MediaLayout layout = layout(16_384, file);
        List<Segment> data = layout.pieces().subList(1, layout.pieces().size());
        for (int i = 0; i < data.size(); i++) {
            Segment s = data.get(i);
            assertThat(keyframes).as("piece %d starts on a keyframe", i).contains(s.offset());
            assertThat(s.startPoint()).isTrue();
            if (i + 1 < data.size()) {
                assertThat(s.length()).as("piece %d", i).isGreaterThanOrEqualTo(8192).isLessThanOrEqualTo(16_384);
            }
        }
        assertThat(data.size()).isLessThan(keyframes.size());
    }

    /** A keyframe that does not begin its page (an inter frame before it on the page) cannot start a piece. */
    @Test
    void aKeyframeInsideAPageIsNotAStartPoint() throws Exception {
        List<Packet> list = new ArrayList<>(List.of(new Packet(OggTestFiles.theoraIdent(25, 1, 6), 0, true),
                new Packet(OggTestFiles.theoraComment(), 0), new Packet(OggTestFiles.theoraSetup(), 0, true),
                new Packet(OggTestFiles.theoraFrame(true, 3000), 1 << 6, true),
                new Packet(OggTestFiles.theoraFrame(false, 3000), 1 << 6 | 1),
                new Packet(OggTestFiles.theoraFrame(true, 3000), 3 << 6, true),
                new Packet(OggTestFiles.theoraFrame(false, 3000), 3 << 6 | 1, true)));
        byte[] file = OggTestFiles.cat(OggTestFiles.paginate(1, 0, true, true, 65_025, list));
        MediaLayout layout = layout(1, file);
        assertThat(layout.pieces()).extracting(Segment::startPoint).containsExactly(false, true, false, false);
    }

    /** A keyframe larger than a page: its first page starts the piece; the pages it continues on do not. */
    @Test
    void aKeyframeSpanningPages() throws Exception {
        byte[] file = OggTestFiles.cat(theora(1, 65_025, -200_000, 1000, 1000, -150_000, 1000));
        List<Page> pages = OggTestFiles.scan(file);
        MediaLayout layout = layout(65_536, file);
        java.util.Set<Long> keyframes = OggTestFiles.keyframePages(file);
        assertThat(keyframes).hasSize(2);
        for (Segment s : layout.pieces().subList(1, layout.pieces().size())) {
            assertThat(s.startPoint()).isEqualTo(keyframes.contains(s.offset()));
        }
        assertThat(pages.stream().filter(p -> p.granule() == -1).count()).isGreaterThanOrEqualTo(4);
    }

    /** Video whose keyframes are not followed (VP8): only the first data piece is a start point. */
    @Test
    void opaqueVideoHasOneStartPoint() throws Exception {
        List<byte[]> o = opus(2, 0, 100, 200, 2000);
        List<byte[]> pages = new ArrayList<>();
        pages.add(OggTestFiles.page(OggPage.BOS, 0, 9, 0, OggTestFiles.packet("OVP80", 26)));
        pages.add(o.get(0));
        pages.add(o.get(1));
        pages.addAll(o.subList(2, o.size()));
        pages.add(OggTestFiles.page(OggPage.EOS, 1, 9, 1, new byte[100]));
        MediaLayout layout = layout(1, OggTestFiles.cat(pages));
        assertThat(layout.mediaType()).isEqualTo("video/ogg");
        assertThat(layout.pieces().stream().filter(Segment::startPoint).count()).isEqualTo(1);
        assertThat(layout.pieces().get(layout.headerPieces()).startPoint()).isTrue();
    }
}
