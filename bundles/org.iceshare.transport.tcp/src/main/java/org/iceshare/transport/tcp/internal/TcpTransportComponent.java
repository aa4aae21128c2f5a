package org.iceshare.transport.tcp.internal;

import org.iceshare.api.transport.Transport;
import org.iceshare.icet.internal.ChannelSecurity;
import org.iceshare.icet.internal.NettyTransport;
import org.iceshare.icet.internal.SocketTransportComponent;
import org.iceshare.icet.internal.SocketTransportComponent.Form;
import org.iceshare.icet.internal.TransportSettings;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The TCP transport as an OSGi service: a {@link NettyTransport} named {@value NettyTransport#TCP},
 * with what every socket transport's component shares ({@link SocketTransportComponent}).
 *
 * <p>Configuration PID {@value #PID}. A configuration with a value out of range is refused as a whole:
 * the error is logged and the settings in force are kept (at activation: the defaults). A change applies
 * to connections opened after it; open connections are not dropped. Deactivation closes every listener
 * and connection.
 *
 * <p><b>Threading:</b> as {@link NettyTransport}; SCR serialises activate, modified and deactivate.
 */
@Component(service = Transport.class, configurationPid = TcpTransportComponent.PID,
        property = {Transport.NAME_PROPERTY + "=" + NettyTransport.TCP, "service.ranking:Integer=100"})
@Designate(ocd = TcpTransportComponent.Config.class)
public final class TcpTransportComponent extends SocketTransportComponent<ChannelSecurity> {

    public static final String PID = "org.iceshare.transport.tcp";

    @ObjectClassDefinition(name = "IceShare TCP transport",
            description = "Carries IceT messages over plain TCP. Changes apply to new connections; open ones keep"
                    + " their settings.")
    public @interface Config {
        @AttributeDefinition(name = Form.MAX_FRAME_SIZE, description = Form.MAX_FRAME_SIZE_TEXT,
                min = Form.MAX_FRAME_SIZE_MIN, max = Form.MAX_FRAME_SIZE_MAX)
        int maxFrameSize() default TransportSettings.DEFAULT_MAX_FRAME_SIZE;

        @AttributeDefinition(name = Form.IO_THREADS, description = Form.IO_THREADS_TEXT, min = Form.IO_THREADS_MIN,
                max = Form.IO_THREADS_MAX)
        int ioThreads() default TransportSettings.DEFAULT_IO_THREADS;

        @AttributeDefinition(name = Form.HANDSHAKE_TIMEOUT, description = Form.HANDSHAKE_TIMEOUT_TEXT,
                min = Form.TIMEOUT_MIN, max = Form.TIMEOUT_MAX)
        long handshakeTimeoutMillis() default TransportSettings.DEFAULT_HANDSHAKE_TIMEOUT_MILLIS;

        @AttributeDefinition(name = Form.IDLE_TIMEOUT, description = Form.IDLE_TIMEOUT_TEXT,
                min = Form.IDLE_TIMEOUT_MIN, max = Form.IDLE_TIMEOUT_MAX)
        int idleTimeoutSeconds() default TransportSettings.DEFAULT_IDLE_TIMEOUT_SECONDS;

        @AttributeDefinition(name = Form.LOW_WATER_MARK, description = Form.LOW_WATER_MARK_TEXT,
                min = Form.WATER_MARK_MIN, max = Form.WATER_MARK_MAX)
        int writeBufferLowWaterMark() default TransportSettings.DEFAULT_WRITE_BUFFER_LOW_WATER_MARK;

        @AttributeDefinition(name = Form.HIGH_WATER_MARK, description = Form.HIGH_WATER_MARK_TEXT,
                min = Form.WATER_MARK_MIN, max = Form.WATER_MARK_MAX)
        int writeBufferHighWaterMark() default TransportSettings.DEFAULT_WRITE_BUFFER_HIGH_WATER_MARK;

        @AttributeDefinition(name = Form.CONNECT_TIMEOUT, description = Form.CONNECT_TIMEOUT_TEXT,
                min = Form.TIMEOUT_MIN, max = Form.TIMEOUT_MAX)
        long connectTimeoutMillis() default TransportSettings.DEFAULT_CONNECT_TIMEOUT_MILLIS;

        @AttributeDefinition(name = Form.MAX_CONNECTIONS, description = Form.MAX_CONNECTIONS_TEXT,
                min = Form.CONNECTIONS_MIN, max = Form.CONNECTIONS_MAX)
        int maxConnections() default TransportSettings.DEFAULT_MAX_CONNECTIONS;

        @AttributeDefinition(name = Form.MAX_CONNECTIONS_PER_ADDRESS, description = Form.MAX_CONNECTIONS_PER_ADDRESS_TEXT,
                min = Form.CONNECTIONS_MIN, max = Form.CONNECTIONS_MAX)
        int maxConnectionsPerAddress() default TransportSettings.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;

        @AttributeDefinition(name = Form.MAX_BUFFERED_FRAME_BYTES, description = Form.MAX_BUFFERED_FRAME_BYTES_TEXT,
                max = Form.MAX_BUFFERED_FRAME_BYTES_MAX)
        long maxBufferedFrameBytes() default TransportSettings.DEFAULT_MAX_BUFFERED_FRAME_BYTES;

        @AttributeDefinition(name = Form.FRAME_TIMEOUT, description = Form.FRAME_TIMEOUT_TEXT,
                min = Form.FRAME_TIMEOUT_MIN, max = Form.FRAME_TIMEOUT_MAX)
        int frameTimeoutSeconds() default TransportSettings.DEFAULT_FRAME_TIMEOUT_SECONDS;

        @AttributeDefinition(name = Form.MIN_FRAME_RATE, description = Form.MIN_FRAME_RATE_TEXT, min = "0",
                max = Form.MIN_FRAME_RATE_MAX)
        int minFrameRate() default TransportSettings.DEFAULT_MIN_FRAME_RATE;

        @AttributeDefinition(name = Form.BIND_ADDRESS, description = Form.BIND_ADDRESS_TEXT, required = false)
        String bindAddress() default "";
    }

    @Activate
    public TcpTransportComponent(Config config) {
        super(PID, NettyTransport.TCP, () -> settings(config), socket -> null);
    }

    @Modified
    void configure(Config config) {
        reconfigure(() -> settings(config));
    }

    @Deactivate
    void deactivate() {
        stop();
    }

    /** The socket settings of {@code config}; refuses a value out of range, naming it. */
    static TransportSettings settings(Config config) {
        return new TransportSettings(config.maxFrameSize(), config.ioThreads(), config.handshakeTimeoutMillis(),
                config.idleTimeoutSeconds(), config.writeBufferLowWaterMark(), config.writeBufferHighWaterMark(),
                config.connectTimeoutMillis(), config.maxConnections(), config.maxConnectionsPerAddress(),
                TransportSettings.frameBudget(config.maxBufferedFrameBytes(), config.maxFrameSize()),
                config.frameTimeoutSeconds(), config.minFrameRate(), TransportSettings.bindAddress(config.bindAddress()));
    }
}
