package org.iceshare.media.ogg.internal;

import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.Set;

import org.iceshare.media.ogg.internal.OggFormatException.Kind;

/**
 * Follows the logical streams of an Ogg content page by page and checks the rules of RFC 3533 that
 * span pages: every logical stream begins with a BOS page, all BOS pages of a link come before its
 * other pages, serial numbers are unique among open streams, and no page follows its stream's EOS
 * page. A new link (a chained stream) begins with a BOS page once every stream of the previous
 * link has ended.
 *
 * <p>It also identifies each stream's codec from its BOS page. Memory is bounded: at most
 * {@value #MAX_OPEN_STREAMS} streams may be open at once.
 *
 * <p><b>Threading:</b> not thread-safe; one instance follows one content on one thread.
 */
final class LogicalStreams {
    /** The most logical streams open at once. Real multiplexes hold a handful. */
    static final int MAX_OPEN_STREAMS = 256;

    static final String AUDIO_OGG = "audio/ogg";
    static final String VIDEO_OGG = "video/ogg";
    static final String APPLICATION_OGG = "application/ogg";

    private final int[] open = new int[MAX_OPEN_STREAMS];
    private int openCount;
    /**
     * Serials that ended in the current link, to explain a page that follows its EOS. Only the first
     * {@value #MAX_OPEN_STREAMS} are kept: one-page streams (BOS and EOS at once) beside a stream that
     * stays open could otherwise add without end.
     */
    private final int[] ended = new int[MAX_OPEN_STREAMS];
    private int endedCount;
    private boolean linkHasData;
    private int streams;
    private int links;
    private final EnumSet<OggCodec> codecs = EnumSet.noneOf(OggCodec.class);

    /**
     * Takes the next page of the content.
     *
     * @param page the page
     * @param index its index in the content, from 0
     * @param body its body (read from its position, which is not moved)
     * @throws OggFormatException when the page breaks a rule; nothing is recorded then
     */
    void accept(OggPage page, long index, ByteBuffer body) throws OggFormatException {
        int serial = page.serialNumber();
        if (page.isBos()) {
            if (openCount == 0) {
                links++;
                linkHasData = false;
                endedCount = 0;
            } else if (linkHasData) {
                throw new OggFormatException(Kind.BOS_MISPLACED, page.offset(), index, "BOS page " + index
                        + " at byte " + page.offset() + " (logical stream serial " + page.serialText()
                        + ") comes after data pages of its link; RFC 3533 puts all BOS pages of a link first");
            }
            if (indexOf(open, openCount, serial) >= 0) {
                throw new OggFormatException(Kind.DUPLICATE_SERIAL, page.offset(), index, "BOS page " + index
                        + " at byte " + page.offset() + " uses serial " + page.serialText()
                        + ", which an open logical stream already has");
            }
            if (openCount == MAX_OPEN_STREAMS) {
                throw new OggFormatException(Kind.TOO_MANY_STREAMS, page.offset(), index, "BOS page " + index
                        + " at byte " + page.offset() + " would open more than " + MAX_OPEN_STREAMS
                        + " logical streams at once");
            }
            open[openCount++] = serial;
            streams++;
            codecs.add(OggCodec.identify(body));
        } else {
            if (indexOf(open, openCount, serial) < 0) {
                throw noBos(page, index);
            }
            linkHasData = true;
        }
        if (page.isEos()) {
            int i = indexOf(open, openCount, serial);
            open[i] = open[--openCount];
            if (endedCount < ended.length) {
                ended[endedCount++] = serial;
            }
        }
    }

    private OggFormatException noBos(OggPage page, long index) {
        String detail;
        if (index == 0) {
            detail = "the first page (logical stream serial " + page.serialText() + ") is not a BOS page; an Ogg "
                    + "stream begins with the first page of a logical stream";
        } else if (indexOf(ended, endedCount, page.serialNumber()) >= 0) {
            detail = "page " + index + " at byte " + page.offset() + " continues logical stream serial "
                    + page.serialText() + ", which already ended with an EOS page";
        } else {
            detail = "page " + index + " at byte " + page.offset() + " belongs to logical stream serial "
                    + page.serialText() + ", which has no BOS page before it";
        }
        return new OggFormatException(Kind.NO_BOS, page.offset(), index, detail);
    }

    private static int indexOf(int[] serials, int count, int serial) {
        for (int i = 0; i < count; i++) {
            if (serials[i] == serial) {
                return i;
            }
        }
        return -1;
    }

    /** Logical streams begun so far (BOS pages), over all links. */
    int streams() {
        return streams;
    }

    /** Links begun so far: 1 for a plain content, more for a chained one. */
    int links() {
        return links;
    }

    /** The codecs seen, in declaration order (a copy). */
    Set<OggCodec> codecs() {
        return codecs.clone();
    }

    /** {@code video/ogg} when any stream is video, else {@code audio/ogg} when any is audio, else {@code application/ogg}. */
    String mediaType() {
        boolean audio = false;
        for (OggCodec codec : codecs) {
            if (codec.media() == OggCodec.Media.VIDEO) {
                return VIDEO_OGG;
            }
            audio |= codec.media() == OggCodec.Media.AUDIO;
        }
        return audio ? AUDIO_OGG : APPLICATION_OGG;
    }
}
