package org.iceshare.media.ogg.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.iceshare.api.swarm.ChainLink;
import org.iceshare.api.media.LiveCut;
import org.iceshare.api.media.LiveCutter;
import org.iceshare.api.media.LivePiece;
import org.iceshare.api.swarm.PieceInfo;
import org.iceshare.media.ogg.internal.LogicalStreams.PageFacts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts a live Ogg stream into pieces as its bytes arrive: Icecast pushes and pulls, {@code ffmpeg -f
 * ogg} output, a file read in pieces. Bytes may be cut anywhere; every piece is whole pages.
 *
 * <p><b>Input.</b> Pages are read by a {@linkplain OggPageReader#live live page reader}: bytes that
 * hold no valid page (garbage, a damaged page, a page cut short at the end of the input) are skipped
 * and reported, never passed on. The logical streams are followed by {@link LogicalStreams}, as for
 * a file, with what a live stream needs on top:
 * <ul>
 * <li>A link begins with its BOS pages. Pages before the first BOS page (a stream joined mid-way,
 * for example an Icecast mount that does not replay its headers) are dropped up to the next group of
 * BOS pages, and said so in the problems.</li>
 * <li>A new group of BOS pages while streams of the current link are still open (a producer that
 * restarted without ending its streams, as a new ffmpeg push relayed by Icecast) ends the current
 * link there and begins a new one.</li>
 * <li>A page of a stream that is not open in the link (its BOS page was lost) is dropped.</li>
 * <li>Any other breach of the Ogg rules ({@link OggFormatException}: bad codec headers, headers
 * after data, ...) drops the link from that page up to the next BOS page. Pieces already cut stay
 * valid: they are whole, checked pages of a well-formed beginning.</li>
 * <li>Gaps in page sequence numbers (lost pages, an Icecast relay that joined late after replaying
 * the headers) are tolerated, as in files: the packet cut by the gap is dropped.</li>
 * </ul>
 *
 * <p><b>Pieces.</b> For each chain link, in order:
 * <ul>
 * <li>its header pages, as one header piece ({@code header}, {@code linkStart}, with the link's
 * codecs), sent when the link's first data page comes, so only once the headers were all checked.
 * A link's header pages may hold at most {@value #MAX_HEADER_BYTES} bytes
 * ({@link ChainLink#MAX_HEADER_BYTES}); a link with more is dropped. A link that ends before any data page
 * is dropped (its header bytes count as skipped).</li>
 * <li>its data pages, cut by duration: a data piece is closed on the page boundary at which it holds
 * at least {@code targetMicros} of media by the streams' granule positions, so a piece runs from
 * the target to the target plus one page's worth, except the link's last. The keyframe and
 * start-point rules are the file cutter's ({@link DataPieceRules}): in a link with Theora a page on
 * which a keyframe begins starts a new piece (unless the open one began at a keyframe and holds less
 * than half the target), and a piece is a start point when a decoder holding the link's headers can
 * begin there (the link's first data piece; audio where a new packet begins; video at a keyframe).
 * A piece is also closed before it would exceed {@link PieceInfo#MAX_LENGTH}, and in a link
 * without any timed stream (opaque codecs only) at {@value #UNTIMED_PIECE_BYTES} bytes.</li>
 * </ul>
 * A data piece is handed out only once its end is known: when the page that completes it (with its
 * granule position) has come, when the next page must start a new piece, when its link ends (EOS
 * of every stream, or a new BOS group), or on {@link #flush()}.
 *
 * <p><b>Time</b> runs on from the cutter's first link: each link starts where the previous one
 * ended (the latest end of its pieces), also across {@link #flush()}. Within a link, times come
 * from the granule positions as in {@link OggPieceCutter}; the link's first data piece starts at the
 * link's start. Start and end times never decrease from one piece to the next (pages of multiplexed
 * streams may overlap a little in time; a piece then starts where the previous one started at the
 * earliest). A header piece has its link's start as start and end. A link without a timed stream
 * stays at the time reached.
 *
 * <p><b>Offsets</b> in problems are stream offsets: bytes counted from the first byte ever fed to
 * this cutter, across {@link #flush()}. {@link LiveCut#skippedBytes()} counts every fed byte that
 * was not passed on in a piece: skipped garbage, dropped pages and header pages of dropped links. A
 * skipped run is counted as the scan passes over it and reported in the problems once it ends. So,
 * after {@link #flush()}, the bytes fed equal the bytes of the pieces plus the skipped bytes.
 *
 * <p><b>Memory</b> is bounded whatever the input: the reader's one page buffer
 * ({@value OggPage#MAX_LENGTH} bytes), the data piece in progress (at most
 * {@link PieceInfo#MAX_LENGTH}), the current link's header pages (at most
 * {@value #MAX_HEADER_BYTES}) and the bounded state of {@link LogicalStreams}. At most
 * {@value #MAX_PROBLEMS} problems are listed per call; more are counted in a last line.
 *
 * <p><b>Threading:</b> not thread-safe; fed by one thread at a time. Never blocks.
 */
final class OggLiveCutter implements LiveCutter {
    /** The longest target duration of a data piece: one minute. */
    static final long MAX_TARGET_MICROS = 60_000_000L;
    /** The most header bytes a link may have: what a link announcement carries. */
    static final int MAX_HEADER_BYTES = ChainLink.MAX_HEADER_BYTES;
    /** Data piece size in links whose streams have no time (opaque codecs only). */
    static final int UNTIMED_PIECE_BYTES = 65_536;
    /** Problems listed per call, at most. */
    static final int MAX_PROBLEMS = 64;
    /** Stray serial numbers reported per link, at most (one message each). */
    private static final int MAX_REPORTED_SERIALS = 16;
    private static final int INITIAL_PIECE_BUFFER = 65_536;
    private static final int KEPT_BUFFER = 1 << 20;

    private static final Logger LOG = LoggerFactory.getLogger(OggLiveCutter.class);

    private final long target;
    private final DataPieceRules rules = new DataPieceRules();
    private OggPageReader reader;
    private LogicalStreams streams = LogicalStreams.live();

    // what the call in progress produced
    private final List<LivePiece> out = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private int problemsLeftOut;
    private long skipped;
    /** The reader's skipped bytes (ended runs and the run in progress) already counted in {@link #skipped}. */
    private long readerSkipCounted;

    /** Bytes fed so far: the stream offset of the next byte. */
    private long fed;
    private long pages;

    // pages dropped while waiting for a BOS page
    private boolean waitingForBos = true;
    /** Why pages are dropped while waiting, said at the first one; null when a problem said it already. */
    private String waitReason = "the input starts mid-way";
    private long droppedFrom = -1;
    private long droppedPages;
    private long droppedBytes;

    // the current link
    private boolean inLink;
    private boolean linkHasData;
    private long linkByte;
    private long linkOffset;
    private long linkZero = LogicalStreams.NONE;
    private String linkCodecs = "";
    private byte[] headers = new byte[4096];
    private int headerLength;
    private final int[] reportedSerials = new int[MAX_REPORTED_SERIALS];
    private int reportedCount;

    // time on the output clock
    private long clock;
    private long lastStart;

    // the data piece in progress
    private byte[] piece = new byte[INITIAL_PIECE_BUFFER];
    private int pieceLength;
    private boolean pieceOpen;
    private boolean firstDataOfLink;

    /**
     * @param targetMicros the target duration of a data piece, 1..{@value #MAX_TARGET_MICROS}
     *        microseconds
     * @throws IllegalArgumentException when out of range
     */
    OggLiveCutter(long targetMicros) {
        if (targetMicros < 1 || targetMicros > MAX_TARGET_MICROS) {
            throw new IllegalArgumentException("target piece duration must be 1.." + MAX_TARGET_MICROS
                    + " microseconds: " + targetMicros);
        }
        this.target = targetMicros;
        this.reader = OggPageReader.live(this::onSkip, 0);
    }

    long targetMicros() {
        return target;
    }

    @Override
    public LiveCut accept(ByteBuffer bytes) {
        while (bytes.hasRemaining()) {
            int n = reader.feed(bytes);
            if (n == 0) {
                throw new IllegalStateException("the Ogg page reader took no bytes: " + reader);
            }
            fed += n;
            readPages();
        }
        countReaderSkips();
        return result();
    }

    @Override
    public LiveCut flush() {
        reader.endOfInput();
        readPages();
        countReaderSkips();
        if (droppedFrom >= 0) {
            endDroppedRun(-1);
        }
        endLink();
        streams = LogicalStreams.live();
        waiting("the input starts mid-way");
        reader = OggPageReader.live(this::onSkip, fed);
        readerSkipCounted = 0;
        return result();
    }

    /** Bytes held now: the reader's unread bytes, the data piece in progress and the link's header pages. */
    long bufferedBytes() {
        return reader.buffered() + (long) pieceLength + headerLength;
    }

    /** Bytes of buffers held now, used or not. */
    long bufferCapacity() {
        return OggPageReader.BUFFER_LENGTH + (long) piece.length + headers.length;
    }

    private void readPages() {
        try {
            for (OggPage page = reader.next(); page != null; page = reader.next()) {
                page(page);
            }
        } catch (IOException e) {
            // a live reader reads nothing
            throw new UncheckedIOException(e);
        } catch (OggFormatException e) {
            // a resynchronising reader does not refuse
            throw new IllegalStateException(e);
        }
    }

    private void onSkip(OggSkip skip) {
        problem("skipped " + skip.length() + " bytes at byte " + skip.offset() + " (" + skip.reason() + "): "
                + switch (skip.reason()) {
                    case LOST_SYNC -> "no Ogg page there";
                    case BAD_CRC -> "a damaged page (bad CRC)";
                    case BAD_VERSION -> "a page header with an unknown version";
                    case TRUNCATED, SEGMENT_TABLE_OVERRUN -> "a page cut short by the end of the input";
                    default -> "not a valid page";
                });
    }

    private void countReaderSkips() {
        long now = reader.skippedBytes() + reader.pendingSkip();
        skipped += now - readerSkipCounted;
        readerSkipCounted = now;
    }

    private LiveCut result() {
        if (out.isEmpty() && skipped == 0 && problems.isEmpty()) {
            return LiveCut.EMPTY;
        }
        if (problemsLeftOut > 0) {
            problems.add("... and " + problemsLeftOut + " more problems");
        }
        LiveCut cut = new LiveCut(out, skipped, problems);
        out.clear();
        problems.clear();
        problemsLeftOut = 0;
        skipped = 0;
        return cut;
    }

    private void problem(String text) {
        LOG.debug("live Ogg stream: {}", text);
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(text);
        } else {
            problemsLeftOut++;
        }
    }

    // ---- pages ----

    private void page(OggPage page) {
        long index = pages++;
        if (page.isBos()) {
            if (droppedFrom >= 0) {
                endDroppedRun(page.offset());
            }
            waitingForBos = false;
            if (streams.bosStartsLink()) {
                int open = streams.openStreams();
                long from = linkByte;
                endLink();
                streams.abandonOpenStreams();
                problem("a BOS page at byte " + page.offset() + " came while " + open + " logical stream(s) of the "
                        + "link begun at byte " + from + " had not ended (no EOS page: the producer restarted?); "
                        + "that link ends there and a new one begins");
            }
        } else {
            if (!waitingForBos && streams.openStreams() == 0) {
                waiting("it comes after every logical stream of its link ended");
            }
            if (waitingForBos) {
                drop(page);
                return;
            }
            if (!streams.isOpen(page.serialNumber())) {
                stray(page);
                return;
            }
        }
        PageFacts f;
        try {
            f = streams.accept(page, index, reader.array(), reader.pageStart());
        } catch (OggFormatException e) {
            String link = inLink ? "the link begun at byte " + linkByte : "the link";
            problem(e.getMessage() + "; " + link + " is dropped from there up to the next BOS page");
            abandonLink();
            drop(page);
            return;
        }
        if (f.newLink) {
            startLink(page);
        }
        if (f.header && !linkHasData) {
            headerPage(page);
        } else {
            dataPage(page, f);
        }
        if (inLink && streams.openStreams() == 0) {
            endLink();
        }
    }

    /** From now on, pages are dropped up to the next BOS page; {@code reason} is said at the first one, if any. */
    private void waiting(String reason) {
        waitingForBos = true;
        waitReason = reason;
    }

    private void drop(OggPage page) {
        if (droppedFrom < 0) {
            droppedFrom = page.offset();
            droppedPages = 0;
            droppedBytes = 0;
            if (waitReason != null) {
                problem("the page at byte " + page.offset() + " (logical stream serial " + page.serialText()
                        + ") is not a BOS page, and " + waitReason + ": pages are dropped up to the next BOS page, "
                        + "where a chain link begins with its headers");
            }
            waitReason = null;
        }
        droppedPages++;
        droppedBytes += page.totalLength();
        skipped += page.totalLength();
    }

    /** The run of dropped pages ends: at the BOS page at {@code bos}, or at the end of the input (-1). */
    private void endDroppedRun(long bos) {
        problem("dropped " + droppedPages + " page(s), " + droppedBytes + " bytes, from byte " + droppedFrom
                + (bos >= 0 ? "; a chain link begins at the BOS page at byte " + bos : " up to the end of the input"));
        droppedFrom = -1;
    }

    /** A page of a stream that is not open in the current link: dropped, said once per serial. */
    private void stray(OggPage page) {
        skipped += page.totalLength();
        int serial = page.serialNumber();
        for (int i = 0; i < reportedCount; i++) {
            if (reportedSerials[i] == serial) {
                return;
            }
        }
        if (reportedCount < reportedSerials.length) {
            reportedSerials[reportedCount++] = serial;
            problem("the page at byte " + page.offset() + " belongs to logical stream serial " + page.serialText()
                    + ", which is not open in the link begun at byte " + linkByte + " (its BOS page was lost, or "
                    + "it ended): its pages are dropped");
        }
    }

    // ---- links ----

    private void startLink(OggPage page) {
        inLink = true;
        linkHasData = false;
        linkByte = page.offset();
        linkOffset = clock;
        linkZero = LogicalStreams.NONE;
        linkCodecs = "";
        headerLength = 0;
        reportedCount = 0;
        firstDataOfLink = true;
    }

    private void headerPage(OggPage page) {
        int length = page.totalLength();
        if (headerLength + length > MAX_HEADER_BYTES) {
            problem("the header pages of the link begun at byte " + linkByte + " take more than " + MAX_HEADER_BYTES
                    + " bytes (at the page at byte " + page.offset() + "); the link is dropped up to the next BOS page");
            skipped += headerLength;
            headerLength = 0;
            abandonLink();
            drop(page);
            return;
        }
        if (headerLength + length > headers.length) {
            headers = Arrays.copyOf(headers, Math.min(MAX_HEADER_BYTES, Math.max(headers.length * 2,
                    headerLength + length)));
        }
        System.arraycopy(reader.array(), reader.pageStart(), headers, headerLength, length);
        headerLength += length;
    }

    private void dataPage(OggPage page, PageFacts f) {
        if (!linkHasData) {
            linkHasData = true;
            linkCodecs = streams.currentLink().codecList();
            if (headerLength > 0) {
                out.add(new LivePiece(ByteBuffer.wrap(Arrays.copyOf(headers, headerLength)), linkOffset, linkOffset,
                        false, true, true, linkCodecs));
            }
            headerLength = 0;
            if (headers.length > KEPT_BUFFER) {
                headers = new byte[4096];
            }
        }
        int length = page.totalLength();
        boolean untimed = streams.currentLink().knownData == 0;
        if (pieceOpen && (pieceLength + length > PieceInfo.MAX_LENGTH
                || rules.keyframeCuts(f, duration() < target / 2)
                || untimed && pieceLength + length > UNTIMED_PIECE_BYTES)) {
            closeData();
        }
        if (!pieceOpen) {
            rules.open(f);
            pieceOpen = true;
        }
        rules.track(f);
        if (pieceLength + length > piece.length) {
            piece = Arrays.copyOf(piece, Math.min(PieceInfo.MAX_LENGTH, Math.max(piece.length * 2,
                    pieceLength + length)));
        }
        System.arraycopy(reader.array(), reader.pageStart(), piece, pieceLength, length);
        pieceLength += length;
        if (!untimed && duration() >= target) {
            closeData();
        }
    }

    /** The media the open data piece holds so far, in microseconds. */
    private long duration() {
        long zero = linkZero();
        long start = pieceStart(zero);
        return DataPieceRules.pieceEnd(start, rules.rawEnd(), linkOffset, zero) - start;
    }

    /** The link clock's zero: fixed once the link's first data piece is out, the earliest first sample so far before. */
    private long linkZero() {
        if (linkZero != LogicalStreams.NONE) {
            return linkZero;
        }
        long zero = streams.currentLink().zero;
        return zero == LogicalStreams.NONE ? 0 : zero;
    }

    private long pieceStart(long zero) {
        return Math.max(lastStart, DataPieceRules.pieceStart(firstDataOfLink, rules.rawStart(), linkOffset, zero,
                clock));
    }

    private void closeData() {
        if (linkZero == LogicalStreams.NONE && streams.currentLink().zero != LogicalStreams.NONE) {
            linkZero = streams.currentLink().zero;
        }
        long zero = linkZero();
        long start = pieceStart(zero);
        long end = Math.max(clock, DataPieceRules.pieceEnd(start, rules.rawEnd(), linkOffset, zero));
        out.add(new LivePiece(ByteBuffer.wrap(Arrays.copyOf(piece, pieceLength)), start, end,
                rules.startPoint(firstDataOfLink), false, false, linkCodecs));
        firstDataOfLink = false;
        lastStart = start;
        clock = end;
        pieceOpen = false;
        pieceLength = 0;
        if (piece.length > KEPT_BUFFER) {
            piece = new byte[INITIAL_PIECE_BUFFER];
        }
    }

    /** The current link ends: its unfinished data piece goes out; a link without data is dropped. */
    private void endLink() {
        if (!inLink) {
            return;
        }
        if (pieceOpen) {
            closeData();
        }
        if (!linkHasData && headerLength > 0) {
            skipped += headerLength;
            problem("the link begun at byte " + linkByte + " ends before any data page: its " + headerLength
                    + " header bytes are dropped");
        }
        headerLength = 0;
        inLink = false;
    }

    /** The current link is broken: it ends here, and pages are dropped up to the next BOS page (a problem says why). */
    private void abandonLink() {
        endLink();
        streams = LogicalStreams.live();
        waiting(null);
    }

    @Override
    public String toString() {
        return "OggLiveCutter[target " + target + " us, " + fed + " bytes fed, " + pages + " pages, at " + clock + " us"
                + (inLink ? ", in the link begun at byte " + linkByte : "") + "]";
    }
}
