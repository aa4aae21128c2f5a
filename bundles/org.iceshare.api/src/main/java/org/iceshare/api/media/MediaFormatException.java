package org.iceshare.api.media;

/**
 * The content is not valid for a format. Says what is wrong and at which byte offset, so an operator
 * can look.
 */
public class MediaFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String format;
    private final long offset;

    public MediaFormatException(String format, long offset, String message) {
        super(format + " at byte " + offset + ": " + message);
        this.format = format;
        this.offset = offset;
    }

    /** The format that refused the content. */
    public String format() {
        return format;
    }

    /** The byte offset of the problem, or -1 when it concerns the whole content. */
    public long offset() {
        return offset;
    }
}
