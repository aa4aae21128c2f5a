package org.iceshare.client;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the values people type: rates ({@code 512k}, {@code 2M}), durations ({@code 90s}, {@code 1h30m},
 * {@code 1:30:00}), media times ({@code 1:30}) and {@code host:port}. Each refuses a bad value with an
 * {@link IllegalArgumentException} whose message says what was expected.
 */
public final class Values {
    private Values() {
    }

    private static final Pattern RATE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kKmMgG]?)(?:i?[bB])?(?:/s)?");
    private static final Pattern UNITS = Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+(?:\\.\\d+)?)s)?");

    /**
     * A rate in bytes per second: a number with an optional binary suffix ({@code k} = 1024, {@code M},
     * {@code G}), optionally followed by {@code B} and {@code /s}. 0 means no cap.
     */
    public static long rate(String text) {
        Matcher m = RATE.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("bad rate '" + text + "': expected bytes per second like 512k, 2M or 0"
                    + " (no cap)");
        }
        double n = Double.parseDouble(m.group(1));
        long unit = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 1024L;
            case "m" -> 1024L * 1024;
            case "g" -> 1024L * 1024 * 1024;
            default -> 1L;
        };
        double bytes = n * unit;
        if (bytes > Long.MAX_VALUE / 2) {
            throw new IllegalArgumentException("rate '" + text + "' is too large");
        }
        return Math.round(bytes);
    }

    /** A duration: {@code 90} or {@code 90s} seconds, {@code 30m}, {@code 1h30m}, or {@code [h:]m:s}. */
    public static Duration duration(String text) {
        String t = text.trim();
        if (t.contains(":")) {
            return Duration.ofMillis(Math.round(clock(t, text) * 1000));
        }
        if (t.matches("\\d+(\\.\\d+)?")) {
            return Duration.ofMillis(Math.round(Double.parseDouble(t) * 1000));
        }
        Matcher m = UNITS.matcher(t);
        if (t.isEmpty() || !m.matches()) {
            throw new IllegalArgumentException("bad duration '" + text + "': expected 90s, 30m, 1h30m or 1:30:00");
        }
        double s = (m.group(1) == null ? 0 : Long.parseLong(m.group(1)) * 3600.0)
                + (m.group(2) == null ? 0 : Long.parseLong(m.group(2)) * 60.0)
                + (m.group(3) == null ? 0 : Double.parseDouble(m.group(3)));
        return Duration.ofMillis(Math.round(s * 1000));
    }

    /** A media time in seconds: {@code 90}, {@code 1:30}, {@code 1:02:03.5} or {@code 90s}. */
    public static double mediaTime(String text) {
        String t = text.trim();
        if (t.contains(":")) {
            return clock(t, text);
        }
        try {
            return duration(t).toMillis() / 1000.0;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad start time '" + text + "': expected 1:30, 1:02:03 or 90");
        }
    }

    private static double clock(String t, String original) {
        String[] parts = t.split(":", -1);
        if (parts.length > 3) {
            throw new IllegalArgumentException("bad time '" + original + "': expected m:ss or h:mm:ss");
        }
        double s = 0;
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            boolean last = i == parts.length - 1;
            if (!(last ? p.matches("\\d+(\\.\\d+)?") : p.matches("\\d+"))) {
                throw new IllegalArgumentException("bad time '" + original + "': expected m:ss or h:mm:ss");
            }
            s = s * 60 + Double.parseDouble(p);
        }
        return s;
    }

    /** {@code host:port} (an IPv6 host in brackets), unresolved. */
    public static InetSocketAddress hostPort(String text) {
        String t = text.trim();
        int colon = t.lastIndexOf(':');
        if (colon <= 0 || colon == t.length() - 1) {
            throw new IllegalArgumentException("bad tracker '" + text + "': expected HOST:PORT");
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad tracker '" + text + "': the port is not a number");
        }
        if (port < 1 || port > 65535 || host.isBlank()) {
            throw new IllegalArgumentException("bad tracker '" + text + "': expected HOST:PORT with a port 1..65535");
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    /** A port, 0 for a free one. */
    public static int port(String text) {
        try {
            int p = Integer.parseInt(text.trim());
            if (p >= 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new IllegalArgumentException("bad port '" + text + "': expected 0..65535");
    }

    /** Bytes for people: {@code 1.5 MiB}. */
    public static String bytes(double n) {
        if (n < 1024) {
            return String.format(Locale.ROOT, "%.0f B", n);
        }
        if (n < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", n / 1024);
        }
        if (n < 1024.0 * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MiB", n / (1024 * 1024));
        }
        return String.format(Locale.ROOT, "%.2f GiB", n / (1024.0 * 1024 * 1024));
    }

    /** A time span for people: {@code 0:42}, {@code 1:02:03}. */
    public static String clock(long seconds) {
        if (seconds < 0) {
            return "?";
        }
        long h = seconds / 3600;
        long m = seconds / 60 % 60;
        long s = seconds % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s) : String.format(Locale.ROOT, "%d:%02d", m, s);
    }
}
