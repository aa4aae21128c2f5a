package org.iceshare.media.ogg.internal;

import java.util.Objects;

import org.iceshare.media.ogg.internal.OggFormatException.Kind;

/**
 * A run of bytes that a {@linkplain OggPageReader#resynchronising resynchronising} page reader
 * skipped: from {@code offset}, {@code length} bytes that held no valid page. {@code reason} is
 * what was wrong where the run began (for example {@link Kind#LOST_SYNC} for garbage between
 * pages, {@link Kind#BAD_CRC} for a damaged page, {@link Kind#TRUNCATED} for a page cut short by
 * the end of the stream).
 *
 * <p><b>Threading:</b> an immutable value.
 *
 * @param offset stream offset of the first skipped byte
 * @param length how many bytes were skipped, at least 1
 * @param reason why the first of them could not start a page
 */
public record OggSkip(long offset, long length, Kind reason) {
    public OggSkip {
        if (offset < 0 || length < 1) {
            throw new IllegalArgumentException("bad skip " + offset + "+" + length);
        }
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
        return "skipped " + length + " bytes at byte " + offset + " (" + reason + ")";
    }
}
