package org.iceshare.client;

/**
 * A failure the user can act on: its message is printed as one line on stderr and the client exits
 * with its code, without a stack trace.
 */
public final class ClientException extends Exception {
    private static final long serialVersionUID = 2L;
    private final int exitCode;
    private final boolean busy;

    public ClientException(int exitCode, String message) {
        this(exitCode, message, false);
    }

    /** With {@code busy}: the tracker answered BUSY, the same request may succeed later. */
    public ClientException(int exitCode, String message, boolean busy) {
        super(message);
        this.exitCode = exitCode;
        this.busy = busy;
    }

    public ClientException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
        this.busy = false;
    }

    public int exitCode() {
        return exitCode;
    }

    /** The tracker answered BUSY: worth trying again after a while. */
    public boolean busy() {
        return busy;
    }
}
