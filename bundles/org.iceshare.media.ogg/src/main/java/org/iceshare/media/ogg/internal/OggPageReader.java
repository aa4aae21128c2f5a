package org.iceshare.media.ogg.internal;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

import org.iceshare.media.ogg.internal.OggFormatException.Kind;

/**
 * Reads the pages of an Ogg stream one at a time, checking the framing of each: the capture pattern
 * {@code "OggS"}, version 0, a segment table and body that fit in the bytes present, and the CRC.
 * Any violation ends reading with an {@link OggFormatException} that names the {@link Kind}, the
 * page and its byte offset.
 *
 * <p>Memory is bounded whatever the input: the reader owns a single buffer of one maximal page
 * ({@value OggPage#MAX_LENGTH} bytes) and reads ahead into it, so it also needs no
 * {@link java.io.BufferedInputStream} in front. Every page it accepts consumes at least 27 bytes,
 * so it always ends. It asks the stream only for bytes it needs to complete the current page (and
 * whatever a single {@code read} returns beyond that), so on a live stream a page is returned as
 * soon as its last byte arrives.
 *
 * <p>This class checks pages, not the logical streams they form (BOS/EOS order, serial numbers):
 * that is {@link OggFormat}'s business.
 *
 * <p><b>Threading:</b> not thread-safe; confine an instance to one thread. {@link #next()} blocks
 * while the underlying stream blocks. After {@link #next()} has thrown, the reader is spent and
 * throws {@link IllegalStateException}. The stream is not closed by the reader.
 */
public final class OggPageReader {
    private static final byte[] CAPTURE = {'O', 'g', 'g', 'S'};
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);

    private final InputStream in;
    private final byte[] buf = new byte[OggPage.MAX_LENGTH];
    /** Index in {@link #buf} of the current page, or of the next one when there is no current page. */
    private int start;
    /** End of the bytes read into {@link #buf}. */
    private int end;
    /** Stream offset of {@code buf[start]}. */
    private long offset;
    private boolean eof;
    private long pages;
    private OggPage current;
    private boolean failed;

    public OggPageReader(InputStream in) {
        this.in = Objects.requireNonNull(in, "in");
    }

    /**
     * Reads the next page. Its bytes stay available through {@link #body()} and {@link #pageBytes()}
     * until the next call.
     *
     * @return the page, or null at the end of the stream (which must fall on a page boundary)
     * @throws OggFormatException when the next bytes are not a valid page, or the stream is empty
     * @throws IOException when reading fails
     * @throws IllegalStateException when an earlier call threw
     */
    public OggPage next() throws IOException, OggFormatException {
        if (failed) {
            throw new IllegalStateException("this Ogg page reader already failed at byte " + offset);
        }
        if (current != null) {
            int length = current.totalLength();
            start += length;
            offset += length;
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
        int available = fill(OggPage.MIN_HEADER_LENGTH);
        if (available == 0) {
            if (pages == 0) {
                throw failure(Kind.EMPTY, "empty content: not a single byte, so no Ogg page");
            }
            return null;
        }
        for (int i = 0, n = Math.min(available, CAPTURE.length); i < n; i++) {
            if (buf[start + i] != CAPTURE[i]) {
                throw noCapturePattern(available);
            }
        }
        if (available > 4 && buf[start + 4] != 0) {
            throw failure(Kind.BAD_VERSION, "unsupported Ogg stream structure version " + (buf[start + 4] & 0xff)
                    + " on page " + pages + " at byte " + offset + " (only version 0 exists)");
        }
        if (available < OggPage.MIN_HEADER_LENGTH) {
            throw failure(Kind.TRUNCATED, "truncated page " + pages + " at byte " + offset + ": the content ends "
                    + available + " bytes into its " + OggPage.MIN_HEADER_LENGTH + "-byte header");
        }
        int segments = buf[start + 26] & 0xff;
        int headerLength = OggPage.MIN_HEADER_LENGTH + segments;
        available = fill(headerLength);
        if (available < headerLength) {
            throw failure(Kind.SEGMENT_TABLE_OVERRUN, "segment table overrun on page " + pages + " at byte " + offset
                    + ": the header declares " + segments + " lacing values but the content ends after "
                    + (available - OggPage.MIN_HEADER_LENGTH) + " of them");
        }
        int bodyLength = 0;
        for (int i = start + OggPage.MIN_HEADER_LENGTH, n = start + headerLength; i < n; i++) {
            bodyLength += buf[i] & 0xff;
        }
        int total = headerLength + bodyLength;
        available = fill(total);
        if (available < total) {
            throw failure(Kind.TRUNCATED, "truncated page " + pages + " at byte " + offset + ": its segment table "
                    + "declares a body of " + bodyLength + " bytes but the content ends after "
                    + (available - headerLength) + " of them (the content was cut short, or the segment table "
                    + "is corrupt)");
        }
        int stored = (int) INT_LE.get(buf, start + OggPage.CRC_OFFSET);
        int computed = OggCrc.page(buf, start, total);
        if (stored != computed) {
            throw failure(Kind.BAD_CRC, String.format("bad CRC on page %d at byte %d (stored 0x%08x, computed 0x%08x)",
                    pages, offset, stored, computed));
        }
        OggPage page = new OggPage(offset, buf[start + 5] & 0xff, (long) LONG_LE.get(buf, start + 6),
                (int) INT_LE.get(buf, start + 14), (int) INT_LE.get(buf, start + 18), stored, segments, bodyLength);
        pages++;
        return page;
    }

    private OggFormatException noCapturePattern(int available) {
        int n = Math.min(available, CAPTURE.length);
        StringBuilder hex = new StringBuilder();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int b = buf[start + i] & 0xff;
            hex.append(String.format("%02x ", b));
            text.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
        }
        String found = "(found " + hex + "\"" + text + "\")";
        if (pages == 0) {
            return failure(Kind.NOT_OGG, "not an Ogg stream: no 'OggS' capture pattern at byte 0 " + found);
        }
        return failure(Kind.LOST_SYNC, "lost sync: no 'OggS' capture pattern at byte " + offset + ", where page "
                + pages + " should start " + found);
    }

    private OggFormatException failure(Kind kind, String detail) {
        return new OggFormatException(kind, offset, pages, detail);
    }

    /**
     * Makes at least {@code need} bytes (at most one page) available from {@link #start}, unless the
     * stream ends first. Returns how many are available.
     */
    private int fill(int need) throws IOException {
        if (end - start >= need) {
            return end - start;
        }
        if (start + need > buf.length) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
        }
        while (end - start < need && !eof) {
            int n = in.read(buf, end, buf.length - end);
            if (n < 0) {
                eof = true;
            } else {
                end += n;
            }
        }
        return end - start;
    }

    @Override
    public String toString() {
        return "OggPageReader[" + pages + " pages, at byte " + offset + "]";
    }
}
