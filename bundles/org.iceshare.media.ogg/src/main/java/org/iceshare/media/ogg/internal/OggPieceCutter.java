package org.iceshare.media.ogg.internal;

import java.util.ArrayList;
import java.util.List;

import org.iceshare.api.media.MediaLayout;
import org.iceshare.api.media.MediaLayout.Segment;
import org.iceshare.api.swarm.PieceInfo;
import org.iceshare.media.ogg.internal.LogicalStreams.PageFacts;

/**
 * Cuts the pages of an Ogg content into pieces as they come, from what {@link LogicalStreams} says
 * of each page, and gives every piece its time, start-point flag and link.
 *
 * <p><b>Cutting.</b> A piece never spans two links and never mixes header pages with data pages.
 * <ul>
 * <li>Each link's header pages form its header piece(s), split at page boundaries only when they
 * would exceed {@link PieceInfo#MAX_LENGTH}.</li>
 * <li>Data pages are grouped greedily in order: a piece takes pages while it stays within the
 * target size, and always takes at least one page (so it exceeds the target only when a single page
 * does).</li>
 * <li>With a target duration, a data piece of at least {@link #DURATION_CUT_MIN_BYTES} also ends
 * before a page that would carry it past that duration of media. Low-bitrate content (audio) then
 * gets pieces of a few seconds rather than of minutes, so a player streaming it waits for a small
 * first piece; high-bitrate content reaches the size target first. Duration cuts stop after
 * {@link #DURATION_CUT_PIECES} pieces, so a very long content stays within the manifest's piece
 * limit with pieces of the target size.</li>
 * <li>Keyframes shape pieces in links with Theora: a page on which a keyframe begins (its first
 * packet is an intra frame) starts a new piece, unless the current piece itself began with a
 * keyframe and holds less than half the target. So every group of pictures longer than half a piece
 * gives a start point at its keyframe, and short groups share a piece rather than making many
 * small ones.</li>
 * </ul>
 * The keyframe, start-point and time rules of a data piece are {@link DataPieceRules}, which the
 * live cutter ({@link OggLiveCutter}) shares.
 *
 * <p><b>Start points.</b> A data piece is a start point when a decoder holding the link's headers
 * can begin at its first byte: the link's first data piece always; any other when its first page
 * begins a new packet (is not a continuation) and, in a link with Theora, when every Theora stream
 * open there has its first page in the piece begin with a keyframe. A link with video whose
 * keyframes are not followed here (VP8, Dirac) has only its first data piece as a start point.
 * Header pieces are not start points.
 *
 * <p><b>Time.</b> Each piece gets the presentation time, from the start of the whole content, from
 * which all of its streams play ({@code startMicros}: the latest, over the piece's timed streams, of
 * the time of each stream's first page in the piece) and the end of its last sample or frame
 * ({@code endMicros}). Each link's time starts at its earliest stream's first sample, and continues
 * from the previous link's end (its latest stream's last sample). A header piece has its link's
 * start time as start and end; a piece with no timed page (opaque streams only) takes the time
 * reached so far in its link. A link's first data piece starts at the link's start (playback of the
 * link begins there, whichever stream's first sample comes first), so that a seek to a link's start
 * lands in that link. A link without any timed stream lasts 0; a content without any has no time at
 * all (-1 everywhere).
 *
 * <p><b>Threading:</b> not thread-safe; confined to the thread that reads the content.
 */
final class OggPieceCutter {
    /** One piece as cut, before its time is final. */
    private static final class Piece {
        final long offset;
        int length;
        final int link;
        final boolean header;
        boolean startPoint;
        long rawStart = LogicalStreams.NONE;
        long rawEnd = LogicalStreams.NONE;

        Piece(long offset, int link, boolean header) {
            this.offset = offset;
            this.link = link;
            this.header = header;
        }
    }

    /** A piece is never cut by duration below this many bytes: 16 KiB. */
    static final int DURATION_CUT_MIN_BYTES = 16_384;
    /** Duration cuts happen among the first this many pieces only (half the manifest's limit). */
    static final int DURATION_CUT_PIECES = 32_768;

    private final int target;
    private final long targetMicros;
    private final int durationCutPieces;
    private final List<Piece> pieces = new ArrayList<>();
    private final List<int[]> linkPieces = new ArrayList<>();
    private long length;
    private long headerPages;
    private long headerBytes;

    private Piece current;
    private final DataPieceRules rules = new DataPieceRules();
    private boolean firstDataOfLink;

    /** @param target the target length of data pieces, 1..{@link PieceInfo#MAX_LENGTH} */
    OggPieceCutter(int target) {
        this(target, 0, DURATION_CUT_PIECES);
    }

    /**
     * @param target the target length of data pieces, 1..{@link PieceInfo#MAX_LENGTH}
     * @param targetMicros the target duration of data pieces, or 0 to cut by size only
     * @param durationCutPieces how many pieces may be cut by duration (see the class comment)
     */
    OggPieceCutter(int target, long targetMicros, int durationCutPieces) {
        this.target = target;
        this.targetMicros = targetMicros;
        this.durationCutPieces = durationCutPieces;
    }

    /** Takes the next page (its facts are read now, not kept). */
    void accept(OggPage page, PageFacts f) {
        int pageLength = page.totalLength();
        if (f.newLink) {
            close();
            linkPieces.add(new int[] {pieces.size(), 0});
            firstDataOfLink = true;
        }
        if (f.header) {
            if (current != null && (!current.header || current.length + pageLength > PieceInfo.MAX_LENGTH)) {
                close();
            }
            if (current == null) {
                current = new Piece(length, f.link, true);
            }
            headerPages++;
            headerBytes += pageLength;
        } else {
            if (current != null && current.header) {
                close();
            }
            if (current != null) {
                if (current.length + pageLength > target || rules.keyframeCuts(f, current.length < target / 2)
                        || overDuration(f)) {
                    close();
                }
            }
            if (current == null) {
                current = new Piece(length, f.link, false);
                rules.open(f);
            }
            rules.track(f);
        }
        current.length += pageLength;
        length += pageLength;
    }

    /** Whether the data page {@code f} would carry the open data piece past the target duration. */
    private boolean overDuration(PageFacts f) {
        if (targetMicros <= 0 || current.length < DURATION_CUT_MIN_BYTES || pieces.size() >= durationCutPieces) {
            return false;
        }
        long start = rules.rawStart();
        long end = f.end != LogicalStreams.NONE ? f.end : f.start;
        return start != LogicalStreams.NONE && end != LogicalStreams.NONE && end - start > targetMicros;
    }

    private void close() {
        if (current == null) {
            return;
        }
        int[] link = linkPieces.get(linkPieces.size() - 1);
        if (current.header) {
            link[1]++;
        } else {
            current.startPoint = rules.startPoint(firstDataOfLink);
            current.rawStart = rules.rawStart();
            current.rawEnd = rules.rawEnd();
            firstDataOfLink = false;
        }
        pieces.add(current);
        current = null;
    }

    /** Bytes of all pages taken so far. */
    long length() {
        return length;
    }

    long headerPages() {
        return headerPages;
    }

    long headerBytes() {
        return headerBytes;
    }

    /** The result once every page was taken: pieces and links with their final times. */
    record Result(List<Segment> pieces, List<MediaLayout.Link> links, long durationMicros) {
    }

    /**
     * Closes the last piece and makes the times final.
     *
     * @param links the links as {@link LogicalStreams} followed them, one per link cut here
     */
    Result finish(List<LogicalStreams.Link> links) {
        close();
        boolean timed = false;
        for (LogicalStreams.Link l : links) {
            timed |= l.timed();
        }
        List<Segment> segments = new ArrayList<>(pieces.size());
        List<MediaLayout.Link> out = new ArrayList<>(links.size());
        long offset = 0;
        for (int k = 0; k < linkPieces.size(); k++) {
            LogicalStreams.Link l = links.get(k);
            int first = linkPieces.get(k)[0];
            int last = k + 1 < linkPieces.size() ? linkPieces.get(k + 1)[0] : pieces.size();
            long zero = l.timed() ? l.zero : 0;
            long duration = l.timed() ? Math.max(0, l.end - l.zero) : 0;
            long clock = offset;
            int firstData = first + linkPieces.get(k)[1];
            for (int i = first; i < last; i++) {
                Piece p = pieces.get(i);
                long start = -1;
                long end = -1;
                if (timed) {
                    if (p.header) {
                        start = offset;
                        end = offset;
                    } else {
                        // the link's first data piece starts at the link's start
                        start = DataPieceRules.pieceStart(i == firstData, p.rawStart, offset, zero, clock);
                        end = DataPieceRules.pieceEnd(start, p.rawEnd, offset, zero);
                        clock = Math.max(clock, end);
                    }
                }
                segments.add(new Segment(p.offset, p.length, start, end, p.startPoint, k));
            }
            long linkEnd = DataPieceRules.add(offset, duration);
            out.add(new MediaLayout.Link(first, linkPieces.get(k)[1], timed ? offset : -1, timed ? linkEnd : -1,
                    l.codecList()));
            offset = linkEnd;
        }
        return new Result(segments, out, timed ? offset : -1);
    }
}
