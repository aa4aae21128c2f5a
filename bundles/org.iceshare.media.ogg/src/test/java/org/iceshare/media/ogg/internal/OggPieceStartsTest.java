package org.iceshare.media.ogg.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import org.iceshare.api.media.MediaFormat;
import org.iceshare.api.media.MediaLayout;
import org.iceshare.api.media.MediaLayout.Segment;
import org.iceshare.api.media.PieceStart;
import org.iceshare.media.ogg.internal.OggTestFiles.Page;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Page-precise time starts ({@link OggFormat#startInPiece}) on the real encoder corpus, against an
 * oracle that shares no code with the format: the naive page scanner of {@link OggTestFiles}, and
 * granule positions turned into time by the codecs' mapping rules written out here again (Vorbis,
 * FLAC and Speex count samples at the rate of their first header, Opus counts 48 kHz samples after
 * its pre-skip, Theora counts frames at its frame rate).
 *
 * <p>For audio the oracle's answer is the last page of the piece (after its first) that begins
 * with a new packet and whose stream plays from at or before the target: that page's first sample is
 * the granule time of its stream's previous page. Before that page, the piece's first byte when the
 * piece is a start point. For video, a start must be a page that begins a Theora keyframe.
 */
@ExtendWith(OggCorpus.class)
class OggPieceStartsTest {
    /** Small pieces (a page or two of audio), and large ones (many pages; for video, several keyframes). */
    static final int[] PIECES = {8192, 32_768, 262_144};
    static final int PIECE = 8192;

    /** One stream's clock, from its BOS page. */
    record Clock(String codec, long rate, long preSkip, long fpsNum, long fpsDen, int shift, boolean oldTheora) {
        /** A granule position's time in microseconds on the stream's clock (for Theora: the end of the frame). */
        long micros(long granule) {
            return switch (codec) {
                case "opus" -> (granule - preSkip) * 1_000_000 / 48_000;
                case "theora" -> {
                    long key = granule >>> shift;
                    long frames = key + (granule - (key << shift)) + (oldTheora ? 1 : 0);
                    yield frames * 1_000_000 * fpsDen / fpsNum;
                }
                default -> granule * 1_000_000 / rate;
            };
        }
    }

    static Clock clock(byte[] file, Page bos) {
        int segments = file[(int) bos.offset() + 26] & 0xff;
        int b = (int) bos.offset() + 27 + segments;
        ByteBuffer le = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer be = ByteBuffer.wrap(file).order(ByteOrder.BIG_ENDIAN);
        String magic = new String(file, b, 8, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (magic.startsWith("\u0001vorbis")) {
            return new Clock("vorbis", le.getInt(b + 12) & 0xffffffffL, 0, 0, 0, 0, false);
        }
        if (magic.startsWith("OpusHead")) {
            return new Clock("opus", 48_000, le.getShort(b + 10) & 0xffff, 0, 0, 0, false);
        }
        if (magic.startsWith("\u007fFLAC")) {
            long rate = (file[b + 27] & 0xffL) << 12 | (file[b + 28] & 0xffL) << 4 | (file[b + 29] & 0xffL) >> 4;
            return new Clock("flac", rate, 0, 0, 0, 0, false);
        }
        if (magic.startsWith("Speex   ")) {
            return new Clock("speex", le.getInt(b + 36) & 0xffffffffL, 0, 0, 0, 0, false);
        }
        if (magic.startsWith("\u0080theora")) {
            int version = (file[b + 7] & 0xff) << 16 | (file[b + 8] & 0xff) << 8 | (file[b + 9] & 0xff);
            int shift = (file[b + 40] & 0x03) << 3 | (file[b + 41] & 0xff) >> 5;
            return new Clock("theora", 0, 0, be.getInt(b + 22) & 0xffffffffL, be.getInt(b + 26) & 0xffffffffL, shift,
                    version < 0x030201);
        }
        return new Clock("other", 0, 0, 0, 0, 0, false);
    }

    /** What the oracle knows of a content: its pages, each stream's clock, and each page's true start on its clock. */
    static final class Oracle {
        final byte[] file;
        final List<Page> pages;
        final Map<Integer, Clock> clocks = new HashMap<>();
        /** Per page: the time its stream plays from at its first byte (the previous granule's time), or MIN_VALUE. */
        final long[] start;
        /** Per page: its granule's time, or MIN_VALUE when no packet ends on it. */
        final long[] end;

        Oracle(byte[] file) {
            this.file = file;
            this.pages = OggTestFiles.scan(file);
            start = new long[pages.size()];
            end = new long[pages.size()];
            Map<Integer, Long> last = new HashMap<>();
            for (int i = 0; i < pages.size(); i++) {
                Page p = pages.get(i);
                if ((p.flags() & 0x02) != 0) {
                    clocks.put(p.serial(), clock(file, p));
                    last.remove(p.serial());
                }
                Clock c = clocks.get(p.serial());
                start[i] = last.getOrDefault(p.serial(), Long.MIN_VALUE);
                end[i] = p.granule() >= 0 && !c.codec().equals("other") ? c.micros(p.granule()) : Long.MIN_VALUE;
                if (end[i] != Long.MIN_VALUE) {
                    last.put(p.serial(), end[i]);
                }
            }
        }

        int pageAt(long offset) {
            for (int i = 0; i < pages.size(); i++) {
                if (pages.get(i).offset() == offset) {
                    return i;
                }
            }
            return -1;
        }

        boolean continued(int page) {
            return (pages.get(page).flags() & 0x01) != 0;
        }

        boolean theora(int page) {
            return clocks.get(pages.get(page).serial()).codec().equals("theora");
        }

        /** A Theora page whose first packet begins on it and is a keyframe (bits 0 and 1 of its first byte clear). */
        boolean keyframe(int page) {
            Page p = pages.get(page);
            int segments = file[(int) p.offset() + 26] & 0xff;
            return !continued(page) && segments > 0 && file[(int) p.offset() + 27] != 0
                    && (file[(int) p.offset() + 27 + segments] & 0xc0) == 0;
        }
    }

    static MediaLayout layout(byte[] file, int pieceSize) throws Exception {
        return new OggFormat(pieceSize).layout(new ByteArrayInputStream(file));
    }

    static ByteBuffer headers(byte[] file, MediaLayout layout, int link) {
        MediaLayout.Link l = layout.links().get(link);
        long from = layout.pieces().get(l.firstPiece()).offset();
        Segment last = layout.pieces().get(l.firstPiece() + l.headerPieces() - 1);
        return ByteBuffer.wrap(file, (int) from, (int) (last.offset() + last.length() - from)).slice();
    }

    static ByteBuffer bytes(byte[] file, Segment s) {
        return ByteBuffer.wrap(file, (int) s.offset(), s.length()).slice();
    }

    static boolean isHeader(MediaLayout layout, int piece) {
        MediaLayout.Link l = layout.links().get(layout.pieces().get(piece).link());
        return piece < l.firstPiece() + l.headerPieces();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"vorbis.ogg", "opus.opus", "flac.oga", "speex.spx", "vorbis-22k-mono.ogg",
            "chain-vorbis-params.ogg", "chain-vorbis-opus.ogg", "chain-three.ogg"})
    void audioStartsAtTheLastPageThatBeginsAPacketAtOrBeforeTheTarget(String name) throws Exception {
        byte[] file = OggCorpus.bytes(name);
        Oracle o = new Oracle(file);
        MediaFormat format = new OggFormat(PIECE);
        int checked = 0;
        int inside = 0;
        for (int size : PIECES) {
        MediaLayout layout = layout(file, size);
        for (int k = 0; k < layout.pieces().size(); k++) {
            if (isHeader(layout, k)) {
                continue;
            }
            Segment piece = layout.pieces().get(k);
            List<Integer> pages = pagesOf(o, piece);
            // the piece's pages, placed on the manifest's clock by the piece's end (its latest granule)
            long rawEnd = Long.MIN_VALUE;
            for (int p : pages) {
                rawEnd = Math.max(rawEnd, o.end[p]);
            }
            long delta = piece.endMicros() - rawEnd;
            List<Long> targets = new ArrayList<>(List.of(piece.startMicros() - 1, piece.startMicros(),
                    piece.endMicros(), piece.endMicros() + 10_000_000));
            for (int p : pages) {
                if (o.start[p] != Long.MIN_VALUE) {
                    targets.add(o.start[p] + delta - 1);
                    targets.add(o.start[p] + delta);
                    targets.add(o.start[p] + delta + 1);
                }
            }
            for (long target : targets) {
                if (target < 0) {
                    continue;
                }
                // the oracle: the last page after the first that begins a packet and starts by the target
                int expected = -1;
                for (int i = 1; i < pages.size(); i++) {
                    int p = pages.get(i);
                    if (!o.continued(p) && o.start[p] != Long.MIN_VALUE && o.start[p] + delta <= target) {
                        expected = p;
                    }
                }
                Optional<PieceStart> got = format.startInPiece(headers(file, layout, piece.link()), bytes(file, piece),
                        piece.startMicros(), piece.endMicros(), piece.startPoint(), target);
                String what = name + " piece " + k + " target " + target;
                if (expected >= 0) {
                    Page page = o.pages.get(expected);
                    assertThat(got).as(what).contains(new PieceStart((int) (page.offset() - piece.offset()),
                            Math.max(piece.startMicros(), o.start[expected] + delta)));
                    inside++;
                } else if (piece.startPoint() && piece.startMicros() <= target) {
                    assertThat(got).as(what).contains(new PieceStart(0, piece.startMicros()));
                } else {
                    assertThat(got).as(what).isEmpty();
                }
                checked++;
            }
        }
        }
        assertThat(checked).isGreaterThan(20);
        assertThat(inside).as("answers inside a piece, not at its first byte").isGreaterThan(5);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"theora-vorbis.ogv", "theora.ogv", "mux-theora-vorbis.ogv"})
    void videoStartsOnlyWhereAKeyframeBegins(String name) throws Exception {
        byte[] file = OggCorpus.bytes(name);
        Oracle o = new Oracle(file);
        MediaFormat format = new OggFormat(PIECE);
        int inside = 0;
        for (int size : PIECES) {
        MediaLayout layout = layout(file, size);
        for (int k = 0; k < layout.pieces().size(); k++) {
            if (isHeader(layout, k)) {
                continue;
            }
            Segment piece = layout.pieces().get(k);
            List<Integer> pages = pagesOf(o, piece);
            int lastKeyframe = -1;
            boolean videoEnds = false;
            for (int i = 0; i < pages.size(); i++) {
                if (i > 0 && o.theora(pages.get(i)) && o.keyframe(pages.get(i))) {
                    lastKeyframe = pages.get(i);
                }
                videoEnds |= o.theora(pages.get(i)) && (o.pages.get(pages.get(i)).flags() & 0x04) != 0;
            }
            for (long target = piece.startMicros(); target <= piece.endMicros() + 1_000_000; target += 20_000) {
                Optional<PieceStart> got = format.startInPiece(headers(file, layout, piece.link()), bytes(file, piece),
                        piece.startMicros(), piece.endMicros(), piece.startPoint(), target);
                String what = name + " piece " + k + " target " + target;
                if (got.isEmpty()) {
                    assertThat(piece.startPoint()).as(what).isFalse();
                    continue;
                }
                assertThat(got.get().micros()).as(what).isBetween(piece.startMicros(), target);
                if (got.get().offset() == 0) {
                    continue;
                }
                inside++;
                int at = o.pageAt(piece.offset() + got.get().offset());
                assertThat(at).as("%s: a page boundary", what).isGreaterThan(0);
                int firstTheora = -1;
                for (int p : pages) {
                    if (p >= at && o.theora(p)) {
                        firstTheora = p;
                        break;
                    }
                }
                if (firstTheora < 0) {
                    // no Theora page after the start in the piece: then the video ended before it (EOS)
                    int lastTheora = -1;
                    for (int p = 0; p < at; p++) {
                        lastTheora = o.theora(p) ? p : lastTheora;
                    }
                    assertThat(o.pages.get(lastTheora).flags() & 0x04).as("%s: the video ended before the start",
                            what).isNotZero();
                    continue;
                }
                assertThat(o.keyframe(firstTheora)).as("%s: the first Theora page after the start begins a keyframe",
                        what).isTrue();
            }
            if (lastKeyframe >= 0 && !videoEnds) {
                Optional<PieceStart> far = format.startInPiece(headers(file, layout, piece.link()), bytes(file, piece),
                        piece.startMicros(), piece.endMicros(), piece.startPoint(), piece.endMicros() + 10_000_000);
                assertThat(far).as("%s piece %d, a target after the piece: its last keyframe", name, k)
                        .map(PieceStart::offset).contains((int) (o.pages.get(lastKeyframe).offset() - piece.offset()));
            }
        }
        }
        assertThat(inside).as("answers inside a piece, not at its first byte").isGreaterThan(0);
    }

    @Test
    void badBytesGiveThePiecePrecisionAnswer() throws Exception {
        byte[] file = OggCorpus.bytes("vorbis.ogg");
        MediaLayout layout = layout(file, PIECE);
        Segment piece = layout.pieces().get(layout.headerPieces() + 1);
        ByteBuffer headers = headers(file, layout, 0);
        byte[] garbage = new byte[PIECE];
        new Random(5).nextBytes(garbage);
        MediaFormat format = new OggFormat(PIECE);
        long t = piece.endMicros();

        // garbage for the piece, or for the headers; a header piece given as data; data given as headers
        assertThat(format.startInPiece(headers, ByteBuffer.wrap(garbage), piece.startMicros(), piece.endMicros(), true,
                t)).contains(new PieceStart(0, piece.startMicros()));
        assertThat(format.startInPiece(ByteBuffer.wrap(garbage), bytes(file, piece), piece.startMicros(),
                piece.endMicros(), false, t)).isEmpty();
        assertThat(format.startInPiece(headers, headers, piece.startMicros(), piece.endMicros(), false, t)).isEmpty();
        assertThat(format.startInPiece(bytes(file, piece), bytes(file, piece), piece.startMicros(), piece.endMicros(),
                false, t)).isEmpty();
        // a piece cut short in a page
        ByteBuffer cut = bytes(file, piece).limit(piece.length() / 2);
        assertThat(format.startInPiece(headers, cut, piece.startMicros(), piece.endMicros(), true, t))
                .contains(new PieceStart(0, piece.startMicros()));
        // the buffers' positions do not move
        ByteBuffer p = bytes(file, piece);
        format.startInPiece(headers, p, piece.startMicros(), piece.endMicros(), true, t);
        assertThat(p.position()).isZero();
        assertThat(headers.position()).isZero();
    }

    /** The indices of the oracle's pages that lie in a piece. */
    static List<Integer> pagesOf(Oracle o, Segment piece) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < o.pages.size(); i++) {
            Page p = o.pages.get(i);
            if (p.offset() >= piece.offset() && p.offset() < piece.offset() + piece.length()) {
                out.add(i);
            }
        }
        return out;
    }
}
