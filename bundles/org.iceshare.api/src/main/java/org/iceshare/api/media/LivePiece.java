package org.iceshare.api.media;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One piece of a live stream, as cut: whole pages, and what the format knows of them.
 *
 * @param data the piece's bytes (read-only)
 * @param startMicros presentation time of its first sample or frame from the stream's start, or -1
 * @param endMicros presentation time just after its last one, or -1
 * @param startPoint true when a decoder holding the link's headers can start at its first byte
 * @param header true when the piece holds only header pages of its link
 * @param linkStart true for the first piece of a new chain link (its first header piece)
 * @param codecs the link's codecs, comma-separated (for example {@code vorbis}), or empty
 * @since 1.2
 */
public record LivePiece(ByteBuffer data, long startMicros, long endMicros, boolean startPoint, boolean header,
        boolean linkStart, String codecs) {
    public LivePiece {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(codecs, "codecs");
        data = data.asReadOnlyBuffer();
    }

    /** An independent view of the bytes. */
    @Override
    public ByteBuffer data() {
        return data.duplicate();
    }

    public int length() {
        return data.remaining();
    }
}
