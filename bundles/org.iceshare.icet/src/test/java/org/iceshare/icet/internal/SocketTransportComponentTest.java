package org.iceshare.icet.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.iceshare.api.icet.Hello;
import org.iceshare.api.icet.Ping;
import org.iceshare.api.icet.Role;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.transport.Connection;
import org.iceshare.api.transport.Listener;
import org.iceshare.api.transport.Transport;
import org.iceshare.testkit.RecordingHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslHandler;

/** The part every socket transport's DS component shares, with a plain subclass as a component would be. */
class SocketTransportComponentTest {

    private static final Hello HELLO = Hello.of(Role.PEER, Samples.key("test"), Samples.key("nonce"), "test",
            List.of());

    private final List<Plain> components = new ArrayList<>();

    /** A component as TCP's: its settings come from a supplier standing for its typed configuration. */
    private static final class Plain extends SocketTransportComponent<ChannelSecurity> {
        final List<TransportSettings> securedWith;

        Plain(Supplier<TransportSettings> configured, List<TransportSettings> securedWith, ChannelSecurity security) {
            super("org.example.transport", "plain", configured, socket -> {
                securedWith.add(socket);
                return security;
            });
            this.securedWith = securedWith;
        }
    }

    private Plain component(Supplier<TransportSettings> configured) {
        Plain p = new Plain(configured, new ArrayList<>(), null);
        components.add(p);
        return p;
    }

    @AfterEach
    void stopAll() {
        components.forEach(Plain::stop);
    }

    private static TransportSettings idle(int seconds) {
        TransportSettings d = TransportSettings.DEFAULTS;
        return new TransportSettings(d.maxFrameSize(), d.ioThreads(), d.handshakeTimeoutMillis(), seconds,
                d.writeBufferLowWaterMark(), d.writeBufferHighWaterMark(), d.connectTimeoutMillis());
    }

    private static Supplier<TransportSettings> refused(String why) {
        return () -> {
            throw new IllegalArgumentException(why);
        };
    }

    @Test
    void servesAsTheTransportOfItsName() {
        Transport t = component(() -> idle(30));
        assertThat(t.name()).isEqualTo("plain");
        assertThat(((Plain) t).transport().settings()).isEqualTo(idle(30));
        assertThat(((Plain) t).security()).isNull();
    }

    @Test
    void aRefusedConfigurationAtActivationStartsWithTheDefaultsAndSecuresForThem() {
        Plain p = component(refused("idleTimeoutSeconds must be in 1..86400, got 0"));
        assertThat(p.transport().settings()).isEqualTo(TransportSettings.DEFAULTS);
        assertThat(p.securedWith).containsExactly(TransportSettings.DEFAULTS);
    }

    @Test
    void aChangeIsAppliedAsAWholeOrRefusedAsAWhole() {
        Plain p = component(() -> idle(30));
        List<String> applied = new ArrayList<>();
        assertThat(p.reconfigure(() -> {
            TransportSettings socket = new TransportSettings(1024, 2, 10_000, 45, 1 << 20, 4 << 20, 10_000);
            applied.add("security"); // not reached: the socket settings were checked first
            return socket;
        })).isFalse();
        assertThat(applied).isEmpty();
        assertThat(p.transport().settings()).isEqualTo(idle(30));
        assertThat(p.reconfigure(refused("keyStore: cannot read"))).isFalse();
        assertThat(p.transport().settings()).isEqualTo(idle(30));

        assertThat(p.reconfigure(() -> idle(45))).isTrue();
        assertThat(p.transport().settings()).isEqualTo(idle(45));
    }

    @Test
    void describesTheSecurityWithTheSocketSettings() {
        ChannelSecurity fake = new ChannelSecurity() {
            @Override
            public SslHandler server(SocketChannel channel) {
                throw new UnsupportedOperationException();
            }

            @Override
            public SslHandler client(SocketChannel channel, InetSocketAddress remote) {
                throw new UnsupportedOperationException();
            }

            @Override
            public String toString() {
                return "fake security";
            }
        };
        Plain p = new Plain(() -> idle(30), new ArrayList<>(), fake);
        components.add(p);
        assertThat(p.security()).isSameAs(fake);
        assertThat(p.describe()).isEqualTo("fake security, " + idle(30));
        assertThat(component(() -> idle(30)).describe()).isEqualTo(idle(30).toString());
    }

    @Test
    void reconfiguringKeepsOpenConnectionsAndStoppingClosesThem() throws Exception {
        Plain component = component(() -> TransportSettings.DEFAULTS);
        NettyTransport client = NettyTransport.tcp(TransportSettings.DEFAULTS);
        try {
            RecordingHandler server = new RecordingHandler(HELLO);
            Listener listener = component.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    () -> server);
            assertThat(listener.transport()).isEqualTo("plain");
            RecordingHandler peer = new RecordingHandler(HELLO);
            Connection c = client.connect(listener.localAddress(), peer).toCompletableFuture().get(5,
                    TimeUnit.SECONDS);
            assertThat(server.next()).isEqualTo(HELLO);

            assertThat(component.reconfigure(() -> new TransportSettings(16 << 20, 4, 2_000, 90, 1 << 20, 4 << 20,
                    10_000))).isTrue();
            assertThat(component.transport().settings().maxFrameSize()).isEqualTo(16 << 20);

            c.send(new Ping(11));
            assertThat(server.next()).isEqualTo(new Ping(11));
            assertThat(c.isOpen()).isTrue();

            component.stop();
            assertThat(server.closeReason()).isEqualTo("closed locally: transport closed");
            assertThat(peer.closeReason()).isEqualTo("closed by peer");
        } finally {
            client.close();
        }
    }

    @Test
    void socketSettingsAreValidatedWithClearMessages() {
        assertThatThrownBy(() -> new TransportSettings(4 * 1024 * 1024, 2, 10_000, 90, 1 << 20, 4 << 20, 10_000))
                .hasMessage("maxFrameSize must be in 4195328..268435456, got 4194304");
        assertThatThrownBy(() -> new TransportSettings(8 << 20, 2, 10_000, 90, 4 << 20, 1 << 20, 10_000))
                .hasMessage("writeBufferHighWaterMark (1048576) must not be below writeBufferLowWaterMark (4194304)");
        assertThatThrownBy(() -> new TransportSettings(8 << 20, 0, 10_000, 90, 1 << 20, 4 << 20, 10_000))
                .hasMessage("ioThreads must be in 1..256, got 0");
        assertThat(TransportSettings.DEFAULTS.limits().maxFrameSize()).isEqualTo(8 << 20);
        assertThat(TransportSettings.DEFAULTS.waterMark().high()).isEqualTo(4 << 20);
    }

    @Test
    void theLimitsHaveDefaultsAndBounds() {
        TransportSettings d = TransportSettings.DEFAULTS;
        assertThat(d.maxConnections()).isEqualTo(1024);
        assertThat(d.maxConnectionsPerAddress()).isEqualTo(32);
        assertThat(d.maxBufferedFrameBytes()).isEqualTo(16L << 20);
        assertThat(d.limits().frameTimeoutMillis()).isEqualTo(60_000);
        assertThat(d.limits().minFrameBytesPerSecond()).isEqualTo(1024);
        assertThatThrownBy(() -> d.withConnectionLimits(0, 32)).hasMessage("maxConnections must be in 1..1000000, got 0");
        assertThatThrownBy(() -> d.withConnectionLimits(10, 0))
                .hasMessage("maxConnectionsPerAddress must be in 1..1000000, got 0");
        assertThatThrownBy(() -> d.withFrameLimits(8L << 20, 60, 1024))
                .hasMessage("maxBufferedFrameBytes must be in 9437184..68719476736, got 8388608");
        assertThatThrownBy(() -> d.withFrameLimits(64L << 20, 0, 1024))
                .hasMessage("frameTimeoutSeconds must be in 1..3600, got 0");
        assertThatThrownBy(() -> d.withFrameLimits(64L << 20, 60, -1)).hasMessage("minFrameRate must be in 0..1073741824, got -1");
        assertThat(d.withFrameLimits(64L << 20, 60, 0).limits().checksSlowFrames()).isTrue();
        // a larger maximum frame gets a budget that holds one
        assertThat(new TransportSettings(256 << 20, 2, 10_000, 90, 1 << 20, 4 << 20, 10_000).maxBufferedFrameBytes())
                .isEqualTo((256L << 20) + TransportSettings.BUFFER_SLACK);
    }

    @Test
    void theComponentReportsItsTransportsRefusalsAndAChangedBudgetAppliesAtOnce() {
        Plain p = component(() -> TransportSettings.DEFAULTS);
        try {
            assertThat(p.refusals()).isEqualTo(org.iceshare.api.transport.Refusals.NONE);
            assertThat(p.reconfigure(() -> TransportSettings.DEFAULTS.withFrameLimits(32L << 20, 30, 2048))).isTrue();
            assertThat(p.transport().frameBudget().limit()).isEqualTo(32L << 20);
        } finally {
            p.stop();
        }
    }
}
