package org.iceshare.api.source;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionStage;

import org.iceshare.api.transport.Refusals;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The live sources of a container: starts and stops live streams and reports on them. Each stream
 * gets an {@code icet://} URL.
 *
 * <p><b>Threading:</b> thread-safe; the stages complete once the stream is registered with the tracker.
 *
 * @since 1.0
 */
@ProviderType
public interface LiveSources {

    /**
     * Plays a file out at real-time rate (by its granule time) as a live stream.
     *
     * @param name the stream's name, or null for the file's name
     * @param loop start over at the end (a new chain link each time)
     */
    CompletionStage<LiveStreamInfo> playFile(Path file, String name, boolean loop);

    /** Pulls a live Ogg stream over HTTP (an Icecast mount) and shares it under {@code name}. */
    CompletionStage<LiveStreamInfo> pull(URI url, String name);

    /** The streams running now, by name. */
    List<LiveStreamInfo> streams();

    /** Stops a stream; false when none has that name. */
    boolean stop(String name);

    /**
     * The pushes the push server refused to protect itself since it started, by reason: wrong or missing
     * credentials ({@link Refusals#PUSH_PASSWORD}) and pushes from an address locked out after too many
     * failures ({@link Refusals#PUSH_THROTTLED}). {@link Refusals#NONE} without a push server.
     *
     * @since 1.1
     */
    default Refusals pushRefusals() {
        return Refusals.NONE;
    }
}
