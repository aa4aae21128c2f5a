package org.iceshare.client;

/**
 * The client's exit codes (documented in docs/client.md): scripts tell the failures apart by them.
 */
public final class ExitCodes {
    private ExitCodes() {
    }

    /** Done: the file is here, the seeding target is reached, the player or the stream ended. */
    public static final int OK = 0;
    /** A failure the client did not expect (a bug or a broken installation); {@code --debug} shows the trace. */
    public static final int INTERNAL = 1;
    /** A bad command line or config value: unknown option, malformed URL, bad rate, duration or time. */
    public static final int USAGE = 2;
    /** The tracker cannot be reached (unknown host, refused, or no answer within the wait). */
    public static final int TRACKER_UNREACHABLE = 3;
    /** The tracker refused: no content of that name, or the content is not what the URL says. */
    public static final int TRACKER_REFUSED = 4;
    /** A file to publish is missing, unreadable or not Ogg media. */
    public static final int BAD_MEDIA = 5;
    /** Local trouble: the data folder is in use by another client, or cannot be written; an output file cannot be written. */
    public static final int LOCAL = 6;
    /** {@code play} found no player (mpv, ffplay, vlc) and was given none. */
    public static final int NO_PLAYER = 7;
    /** The transfer failed after it started (the swarm broke, the stream ended early). */
    public static final int TRANSFER_FAILED = 8;
    /**
     * Ctrl-C (SIGINT), the usual end of {@code publish}, {@code seed} and {@code play}: the peer left its
     * swarms cleanly, and what was verified stays for the next run.
     */
    public static final int INTERRUPTED = 130;
}
