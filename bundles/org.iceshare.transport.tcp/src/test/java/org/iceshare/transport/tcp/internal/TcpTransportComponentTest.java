package org.iceshare.transport.tcp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;

import org.iceshare.icet.internal.TransportSettings;
import org.iceshare.testkit.RecordingHandler;
import org.junit.jupiter.api.Test;

/**
 * The TCP component's own part: its registration, its form, and its mapping of the configuration onto the
 * socket settings. What it shares with the TLS component is tested in {@code SocketTransportComponentTest}
 * of {@code org.iceshare.icet}.
 */
class TcpTransportComponentTest {

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
                .contains("id=\"writeBufferHighWaterMark\"").contains("id=\"connectTimeoutMillis\"")
                .contains("id=\"maxConnections\"").contains("default=\"1024\"")
                .contains("id=\"maxConnectionsPerAddress\"").contains("default=\"32\"")
                .contains("id=\"maxBufferedFrameBytes\"").contains("default=\"16777216\"")
                .contains("id=\"frameTimeoutSeconds\"").contains("id=\"minFrameRate\"")
                .contains("id=\"bindAddress\"");
        assertThat(metatype.split("description=")).hasSize(15);
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
    void theBindAddressIsConfiguredAndAMalformedOneRefused() throws Exception {
        TcpTransportComponent component = new TcpTransportComponent(config(Map.of("bindAddress", "127.0.0.9")));
        try {
            assertThat(component.transport().settings().bindAddress()).isEqualTo(InetAddress.getByName("127.0.0.9"));
            assertThatThrownBy(() -> TcpTransportComponent.settings(config(Map.of("bindAddress", "127.0.0.999"))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("bindAddress must be an IPv4 or IPv6 address").hasMessageContaining("127.0.0.999");
            component.configure(config(Map.of("bindAddress", "not-an-address")));
            assertThat(component.transport().settings().bindAddress()).as("refused: kept")
                    .isEqualTo(InetAddress.getByName("127.0.0.9"));
            component.configure(config(Map.of()));
            assertThat(component.transport().settings().bindAddress()).as("cleared").isNull();
        } finally {
            component.deactivate();
        }
    }

    @Test
    void theLimitsAreConfigured() {
        TcpTransportComponent component = new TcpTransportComponent(config(Map.of("maxConnections", 4096,
                "maxConnectionsPerAddress", 512, "maxBufferedFrameBytes", 128L << 20, "frameTimeoutSeconds", 30,
                "minFrameRate", 4096)));
        try {
            TransportSettings s = component.transport().settings();
            assertThat(s.maxConnections()).isEqualTo(4096);
            assertThat(s.maxConnectionsPerAddress()).isEqualTo(512);
            assertThat(s.maxBufferedFrameBytes()).isEqualTo(128L << 20);
            assertThat(s.frameTimeoutSeconds()).isEqualTo(30);
            assertThat(s.minFrameRate()).isEqualTo(4096);
            assertThat(component.transport().frameBudget().limit()).isEqualTo(128L << 20);
            component.configure(config(Map.of("maxBufferedFrameBytes", 1L << 20)));
            assertThat(component.transport().settings().maxBufferedFrameBytes()).as("below one frame: refused")
                    .isEqualTo(128L << 20);
        } finally {
            component.deactivate();
        }
    }

    @Test
    void theDefaultBudgetGrowsWithARaisedFrameSizeButAnExplicitOneMustHoldAFrame() {
        TcpTransportComponent component = new TcpTransportComponent(config(Map.of("maxFrameSize", 32 << 20)));
        try {
            assertThat(component.transport().settings().maxFrameSize()).isEqualTo(32 << 20);
            assertThat(component.transport().frameBudget().limit()).as("one frame plus 1 MiB").isEqualTo(33L << 20);
            component.configure(config(Map.of("maxFrameSize", 32 << 20, "maxBufferedFrameBytes", 20L << 20)));
            assertThat(component.transport().frameBudget().limit()).as("explicit and below one frame: refused")
                    .isEqualTo(33L << 20);
            component.configure(config(Map.of()));
            assertThat(component.transport().frameBudget().limit()).isEqualTo(16L << 20);
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
    void deactivationStopsTheTransport() throws Exception {
        TcpTransportComponent component = new TcpTransportComponent(config(Map.of()));
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        component.listen(loopback, () -> new RecordingHandler(null));
        component.deactivate();
        assertThatThrownBy(() -> component.listen(loopback, () -> new RecordingHandler(null)))
                .hasMessage("the tcp transport is closed");
        assertThat(component.connect(loopback, new RecordingHandler(null)).toCompletableFuture())
                .isCompletedExceptionally();
    }
}
