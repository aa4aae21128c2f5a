package org.iceshare.media.ogg.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.iceshare.api.media.MediaFormat;
import org.iceshare.api.media.MediaLayout;
import org.iceshare.api.media.MediaLayout.Segment;
import org.iceshare.api.swarm.PieceInfo;

/**
 * The Ogg media format: recognises Ogg content and cuts it into pieces of whole pages.
 *
 * <p>{@link #layout} reads every page, checks its framing and CRC ({@link OggPageReader}) and the
 * logical stream structure ({@link LogicalStreams}), and refuses a damaged content with an
 * {@link OggFormatException}. It then cuts:
 * <ul>
 * <li><b>Header pieces.</b> Every stream header of Vorbis, Opus, Theora, FLAC and Speex sits on
 * pages with granule position 0, so the header run is the leading run of pages with granule
 * position 0. A header packet larger than a page (a big comment with cover art, say) leaves pages
 * on which no packet ends, with granule position -1; such pages belong to the run when a granule-0
 * page follows them. The run forms one piece, split at page boundaries only when it would exceed
 * {@link PieceInfo#MAX_LENGTH}. {@link MediaLayout#headerPieces()} counts these pieces.</li>
 * <li><b>Data pieces.</b> The remaining pages are grouped greedily in order: a piece takes pages
 * while it stays within the target piece size, and always takes at least one page. So a data piece
 * is never longer than the larger of the target and one page.</li>
 * </ul>
 * Every piece boundary is a page boundary, and the pieces tile the content.
 *
 * <p><b>Threading:</b> immutable and thread-safe. {@link #probe} never blocks; {@link #layout}
 * blocks on its stream, so call it off any event loop. It holds one page buffer
 * ({@value OggPage#MAX_LENGTH} bytes) and the piece list, whatever the content.
 */
public final class OggFormat implements MediaFormat {
    /** The format's name and {@value MediaFormat#NAME_PROPERTY} service property. */
    public static final String NAME = "ogg";

    /** The piece size used when none is configured: 256 KiB. */
    public static final int DEFAULT_PIECE_SIZE = 262_144;

    /** Probe answer: the head holds a complete BOS page with a good CRC. */
    public static final int PROBE_BOS_PAGE = 90;
    /** Probe answer: capture pattern and version 0, but no complete, valid BOS page in the head. */
    public static final int PROBE_CAPTURE_AND_VERSION = 60;
    /**
     * Probe answer: the capture pattern, but the version byte is missing or not 0. Most likely a
     * damaged Ogg file; claiming it lets {@link #layout} say what is wrong with it.
     */
    public static final int PROBE_CAPTURE_ONLY = 30;

    /**
     * The longest run of granule -1 pages that may still join the header run. It bounds the memory
     * held while the run is undecided (one int per page); real header packets span a few pages.
     */
    static final int MAX_UNDECIDED_PAGES = 4096;

    private static final int[] CAPTURE = {'O', 'g', 'g', 'S'};

    private final int targetPieceSize;

    /**
     * @param targetPieceSize the target length of data pieces in bytes, 1..{@link PieceInfo#MAX_LENGTH}
     * @throws IllegalArgumentException when out of range
     */
    public OggFormat(int targetPieceSize) {
        if (targetPieceSize < 1 || targetPieceSize > PieceInfo.MAX_LENGTH) {
            throw new IllegalArgumentException("target piece size must be 1.." + PieceInfo.MAX_LENGTH + " bytes: "
                    + targetPieceSize);
        }
        this.targetPieceSize = targetPieceSize;
    }

    public int targetPieceSize() {
        return targetPieceSize;
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Answers 0 unless {@code head} starts with {@code "OggS"}; {@value #PROBE_BOS_PAGE} when it
     * holds a complete first page that is a BOS page with a good CRC; {@value #PROBE_CAPTURE_AND_VERSION}
     * when only the capture pattern and version 0 check; {@value #PROBE_CAPTURE_ONLY} for the capture
     * pattern with a missing or other version byte. Reads from {@code head}'s position without moving it.
     */
    @Override
    public int probe(ByteBuffer head) {
        int base = head.position();
        int n = head.remaining();
        if (n < CAPTURE.length) {
            return 0;
        }
        for (int i = 0; i < CAPTURE.length; i++) {
            if (head.get(base + i) != CAPTURE[i]) {
                return 0;
            }
        }
        if (n <= 4 || head.get(base + 4) != 0) {
            return PROBE_CAPTURE_ONLY;
        }
        byte[] first = new byte[Math.min(n, OggPage.MAX_LENGTH)];
        head.get(base, first);
        try {
            OggPage page = new OggPageReader(new ByteArrayInputStream(first)).next();
            return page.isBos() ? PROBE_BOS_PAGE : PROBE_CAPTURE_AND_VERSION;
        } catch (OggFormatException | IOException e) {
            return PROBE_CAPTURE_AND_VERSION;
        }
    }

    /**
     * Checks every page of {@code content} and cuts it into pieces (see the class comment). Reads
     * the stream to its end; does not close it.
     *
     * <p>The layout's properties: {@code pages}, {@code streams} (logical streams over all links),
     * {@code codecs} (distinct codec names, sorted, comma-separated), {@code headerPages} and
     * {@code headerBytes}.
     *
     * @throws OggFormatException when the content is empty, not Ogg, or damaged anywhere
     * @throws IOException when reading fails
     */
    @Override
    public MediaLayout layout(InputStream content) throws IOException, OggFormatException {
        OggPageReader reader = new OggPageReader(content);
        LogicalStreams streams = new LogicalStreams();
        PieceCutter cutter = new PieceCutter(targetPieceSize);
        for (OggPage page = reader.next(); page != null; page = reader.next()) {
            streams.accept(page, reader.pageCount() - 1, reader.body());
            cutter.accept(page);
        }
        cutter.finish();
        String codecs = streams.codecs().stream().map(OggCodec::id).sorted().collect(Collectors.joining(","));
        Map<String, String> properties = Map.of(
                "pages", Long.toString(reader.pageCount()),
                "streams", Integer.toString(streams.streams()),
                "codecs", codecs,
                "headerPages", Long.toString(cutter.headerPages),
                "headerBytes", Long.toString(cutter.headerBytes));
        return new MediaLayout(streams.mediaType(), cutter.length, cutter.headerPieces, cutter.pieces, properties);
    }

    @Override
    public String toString() {
        return "OggFormat[target piece size " + targetPieceSize + " bytes]";
    }

    /**
     * Cuts pages into pieces as they come: first the header run (split at {@link PieceInfo#MAX_LENGTH}),
     * then data pages grouped greedily up to the target. Pages with granule -1 in the header run stay
     * undecided until a page with a granule position tells whether the run goes on.
     */
    private static final class PieceCutter {
        private final int target;
        final List<Segment> pieces = new ArrayList<>();
        /** Bytes of all pages taken so far: the content length once finished. */
        long length;
        int headerPieces;
        long headerPages;
        long headerBytes;
        private boolean inHeader = true;
        private long pieceStart;
        private int pieceLength;
        private final int[] undecided = new int[MAX_UNDECIDED_PAGES];
        private int undecidedCount;

        PieceCutter(int target) {
            this.target = target;
        }

        void accept(OggPage page) {
            int pageLength = page.totalLength();
            if (inHeader) {
                long granule = page.granulePosition();
                if (granule == OggPage.NO_GRANULE && undecidedCount < MAX_UNDECIDED_PAGES) {
                    undecided[undecidedCount++] = pageLength;
                    return;
                }
                if (granule == 0) {
                    for (int i = 0; i < undecidedCount; i++) {
                        header(undecided[i]);
                    }
                    undecidedCount = 0;
                    header(pageLength);
                    return;
                }
                endHeader();
            }
            add(pageLength, target);
        }

        void finish() {
            if (inHeader) {
                endHeader();
            }
            close();
        }

        private void header(int pageLength) {
            headerPages++;
            headerBytes += pageLength;
            add(pageLength, PieceInfo.MAX_LENGTH);
        }

        /** Closes the header run: its pieces are final, undecided pages become data. */
        private void endHeader() {
            inHeader = false;
            close();
            headerPieces = pieces.size();
            for (int i = 0; i < undecidedCount; i++) {
                add(undecided[i], target);
            }
            undecidedCount = 0;
        }

        private void add(int pageLength, int limit) {
            if (pieceLength > 0 && pieceLength + pageLength > limit) {
                close();
            }
            pieceLength += pageLength;
            length += pageLength;
        }

        private void close() {
            if (pieceLength > 0) {
                pieces.add(new Segment(pieceStart, pieceLength));
                pieceStart += pieceLength;
                pieceLength = 0;
            }
        }
    }
}
