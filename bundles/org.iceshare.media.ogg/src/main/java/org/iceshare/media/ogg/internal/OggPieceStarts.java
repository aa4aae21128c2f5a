package org.iceshare.media.ogg.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;

import org.iceshare.api.media.PieceStart;
import org.iceshare.media.ogg.internal.LogicalStreams.PageFacts;

/**
 * Finds where, inside one piece of an Ogg content, playback for a time can start at page precision
 * ({@link OggFormat#startInPiece}): the last page boundary in the piece at which a decoder that was
 * sent the chain link's header pages can begin, and from which every stream plays at or before the
 * target time.
 *
 * <p><b>How.</b> The link's header pages go through a fresh {@link LogicalStreams}, which learns
 * every stream's codec from them (sample rates, Opus pre-skip, Vorbis modes, the Theora keyframe
 * shift). Then the piece's pages follow; the sequence gap between the headers and the piece is
 * tolerated as in a recording that joined late, so every page gets its facts: whether it begins
 * with a new packet, whether a Theora keyframe begins on it, and its time span on the link's clock
 * (a stream's first page in the piece gets its start from its first granule position less the
 * packets before it). A page boundary is a start when:
 * <ul>
 * <li>its page, of a timed stream, begins with a new packet (is not a continuation);</li>
 * <li>the link has no video whose keyframes are not followed here (VP8, Dirac);</li>
 * <li>every Theora stream open there has its next page begin with a keyframe: so for a link with
 * Theora only a keyframe is a start, while for audio any page where a packet begins is;</li>
 * <li>every stream plays from there at or before the target: the start time of a boundary is the
 * latest, over the streams, of the start of each stream's next page (for a stream with no page
 * left in the piece, the end of its last one).</li>
 * </ul>
 * Link-clock times are placed on the manifest's clock by the piece's end: the piece's latest page
 * end is its manifest end time. The piece's first byte is a start only as the manifest says (its
 * start-point flag and start time), so the answer never contradicts the seek index.
 *
 * <p><b>Bad input</b> (bytes that are not pages, headers that do not parse, a piece that is not data
 * pages of one link) gives the piece-precision answer, never an exception.
 *
 * <p><b>Cost:</b> one pass over the header bytes and the piece, with one page buffer and a few
 * numbers per page of the piece (a piece holds at most 4 MiB, so at most about 150,000 pages).
 *
 * <p><b>Threading:</b> a static function; thread-safe.
 */
final class OggPieceStarts {
    private static final long NONE = LogicalStreams.NONE;

    private OggPieceStarts() {
    }

    /** See {@link org.iceshare.api.media.MediaFormat#startInPiece}. */
    static Optional<PieceStart> find(ByteBuffer linkHeaders, ByteBuffer piece, long pieceStartMicros,
            long pieceEndMicros, boolean pieceStartPoint, long targetMicros) {
        Optional<PieceStart> atFirstByte = pieceStartPoint && pieceStartMicros >= 0 && pieceStartMicros <= targetMicros
                ? Optional.of(new PieceStart(0, pieceStartMicros))
                : Optional.empty();
        if (pieceEndMicros < 0) {
            return atFirstByte;
        }
        Pages pages;
        try {
            pages = read(linkHeaders, piece);
        } catch (OggFormatException | IOException | RuntimeException e) {
            return atFirstByte;
        }
        if (pages == null || pages.opaqueVideo || pages.rawEnd == NONE) {
            return atFirstByte;
        }
        long delta = pieceEndMicros - pages.rawEnd;
        // what each stream plays from after the boundary being looked at, scanning backwards
        long[] after = new long[pages.streams];
        Arrays.fill(after, NONE);
        for (int i = 0; i < pages.count; i++) {
            int s = pages.stream[i];
            if (s >= 0) {
                long t = pages.end[i] != NONE ? pages.end[i] : pages.start[i];
                if (t != NONE) {
                    after[s] = t;
                }
            }
        }
        long theoraKeyAfter = 0;
        for (int i = pages.count - 1; i >= 1; i--) {
            int s = pages.stream[i];
            if (s >= 0) {
                after[s] = pages.start[i];
            }
            int slot = pages.theoraSlot[i];
            if (slot >= 0) {
                theoraKeyAfter = pages.keyframe[i] ? theoraKeyAfter | 1L << slot : theoraKeyAfter & ~(1L << slot);
            }
            if (s < 0 || pages.continued[i] || (pages.openTheora[i] & ~theoraKeyAfter) != 0) {
                continue;
            }
            long raw = latest(after);
            if (raw == NONE) {
                continue;
            }
            long micros = Math.max(0, Math.max(pieceStartMicros, raw + delta));
            if (micros <= targetMicros) {
                return Optional.of(new PieceStart(pages.offset[i], micros));
            }
        }
        return atFirstByte;
    }

    /** The latest of the known times, or NONE when one is unknown. */
    private static long latest(long[] after) {
        long max = NONE;
        for (long t : after) {
            if (t == NONE) {
                return NONE;
            }
            max = Math.max(max, t);
        }
        return max;
    }

    /** What the piece's pages are, in order. */
    private static final class Pages {
        int count;
        int streams;
        int[] offset = new int[64];
        int[] stream = new int[64];
        long[] start = new long[64];
        long[] end = new long[64];
        boolean[] continued = new boolean[64];
        boolean[] keyframe = new boolean[64];
        int[] theoraSlot = new int[64];
        long[] openTheora = new long[64];
        boolean opaqueVideo;
        long rawEnd = NONE;

        void add(int at, int streamIndex, PageFacts f) {
            if (count == offset.length) {
                int n = count * 2;
                offset = Arrays.copyOf(offset, n);
                stream = Arrays.copyOf(stream, n);
                start = Arrays.copyOf(start, n);
                end = Arrays.copyOf(end, n);
                continued = Arrays.copyOf(continued, n);
                keyframe = Arrays.copyOf(keyframe, n);
                theoraSlot = Arrays.copyOf(theoraSlot, n);
                openTheora = Arrays.copyOf(openTheora, n);
            }
            offset[count] = at;
            stream[count] = streamIndex;
            start[count] = f.start;
            end[count] = f.end;
            continued[count] = f.continued;
            keyframe[count] = f.keyframe;
            theoraSlot[count] = f.theoraSlot;
            openTheora[count] = f.openTheora;
            opaqueVideo |= f.opaqueVideo;
            if (f.end != NONE) {
                rawEnd = rawEnd == NONE ? f.end : Math.max(rawEnd, f.end);
            }
            count++;
        }
    }

    /**
     * Follows the header pages, then the piece's pages. Null when the headers are not a link's
     * header pages or the piece is not data pages of that link.
     */
    private static Pages read(ByteBuffer linkHeaders, ByteBuffer piece) throws IOException, OggFormatException {
        LogicalStreams streams = new LogicalStreams();
        long index = 0;
        OggPageReader headers = new OggPageReader(stream(linkHeaders));
        boolean any = false;
        for (OggPage page = headers.next(); page != null; page = headers.next()) {
            PageFacts f = streams.accept(page, index++, headers.array(), headers.pageStart());
            if (!f.header || f.link != 0) {
                return null;
            }
            any = true;
        }
        if (!any) {
            return null;
        }
        Pages pages = new Pages();
        Map<LogicalStreams.Stream, Integer> slots = new IdentityHashMap<>();
        OggPageReader reader = new OggPageReader(stream(piece));
        for (OggPage page = reader.next(); page != null; page = reader.next()) {
            if (page.isBos()) {
                return null;
            }
            PageFacts f = streams.accept(page, index++, reader.array(), reader.pageStart());
            if (f.header) {
                return null;
            }
            int s = -1;
            if (f.start != NONE || f.end != NONE) {
                s = slots.computeIfAbsent(f.stream, k -> slots.size());
            }
            pages.add((int) page.offset(), s, f);
        }
        pages.streams = slots.size();
        return pages.count == 0 ? null : pages;
    }

    private static InputStream stream(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        if (d.hasArray()) {
            return new ByteArrayInputStream(d.array(), d.arrayOffset() + d.position(), d.remaining());
        }
        byte[] copy = new byte[d.remaining()];
        d.get(copy);
        return new ByteArrayInputStream(copy);
    }
}
