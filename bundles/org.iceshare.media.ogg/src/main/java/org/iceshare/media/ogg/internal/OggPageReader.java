package org.iceshare.media.ogg.internal;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.function.Consumer;

import org.iceshare.media.ogg.internal.OggFormatException.Kind;

/**
 * Reads the pages of an Ogg stream one at a time, checking the framing of each: the capture pattern
 * {@code "OggS"}, version 0, a segment table and body that fit in the bytes present, and the CRC.
 *
 * <p>Two modes:
 * <ul>
 * <li><b>Strict</b> ({@link #OggPageReader(InputStream)}), for publishing a file: any violation
 * ends reading with an {@link OggFormatException} that names the {@link Kind}, the page and its
 * byte offset. A damaged content is refused, never passed on.</li>
 * <li><b>Resynchronising</b> ({@link #resynchronising}), for live input: bytes that do not start a
 * valid page are skipped. The reader scans for the next {@code "OggS"} and accepts a page there
 * only when its CRC is valid; every skipped run is reported once, as an {@link OggSkip} with its
 * offset, length and what was wrong where it began. The end of the stream inside a page skips the
 * rest. {@link #next()} then throws only {@link IOException}.</li>
 * <li><b>Live</b> ({@link #live}), resynchronising as above, but fed instead of reading: the caller
 * pushes bytes in with {@link #feed} (as many as fit in the buffer) and takes pages with
 * {@link #next()} until it returns null, which then means "more bytes needed" rather than the end;
 * {@link #endOfInput()} says that no more will come, after which {@link #next()} works as in
 * resynchronising mode. A page or a skipped run may span any number of feeds; a run still open is
 * counted in {@link #pendingSkip()} as the scan passes over it. Nothing blocks.</li>
 * </ul>
 *
 * <p><b>Memory</b> is bounded whatever the input, and this is the only buffer: the reader owns a
 * single array of one maximal page ({@value #BUFFER_LENGTH} bytes, {@link OggPage#MAX_LENGTH}) and
 * reads ahead into it, so it also needs no {@link java.io.BufferedInputStream} in front. A page
 * cannot declare more than that: its segment table has at most 255 lacing values of at most 255
 * bytes each. Nothing is allocated from a length read from the input.
 *
 * <p><b>Cost</b> is bounded too. In strict mode every byte is read once and checked by one CRC. In
 * resynchronising mode every byte position is tried as a page start at most once, and a try costs
 * at most one CRC over one maximal page (as in libogg's {@code ogg_sync_pageseek}); plain garbage
 * without {@code "OggS"} costs a scan.
 *
 * <p>It asks the stream only for bytes it needs to complete the current page (and whatever a single
 * {@code read} returns beyond that), so on a live stream a page is returned as soon as its last byte
 * arrives.
 *
 * <p>This class checks pages, not the logical streams they form (BOS/EOS order, serial numbers,
 * packets): that is {@link LogicalStreams}'s business.
 *
 * <p><b>Threading:</b> not thread-safe; confine an instance to one thread. {@link #next()} blocks
 * while the underlying stream blocks (never in live mode). After {@link #next()} has thrown, the
 * reader is spent and throws {@link IllegalStateException}. The stream is not closed by the reader.
 */
public final class OggPageReader {
    /** The length of the reader's one buffer: one maximal page. */
    public static final int BUFFER_LENGTH = OggPage.MAX_LENGTH;

    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);

    private static final int OK = 0;
    private static final int END = 1;
    private static final int BAD = 2;
    /** Live mode only: the bytes fed so far do not decide yet. */
    private static final int NEED = 3;

    /** The stream read from, or null in live mode. */
    private final InputStream in;
    private final Consumer<OggSkip> onSkip;
    private final byte[] buf = new byte[BUFFER_LENGTH];
    /** Index in {@link #buf} of the current page, or of the next one when there is no current page. */
    private int start;
    /** End of the bytes read into {@link #buf}. */
    private int end;
    /** Stream offset of {@code buf[start]}. */
    private long offset;
    private boolean eof;
    private long pages;
    private long skippedBytes;
    private long skips;
    private OggPage current;
    private boolean failed;
    /** Stream offset where the skipped run in progress began, or -1 when none is. */
    private long skipFrom = -1;
    private Kind skipReason;

    /** Facts about the last failed check, for the message of a strict failure. */
    private Kind failKind;
    private int failAvailable;
    private int failSegments;
    private int failBody;
    private int failStored;
    private int failComputed;

    /** A strict reader: the first invalid byte ends reading with an {@link OggFormatException}. */
    public OggPageReader(InputStream in) {
        this(in, null);
    }

    private OggPageReader(InputStream in, Consumer<OggSkip> onSkip) {
        this.in = Objects.requireNonNull(in, "in");
        this.onSkip = onSkip;
    }

    private OggPageReader(Consumer<OggSkip> onSkip, long startOffset) {
        this.in = null;
        this.onSkip = Objects.requireNonNull(onSkip, "onSkip");
        if (startOffset < 0) {
            throw new IllegalArgumentException("start offset must be >= 0: " + startOffset);
        }
        this.offset = startOffset;
    }

    /**
     * A resynchronising reader for live input: it skips bytes that do not form a valid page and
     * reports each skipped run to {@code onSkip} (called on the reading thread, before the page
     * that ends the run is returned, or before {@link #next()} returns null at the end).
     */
    public static OggPageReader resynchronising(InputStream in, Consumer<OggSkip> onSkip) {
        return new OggPageReader(in, Objects.requireNonNull(onSkip, "onSkip"));
    }

    /**
     * A live reader: resynchronising, fed with {@link #feed} instead of reading a stream (see the
     * class comment). Skipped runs go to {@code onSkip} as in {@link #resynchronising}.
     *
     * @param startOffset the stream offset of the first byte that will be fed (a reader that takes
     *        over from an earlier one continues its offsets)
     */
    public static OggPageReader live(Consumer<OggSkip> onSkip, long startOffset) {
        return new OggPageReader(onSkip, startOffset);
    }

    /** True for a {@linkplain #resynchronising resynchronising} or {@linkplain #live live} reader. */
    public boolean isResynchronising() {
        return onSkip != null;
    }

    /** True for a {@linkplain #live live} reader. */
    public boolean isLive() {
        return in == null;
    }

    /**
     * Live mode: copies as many of {@code bytes} as the buffer has room for (moving its position)
     * and returns how many. Call {@link #next()} until it returns null before feeding again: then
     * there is always room for at least one byte. Ends the current page, as {@link #next()} would.
     *
     * @throws IllegalStateException when the reader is not live, or after {@link #endOfInput()}
     */
    public int feed(ByteBuffer bytes) {
        if (in != null) {
            throw new IllegalStateException("only a live Ogg page reader is fed");
        }
        if (eof) {
            throw new IllegalStateException("the input of this Ogg page reader already ended at byte " + offset);
        }
        if (current != null) {
            advance(current.totalLength());
            current = null;
        }
        if (end == buf.length && start > 0) {
            compact();
        }
        int n = Math.min(bytes.remaining(), buf.length - end);
        bytes.get(buf, end, n);
        end += n;
        return n;
    }

    /** Live mode: no more bytes will come; {@link #next()} now finishes what is buffered. */
    public void endOfInput() {
        if (in != null) {
            throw new IllegalStateException("only a live Ogg page reader is told where its input ends");
        }
        eof = true;
    }

    /** Bytes held in the buffer that are not yet passed over (the current page's included). */
    public int buffered() {
        return end - start;
    }

    /**
     * Bytes of the skipped run in progress so far (live mode, where a run may span many feeds; it is
     * reported to {@code onSkip} once it ends), or 0 when no run is in progress.
     */
    public long pendingSkip() {
        return skipFrom < 0 ? 0 : offset - skipFrom;
    }

    /**
     * Reads the next page. Its bytes stay available through {@link #body()} and {@link #pageBytes()}
     * until the next call.
     *
     * @return the page, or null at the end of the stream (in strict mode the end must fall on a page
     *         boundary)
     * @throws OggFormatException in strict mode, when the next bytes are not a valid page, or the
     *         stream is empty
     * @throws IOException when reading fails
     * @throws IllegalStateException when an earlier call threw
     */
    public OggPage next() throws IOException, OggFormatException {
        if (failed) {
            throw new IllegalStateException("this Ogg page reader already failed at byte " + offset);
        }
        if (current != null) {
            advance(current.totalLength());
            current = null;
        }
        try {
            current = readPage();
        } catch (IOException | OggFormatException | RuntimeException e) {
            failed = true;
            throw e;
        }
        return current;
    }

    /** The number of pages read so far; while a page is current, it is that page's index plus one. */
    public long pageCount() {
        return pages;
    }

    /** Bytes skipped so far (always 0 in strict mode). */
    public long skippedBytes() {
        return skippedBytes;
    }

    /** Skipped runs reported so far (always 0 in strict mode). */
    public long skips() {
        return skips;
    }

    /**
     * The body of the page last returned by {@link #next()}, read-only and valid until the next call.
     *
     * @throws IllegalStateException when there is no current page
     */
    public ByteBuffer body() {
        OggPage page = requireCurrent();
        return view(start + page.headerLength(), page.bodyLength());
    }

    /**
     * All bytes of the page last returned by {@link #next()}, header included, read-only and valid
     * until the next call.
     *
     * @throws IllegalStateException when there is no current page
     */
    public ByteBuffer pageBytes() {
        return view(start, requireCurrent().totalLength());
    }

    /**
     * The segment table (lacing values) of the page last returned by {@link #next()}, read-only and
     * valid until the next call.
     *
     * @throws IllegalStateException when there is no current page
     */
    public ByteBuffer segmentTable() {
        return view(start + OggPage.MIN_HEADER_LENGTH, requireCurrent().segmentCount());
    }

    /** The buffer holding the current page, for reading without a copy. Never write to it. */
    byte[] array() {
        requireCurrent();
        return buf;
    }

    /** Index in {@link #array()} of the current page's first byte. */
    int pageStart() {
        requireCurrent();
        return start;
    }

    private ByteBuffer view(int from, int length) {
        return ByteBuffer.wrap(buf, from, length).slice().asReadOnlyBuffer();
    }

    private OggPage requireCurrent() {
        if (current == null) {
            throw new IllegalStateException("no current Ogg page");
        }
        return current;
    }

    private OggPage readPage() throws IOException, OggFormatException {
        if (skipFrom < 0) {
            int result = check();
            if (result == OK) {
                return accept();
            }
            if (result == NEED) {
                return null;
            }
            if (result == END) {
                if (pages == 0 && onSkip == null) {
                    throw failure(Kind.EMPTY, "empty content: not a single byte, so no Ogg page");
                }
                return null;
            }
            if (onSkip == null) {
                throw failure(failKind, describeFailure());
            }
            skipFrom = offset;
            skipReason = failKind;
            advance(1);
        }
        return resynchronise();
    }

    private OggPage accept() {
        OggPage page = new OggPage(offset, buf[start + 5] & 0xff, (long) LONG_LE.get(buf, start + 6),
                (int) INT_LE.get(buf, start + 14), (int) INT_LE.get(buf, start + 18), failStored, failSegments,
                failBody);
        pages++;
        return page;
    }

    /**
     * Goes on with the skipped run that began at {@link #skipFrom}: scans to the next valid page or
     * the end of the stream, and reports the run. Every position is tried once: the scan only moves
     * forward. In live mode it stops, with the run still open, when the bytes fed so far do not
     * decide; the next call goes on from there.
     */
    private OggPage resynchronise() throws IOException {
        while (true) {
            if (!seekCapturePattern()) {
                if (!starved()) {
                    endSkip();
                }
                return null;
            }
            int result = check();
            if (result == OK) {
                endSkip();
                return accept();
            }
            if (result == NEED) {
                return null;
            }
            advance(1);
        }
    }

    private void endSkip() {
        reportSkip(skipFrom, offset - skipFrom, skipReason);
        skipFrom = -1;
        skipReason = null;
    }

    /** True in live mode while more bytes may come: a shortage then means "wait", not "the end". */
    private boolean starved() {
        return in == null && !eof;
    }

    private void reportSkip(long from, long length, Kind reason) {
        if (length > 0) {
            skippedBytes += length;
            skips++;
            onSkip.accept(new OggSkip(from, length, reason));
        }
    }

    /**
     * Moves {@link #start} to the next {@code "OggS"} at or after it. Returns false, with every byte
     * consumed, when the stream ends first (in live mode while more may come: with the last three
     * bytes kept, as they may begin one).
     */
    private boolean seekCapturePattern() throws IOException {
        while (true) {
            int available = fill(4);
            if (available < 4) {
                if (!starved()) {
                    advance(available);
                }
                return false;
            }
            int last = end - 4;
            for (int i = start; i <= last; i++) {
                if (buf[i] == 'O' && buf[i + 1] == 'g' && buf[i + 2] == 'g' && buf[i + 3] == 'S') {
                    advance(i - start);
                    return true;
                }
            }
            advance(last + 1 - start);
        }
    }

    private void advance(int n) {
        start += n;
        offset += n;
    }

    /**
     * Checks whether a valid page starts at {@link #start}: {@link #OK} (its facts are in the
     * {@code fail*} fields), {@link #END} when no byte is left, {@link #BAD} with {@link #failKind}
     * set, or in live mode {@link #NEED} when the bytes fed so far are a valid beginning but not a
     * whole page. Reads at most one page's bytes.
     */
    private int check() throws IOException {
        int available = fill(OggPage.MIN_HEADER_LENGTH);
        failAvailable = available;
        if (available == 0) {
            return starved() ? NEED : END;
        }
        for (int i = 0, n = Math.min(available, 4); i < n; i++) {
            if (buf[start + i] != "OggS".charAt(i)) {
                return bad(pages == 0 && onSkip == null ? Kind.NOT_OGG : Kind.LOST_SYNC);
            }
        }
        if (available > 4 && buf[start + 4] != 0) {
            return bad(Kind.BAD_VERSION);
        }
        if (available < OggPage.MIN_HEADER_LENGTH) {
            return starved() ? NEED : bad(Kind.TRUNCATED);
        }
        int segments = buf[start + 26] & 0xff;
        failSegments = segments;
        int headerLength = OggPage.MIN_HEADER_LENGTH + segments;
        available = fill(headerLength);
        failAvailable = available;
        if (available < headerLength) {
            return starved() ? NEED : bad(Kind.SEGMENT_TABLE_OVERRUN);
        }
        int bodyLength = 0;
        for (int i = start + OggPage.MIN_HEADER_LENGTH, n = start + headerLength; i < n; i++) {
            bodyLength += buf[i] & 0xff;
        }
        failBody = bodyLength;
        int total = headerLength + bodyLength;
        available = fill(total);
        failAvailable = available;
        if (available < total) {
            return starved() ? NEED : bad(Kind.TRUNCATED);
        }
        failStored = (int) INT_LE.get(buf, start + OggPage.CRC_OFFSET);
        failComputed = OggCrc.page(buf, start, total);
        if (failStored != failComputed) {
            return bad(Kind.BAD_CRC);
        }
        return OK;
    }

    private int bad(Kind kind) {
        failKind = kind;
        return BAD;
    }

    /** The operator's explanation of the last failed check (strict mode; built only when thrown). */
    private String describeFailure() {
        return switch (failKind) {
            case NOT_OGG -> "not an Ogg stream: no 'OggS' capture pattern at byte 0 " + found();
            case LOST_SYNC -> "lost sync: no 'OggS' capture pattern at byte " + offset + ", where page " + pages
                    + " should start " + found();
            case BAD_VERSION -> "unsupported Ogg stream structure version " + (buf[start + 4] & 0xff) + " on page "
                    + pages + " at byte " + offset + " (only version 0 exists)";
            case SEGMENT_TABLE_OVERRUN -> "segment table overrun on page " + pages + " at byte " + offset
                    + ": the header declares " + failSegments + " lacing values but the content ends after "
                    + (failAvailable - OggPage.MIN_HEADER_LENGTH) + " of them";
            case BAD_CRC -> String.format("bad CRC on page %d at byte %d (stored 0x%08x, computed 0x%08x)", pages,
                    offset, failStored, failComputed);
            case TRUNCATED -> failAvailable < OggPage.MIN_HEADER_LENGTH
                    ? "truncated page " + pages + " at byte " + offset + ": the content ends " + failAvailable
                            + " bytes into its " + OggPage.MIN_HEADER_LENGTH + "-byte header"
                    : "truncated page " + pages + " at byte " + offset + ": its segment table declares a body of "
                            + failBody + " bytes but the content ends after "
                            + (failAvailable - OggPage.MIN_HEADER_LENGTH - failSegments) + " of them (the content "
                            + "was cut short, or the segment table is corrupt)";
            default -> throw new IllegalStateException("not a page framing failure: " + failKind);
        };
    }

    private String found() {
        int n = Math.min(failAvailable, 4);
        StringBuilder hex = new StringBuilder();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int b = buf[start + i] & 0xff;
            hex.append(String.format("%02x ", b));
            text.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
        }
        return "(found " + hex + "\"" + text + "\")";
    }

    private OggFormatException failure(Kind kind, String detail) {
        return new OggFormatException(kind, offset, pages, detail);
    }

    /**
     * Makes at least {@code need} bytes (at most one page) available from {@link #start}, unless the
     * stream ends first (in live mode: unless they were not fed yet). Returns how many are available.
     */
    private int fill(int need) throws IOException {
        if (end - start >= need) {
            return end - start;
        }
        if (start + need > buf.length) {
            compact();
        }
        while (in != null && end - start < need && !eof) {
            int n = in.read(buf, end, buf.length - end);
            if (n < 0) {
                eof = true;
            } else {
                end += n;
            }
        }
        return end - start;
    }

    private void compact() {
        System.arraycopy(buf, start, buf, 0, end - start);
        end -= start;
        start = 0;
    }

    @Override
    public String toString() {
        String mode = onSkip == null ? "strict" : in == null ? "live" : "resynchronising";
        return "OggPageReader[" + mode + ", " + pages + " pages, at byte "
                + offset + (skippedBytes > 0 ? ", " + skippedBytes + " bytes skipped" : "") + "]";
    }
}
