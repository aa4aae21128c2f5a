package org.iceshare.api.media;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A media format: recognises its content and cuts it into pieces. For Ogg, a piece is a run of
 * whole pages and the first pieces hold the stream headers.
 *
 * <p>When a file is published, every format service {@link #probe probes} its first bytes and the
 * most confident one cuts it.
 *
 * <p><b>Threading:</b> implementations are thread-safe. {@link #layout} blocks on reading its
 * stream; call it off any event loop.
 */
@ConsumerType
public interface MediaFormat {

    /** Service property naming the format, for example {@code ogg}. */
    String NAME_PROPERTY = "media.format";

    /** The format's name, equal to its {@value #NAME_PROPERTY} property. */
    String name();

    /**
     * How sure this format is that content starting with {@code head} is its own: 0 for "not mine",
     * up to 100 for "certainly mine". Must not move {@code head}'s position and must not block.
     */
    int probe(ByteBuffer head);

    /**
     * Reads a whole content and cuts it into pieces.
     *
     * @throws MediaFormatException when the content is not valid for this format; the exception
     *         says what is wrong and at which byte offset
     * @throws IOException when reading fails
     */
    MediaLayout layout(InputStream content) throws IOException, MediaFormatException;

    /**
     * A cutter for a live stream of this format, aiming at data pieces of {@code targetMicros} of
     * playback each, or empty when the format cannot cut live streams.
     *
     * @since 1.2
     */
    default java.util.Optional<LiveCutter> liveCutter(long targetMicros) {
        return java.util.Optional.empty();
    }
}
