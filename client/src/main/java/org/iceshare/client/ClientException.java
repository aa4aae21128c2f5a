package org.iceshare.client;

/**
 * A failure the user can act on: its message is printed as one line on stderr and the client exits
 * with its code, without a stack trace.
 */
public final class ClientException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public ClientException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public ClientException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
