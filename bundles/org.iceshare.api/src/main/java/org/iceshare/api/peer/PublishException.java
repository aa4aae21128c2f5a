package org.iceshare.api.peer;

/** Publishing or fetching failed; the message says why, in words an operator can act on. */
public class PublishException extends Exception {
    private static final long serialVersionUID = 1L;

    public PublishException(String message) {
        super(message);
    }

    public PublishException(String message, Throwable cause) {
        super(message, cause);
    }
}
