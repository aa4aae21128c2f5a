package org.iceshare.media.raw.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.iceshare.api.media.MediaFormat;
import org.iceshare.api.media.MediaFormatException;
import org.iceshare.api.media.MediaLayout;
import org.iceshare.api.media.MediaLayout.Segment;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PieceInfo;

/**
 * The raw media format: takes any content as opaque bytes and cuts it into pieces of one fixed
 * size, the last one shorter. It knows nothing of time or headers: one link, no header pieces, no
 * start points. It {@link #probe probes} every non-empty content with the lowest confidence, so it
 * cuts exactly what no other installed format claims.
 *
 * <p><b>Threading:</b> immutable and thread-safe. {@link #probe} never blocks; {@link #layout}
 * blocks on its stream, so call it off any event loop. It holds one read buffer and the piece list
 * (at most {@link Manifest#MAX_PIECES} entries), whatever the content.
 */
public final class RawFormat implements MediaFormat {
    /** The format's name and {@value MediaFormat#NAME_PROPERTY} service property. */
    public static final String NAME = "raw";

    /** The media type players are told: the bytes are opaque. */
    public static final String MEDIA_TYPE = "application/octet-stream";

    /** The piece size used when none is configured: 256 KiB. */
    public static final int DEFAULT_PIECE_SIZE = 262_144;

    /** Probe answer for any non-empty content: the lowest confidence, so any other format wins. */
    public static final int PROBE_ANY = 1;

    private static final int READ_BUFFER = 64 * 1024;

    private final int pieceSize;

    /**
     * @param pieceSize the length of every piece but the last, in bytes, 1..{@link PieceInfo#MAX_LENGTH}
     * @throws IllegalArgumentException when out of range
     */
    public RawFormat(int pieceSize) {
        if (pieceSize < 1 || pieceSize > PieceInfo.MAX_LENGTH) {
            throw new IllegalArgumentException("piece size must be 1.." + PieceInfo.MAX_LENGTH + " bytes: "
                    + pieceSize);
        }
        this.pieceSize = pieceSize;
    }

    public int pieceSize() {
        return pieceSize;
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Answers {@value #PROBE_ANY} when {@code head} has any bytes, else 0. Does not move
     * {@code head}'s position; never blocks.
     */
    @Override
    public int probe(ByteBuffer head) {
        return head.hasRemaining() ? PROBE_ANY : 0;
    }

    /**
     * Reads {@code content} to its end (without closing it) and cuts it into pieces of
     * {@link #pieceSize()} bytes, the last one shorter. The layout's properties: {@code pieceSize}.
     *
     * @throws MediaFormatException when the content is empty, or needs more than
     *         {@link Manifest#MAX_PIECES} pieces (reported at the first byte past the limit, without
     *         reading further)
     * @throws IOException when reading fails
     */
    @Override
    public MediaLayout layout(InputStream content) throws IOException, MediaFormatException {
        long limit = (long) Manifest.MAX_PIECES * pieceSize;
        byte[] buffer = new byte[READ_BUFFER];
        long length = 0;
        for (int n = content.read(buffer); n >= 0; n = content.read(buffer)) {
            length += n;
            if (length > limit) {
                throw new MediaFormatException(NAME, limit, "more than " + Manifest.MAX_PIECES + " pieces of "
                        + pieceSize + " bytes; configure a larger pieceSize to publish it");
            }
        }
        if (length == 0) {
            throw new MediaFormatException(NAME, 0, "the content is empty");
        }
        List<Segment> pieces = new ArrayList<>((int) ((length + pieceSize - 1) / pieceSize));
        for (long offset = 0; offset < length; offset += pieceSize) {
            pieces.add(new Segment(offset, (int) Math.min(pieceSize, length - offset)));
        }
        return new MediaLayout(MEDIA_TYPE, length, 0, pieces, Map.of("pieceSize", Integer.toString(pieceSize)));
    }

    @Override
    public String toString() {
        return "RawFormat[piece size " + pieceSize + " bytes]";
    }
}
