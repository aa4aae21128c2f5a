package org.iceshare.core.internal.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

import org.iceshare.api.icet.Hello;
import org.iceshare.api.icet.ErrorCode;
import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.icet.Join;
import org.iceshare.api.icet.Rates;
import org.iceshare.api.icet.Role;
import org.iceshare.api.peer.PublishException;
import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.transport.Transport;
import org.iceshare.engine.internal.Handshake;
import org.iceshare.engine.internal.Identity;
import org.iceshare.icet.internal.NettyTransport;
import org.iceshare.icet.internal.TransportSettings;
import org.iceshare.tracker.internal.TrackerEngine;
import org.iceshare.tracker.internal.TrackerSettings;
import org.iceshare.planner.rarest.internal.RarestPlanner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A tracker link on its own, against a real tracker over real sockets. */
class TrackerLinkTest {
    private final ScheduledExecutorService engine = Executors.newSingleThreadScheduledExecutor();
    private NettyTransport tcp;
    private TrackerEngine tracker;
    private Owner owner;

    /** The peer's side, as a tracker link sees it: the engine thread, a Hello, what arrives. */
    final class Owner implements TrackerLink.Owner {
        final Identity identity = Identity.generate();
        final List<IcetMessage> received = new CopyOnWriteArrayList<>();
        volatile boolean running = true;
        volatile BiFunction<List<Endpoint>, Integer, List<Endpoint>> reach = (offered, port) -> offered.isEmpty()
                ? List.of(new Endpoint("tcp", port)) : offered;
        int reconnects;

        @Override
        public String name() {
            return "test";
        }

        @Override
        public boolean running() {
            return running;
        }

        @Override
        public void execute(Runnable task) {
            engine.execute(task);
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable task, long delayMillis) {
            return engine.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        }

        @Override
        public Handshake handshake() {
            return new Handshake(identity, Role.CLIENT, Role.TRACKER);
        }

        @Override
        public Hello hello(Handshake handshake) {
            return handshake.hello("test", List.of());
        }

        @Override
        public List<Endpoint> reachable(List<Endpoint> offered, int urlPort) {
            return reach.apply(offered, urlPort);
        }

        @Override
        public Transport transport(String name) {
            return name.equals("tcp") ? tcp : null;
        }

        @Override
        public Rates rates() {
            return new Rates(0, 0, 0, 0);
        }

        @Override
        public void received(TrackerLink link, IcetMessage message) {
            received.add(message);
        }

        @Override
        public void reconnected(TrackerLink link) {
            reconnects++;
        }
    }

    @BeforeEach
    void start() throws IOException {
        tcp = NettyTransport.tcp(TransportSettings.DEFAULTS);
        tracker = new TrackerEngine(TrackerSettings.loopback(), tcp, new RarestPlanner());
        tracker.start();
        owner = new Owner();
    }

    @AfterEach
    void stop() {
        owner.running = false;
        engine.shutdownNow();
        tracker.close();
        tcp.close();
    }

    private <T> T onEngine(Callable<T> task) throws Exception {
        return engine.submit(task).get(30, TimeUnit.SECONDS);
    }

    private TrackerLink link(int port) {
        return new TrackerLink(owner, InetSocketAddress.createUnresolved("127.0.0.1", port), "127.0.0.1:" + port);
    }

    private static int deadPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void answersMatchRequestsInOrderAndTheTrackersEndpointsAreLearned() throws Exception {
        TrackerLink link = link(tracker.address().getPort());
        CompletableFuture<IcetMessage> unknown = onEngine(() -> link.request(new Join("nothing.ogg")));
        CompletableFuture<IcetMessage> alsoUnknown = onEngine(() -> link.request(new Join("neither.ogg")));

        assertThat(unknown).failsWithin(Duration.ofSeconds(30)).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(PublishException.class).withMessageContaining("nothing.ogg");
        assertThat(alsoUnknown).failsWithin(Duration.ofSeconds(30)).withThrowableOfType(ExecutionException.class)
                .havingCause().withMessageContaining("neither.ogg");
        // the tracker's ERROR code travels with the refusal (a client retries BUSY, not this)
        PublishException refusal = (PublishException) unknown.handle((v, e) -> e).get();
        assertThat(refusal.trackerCode()).isPresent().get().isNotEqualTo(ErrorCode.BUSY);
        assertThat(onEngine(link::ready)).isTrue();
        assertThat(onEngine(() -> link.connection().transport())).isEqualTo("tcp");
        assertThat(onEngine(link::backoffs)).isZero();
    }

    @Test
    void aDeadEndpointIsSkippedAtOnceForTheNextOne() throws Exception {
        int dead = deadPort();
        int live = tracker.address().getPort();
        owner.reach = (offered, port) -> List.of(new Endpoint("tcp", dead), new Endpoint("tcp", live));
        TrackerLink link = link(dead);
        onEngine(() -> {
            link.swarms.add(null); // a stand-in: it has a swarm there, so it keeps trying
            link.connect();
            return null;
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> onEngine(link::ready));
        assertThat(onEngine(() -> link.connection().remoteAddress().getPort())).isEqualTo(live);
        assertThat(onEngine(link::backoffs)).as("no backoff: the second endpoint was tried at once").isZero();
    }

    @Test
    void whenEveryEndpointFailsTheRequestFailsAndTheLinkBacksOff() throws Exception {
        int dead = deadPort();
        TrackerLink link = link(dead);
        onEngine(() -> link.swarms.add(null));
        CompletableFuture<IcetMessage> join = onEngine(() -> link.request(new Join("x.ogg")));

        assertThat(join).failsWithin(Duration.ofSeconds(30)).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(PublishException.class).withMessageContaining("cannot reach tracker");
        assertThat(((PublishException) join.handle((v, e) -> e).get()).trackerCode())
                .as("no tracker answered: no tracker code").isEmpty();
        await().atMost(Duration.ofSeconds(30)).until(() -> onEngine(link::backoffs) >= 1);
        assertThat(onEngine(link::ready)).isFalse();
    }

    @Test
    void swarmMessagesGoToTheOwnerAndAReconnectIsReported() throws Exception {
        TrackerLink link = link(tracker.address().getPort());
        onEngine(() -> {
            link.swarms.add(null);
            link.connect();
            return null;
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> onEngine(link::ready));
        assertThat(onEngine(() -> owner.reconnects)).as("it had a swarm there: the owner rejoins it").isEqualTo(1);
        List<IcetMessage> before = new ArrayList<>(owner.received);
        assertThat(before).as("nothing for the swarms yet").isEmpty();

        onEngine(() -> {
            link.swarms.clear(); // (a stand-in swarm: nothing to leave)
            link.close("test over");
            return null;
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> !onEngine(link::ready));
    }
}
