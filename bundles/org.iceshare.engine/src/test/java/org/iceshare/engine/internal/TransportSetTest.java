package org.iceshare.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.transport.Connection;
import org.iceshare.api.transport.ConnectionHandler;
import org.iceshare.api.transport.Listener;
import org.iceshare.api.transport.Transport;
import org.junit.jupiter.api.Test;

class TransportSetTest {

    /** A transport that "binds" by handing out the next port, and records what it was asked. */
    static final class PortTransport implements Transport {
        final String name;
        final List<Integer> asked = new ArrayList<>();
        final List<Listener> open = new ArrayList<>();
        boolean refuse;
        int next;

        PortTransport(String name, int firstPort) {
            this.name = name;
            this.next = firstPort;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Listener listen(InetSocketAddress local, ConnectionHandler.Factory handlers) throws IOException {
            asked.add(local.getPort());
            if (refuse) {
                throw new IOException(name + ": address in use");
            }
            int port = local.getPort() == 0 ? next++ : local.getPort();
            Listener l = new Listener() {
                @Override
                public InetSocketAddress localAddress() {
                    return new InetSocketAddress(local.getAddress(), port);
                }

                @Override
                public String transport() {
                    return name;
                }

                @Override
                public void close() {
                    open.remove(this);
                }
            };
            open.add(l);
            return l;
        }

        @Override
        public CompletionStage<Connection> connect(InetSocketAddress remote, ConnectionHandler handler) {
            return CompletableFuture.failedFuture(new IOException("not used"));
        }
    }

    @Test
    void listensOnEveryTransportAtItsPortAndListsThemByPreference() throws IOException {
        PortTransport tcp = new PortTransport("tcp", 40_000);
        PortTransport tls = new PortTransport("tls", 41_000);
        PortTransport alt = new PortTransport("alt", 42_000);
        Map<String, Integer> ports = Map.of("tcp", 7741);
        TransportSet set = new TransportSet("127.0.0.1", n -> ports.getOrDefault(n, 0), () -> null,
                List.of(tcp, tls, alt));

        set.listenAll();

        assertThat(tcp.asked).containsExactly(7741);
        assertThat(set.endpoints(List.of("tls", "tcp"))).containsExactly(new Endpoint("tls", 41_000),
                new Endpoint("tcp", 7741), new Endpoint("alt", 42_000));
        assertThat(set.address("tls").getPort()).isEqualTo(41_000);
        assertThat(set.names()).containsExactlyInAnyOrder("tcp", "tls", "alt");
    }

    @Test
    void oneTransportThatCannotListenDoesNotStopTheOthersButNoneAtAllFails() throws IOException {
        PortTransport tcp = new PortTransport("tcp", 40_000);
        PortTransport tls = new PortTransport("tls", 41_000);
        tcp.refuse = true;
        TransportSet set = new TransportSet("127.0.0.1", n -> 0, () -> null, List.of(tcp, tls));
        set.listenAll();
        assertThat(set.endpoints(List.of())).containsExactly(new Endpoint("tls", 41_000));

        tls.refuse = true;
        TransportSet none = new TransportSet("127.0.0.1", n -> 0, () -> null, List.of(tcp, tls));
        assertThatThrownBy(none::listenAll).isInstanceOf(IOException.class).hasMessageContaining("address in use");
    }

    @Test
    void aTransportComesAndGoesAndAnotherOfTheSameNameIsNotRemovedByMistake() throws IOException {
        PortTransport tcp = new PortTransport("tcp", 40_000);
        TransportSet set = new TransportSet("127.0.0.1", n -> 0, () -> null, List.of(tcp));
        set.listenAll();
        PortTransport alt = new PortTransport("alt", 42_000);
        set.add(alt);
        set.listen(alt);
        assertThat(set.endpoints(List.of("tcp"))).extracting(Endpoint::transport).containsExactly("tcp", "alt");

        PortTransport impostor = new PortTransport("alt", 43_000);
        assertThat(set.remove(impostor)).isFalse();
        assertThat(set.has(alt)).isTrue();

        assertThat(set.remove(alt)).isTrue();
        assertThat(alt.open).as("its listener is closed").isEmpty();
        assertThat(set.names()).containsExactly("tcp");
        assertThat(set.endpoints(List.of("alt", "tcp"))).containsExactly(new Endpoint("tcp", 40_000));
    }

    @Test
    void listeningAgainReplacesTheOldListener() throws IOException {
        PortTransport tcp = new PortTransport("tcp", 40_000);
        TransportSet set = new TransportSet("127.0.0.1", n -> 0, () -> null, List.of(tcp));
        set.listenAll();
        set.listen(tcp);
        assertThat(tcp.open).hasSize(1);
        assertThat(set.address("tcp").getPort()).isEqualTo(40_001);
        set.closeListeners();
        assertThat(tcp.open).isEmpty();
        assertThat(set.endpoints(List.of("tcp"))).isEmpty();
        assertThat(set.names()).as("closing listeners keeps the transports").containsExactly("tcp");
    }

    @Test
    void usableEndpointsFollowOurPreferenceThenTheirsAndSkipWhatWeLack() {
        TransportSet set = new TransportSet("127.0.0.1", n -> 0, () -> null,
                List.of(new PortTransport("tcp", 1), new PortTransport("tls", 2)));
        List<Endpoint> offered = List.of(new Endpoint("quic", 9), new Endpoint("tcp", 7740), new Endpoint("tls", 7750));

        assertThat(set.usable(List.of("tls", "tcp"), offered)).containsExactly(new Endpoint("tls", 7750),
                new Endpoint("tcp", 7740));
        assertThat(set.usable(List.of(), offered)).as("their order when we state none")
                .containsExactly(new Endpoint("tcp", 7740), new Endpoint("tls", 7750));
        assertThat(set.choose(List.of("quic", "tls"), offered)).isEqualTo(new Endpoint("tls", 7750));
        assertThat(set.choose(List.of("tcp"), List.of(new Endpoint("quic", 9)))).isNull();
    }
}
