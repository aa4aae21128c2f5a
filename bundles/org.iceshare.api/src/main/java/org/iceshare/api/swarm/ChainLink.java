package org.iceshare.api.swarm;

import java.util.Objects;

/**
 * One link of a chained content (RFC 3533: a new group of logical streams after every stream of the
 * previous group ended; a radio stream changes links at every track). Unchained content has one link.
 * A link's pieces start at {@link #firstPiece()}; its first {@link #headerPieces()} pieces hold exactly
 * its header pages, which a player needs before any of the link's data.
 *
 * @param index position of the link, from 0
 * @param firstPiece the link's first piece
 * @param headerPieces how many pieces, from {@code firstPiece} on, hold the link's headers
 * @param startMicros presentation time at which the link starts, or -1 when unknown
 * @param endMicros presentation time at which the link ends, or -1 when unknown
 * @param codecs the link's codecs, comma-separated (for example {@code theora,vorbis}), or empty
 * @since 1.1
 */
public record ChainLink(int index, int firstPiece, int headerPieces, long startMicros, long endMicros,
        String codecs) {

    /**
     * The largest header block of one link, in bytes: 1 MiB (Vorbis comments with cover art can be
     * large). Media formats refuse a link whose headers are longer, and the protocol carries no more.
     *
     * @since 1.4
     */
    public static final int MAX_HEADER_BYTES = 1 << 20;

    public ChainLink {
        if (index < 0 || firstPiece < 0 || headerPieces < 0) {
            throw new IllegalArgumentException("chain link " + index + ": negative index, first piece or header count");
        }
        if (startMicros < -1 || endMicros < -1 || (startMicros >= 0 && endMicros >= 0 && endMicros < startMicros)) {
            throw new IllegalArgumentException("chain link " + index + " has a bad time range");
        }
        Objects.requireNonNull(codecs, "codecs");
        if (codecs.length() > 255) {
            throw new IllegalArgumentException("codecs longer than 255 characters");
        }
    }

    /** A link without time or codec information. */
    public static ChainLink untimed(int index, int firstPiece, int headerPieces) {
        return new ChainLink(index, firstPiece, headerPieces, -1, -1, "");
    }
}
