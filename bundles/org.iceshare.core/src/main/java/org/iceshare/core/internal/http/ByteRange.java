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

    /** The total length of byte ranges given as {@code [start, end)} pairs. */
    static long total(long[] ranges) {
        long n = 0;
        for (int i = 0; i < ranges.length; i += 2) {
            n += ranges[i + 1] - ranges[i];
        }
        return n;
    }

    /**
     * The part {@code [from, to)} of a body made of the given ranges of a content, one after the
     * other, as ranges of the content: how a byte range of a time start maps to the content.
     *
     * @param ranges the body, as {@code [start, end)} pairs of content offsets
     * @param from first byte of the body wanted, inclusive, 0..{@code to}
     * @param to last byte of the body wanted, exclusive, at most the body's length
     */
    static long[] slice(long[] ranges, long from, long to) {
        if (from < 0 || to < from || to > total(ranges)) {
            throw new IllegalArgumentException("bytes " + from + ".." + to + " of a body of " + total(ranges));
        }
        long[] out = new long[ranges.length];
        int n = 0;
        long at = 0;
        for (int i = 0; i < ranges.length && at < to; i += 2) {
            long len = ranges[i + 1] - ranges[i];
            long a = Math.max(from, at);
            long b = Math.min(to, at + len);
            if (a < b) {
                out[n++] = ranges[i] + (a - at);
                out[n++] = ranges[i] + (b - at);
            }
            at += len;
        }
        return java.util.Arrays.copyOf(out, n);
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
