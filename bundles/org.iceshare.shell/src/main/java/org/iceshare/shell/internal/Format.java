package org.iceshare.shell.internal;

import java.util.Locale;

/** Small formatting helpers for command output. */
final class Format {
    private Format() {
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        double v = n;
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    static String percent(double share) {
        return String.format(Locale.ROOT, "%.0f%%", share * 100);
    }

    /**
     * The playback figures of a live or played swarm: continuity index, startup, end-to-end latency
     * (p95), or "-" when nothing plays.
     */
    static String quality(org.iceshare.api.peer.SwarmStatus s) {
        org.iceshare.api.peer.SwarmStatus.Quality q = s.quality();
        if (s.source() || q.piecesDue() == 0 && q.startupMillis() < 0) {
            return s.live() && !q.onAir() ? "off air" : "-";
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "CI %.4f", q.continuity()));
        if (q.startupMillis() >= 0) {
            sb.append(", startup ").append(q.startupMillis()).append(" ms");
        }
        if (q.latencyP95Millis() >= 0) {
            sb.append(", latency p95 ").append(q.latencyP95Millis()).append(" ms");
        }
        if (!q.onAir()) {
            sb.append(", off air");
        }
        return sb.toString();
    }

    /**
     * Whether a swarm has playback figures: a live stream or a played file at a peer that is not its
     * source.
     */
    static boolean hasPlayback(org.iceshare.api.peer.SwarmStatus s) {
        org.iceshare.api.peer.SwarmStatus.Quality q = s.quality();
        return !s.source() && (s.live() || q.piecesDue() > 0 || q.startupMillis() >= 0);
    }

    /** Milliseconds, or "-" for a figure not known yet (negative). */
    static String millis(long ms) {
        return ms < 0 ? "-" : ms + " ms";
    }

    /** A ratio such as a source upload factor, two decimals. */
    static String factor(double f) {
        return String.format(Locale.ROOT, "%.2f", f);
    }

    /** {@code n thing} or {@code n things}. */
    static String count(long n, String thing) {
        return n + " " + thing + (n == 1 ? "" : "s");
    }

    /** host:port, without the resolved form's slash ({@code /127.0.0.1:7740}). */
    static String address(java.net.InetSocketAddress a) {
        if (a == null) {
            return "-";
        }
        String host = a.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** The cause's message of an exception from a completion stage. */
    static String reason(Throwable t) {
        Throwable c = t;
        while ((c instanceof java.util.concurrent.CompletionException
                || c instanceof java.util.concurrent.ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.toString() : c.getMessage();
    }
}
