package org.iceshare.client;

import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.Locale;

import org.iceshare.api.peer.SwarmStatus;

/**
 * The progress of a download: on a terminal one line rewritten in place (pieces, rate, peers, time
 * left), elsewhere a plain line every few seconds, so a log or a pipe gets readable lines.
 */
final class Progress {
    /** The rate is measured over this window. */
    private static final long WINDOW_NANOS = 3_000_000_000L;
    /** Plain lines come at most this often. */
    private static final long PLAIN_EVERY_NANOS = 5_000_000_000L;

    private record Sample(long nanos, long bytes) {
    }

    private final PrintStream out;
    private final boolean terminal;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();
    private long lastPlain = Long.MIN_VALUE;
    private int lastWidth;
    private boolean lineOpen;

    Progress(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** Bytes per second over the last few seconds. */
    double rate(SwarmStatus s, long now) {
        samples.addLast(new Sample(now, s.downloaded()));
        while (samples.size() > 2 && now - samples.peekFirst().nanos() > WINDOW_NANOS) {
            samples.removeFirst();
        }
        Sample first = samples.peekFirst();
        double secs = (now - first.nanos()) / 1e9;
        return secs <= 0 ? 0 : (s.downloaded() - first.bytes()) / secs;
    }

    synchronized void update(SwarmStatus s, long now) {
        double rate = rate(s, now);
        if (!terminal && lastPlain != Long.MIN_VALUE && now - lastPlain < PLAIN_EVERY_NANOS) {
            return;
        }
        long left = s.pieces() == 0 ? 0 : Math.round(s.length() * (1 - s.progress()));
        String eta = rate > 0 ? Values.clock(Math.round(left / rate)) : "?";
        String line = String.format(Locale.ROOT, "%d/%d pieces %3.0f%%  %s/s  %d peer%s  %s left", s.verified(),
                s.pieces(), s.progress() * 100, Values.bytes(rate), s.connections(), s.connections() == 1 ? "" : "s",
                eta);
        if (terminal) {
            String pad = line.length() < lastWidth ? " ".repeat(lastWidth - line.length()) : "";
            out.print("\r" + line + pad);
            lastWidth = line.length();
            lineOpen = true;
        } else {
            out.println(line);
            lastPlain = now;
        }
        out.flush();
    }

    /** Ends the rewritten line, so what follows starts on a line of its own. */
    synchronized void endLine() {
        if (lineOpen) {
            out.println();
            out.flush();
            lineOpen = false;
        }
    }
}
