package org.iceshare.transport.tcp.internal;

import org.iceshare.api.swarm.Endpoint;
import java.util.List;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.icet.Hello;
import org.iceshare.api.icet.Ping;
import org.iceshare.api.icet.Role;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.transport.Connection;
import org.iceshare.api.transport.Listener;
import org.iceshare.api.transport.Transport;
import org.iceshare.icet.internal.NettyTransport;
import org.iceshare.icet.internal.TransportSettings;
import org.iceshare.testkit.RecordingHandler;
import org.junit.jupiter.api.Test;

class TcpTransportComponentTest {

    private static final Hello HELLO = Hello.of(2, Role.PEER, PeerId.parse("0123456789abcdef0123456789abcdef"), "", "test", List.of());

    /** A Config as SCR would build it: the given values, the annotation's defaults for the rest. */
    static TcpTransportComponent.Config config(Map<String, Object> values) {
        return (TcpTransportComponent.Config) Proxy.newProxyInstance(TcpTransportComponentTest.class.getClassLoader(),
                new Class<?>[] {TcpTransportComponent.Config.class}, (proxy, method, args) -> {
                    if (method.getName().equals("annotationType")) {
                        return TcpTransportComponent.Config.class;
                    }
                    Object v = values.get(method.getName());
                    return v != null ? v : method.getDefaultValue();
                });
    }

    /** Reads what bnd generated from the annotations (in target/classes, on the test class path). */
    @Test
    void registersAsTheTcpTransportWithRanking100AndDescribedSettings() throws Exception {
        String component = resource("OSGI-INF/" + TcpTransportComponent.class.getName() + ".xml");
        assertThat(component)
                .contains("configuration-pid=\"org.iceshare.transport.tcp\"")
                .contains("<provide interface=\"org.iceshare.api.transport.Transport\"/>")
                .contains("<property name=\"transport.name\" type=\"String\" value=\"tcp\"/>")
                .contains("<property name=\"service.ranking\" type=\"Integer\" value=\"100\"/>");
        String metatype = resource("OSGI-INF/metatype/" + TcpTransportComponent.Config.class.getName() + ".xml");
        assertThat(metatype)
                .contains("<Designate pid=\"org.iceshare.transport.tcp\">")
                .contains("id=\"maxFrameSize\"").contains("min=\"4195328\"").contains("default=\"8388608\"")
                .contains("id=\"ioThreads\"").contains("id=\"handshakeTimeoutMillis\"")
                .contains("id=\"idleTimeoutSeconds\"").contains("id=\"writeBufferLowWaterMark\"")
                .contains("id=\"writeBufferHighWaterMark\"").contains("id=\"connectTimeoutMillis\"");
        assertThat(metatype.split("description=")).hasSize(9);
    }

    private static String resource(String name) throws java.io.IOException {
        try (java.io.InputStream in = TcpTransportComponentTest.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void defaultsMatchTheSettingsDefaults() {
        TcpTransportComponent component = new TcpTransportComponent(config(Map.of()));
        try {
            assertThat(component.name()).isEqualTo("tcp");
            assertThat(component.transport().settings()).isEqualTo(TransportSettings.DEFAULTS);
        } finally {
            component.deactivate();
        }
    }

    @Test
    void anInvalidConfigurationIsRefusedAndThePreviousOneKept() {
        TcpTransportComponent component = new TcpTransportComponent(config(Map.of("idleTimeoutSeconds", 30)));
        try {
            assertThat(component.transport().settings().idleTimeoutSeconds()).isEqualTo(30);
            component.configure(config(Map.of("idleTimeoutSeconds", 45, "maxFrameSize", 1024)));
            assertThat(component.transport().settings().idleTimeoutSeconds()).isEqualTo(30);
            component.configure(config(Map.of("writeBufferLowWaterMark", 8 << 20, "writeBufferHighWaterMark",
                    4 << 20)));
            assertThat(component.transport().settings().writeBufferLowWaterMark()).isEqualTo(1 << 20);
            component.configure(config(Map.of("idleTimeoutSeconds", 45)));
            assertThat(component.transport().settings().idleTimeoutSeconds()).isEqualTo(45);
        } finally {
            component.deactivate();
        }
    }

    @Test
    void anInvalidInitialConfigurationFallsBackToTheDefaults() {
        TcpTransportComponent component = new TcpTransportComponent(config(Map.of("ioThreads", 0)));
        try {
            assertThat(component.transport().settings()).isEqualTo(TransportSettings.DEFAULTS);
        } finally {
            component.deactivate();
        }
    }

    @Test
    void reconfiguringKeepsOpenConnectionsAndDeactivationClosesThem() throws Exception {
        TcpTransportComponent component = new TcpTransportComponent(config(Map.of()));
        NettyTransport client = NettyTransport.tcp(TransportSettings.DEFAULTS);
        try {
            RecordingHandler server = new RecordingHandler(HELLO);
            Transport transport = component;
            Listener listener = transport.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    () -> server);
            RecordingHandler peer = new RecordingHandler(HELLO);
            Connection c = client.connect(listener.localAddress(), peer).toCompletableFuture().get(5,
                    TimeUnit.SECONDS);
            assertThat(server.next()).isEqualTo(HELLO);

            Map<String, Object> changed = new HashMap<>();
            changed.put("maxFrameSize", 16 << 20);
            changed.put("handshakeTimeoutMillis", 2_000L);
            changed.put("ioThreads", 4);
            component.configure(config(changed));
            assertThat(component.transport().settings().maxFrameSize()).isEqualTo(16 << 20);

            c.send(new Ping(11));
            assertThat(server.next()).isEqualTo(new Ping(11));
            assertThat(c.isOpen()).isTrue();

            component.deactivate();
            assertThat(server.closeReason()).isEqualTo("closed locally: transport closed");
            assertThat(peer.closeReason()).isEqualTo("closed by peer");
        } finally {
            client.close();
            component.deactivate();
        }
    }

    @Test
    void settingsAreValidatedWithClearMessages() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new TransportSettings(4 * 1024 * 1024, 2, 10_000, 90,
                1 << 20, 4 << 20, 10_000)).hasMessage("maxFrameSize must be in 4195328..268435456, got 4194304");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new TransportSettings(8 << 20, 2, 10_000, 90, 4 << 20,
                1 << 20, 10_000)).hasMessage(
                        "writeBufferHighWaterMark (1048576) must not be below writeBufferLowWaterMark (4194304)");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new TransportSettings(8 << 20, 0, 10_000, 90, 1 << 20,
                4 << 20, 10_000)).hasMessage("ioThreads must be in 1..256, got 0");
        assertThat(TransportSettings.DEFAULTS.limits().maxFrameSize()).isEqualTo(8 << 20);
        assertThat(TransportSettings.DEFAULTS.waterMark().high()).isEqualTo(4 << 20);
    }
}
