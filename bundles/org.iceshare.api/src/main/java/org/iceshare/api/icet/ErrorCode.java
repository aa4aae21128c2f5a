package org.iceshare.api.icet;

/** Why something was refused; carried by {@link ErrorReport} and {@link Reject}. */
public enum ErrorCode {
    /** A frame could not be decoded. The sender closes the connection. */
    MALFORMED(1),
    /** A frame was larger than the receiver's maximum frame size. The connection is closed. */
    FRAME_TOO_LARGE(2),
    /** The Hello named a protocol version the receiver does not speak. */
    UNSUPPORTED_VERSION(3),
    /** A message arrived that is not allowed in this conversation or state. */
    PROTOCOL(4),
    /** The content named is not known here. */
    UNKNOWN_CONTENT(5),
    /** A different content is already published under that name. */
    CONFLICT(6),
    /** The peer does not hold the piece asked for. */
    NOT_HELD(7),
    /** A reported digest does not match the authoritative hash. */
    BAD_DIGEST(8),
    /** The sender is banned from this swarm (it served corrupt data). */
    BANNED(9),
    /** The request was refused because the receiver is overloaded; try elsewhere. */
    BUSY(10),
    /** The content or request is invalid (for example a bad manifest). */
    INVALID(11),
    /** Something failed inside the receiver. */
    INTERNAL(12),
    /**
     * The sender may not do this: for example publish under a name that belongs to another publisher's
     * key, or publish at all on a tracker that takes publications from listed keys only.
     *
     * @since 1.5
     */
    FORBIDDEN(13);

    private final int code;

    ErrorCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The error for a wire code; unknown codes map to {@link #INTERNAL}. */
    public static ErrorCode fromCode(int code) {
        for (ErrorCode c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        return INTERNAL;
    }
}
