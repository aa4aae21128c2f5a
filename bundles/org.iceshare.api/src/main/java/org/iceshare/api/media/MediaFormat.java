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

    /**
     * True when content of this media type is this format's: for Ogg, {@code audio/ogg},
     * {@code video/ogg} and {@code application/ogg}. The type is given without parameters, in lower
     * case. A live stream registered with a media type is of the format that handles it; a push declaring
     * a type no format handles is refused.
     *
     * @since 1.3
     */
    default boolean handles(String mediaType) {
        return false;
    }

    /**
     * The media type players are told for a live stream of this format whose first link has these
     * codecs (comma-separated, maybe empty), when its input declared {@code declared} (a base type in
     * lower case, or null when it declared none).
     *
     * @since 1.3
     */
    default String mediaType(String codecs, String declared) {
        return declared != null ? declared : "application/octet-stream";
    }

    /**
     * The content read so that it can follow a copy of itself as a new chain link, for a file played in
     * a loop ({@code round} 1 is the first repeat). Ogg gives every logical stream new serial numbers
     * (RFC 3533 wants each link's streams to have their own). A format without links returns the stream
     * as it is. Never reads ahead further than one page.
     *
     * @since 1.3
     */
    default InputStream relinked(InputStream content, int round) {
        return content;
    }

    /**
     * Finds, inside one piece of a content this format cut, the latest place at or before
     * {@code targetMicros} where a player that was sent the chain link's headers can start: what a
     * time start ({@code ?t=} on the player endpoint) sends after the headers. Formats that know their
     * pages answer with page precision (for Ogg audio, any page on which a new packet begins; for
     * Theora, only a page that begins a keyframe); the default answers with piece precision: the
     * piece's first byte when the piece is a start point that starts at or before the target.
     *
     * <p>Must not block, and must not move the buffers' positions; its cost is bounded by the bytes
     * given. Bytes that are not what this format cut (damaged, or of another format) give an empty
     * answer, never an exception.
     *
     * @param linkHeaders the header pieces of the piece's chain link, in order (empty when the link
     *        has none)
     * @param piece the piece's bytes, as verified against the manifest
     * @param pieceStartMicros the piece's start time in the manifest (from the start of the content)
     * @param pieceEndMicros the piece's end time in the manifest
     * @param pieceStartPoint whether the manifest marks the piece as a start point (a decoder holding
     *        the link's headers can begin at its first byte)
     * @param targetMicros the time asked for, from the start of the content
     * @return the latest start in the piece whose time is at or before the target, or empty when the
     *         piece has none
     * @since 1.3
     */
    default java.util.Optional<PieceStart> startInPiece(ByteBuffer linkHeaders, ByteBuffer piece,
            long pieceStartMicros, long pieceEndMicros, boolean pieceStartPoint, long targetMicros) {
        return pieceStartPoint && pieceStartMicros >= 0 && pieceStartMicros <= targetMicros
                ? java.util.Optional.of(new PieceStart(0, pieceStartMicros))
                : java.util.Optional.empty();
    }
}
