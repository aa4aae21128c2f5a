package org.iceshare.api.peer;

import java.util.Optional;

import org.iceshare.api.icet.ErrorCode;

/** Publishing or fetching failed; the message says why, in words an operator can act on. */
public class PublishException extends Exception {
    private static final long serialVersionUID = 2L;

    /** The code of the tracker's ERROR answer, when that was the failure. */
    private final ErrorCode trackerCode;

    public PublishException(String message) {
        this(message, (ErrorCode) null);
    }

    public PublishException(String message, Throwable cause) {
        super(message, cause);
        this.trackerCode = null;
    }

    /**
     * The tracker answered the request with an ERROR of this code.
     *
     * @since 1.5
     */
    public PublishException(String message, ErrorCode trackerCode) {
        super(message);
        this.trackerCode = trackerCode;
    }

    /**
     * The code of the tracker's ERROR answer, if the tracker refused (for example {@link ErrorCode#BUSY}: try
     * again later); empty for any other failure.
     *
     * @since 1.5
     */
    public Optional<ErrorCode> trackerCode() {
        return Optional.ofNullable(trackerCode);
    }
}
