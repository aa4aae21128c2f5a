package org.iceshare.icet.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;

import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.NetUtil;

/**
 * The settings of a {@link NettyTransport}. Immutable; the constructor refuses values out of range with a
 * message naming the setting.
 *
 * @param maxFrameSize largest accepted frame (length field value), {@value #MIN_MAX_FRAME_SIZE}..{@value #MAX_MAX_FRAME_SIZE}
 * @param ioThreads I/O threads, {@value #MIN_IO_THREADS}..{@value #MAX_IO_THREADS}
 * @param handshakeTimeoutMillis how long a new connection may take to send its Hello,
 *        {@value #MIN_TIMEOUT_MILLIS}..{@value #MAX_TIMEOUT_MILLIS}
 * @param idleTimeoutSeconds close a connection that received nothing for this long,
 *        {@value #MIN_IDLE_SECONDS}..{@value #MAX_IDLE_SECONDS}
 * @param writeBufferLowWaterMark a connection becomes writable again below this many queued bytes
 * @param writeBufferHighWaterMark a connection stops being writable above this many queued bytes;
 *        at least the low mark, both {@value #MIN_WATER_MARK}..{@value #MAX_WATER_MARK}
 * @param connectTimeoutMillis how long an outgoing connect may take,
 *        {@value #MIN_TIMEOUT_MILLIS}..{@value #MAX_TIMEOUT_MILLIS}
 * @param maxConnections connections one listener keeps open at once; one more is closed at once,
 *        {@value #MIN_CONNECTIONS}..{@value #MAX_CONNECTIONS}
 * @param maxConnectionsPerAddress connections one listener keeps open from one remote address (IP) at once,
 *        {@value #MIN_CONNECTIONS}..{@value #MAX_CONNECTIONS}
 * @param maxBufferedFrameBytes the bytes of partial frames all connections of the transport together may
 *        buffer; beyond it the connection with the oldest partial frame is closed. At least the maximum frame
 *        size plus {@value #BUFFER_SLACK} bytes, at most {@value #MAX_BUFFERED_FRAME_BYTES}
 * @param frameTimeoutSeconds how long a frame may take from its first byte to its last,
 *        {@value #MIN_FRAME_TIMEOUT_SECONDS}..{@value #MAX_FRAME_TIMEOUT_SECONDS}
 * @param minFrameRate the slowest a partial frame may arrive, in bytes per second over
 *        {@link IcetLimits#DEFAULT_SLOW_FRAME_WINDOW_MILLIS} ms windows; 0 turns the rule off,
 *        at most {@value #MAX_MIN_FRAME_RATE}
 * @param bindAddress the local address of every socket of the transport, listening and outgoing (the port
 *        stays the caller's, outgoing ones get a free port), or null to listen where the caller asks and let
 *        the system pick the source address of outgoing connections. For multi-homed hosts, and for a lab
 *        that tells peers apart by their source address; an IP literal ({@link #bindAddress(String)})
 */
public record TransportSettings(int maxFrameSize, int ioThreads, long handshakeTimeoutMillis, int idleTimeoutSeconds,
        int writeBufferLowWaterMark, int writeBufferHighWaterMark, long connectTimeoutMillis, int maxConnections,
        int maxConnectionsPerAddress, long maxBufferedFrameBytes, int frameTimeoutSeconds, int minFrameRate,
        InetAddress bindAddress) {

    public static final int MIN_MAX_FRAME_SIZE = IcetLimits.MIN_MAX_FRAME_SIZE;
    public static final int MAX_MAX_FRAME_SIZE = 256 * 1024 * 1024;
    public static final int MIN_IO_THREADS = 1;
    public static final int MAX_IO_THREADS = 256;
    public static final long MIN_TIMEOUT_MILLIS = 100;
    public static final long MAX_TIMEOUT_MILLIS = 600_000;
    public static final int MIN_IDLE_SECONDS = 1;
    public static final int MAX_IDLE_SECONDS = 86_400;
    public static final int MIN_WATER_MARK = 1024;
    public static final int MAX_WATER_MARK = 256 * 1024 * 1024;
    public static final int MIN_CONNECTIONS = 1;
    public static final int MAX_CONNECTIONS = 1_000_000;
    /** What a partial-frame budget must hold beyond one frame of the maximum size: a read's worth. */
    public static final int BUFFER_SLACK = 1024 * 1024;
    public static final long MAX_BUFFERED_FRAME_BYTES = 64L * 1024 * 1024 * 1024;
    public static final int MIN_FRAME_TIMEOUT_SECONDS = 1;
    public static final int MAX_FRAME_TIMEOUT_SECONDS = 3600;
    public static final int MAX_MIN_FRAME_RATE = 1024 * 1024 * 1024;

    public static final int DEFAULT_MAX_FRAME_SIZE = IcetLimits.DEFAULT_MAX_FRAME_SIZE;
    public static final int DEFAULT_IO_THREADS = 2;
    public static final long DEFAULT_HANDSHAKE_TIMEOUT_MILLIS = IcetLimits.DEFAULT_HANDSHAKE_TIMEOUT_MILLIS;
    public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = IcetLimits.DEFAULT_IDLE_TIMEOUT_SECONDS;
    public static final int DEFAULT_WRITE_BUFFER_LOW_WATER_MARK = 1024 * 1024;
    public static final int DEFAULT_WRITE_BUFFER_HIGH_WATER_MARK = 4 * 1024 * 1024;
    public static final long DEFAULT_CONNECT_TIMEOUT_MILLIS = 10_000;
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 32;
    public static final long DEFAULT_MAX_BUFFERED_FRAME_BYTES = 16L * 1024 * 1024;
    public static final int DEFAULT_FRAME_TIMEOUT_SECONDS = (int) (IcetLimits.DEFAULT_FRAME_TIMEOUT_MILLIS / 1000);
    public static final int DEFAULT_MIN_FRAME_RATE = IcetLimits.DEFAULT_MIN_FRAME_BYTES_PER_SECOND;

    public static final TransportSettings DEFAULTS = new TransportSettings(DEFAULT_MAX_FRAME_SIZE, DEFAULT_IO_THREADS,
            DEFAULT_HANDSHAKE_TIMEOUT_MILLIS, DEFAULT_IDLE_TIMEOUT_SECONDS, DEFAULT_WRITE_BUFFER_LOW_WATER_MARK,
            DEFAULT_WRITE_BUFFER_HIGH_WATER_MARK, DEFAULT_CONNECT_TIMEOUT_MILLIS);

    public TransportSettings {
        check("maxFrameSize", maxFrameSize, MIN_MAX_FRAME_SIZE, MAX_MAX_FRAME_SIZE);
        check("ioThreads", ioThreads, MIN_IO_THREADS, MAX_IO_THREADS);
        check("handshakeTimeoutMillis", handshakeTimeoutMillis, MIN_TIMEOUT_MILLIS, MAX_TIMEOUT_MILLIS);
        check("idleTimeoutSeconds", idleTimeoutSeconds, MIN_IDLE_SECONDS, MAX_IDLE_SECONDS);
        check("writeBufferLowWaterMark", writeBufferLowWaterMark, MIN_WATER_MARK, MAX_WATER_MARK);
        check("writeBufferHighWaterMark", writeBufferHighWaterMark, MIN_WATER_MARK, MAX_WATER_MARK);
        if (writeBufferHighWaterMark < writeBufferLowWaterMark) {
            throw new IllegalArgumentException("writeBufferHighWaterMark (" + writeBufferHighWaterMark
                    + ") must not be below writeBufferLowWaterMark (" + writeBufferLowWaterMark + ")");
        }
        check("connectTimeoutMillis", connectTimeoutMillis, MIN_TIMEOUT_MILLIS, MAX_TIMEOUT_MILLIS);
        check("maxConnections", maxConnections, MIN_CONNECTIONS, MAX_CONNECTIONS);
        check("maxConnectionsPerAddress", maxConnectionsPerAddress, MIN_CONNECTIONS, MAX_CONNECTIONS);
        check("maxBufferedFrameBytes", maxBufferedFrameBytes, (long) maxFrameSize + BUFFER_SLACK,
                MAX_BUFFERED_FRAME_BYTES);
        check("frameTimeoutSeconds", frameTimeoutSeconds, MIN_FRAME_TIMEOUT_SECONDS, MAX_FRAME_TIMEOUT_SECONDS);
        check("minFrameRate", minFrameRate, 0, MAX_MIN_FRAME_RATE);
    }

    /** Settings bound to no particular local address. */
    public TransportSettings(int maxFrameSize, int ioThreads, long handshakeTimeoutMillis, int idleTimeoutSeconds,
            int writeBufferLowWaterMark, int writeBufferHighWaterMark, long connectTimeoutMillis, int maxConnections,
            int maxConnectionsPerAddress, long maxBufferedFrameBytes, int frameTimeoutSeconds, int minFrameRate) {
        this(maxFrameSize, ioThreads, handshakeTimeoutMillis, idleTimeoutSeconds, writeBufferLowWaterMark,
                writeBufferHighWaterMark, connectTimeoutMillis, maxConnections, maxConnectionsPerAddress,
                maxBufferedFrameBytes, frameTimeoutSeconds, minFrameRate, null);
    }

    /**
     * Settings with the default connection caps, partial-frame budget (at least enough for one frame of
     * {@code maxFrameSize}) and slow-frame rules.
     */
    public TransportSettings(int maxFrameSize, int ioThreads, long handshakeTimeoutMillis, int idleTimeoutSeconds,
            int writeBufferLowWaterMark, int writeBufferHighWaterMark, long connectTimeoutMillis) {
        this(maxFrameSize, ioThreads, handshakeTimeoutMillis, idleTimeoutSeconds, writeBufferLowWaterMark,
                writeBufferHighWaterMark, connectTimeoutMillis, DEFAULT_MAX_CONNECTIONS,
                DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
                Math.max(DEFAULT_MAX_BUFFERED_FRAME_BYTES, (long) maxFrameSize + BUFFER_SLACK),
                DEFAULT_FRAME_TIMEOUT_SECONDS, DEFAULT_MIN_FRAME_RATE);
    }

    /** The same settings with other connection caps (a swarm of many peers on one address raises them). */
    public TransportSettings withConnectionLimits(int maxConnections, int maxConnectionsPerAddress) {
        return new TransportSettings(maxFrameSize, ioThreads, handshakeTimeoutMillis, idleTimeoutSeconds,
                writeBufferLowWaterMark, writeBufferHighWaterMark, connectTimeoutMillis, maxConnections,
                maxConnectionsPerAddress, maxBufferedFrameBytes, frameTimeoutSeconds, minFrameRate, bindAddress);
    }

    /** The same settings with another partial-frame budget and other slow-frame rules. */
    public TransportSettings withFrameLimits(long maxBufferedFrameBytes, int frameTimeoutSeconds, int minFrameRate) {
        return new TransportSettings(maxFrameSize, ioThreads, handshakeTimeoutMillis, idleTimeoutSeconds,
                writeBufferLowWaterMark, writeBufferHighWaterMark, connectTimeoutMillis, maxConnections,
                maxConnectionsPerAddress, maxBufferedFrameBytes, frameTimeoutSeconds, minFrameRate, bindAddress);
    }

    /** The same settings bound to {@code address} (null: to no particular address). */
    public TransportSettings withBindAddress(InetAddress address) {
        return new TransportSettings(maxFrameSize, ioThreads, handshakeTimeoutMillis, idleTimeoutSeconds,
                writeBufferLowWaterMark, writeBufferHighWaterMark, connectTimeoutMillis, maxConnections,
                maxConnectionsPerAddress, maxBufferedFrameBytes, frameTimeoutSeconds, minFrameRate, address);
    }

    /**
     * A configured bind address: blank for none (null), else an IPv4 or IPv6 literal such as {@code 10.0.0.5}
     * or {@code fe80::1}. Host names are refused, so that no name lookup happens where the setting is read,
     * and so are multicast addresses, which no TCP socket can bind.
     *
     * @throws IllegalArgumentException naming {@code bindAddress} and the value refused
     */
    public static InetAddress bindAddress(String configured) {
        if (configured == null || configured.isBlank()) {
            return null;
        }
        String text = configured.strip();
        String literal = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        if (!NetUtil.isValidIpV4Address(literal) && !NetUtil.isValidIpV6Address(literal)) {
            throw new IllegalArgumentException("bindAddress must be an IPv4 or IPv6 address (no host name), or empty"
                    + " for none, got '" + configured + "'");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(literal); // a literal: parsed, never looked up
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bindAddress is not a usable address: '" + configured + "'", e);
        }
        if (address.isMulticastAddress()) {
            throw new IllegalArgumentException("bindAddress must not be a multicast address, got '" + configured
                    + "'");
        }
        return address;
    }

    /**
     * The budget for a configured {@code maxBufferedFrameBytes}: the value itself, except that the default
     * grows to one frame of {@code maxFrameSize} plus slack when the frame size was raised above what it
     * holds, so that raising the frame size alone is a valid configuration.
     */
    public static long frameBudget(long configured, int maxFrameSize) {
        long least = (long) maxFrameSize + BUFFER_SLACK;
        return configured == DEFAULT_MAX_BUFFERED_FRAME_BYTES ? Math.max(configured, least) : configured;
    }

    private static void check(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be in " + min + ".." + max + ", got " + value);
        }
    }

    /** The codec limits of a new connection. */
    public IcetLimits limits() {
        return new IcetLimits(maxFrameSize, handshakeTimeoutMillis, idleTimeoutSeconds, frameTimeoutSeconds * 1000L,
                minFrameRate, IcetLimits.DEFAULT_SLOW_FRAME_WINDOW_MILLIS);
    }

    public WriteBufferWaterMark waterMark() {
        return new WriteBufferWaterMark(writeBufferLowWaterMark, writeBufferHighWaterMark);
    }
}
