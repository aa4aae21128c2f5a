package org.iceshare.api.media;

import java.nio.ByteBuffer;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Cuts a live stream into pieces as its bytes arrive: the media format's rules (whole Ogg pages,
 * headers apart, start points) applied incrementally, with a target duration per data piece. Corrupt
 * input is skipped and reported, never passed on.
 *
 * <p><b>Threading:</b> one cutter belongs to one stream and is fed by one thread at a time. It does
 * not block and keeps at most one page and one unfinished piece in memory.
 *
 * @since 1.2
 */
@ConsumerType
public interface LiveCutter {

    /**
     * Feeds the next bytes of the stream (any amount, cut anywhere). Returns the pieces these bytes
     * completed, in order, and what had to be skipped.
     */
    LiveCut accept(ByteBuffer bytes);

    /** The input ended (or the source went away): returns the unfinished piece, if any, and resets. */
    LiveCut flush();
}
