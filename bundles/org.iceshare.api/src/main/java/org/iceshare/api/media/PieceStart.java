package org.iceshare.api.media;

/**
 * Where playback for a time starts inside one piece, as a media format finds it
 * ({@link MediaFormat#startInPiece}): a byte offset in the piece at which a decoder that already has
 * the chain link's headers can begin, and the presentation time from which every stream plays there.
 *
 * @param offset the start's byte offset from the piece's first byte, 0 or more (for Ogg, a page
 *        boundary)
 * @param micros the presentation time at that offset, from the start of the whole content (the
 *        manifest's clock), or -1 when unknown
 * @since 1.3
 */
public record PieceStart(int offset, long micros) {
    public PieceStart {
        if (offset < 0) {
            throw new IllegalArgumentException("piece start offset must be >= 0: " + offset);
        }
        if (micros < -1) {
            throw new IllegalArgumentException("piece start time must be >= 0, or -1 when unknown: " + micros);
        }
    }
}
