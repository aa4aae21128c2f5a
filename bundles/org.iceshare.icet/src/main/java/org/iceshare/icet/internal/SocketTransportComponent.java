package org.iceshare.icet.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

import org.iceshare.api.transport.Connection;
import org.iceshare.api.transport.ConnectionHandler;
import org.iceshare.api.transport.Listener;
import org.iceshare.api.transport.Refusals;
import org.iceshare.api.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the DS components of the socket transports (TCP, TLS) share: the {@link Transport} service over a
 * {@link NettyTransport}, its lifecycle, its refusal counters, and the handling of the thirteen socket settings
 * every socket transport's configuration has ({@link TransportSettings}).
 *
 * <p>A component extends this class, keeps its own {@code @Component} (PID, {@value Transport#NAME_PROPERTY},
 * ranking) and its own metatype form ({@code @ObjectClassDefinition}, whose socket attributes take their
 * texts and bounds from {@link Form}), and maps its typed configuration onto {@link TransportSettings}.
 * <ul>
 * <li><b>Activation</b> never fails on a bad configuration: socket values out of range are refused as a
 * whole (logged, naming the property) and the defaults used; the component fixes the rest of its own
 * settings in {@code security}.</li>
 * <li><b>A change</b> ({@link #reconfigure}) is applied as a whole or refused as a whole: the error,
 * naming the property, is logged and the running settings stay. It applies to connections set up after
 * it; open connections keep their settings.</li>
 * <li><b>Deactivation</b> ({@link #stop}) closes every listener and connection.</li>
 * </ul>
 *
 * <p><b>Threading:</b> as {@link NettyTransport}; SCR serialises activate, modified and deactivate.
 *
 * @param <S> what secures the channels: {@link ChannelSecurity} (and null) for plain TCP
 */
public abstract class SocketTransportComponent<S extends ChannelSecurity> implements Transport {

    /**
     * The texts and bounds of the socket attributes in the transports' metatype forms (constant
     * expressions, for {@code @AttributeDefinition}), written once for every socket transport.
     */
    public static final class Form {
        public static final String MAX_FRAME_SIZE = "Maximum frame size";
        public static final String MAX_FRAME_SIZE_TEXT = "Largest IceT frame accepted, in bytes. A larger one is"
                + " answered with FRAME_TOO_LARGE and the connection is closed. At least 4 MiB + 1 KiB, so the largest"
                + " piece fits.";
        public static final String MAX_FRAME_SIZE_MIN = "" + TransportSettings.MIN_MAX_FRAME_SIZE;
        public static final String MAX_FRAME_SIZE_MAX = "" + TransportSettings.MAX_MAX_FRAME_SIZE;

        public static final String IO_THREADS = "I/O threads";
        public static final String IO_THREADS_TEXT = "Number of Netty I/O threads. Takes effect when the transport"
                + " restarts.";
        public static final String IO_THREADS_MIN = "" + TransportSettings.MIN_IO_THREADS;
        public static final String IO_THREADS_MAX = "" + TransportSettings.MAX_IO_THREADS;

        public static final String HANDSHAKE_TIMEOUT = "Handshake timeout (ms)";
        public static final String HANDSHAKE_TIMEOUT_TEXT = "A new connection that sends no Hello within this time is"
                + " closed.";

        public static final String IDLE_TIMEOUT = "Idle timeout (s)";
        public static final String IDLE_TIMEOUT_TEXT = "A connection that received nothing for this long is closed."
                + " Applications send Pings more often than this.";
        public static final String IDLE_TIMEOUT_MIN = "" + TransportSettings.MIN_IDLE_SECONDS;
        public static final String IDLE_TIMEOUT_MAX = "" + TransportSettings.MAX_IDLE_SECONDS;

        public static final String LOW_WATER_MARK = "Write buffer low-water mark (bytes)";
        public static final String LOW_WATER_MARK_TEXT = "A connection that stopped being writable becomes writable"
                + " again when its queued output falls below this.";
        public static final String HIGH_WATER_MARK = "Write buffer high-water mark (bytes)";
        public static final String HIGH_WATER_MARK_TEXT = "A connection stops being writable when its queued output"
                + " rises above this; senders of pieces wait. Not below the low-water mark.";
        public static final String WATER_MARK_MIN = "" + TransportSettings.MIN_WATER_MARK;
        public static final String WATER_MARK_MAX = "" + TransportSettings.MAX_WATER_MARK;

        public static final String CONNECT_TIMEOUT = "Connect timeout (ms)";
        public static final String CONNECT_TIMEOUT_TEXT = "An outgoing connection not established within this time"
                + " fails.";

        public static final String MAX_CONNECTIONS = "Maximum connections per listener";
        public static final String MAX_CONNECTIONS_TEXT = "Connections one listening port keeps open at once (peers,"
                + " clients and the tracker's clients together). One more is closed as soon as it is accepted"
                + " (counted as connection-limit). Applies to connections accepted from now on.";
        public static final String MAX_CONNECTIONS_PER_ADDRESS = "Maximum connections per remote address";
        public static final String MAX_CONNECTIONS_PER_ADDRESS_TEXT = "Connections one listening port keeps open"
                + " from one IP address at once. One more is closed as soon as it is accepted (counted as"
                + " address-limit). Machines behind one NAT share an address, and so do the peers of one host:"
                + " raise it for many peers on one machine.";
        public static final String CONNECTIONS_MIN = "" + TransportSettings.MIN_CONNECTIONS;
        public static final String CONNECTIONS_MAX = "" + TransportSettings.MAX_CONNECTIONS;

        public static final String MAX_BUFFERED_FRAME_BYTES = "Partial-frame budget (bytes)";
        public static final String MAX_BUFFERED_FRAME_BYTES_TEXT = "Memory the frames still arriving on all"
                + " connections of this transport may take together (a frame is buffered until it is whole). Beyond"
                + " it, the connection whose partial frame began first is closed (counted as frame-budget). At"
                + " least the maximum frame size plus 1 MiB.";
        public static final String MAX_BUFFERED_FRAME_BYTES_MAX = "" + TransportSettings.MAX_BUFFERED_FRAME_BYTES;

        public static final String FRAME_TIMEOUT = "Frame timeout (s)";
        public static final String FRAME_TIMEOUT_TEXT = "A frame not complete this long after its first byte closes"
                + " the connection (counted as slow-frame; checked every 5 s).";
        public static final String FRAME_TIMEOUT_MIN = "" + TransportSettings.MIN_FRAME_TIMEOUT_SECONDS;
        public static final String FRAME_TIMEOUT_MAX = "" + TransportSettings.MAX_FRAME_TIMEOUT_SECONDS;

        public static final String MIN_FRAME_RATE = "Minimum frame rate (bytes/s)";
        public static final String MIN_FRAME_RATE_TEXT = "A frame that has begun must keep arriving at least this"
                + " fast, measured over 5 s; a slower one closes the connection (counted as slow-frame). 0 turns"
                + " the rule off.";
        public static final String MIN_FRAME_RATE_MAX = "" + TransportSettings.MAX_MIN_FRAME_RATE;

        public static final String BIND_ADDRESS = "Bind address";
        public static final String BIND_ADDRESS_TEXT = "The local IP address (IPv4 or IPv6 literal, no host name) of"
                + " every socket of this transport: listeners bind it on their configured port, outgoing"
                + " connections use it as their source address. Empty: listeners bind the peer's and the"
                + " tracker's configured host, and the system picks the source address. For multi-homed hosts."
                + " Applies to listeners and connections set up from now on.";

        /** Bounds of both timeouts, in milliseconds. */
        public static final String TIMEOUT_MIN = "" + TransportSettings.MIN_TIMEOUT_MILLIS;
        public static final String TIMEOUT_MAX = "" + TransportSettings.MAX_TIMEOUT_MILLIS;

        private Form() {
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(SocketTransportComponent.class);

    private final String pid;
    private final S security;
    private final NettyTransport transport;

    /**
     * Starts the transport: reads the socket settings of the configuration (the defaults when it is
     * refused), makes the channel security for them, and builds the {@link NettyTransport}.
     *
     * @param pid the configuration PID, for the log
     * @param name the transport's name, as {@link Transport#name()} and every connection report it
     * @param configured reads the socket settings from the configuration; an {@link IllegalArgumentException}
     *        naming the property refuses them
     * @param security makes the channel security once the socket settings are known; returns null for plain
     *        TCP; must not throw for a bad configuration (it falls back on something that refuses nothing
     *        more than was asked)
     */
    protected SocketTransportComponent(String pid, String name, Supplier<TransportSettings> configured,
            Function<TransportSettings, S> security) {
        this.pid = Objects.requireNonNull(pid, "pid");
        TransportSettings socket;
        try {
            socket = configured.get();
        } catch (IllegalArgumentException e) {
            LOG.error("Refusing configuration {}: {}. Using the default socket settings", pid, e.getMessage());
            socket = TransportSettings.DEFAULTS;
        }
        this.security = security.apply(socket);
        this.transport = new NettyTransport(name, socket, this.security);
    }

    /**
     * Applies a changed configuration to connections set up from now on, or refuses it as a whole.
     *
     * @param change checks the whole configuration, applies whatever is not a socket setting (the channel
     *        security), and returns the new socket settings. It throws an {@link IllegalArgumentException}
     *        naming the property at fault, before it changed anything, to refuse the configuration.
     * @return false when it was refused: the error is logged and the running settings stay
     */
    protected final boolean reconfigure(Supplier<TransportSettings> change) {
        TransportSettings socket;
        try {
            socket = change.get();
        } catch (IllegalArgumentException e) {
            LOG.error("Refusing configuration {}: {}. Keeping {}", pid, e.getMessage(), describe());
            return false;
        }
        transport.reconfigure(socket);
        LOG.info("Configuration {} applied: {}", pid, describe());
        return true;
    }

    /** Stops listening and closes every connection (reason {@code "closed locally: transport closed"}). */
    protected final void stop() {
        transport.close();
    }

    /** The settings in force: the channel security, if any, and the socket settings. */
    protected final String describe() {
        return security == null ? transport.settings().toString() : security + ", " + transport.settings();
    }

    /** The socket machinery, for tests and diagnostics. */
    public final NettyTransport transport() {
        return transport;
    }

    /** What secures the channels; null for plain TCP. */
    public final S security() {
        return security;
    }

    @Override
    public final String name() {
        return transport.name();
    }

    @Override
    public final Listener listen(InetSocketAddress local, ConnectionHandler.Factory handlers) throws IOException {
        return transport.listen(local, handlers);
    }

    @Override
    public final CompletionStage<Connection> connect(InetSocketAddress remote, ConnectionHandler handler) {
        return transport.connect(remote, handler);
    }

    @Override
    public final Refusals refusals() {
        return transport.refusals();
    }
}
