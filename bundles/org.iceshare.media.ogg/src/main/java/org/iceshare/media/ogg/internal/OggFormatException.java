package org.iceshare.media.ogg.internal;

import java.util.Objects;

import org.iceshare.api.media.MediaFormatException;

/**
 * A content is not a valid Ogg stream. Carries what is wrong as a {@link Kind}, the byte offset of
 * the problem (usually the start of the offending page) and the index of that page, so that both a
 * program and an operator can act on it. The message reads like
 * {@code ogg at byte 53120: bad CRC on page 12 at byte 53120 (stored 0x..., computed 0x...)}.
 *
 * <p>Pages are numbered from 0 in stream order.
 */
public final class OggFormatException extends MediaFormatException {
    private static final long serialVersionUID = 1L;

    /** What is wrong. */
    public enum Kind {
        /** The content has no bytes at all. */
        EMPTY,
        /** The content does not start with the capture pattern {@code "OggS"}: it is not Ogg. */
        NOT_OGG,
        /** No capture pattern where the next page should start (garbage between or after pages). */
        LOST_SYNC,
        /** A page header has a stream structure version other than 0. */
        BAD_VERSION,
        /**
         * The content ends inside a page: inside its 27-byte header, or inside the body its segment
         * table declares. A stream cannot tell a file cut short from a segment table that claims
         * more body bytes than there are, so both are reported as this kind.
         */
        TRUNCATED,
        /** The content ends inside a segment table: the header declares more lacing values than remain. */
        SEGMENT_TABLE_OVERRUN,
        /** The CRC stored in a page does not match the page. */
        BAD_CRC,
        /**
         * A page belongs to a logical stream that did not begin with a BOS page: the first page of
         * the content is not a BOS page, or a page continues a stream never begun (or already ended).
         */
        NO_BOS,
        /** A BOS page comes after non-BOS pages of the same link (RFC 3533 wants all BOS pages first). */
        BOS_MISPLACED,
        /** A BOS page uses the serial number of a logical stream that is still open. */
        DUPLICATE_SERIAL,
        /** More logical streams are open at once than any real multiplex holds. */
        TOO_MANY_STREAMS,
        /**
         * A page's continuation flag disagrees with its stream: it says it continues a packet when
         * the stream's previous page ended on a packet boundary, or it does not when the previous
         * page left a packet unfinished. (After a gap in the page sequence numbers, as in a
         * recording that joined a live stream late, the partial packet is dropped instead.)
         */
        BAD_CONTINUATION,
        /**
         * A codec header packet is malformed: an identification header that is too short, has the
         * wrong magic or version, a zero sample or frame rate; a BOS page of a known codec that
         * holds more than its identification header; or a stream that ends before all its header
         * packets.
         */
        BAD_HEADER,
        /**
         * A header packet comes after the data of its link began: every stream's header packets
         * must come before the first data page of the link (for example an {@code oggz-merge}
         * output that puts one stream's audio before another stream's setup header).
         */
        HEADER_AFTER_DATA,
        /**
         * A page holds the end of a stream's last header packet and the start of its first data
         * packet; the codec mappings (Vorbis, Theora, Opus, FLAC, Speex) start data on a fresh page.
         */
        MIXED_HEADER_PAGE
    }

    private final Kind kind;
    private final long page;
    private final String detail;

    /**
     * @param kind what is wrong
     * @param offset the byte offset of the problem
     * @param page the index of the page concerned, or -1 when none
     * @param detail the explanation for an operator, without the format and offset prefix
     */
    public OggFormatException(Kind kind, long offset, long page, String detail) {
        super(OggFormat.NAME, offset, detail);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.page = page;
        this.detail = detail;
    }

    public Kind kind() {
        return kind;
    }

    /** The index of the page concerned, counted from 0, or -1 when none. */
    public long page() {
        return page;
    }

    /** The explanation without the {@code "ogg at byte N: "} prefix. */
    public String detail() {
        return detail;
    }
}
