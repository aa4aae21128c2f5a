package org.iceshare.api.media;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a content is cut: its media type, its length, the pieces (as byte ranges that tile the whole
 * content) and how many leading pieces hold only the stream headers.
 *
 * @param mediaType the MIME type players should be told, for example {@code audio/ogg}
 * @param length total bytes
 * @param headerPieces how many leading pieces hold the headers a player needs first
 * @param pieces the piece boundaries, in order, tiling {@code [0, length)}
 * @param properties facts the format found (for example page and stream counts), for status displays
 */
public record MediaLayout(String mediaType, long length, int headerPieces, List<Segment> pieces,
        Map<String, String> properties) {

    public MediaLayout {
        Objects.requireNonNull(mediaType, "mediaType");
        pieces = List.copyOf(pieces);
        properties = Map.copyOf(properties);
        long expected = 0;
        for (Segment s : pieces) {
            if (s.offset() != expected) {
                throw new IllegalArgumentException("segments must tile the content: " + s + " should start at "
                        + expected);
            }
            expected = s.offset() + s.length();
        }
        if (expected != length) {
            throw new IllegalArgumentException("segments cover " + expected + " bytes, content has " + length);
        }
        if (headerPieces < 0 || headerPieces > pieces.size()) {
            throw new IllegalArgumentException("header pieces out of range: " + headerPieces);
        }
    }

    /** One piece's byte range. */
    public record Segment(long offset, int length) {
        public Segment {
            if (offset < 0 || length <= 0) {
                throw new IllegalArgumentException("bad segment " + offset + "+" + length);
            }
        }
    }
}
