package org.iceshare.media.ogg.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.iceshare.api.media.LiveCutter;
import org.iceshare.api.media.MediaFormat;
import org.iceshare.api.media.MediaLayout;
import org.iceshare.api.media.PieceStart;
import org.iceshare.api.swarm.PieceInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ogg media format: recognises Ogg content and cuts it into timed pieces of whole pages.
 *
 * <p>{@link #layout} reads every page and checks it completely, and <b>refuses</b> a content with
 * garbage or a damaged page with an {@link OggFormatException} naming the problem and its byte
 * offset: a file is published as it is or not at all, never with corrupt pages passed on (live
 * input, which may resynchronise, reads with {@link OggPageReader#resynchronising} instead). The
 * checks:
 * <ul>
 * <li>framing and CRC of every page ({@link OggPageReader}, strict mode);</li>
 * <li>the logical streams, packets and codec headers, for plain, multiplexed and chained content
 * ({@link LogicalStreams});</li>
 * </ul>
 * and then it cuts ({@link OggPieceCutter}): every link's header pages form its header pieces,
 * data pages are grouped up to the target size (and, when set, the target duration), Theora
 * keyframes start pieces, and every piece gets
 * its presentation time, its start-point flag and its link. Every piece boundary is a page boundary,
 * and the pieces tile the content.
 *
 * <p>{@link #liveCutter} cuts live streams as their bytes arrive ({@link OggLiveCutter}): the same
 * checks, but what is damaged is skipped and reported instead of refused, and data pieces are cut by
 * duration rather than size, with the same keyframe and start-point rules.
 *
 * <p><b>Threading:</b> immutable and thread-safe. {@link #probe} never blocks; {@link #layout}
 * blocks on its stream, so call it off any event loop. Its memory is one page buffer
 * ({@value OggPage#MAX_LENGTH} bytes), bounded state per open logical stream, and the piece list.
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

    private static final Logger LOG = LoggerFactory.getLogger(OggFormat.class);
    private static final java.util.Set<String> OGG_TYPES = java.util.Set.of(LogicalStreams.AUDIO_OGG,
            LogicalStreams.VIDEO_OGG, LogicalStreams.APPLICATION_OGG);
    /** Serial number step between loop rounds (an odd constant, so rounds never repeat for 2^32 rounds). */
    static final int SERIAL_STEP = 0x01000193;
    private static final int[] CAPTURE = {'O', 'g', 'g', 'S'};

    /**
     * A piece duration for audio files played while they download (see {@link OggPieceCutter}): 2 s.
     * Not the default: pieces are cut by size unless a duration is configured.
     */
    public static final long STREAMING_PIECE_MICROS = 2_000_000;
    /** The longest piece duration accepted: 60 s. */
    public static final long MAX_PIECE_MICROS = 60_000_000;

    private final int targetPieceSize;
    private final long targetPieceMicros;
    private final int durationCutPieces;

    /**
     * Pieces cut by size only.
     *
     * @param targetPieceSize the target length of data pieces in bytes, 1..{@link PieceInfo#MAX_LENGTH}
     * @throws IllegalArgumentException when out of range
     */
    public OggFormat(int targetPieceSize) {
        this(targetPieceSize, 0);
    }

    /**
     * @param targetPieceSize the target length of data pieces in bytes, 1..{@link PieceInfo#MAX_LENGTH}
     * @param targetPieceMicros the target duration of data pieces, 1..{@value #MAX_PIECE_MICROS}
     *        microseconds, or 0 to cut by size only; a piece ends at whichever target it reaches first
     *        (duration only once it holds 16 KiB)
     * @throws IllegalArgumentException when out of range
     */
    public OggFormat(int targetPieceSize, long targetPieceMicros) {
        this(targetPieceSize, targetPieceMicros, OggPieceCutter.DURATION_CUT_PIECES);
    }

    /** As above, with the number of pieces that may be cut by duration (for tests). */
    OggFormat(int targetPieceSize, long targetPieceMicros, int durationCutPieces) {
        if (targetPieceSize < 1 || targetPieceSize > PieceInfo.MAX_LENGTH) {
            throw new IllegalArgumentException("target piece size must be 1.." + PieceInfo.MAX_LENGTH + " bytes: "
                    + targetPieceSize);
        }
        if (targetPieceMicros < 0 || targetPieceMicros > MAX_PIECE_MICROS) {
            throw new IllegalArgumentException("target piece duration must be 0.." + MAX_PIECE_MICROS + " us: "
                    + targetPieceMicros);
        }
        this.targetPieceSize = targetPieceSize;
        this.targetPieceMicros = targetPieceMicros;
        this.durationCutPieces = durationCutPieces;
    }

    public int targetPieceSize() {
        return targetPieceSize;
    }

    /** The target duration of data pieces in microseconds; 0 when pieces are cut by size only. */
    public long targetPieceMicros() {
        return targetPieceMicros;
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
     * <p>The layout's properties: {@code pages}, {@code packets}, {@code streams} (logical streams
     * over all links), {@code links}, {@code codecs} (distinct codec names, sorted, comma-separated),
     * {@code headerPages} and {@code headerBytes} (over all links), {@code durationMicros} (-1 when
     * no stream has time), {@code startPoints} and {@code sequenceGaps} (gaps in page sequence
     * numbers, tolerated).
     *
     * @throws OggFormatException when the content is empty, not Ogg, or damaged anywhere
     * @throws IOException when reading fails
     */
    @Override
    public MediaLayout layout(InputStream content) throws IOException, OggFormatException {
        return analyse(content, false).layout();
    }

    /** A layout with what was learned on the way (the streams only when recorded). */
    record Analysis(MediaLayout layout, List<LogicalStreams.Stream> streams, List<LogicalStreams.Link> links) {
    }

    /**
     * Does the work of {@link #layout}, keeping every logical stream's facts when {@code record}
     * (for tests and diagnostics; memory then grows with the number of streams).
     */
    Analysis analyse(InputStream content, boolean record) throws IOException, OggFormatException {
        OggPageReader reader = new OggPageReader(content);
        LogicalStreams streams = new LogicalStreams(record);
        OggPieceCutter cutter = new OggPieceCutter(targetPieceSize, targetPieceMicros, durationCutPieces);
        for (OggPage page = reader.next(); page != null; page = reader.next()) {
            cutter.accept(page, streams.accept(page, reader.pageCount() - 1, reader.array(), reader.pageStart()));
        }
        streams.finish(cutter.length(), reader.pageCount());
        OggPieceCutter.Result cut = cutter.finish(streams.links());
        long startPoints = cut.pieces().stream().filter(MediaLayout.Segment::startPoint).count();
        String codecs = streams.codecs().stream().map(OggCodec::id).sorted().collect(Collectors.joining(","));
        Map<String, String> properties = Map.of(
                "pages", Long.toString(reader.pageCount()),
                "packets", Long.toString(streams.packets()),
                "streams", Integer.toString(streams.streams()),
                "links", Integer.toString(streams.linkCount()),
                "codecs", codecs,
                "headerPages", Long.toString(cutter.headerPages()),
                "headerBytes", Long.toString(cutter.headerBytes()),
                "durationMicros", Long.toString(cut.durationMicros()),
                "startPoints", Long.toString(startPoints),
                "sequenceGaps", Long.toString(streams.sequenceGaps()));
        MediaLayout layout = new MediaLayout(streams.mediaType(), cutter.length(), cut.links().get(0).headerPieces(),
                cut.pieces(), properties, cut.links());
        LOG.debug("Ogg layout: {} bytes, {} pages, {} link(s) [{}], {} pieces ({} start points), {} us", layout.length(),
                reader.pageCount(), streams.linkCount(), codecs, layout.pieces().size(), startPoints,
                cut.durationMicros());
        return new Analysis(layout, streams.recordedStreams(), streams.links());
    }

    /**
     * A cutter for a live Ogg stream ({@link OggLiveCutter}): each link's header pages as a header
     * piece, then data pieces of at least {@code targetMicros} of media each, cut on page boundaries
     * (and at Theora keyframes). Never empty. Each call makes a new, independent cutter.
     *
     * @param targetMicros the target duration of a data piece, 1..{@value OggLiveCutter#MAX_TARGET_MICROS}
     *        microseconds (for example 500,000)
     * @throws IllegalArgumentException when out of range
     */
    @Override
    public Optional<LiveCutter> liveCutter(long targetMicros) {
        return Optional.of(new OggLiveCutter(targetMicros));
    }

    /** {@code audio/ogg}, {@code video/ogg} and {@code application/ogg} (RFC 5334). */
    @Override
    public boolean handles(String mediaType) {
        return mediaType != null && OGG_TYPES.contains(mediaType);
    }

    /**
     * {@code video/ogg} when a codec is video, else {@code audio/ogg} when one is audio; else what the
     * input declared when that is an Ogg type, else {@code application/ogg}.
     */
    @Override
    public String mediaType(String codecs, String declared) {
        boolean audio = false;
        for (String id : codecs.split(",")) {
            OggCodec codec = OggCodec.byId(id.trim());
            if (codec != null && codec.media() == OggCodec.Media.VIDEO) {
                return LogicalStreams.VIDEO_OGG;
            }
            audio |= codec != null && codec.media() == OggCodec.Media.AUDIO;
        }
        if (audio) {
            return LogicalStreams.AUDIO_OGG;
        }
        return handles(declared) ? declared : LogicalStreams.APPLICATION_OGG;
    }

    /** Every page with new serial numbers, {@code round} steps of {@value #SERIAL_STEP} on. */
    @Override
    public InputStream relinked(InputStream content, int round) {
        if (round <= 0) {
            return content;
        }
        return new OggRelinker(content, round * SERIAL_STEP);
    }

    /**
     * Page precision for time starts ({@link OggPieceStarts}): the last page boundary in the piece
     * where a decoder holding the link's headers can begin (audio: a page that begins a packet;
     * Theora: a page that begins a keyframe) and every stream plays at or before the target.
     */
    @Override
    public Optional<PieceStart> startInPiece(ByteBuffer linkHeaders, ByteBuffer piece, long pieceStartMicros,
            long pieceEndMicros, boolean pieceStartPoint, long targetMicros) {
        return OggPieceStarts.find(linkHeaders, piece, pieceStartMicros, pieceEndMicros, pieceStartPoint,
                targetMicros);
    }

    @Override
    public String toString() {
        return "OggFormat[target piece size " + targetPieceSize + " bytes"
                + (targetPieceMicros > 0 ? ", " + targetPieceMicros / 1000 + " ms" : "") + "]";
    }
}
