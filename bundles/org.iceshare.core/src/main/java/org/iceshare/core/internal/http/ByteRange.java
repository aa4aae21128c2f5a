package org.iceshare.core.internal.http;

/**
 * A single byte range of an HTTP {@code Range} header (RFC 9110 §14), resolved against a length.
 *
 * @param start first byte, inclusive
 * @param end last byte, exclusive
 */
record ByteRange(long start, long end) {

    /** Result of parsing: no usable range (serve everything), a range, or unsatisfiable (416). */
    sealed interface Parsed permits Whole, Partial, Unsatisfiable {
    }

    record Whole() implements Parsed {
    }

    record Partial(ByteRange range) implements Parsed {
    }

    record Unsatisfiable() implements Parsed {
    }

    long length() {
        return end - start;
    }

    /**
     * Parses {@code bytes=a-b}, {@code bytes=a-} and {@code bytes=-n}. Anything else, and several
     * ranges, are ignored as the RFC allows (the whole content is served).
     */
    static Parsed parse(String header, long length) {
        if (header == null) {
            return new Whole();
        }
        String h = header.trim();
        if (!h.regionMatches(true, 0, "bytes=", 0, 6) || h.indexOf(',') >= 0 || h.length() > 64) {
            return new Whole();
        }
        String spec = h.substring(6).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return new Whole();
        }
        String a = spec.substring(0, dash).trim();
        String b = spec.substring(dash + 1).trim();
        try {
            if (a.isEmpty()) {
                if (b.isEmpty()) {
                    return new Whole();
                }
                long suffix = Long.parseLong(b);
                if (suffix <= 0) {
                    return new Unsatisfiable();
                }
                return length == 0 ? new Unsatisfiable()
                        : new Partial(new ByteRange(Math.max(0, length - suffix), length));
            }
            long start = Long.parseLong(a);
            long last = b.isEmpty() ? Long.MAX_VALUE : Long.parseLong(b);
            if (start < 0 || last < start) {
                return new Whole();
            }
            if (start >= length) {
                return new Unsatisfiable();
            }
            return new Partial(new ByteRange(start, Math.min(last, length - 1) + 1));
        } catch (NumberFormatException e) {
            return new Whole();
        }
    }
}
