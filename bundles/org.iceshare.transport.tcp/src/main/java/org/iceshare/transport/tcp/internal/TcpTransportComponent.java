package org.iceshare.transport.tcp.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletionStage;

import org.iceshare.api.transport.Connection;
import org.iceshare.api.transport.ConnectionHandler;
import org.iceshare.api.transport.Listener;
import org.iceshare.api.transport.Transport;
import org.iceshare.icet.internal.NettyTransport;
import org.iceshare.icet.internal.TransportSettings;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP transport as an OSGi service: a thin wrapper around {@link NettyTransport}.
 *
 * <p>Configuration PID {@value #PID}. A configuration with a value out of range is refused as a whole:
 * the error is logged and the settings in force are kept. A change applies to connections opened after
 * it; open connections are not dropped. Deactivation closes every listener and connection.
 *
 * <p><b>Threading:</b> as {@link NettyTransport}; SCR serialises activate, modified and deactivate.
 */
@Component(service = Transport.class, configurationPid = TcpTransportComponent.PID,
        property = {Transport.NAME_PROPERTY + "=" + NettyTransport.TCP, "service.ranking:Integer=100"})
@Designate(ocd = TcpTransportComponent.Config.class)
public final class TcpTransportComponent implements Transport {

    public static final String PID = "org.iceshare.transport.tcp";

    private static final Logger LOG = LoggerFactory.getLogger(TcpTransportComponent.class);

    @ObjectClassDefinition(name = "IceShare TCP transport",
            description = "Carries IceT messages over plain TCP. Changes apply to new connections; open ones keep"
                    + " their settings.")
    public @interface Config {
        @AttributeDefinition(name = "Maximum frame size",
                description = "Largest IceT frame accepted, in bytes. A larger one is answered with FRAME_TOO_LARGE"
                        + " and the connection is closed. At least 4 MiB + 1 KiB, so the largest piece fits.",
                min = "" + TransportSettings.MIN_MAX_FRAME_SIZE, max = "" + TransportSettings.MAX_MAX_FRAME_SIZE)
        int maxFrameSize() default TransportSettings.DEFAULT_MAX_FRAME_SIZE;

        @AttributeDefinition(name = "I/O threads",
                description = "Number of Netty I/O threads. Takes effect when the transport restarts.",
                min = "" + TransportSettings.MIN_IO_THREADS, max = "" + TransportSettings.MAX_IO_THREADS)
        int ioThreads() default TransportSettings.DEFAULT_IO_THREADS;

        @AttributeDefinition(name = "Handshake timeout (ms)",
                description = "A new connection that sends no Hello within this time is closed.",
                min = "" + TransportSettings.MIN_TIMEOUT_MILLIS, max = "" + TransportSettings.MAX_TIMEOUT_MILLIS)
        long handshakeTimeoutMillis() default TransportSettings.DEFAULT_HANDSHAKE_TIMEOUT_MILLIS;

        @AttributeDefinition(name = "Idle timeout (s)",
                description = "A connection that received nothing for this long is closed. Applications send"
                        + " Pings more often than this.",
                min = "" + TransportSettings.MIN_IDLE_SECONDS, max = "" + TransportSettings.MAX_IDLE_SECONDS)
        int idleTimeoutSeconds() default TransportSettings.DEFAULT_IDLE_TIMEOUT_SECONDS;

        @AttributeDefinition(name = "Write buffer low-water mark (bytes)",
                description = "A connection that stopped being writable becomes writable again when its queued"
                        + " output falls below this.",
                min = "" + TransportSettings.MIN_WATER_MARK, max = "" + TransportSettings.MAX_WATER_MARK)
        int writeBufferLowWaterMark() default TransportSettings.DEFAULT_WRITE_BUFFER_LOW_WATER_MARK;

        @AttributeDefinition(name = "Write buffer high-water mark (bytes)",
                description = "A connection stops being writable when its queued output rises above this;"
                        + " senders of pieces wait. Not below the low-water mark.",
                min = "" + TransportSettings.MIN_WATER_MARK, max = "" + TransportSettings.MAX_WATER_MARK)
        int writeBufferHighWaterMark() default TransportSettings.DEFAULT_WRITE_BUFFER_HIGH_WATER_MARK;

        @AttributeDefinition(name = "Connect timeout (ms)",
                description = "An outgoing connection not established within this time fails.",
                min = "" + TransportSettings.MIN_TIMEOUT_MILLIS, max = "" + TransportSettings.MAX_TIMEOUT_MILLIS)
        long connectTimeoutMillis() default TransportSettings.DEFAULT_CONNECT_TIMEOUT_MILLIS;
    }

    private final NettyTransport transport;

    @Activate
    public TcpTransportComponent(Config config) {
        this.transport = NettyTransport.tcp(settings(config, TransportSettings.DEFAULTS));
    }

    @Modified
    void configure(Config config) {
        transport.reconfigure(settings(config, transport.settings()));
    }

    @Deactivate
    void deactivate() {
        transport.close();
    }

    /** The settings of {@code config}, or {@code current} when it holds a value out of range. */
    static TransportSettings settings(Config config, TransportSettings current) {
        try {
            return new TransportSettings(config.maxFrameSize(), config.ioThreads(), config.handshakeTimeoutMillis(),
                    config.idleTimeoutSeconds(), config.writeBufferLowWaterMark(), config.writeBufferHighWaterMark(),
                    config.connectTimeoutMillis());
        } catch (IllegalArgumentException e) {
            LOG.error("Refusing configuration {}: {}. Keeping {}", PID, e.getMessage(), current);
            return current;
        }
    }

    NettyTransport transport() {
        return transport;
    }

    @Override
    public String name() {
        return transport.name();
    }

    @Override
    public Listener listen(InetSocketAddress local, ConnectionHandler.Factory handlers) throws IOException {
        return transport.listen(local, handlers);
    }

    @Override
    public CompletionStage<Connection> connect(InetSocketAddress remote, ConnectionHandler handler) {
        return transport.connect(remote, handler);
    }
}
