package org.iceshare.api.media;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a content is cut: its media type, its length, the pieces (as byte ranges that tile the whole
 * content) and its chain links, each with the leading pieces that hold only its stream headers.
 * Formats that know time also give each piece its presentation time and whether a decoder can start
 * there.
 *
 * @param mediaType the MIME type players should be told, for example {@code audio/ogg}
 * @param length total bytes
 * @param headerPieces how many leading pieces hold the first link's headers
 * @param pieces the piece boundaries, in order, tiling {@code [0, length)}
 * @param properties facts the format found (for example page and stream counts), for status displays
 * @param links the chain links, in order (at least one; the first starts at piece 0)
 */
public record MediaLayout(String mediaType, long length, int headerPieces, List<Segment> pieces,
        Map<String, String> properties, List<Link> links) {

    public MediaLayout {
        Objects.requireNonNull(mediaType, "mediaType");
        pieces = List.copyOf(pieces);
        properties = Map.copyOf(properties);
        links = List.copyOf(links);
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
        if (links.isEmpty() || links.get(0).firstPiece() != 0 || links.get(0).headerPieces() != headerPieces) {
            throw new IllegalArgumentException("the first link must start at piece 0 with the header pieces");
        }
        for (int k = 0; k < links.size(); k++) {
            Link l = links.get(k);
            int end = k + 1 < links.size() ? links.get(k + 1).firstPiece() : pieces.size();
            if (l.firstPiece() >= end || l.firstPiece() + l.headerPieces() > end) {
                throw new IllegalArgumentException("link " + k + " is out of place: " + l);
            }
            for (int i = l.firstPiece(); i < end; i++) {
                if (pieces.get(i).link() != k) {
                    throw new IllegalArgumentException("segment " + i + " says link " + pieces.get(i).link()
                            + " but lies in link " + k);
                }
            }
        }
    }

    /** A layout of one link without time information. */
    public MediaLayout(String mediaType, long length, int headerPieces, List<Segment> pieces,
            Map<String, String> properties) {
        this(mediaType, length, headerPieces, pieces, properties,
                List.of(new Link(0, headerPieces, -1, -1, "")));
    }

    /**
     * One piece's byte range, and what the format knows of its time.
     *
     * @param offset first byte
     * @param length bytes
     * @param startMicros presentation time of its first sample or frame, or -1 when unknown
     * @param endMicros presentation time just after its last one, or -1 when unknown
     * @param startPoint true when a decoder holding the link's headers can start at its first byte
     * @param link the chain link it belongs to
     */
    public record Segment(long offset, int length, long startMicros, long endMicros, boolean startPoint, int link) {
        public Segment {
            if (offset < 0 || length <= 0) {
                throw new IllegalArgumentException("bad segment " + offset + "+" + length);
            }
            if (startMicros < -1 || endMicros < -1 || link < 0) {
                throw new IllegalArgumentException("bad segment time or link: " + startMicros + ".." + endMicros
                        + " link " + link);
            }
        }

        /** A byte range without time, in link 0. */
        public Segment(long offset, int length) {
            this(offset, length, -1, -1, false, 0);
        }
    }

    /**
     * One chain link: its first piece, how many pieces from there hold its headers, its time span and
     * codecs.
     */
    public record Link(int firstPiece, int headerPieces, long startMicros, long endMicros, String codecs) {
        public Link {
            if (firstPiece < 0 || headerPieces < 0) {
                throw new IllegalArgumentException("bad link " + firstPiece + "+" + headerPieces);
            }
            Objects.requireNonNull(codecs, "codecs");
        }
    }
}
