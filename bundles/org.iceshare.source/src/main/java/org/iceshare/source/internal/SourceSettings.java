package org.iceshare.source.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The settings of the live sources, checked as a whole: the constructor refuses any value out of
 * range with a message naming it, so a component can keep the settings in force instead.
 *
 * @param peerName the peer whose {@code publishLive} carries the streams
 * @param pushEnabled whether the Icecast-compatible push server runs
 * @param pushHost the address the push server binds
 * @param pushPort its port
 * @param pushPassword the password of user {@code source}; see {@link #defaultPassword()}
 * @param maxPushes how many pushes may be connected at once
 * @param windowMicros how much of each stream peers keep
 * @param targetPieceMicros the playback time the cutter aims at per data piece
 * @param stallTimeoutMillis no input for this long marks a stream off air
 * @param reconnectMinMillis first wait before a dropped pull reconnects (it doubles on each failure)
 * @param reconnectMaxMillis the longest wait between reconnects
 * @param graceMillis how long a stream whose push went away (or whose file ended) is kept for a
 *        reconnect before it is closed
 */
public record SourceSettings(String peerName, boolean pushEnabled, String pushHost, int pushPort, String pushPassword,
        int maxPushes, long windowMicros, long targetPieceMicros, long stallTimeoutMillis, long reconnectMinMillis,
        long reconnectMaxMillis, long graceMillis) {

    /** Icecast's well-known default source password; accepted on a loopback address only. */
    public static final String DEFAULT_PASSWORD = "hackme";
    public static final int DEFAULT_PUSH_PORT = 8001;
    public static final int DEFAULT_WINDOW_SECONDS = 30;
    public static final int MIN_WINDOW_SECONDS = 5;
    public static final int MAX_WINDOW_SECONDS = 3600;
    public static final int DEFAULT_PIECE_MILLIS = 500;
    public static final int MIN_PIECE_MILLIS = 100;
    public static final int MAX_PIECE_MILLIS = 2000;
    public static final int DEFAULT_STALL_SECONDS = 5;
    public static final int MIN_STALL_SECONDS = 1;
    public static final int MAX_STALL_SECONDS = 300;
    public static final long DEFAULT_RECONNECT_MIN_MILLIS = 1000;
    public static final long DEFAULT_RECONNECT_MAX_MILLIS = 30_000;
    public static final long MIN_RECONNECT_MILLIS = 100;
    public static final long MAX_RECONNECT_MILLIS = 600_000;
    public static final int DEFAULT_GRACE_SECONDS = 60;
    public static final int MAX_GRACE_SECONDS = 86_400;
    public static final int DEFAULT_MAX_PUSHES = 16;
    public static final int MAX_MAX_PUSHES = 1024;

    public static final SourceSettings DEFAULTS = new SourceSettings("default", true, "127.0.0.1", DEFAULT_PUSH_PORT,
            DEFAULT_PASSWORD, DEFAULT_MAX_PUSHES, DEFAULT_WINDOW_SECONDS * 1_000_000L, DEFAULT_PIECE_MILLIS * 1000L,
            DEFAULT_STALL_SECONDS * 1000L, DEFAULT_RECONNECT_MIN_MILLIS, DEFAULT_RECONNECT_MAX_MILLIS,
            DEFAULT_GRACE_SECONDS * 1000L);

    public SourceSettings {
        if (peerName == null || peerName.isBlank()) {
            throw new IllegalArgumentException("peerName must not be empty");
        }
        peerName = peerName.trim();
        if (pushHost == null || pushHost.isBlank()) {
            throw new IllegalArgumentException("pushHost must not be empty");
        }
        pushHost = pushHost.trim();
        if (pushPort < 1 || pushPort > 65535) {
            throw new IllegalArgumentException("pushPort must be 1..65535: " + pushPort);
        }
        if (pushPassword == null) {
            pushPassword = "";
        }
        if (pushEnabled && pushPassword.isEmpty()) {
            throw new IllegalArgumentException(".pushPassword must not be empty while the push server is enabled");
        }
        if (pushEnabled && pushPassword.equals(DEFAULT_PASSWORD) && !isLoopback(pushHost)) {
            throw new IllegalArgumentException(".pushPassword is still the default '" + DEFAULT_PASSWORD
                    + "': change it before binding the push server to " + pushHost + " (only a loopback address "
                    + "may keep it)");
        }
        if (maxPushes < 1 || maxPushes > MAX_MAX_PUSHES) {
            throw new IllegalArgumentException("maxPushes must be 1.." + MAX_MAX_PUSHES + ": " + maxPushes);
        }
        range("windowSeconds", windowMicros / 1_000_000, MIN_WINDOW_SECONDS, MAX_WINDOW_SECONDS);
        range("pieceMillis", targetPieceMicros / 1000, MIN_PIECE_MILLIS, MAX_PIECE_MILLIS);
        range("stallTimeoutSeconds", stallTimeoutMillis / 1000, MIN_STALL_SECONDS, MAX_STALL_SECONDS);
        range("reconnectMinMillis", reconnectMinMillis, MIN_RECONNECT_MILLIS, MAX_RECONNECT_MILLIS);
        range("reconnectMaxMillis", reconnectMaxMillis, reconnectMinMillis, MAX_RECONNECT_MILLIS);
        range("graceSeconds", graceMillis / 1000, 0, MAX_GRACE_SECONDS);
    }

    private static void range(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be " + min + ".." + max + ": " + value);
        }
    }

    /** True for a loopback literal or {@code localhost}; no name lookup for anything else. */
    static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        boolean literal = host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':');
        if (!literal) {
            return false;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Whether the push password is still Icecast's well-known default (warned about at start). */
    public boolean defaultPassword() {
        return pushPassword.equals(DEFAULT_PASSWORD);
    }

    /** The same settings with another push port (tests, free ports). */
    public SourceSettings withPush(boolean enabled, String host, int port, String password) {
        return new SourceSettings(peerName, enabled, host, port, password, maxPushes, windowMicros, targetPieceMicros,
                stallTimeoutMillis, reconnectMinMillis, reconnectMaxMillis, graceMillis);
    }

    /** The same settings with other timings (tests). */
    public SourceSettings withTimes(long stallTimeoutMillis, long reconnectMinMillis, long reconnectMaxMillis,
            long graceMillis) {
        return new SourceSettings(peerName, pushEnabled, pushHost, pushPort, pushPassword, maxPushes, windowMicros,
                targetPieceMicros, stallTimeoutMillis, reconnectMinMillis, reconnectMaxMillis, graceMillis);
    }

    /** The same settings with another limit of concurrent pushes (tests). */
    public SourceSettings withMaxPushes(int maxPushes) {
        return new SourceSettings(peerName, pushEnabled, pushHost, pushPort, pushPassword, maxPushes, windowMicros,
                targetPieceMicros, stallTimeoutMillis, reconnectMinMillis, reconnectMaxMillis, graceMillis);
    }

    @Override
    public String toString() {
        return "peer=" + peerName + ", push=" + (pushEnabled ? pushHost + ":" + pushPort : "off") + ", maxPushes="
                + maxPushes + ", window=" + windowMicros / 1_000_000 + " s, piece=" + targetPieceMicros / 1000
                + " ms, stall=" + stallTimeoutMillis + " ms, reconnect=" + reconnectMinMillis + ".."
                + reconnectMaxMillis + " ms, grace=" + graceMillis + " ms";
    }
}
