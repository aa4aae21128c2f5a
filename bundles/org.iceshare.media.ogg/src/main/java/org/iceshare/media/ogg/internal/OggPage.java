package org.iceshare.media.ogg.internal;

/**
 * The header of one Ogg page (RFC 3533, section 6) and where the page lies in its stream. The page
 * bytes themselves stay with the {@link OggPageReader} that read them.
 *
 * <p>Layout of a page: the 27-byte fixed header ({@code "OggS"}, version, header type, granule
 * position, serial number, sequence number, CRC, segment count), then the segment table of
 * {@code segmentCount} lacing values, then the body whose length is the sum of the lacing values.
 *
 * <p><b>Threading:</b> an immutable value; safe to share between threads.
 *
 * @param offset byte offset of the page's first byte in the stream
 * @param headerType the header type flags ({@link #CONTINUED}, {@link #BOS}, {@link #EOS})
 * @param granulePosition the granule position as stored (codec-defined; {@link #NO_GRANULE} on a
 *        page where no packet ends)
 * @param serialNumber the logical stream's serial number, an unsigned 32-bit value
 * @param sequenceNumber the page's sequence number within its logical stream, unsigned 32-bit
 * @param storedCrc the CRC stored in the page
 * @param segmentCount the number of lacing values in the segment table, 0..255
 * @param bodyLength the body length in bytes (the sum of the lacing values), 0..65,025
 */
public record OggPage(long offset, int headerType, long granulePosition, int serialNumber, int sequenceNumber,
        int storedCrc, int segmentCount, int bodyLength) {

    /** Header type flag: the page begins with the continuation of a packet from the previous page. */
    public static final int CONTINUED = 0x01;
    /** Header type flag: the first page of a logical stream. */
    public static final int BOS = 0x02;
    /** Header type flag: the last page of a logical stream. */
    public static final int EOS = 0x04;

    /** The granule position of a page on which no packet ends. */
    public static final long NO_GRANULE = -1;

    /** Length of the fixed part of the header, before the segment table. */
    public static final int MIN_HEADER_LENGTH = 27;
    /** Offset of the CRC field within a page. */
    public static final int CRC_OFFSET = 22;
    /** The most lacing values a segment table holds. */
    public static final int MAX_SEGMENTS = 255;
    /** The longest body: 255 segments of 255 bytes. */
    public static final int MAX_BODY_LENGTH = MAX_SEGMENTS * 255;
    /** The longest page: 27 + 255 + 255 * 255 = 65,307 bytes. */
    public static final int MAX_LENGTH = MIN_HEADER_LENGTH + MAX_SEGMENTS + MAX_BODY_LENGTH;

    public OggPage {
        if (offset < 0) {
            throw new IllegalArgumentException("page offset must be >= 0: " + offset);
        }
        if (segmentCount < 0 || segmentCount > MAX_SEGMENTS) {
            throw new IllegalArgumentException("segment count out of range 0.." + MAX_SEGMENTS + ": " + segmentCount);
        }
        if (bodyLength < 0 || bodyLength > segmentCount * 255) {
            throw new IllegalArgumentException(segmentCount + " segments cannot hold a body of " + bodyLength
                    + " bytes");
        }
    }

    /** True when the page begins with the rest of a packet started on an earlier page. */
    public boolean isContinued() {
        return (headerType & CONTINUED) != 0;
    }

    /** True for the first page of a logical stream. */
    public boolean isBos() {
        return (headerType & BOS) != 0;
    }

    /** True for the last page of a logical stream. */
    public boolean isEos() {
        return (headerType & EOS) != 0;
    }

    /** Length of the header including the segment table: {@code 27 + segmentCount}. */
    public int headerLength() {
        return MIN_HEADER_LENGTH + segmentCount;
    }

    /** Length of the whole page: header, segment table and body. */
    public int totalLength() {
        return headerLength() + bodyLength;
    }

    /** Offset just past the page. */
    public long end() {
        return offset + totalLength();
    }

    /** The serial number as an unsigned decimal, as tools such as {@code oggz-info} print it. */
    public String serialText() {
        return Integer.toUnsignedString(serialNumber);
    }

    @Override
    public String toString() {
        return "OggPage[@" + offset + "+" + totalLength() + " serial " + serialText() + " seq "
                + Integer.toUnsignedString(sequenceNumber) + " granule " + granulePosition
                + (isBos() ? " BOS" : "") + (isEos() ? " EOS" : "") + (isContinued() ? " cont" : "") + "]";
    }
}
