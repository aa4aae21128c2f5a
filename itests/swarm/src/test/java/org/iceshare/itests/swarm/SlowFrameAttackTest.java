package org.iceshare.itests.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.iceshare.api.icet.Role;
import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.api.transport.Refusals;
import org.iceshare.core.internal.peer.PeerEngine;
import org.iceshare.icet.internal.NettyTransport;
import org.iceshare.icet.internal.TransportSettings;
import org.iceshare.media.ogg.internal.OggFormat;
import org.iceshare.tracker.internal.TrackerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Attack 6 of issue #10: an attacker holds slow partial frames (Hello, then most of an 8 MiB frame, then a
 * byte now and then) on many connections to a peer, in a swarm whose transport has a container's default
 * limits. The honest transfer completes byte-identical, the partial frames stay within the budget, and every
 * attacker connection is refused or closed, which is logged at INFO.
 */
class SlowFrameAttackTest {
    private static final Logger LOG = LoggerFactory.getLogger(SlowFrameAttackTest.class);

    @TempDir
    Path tmp;

    @Test
    void anHonestTransferCompletesWhileAnAttackerHoldsSlowPartialFramesAndTheAttackerIsClosed() throws Exception {
        Path media = TestMedia.vorbis(120, 6);
        TransportSettings container = TransportSettings.DEFAULTS;
        PrintStream err = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(new Tee(err, log), true, StandardCharsets.UTF_8));
        AtomicBoolean sampling = new AtomicBoolean(true);
        AtomicLong mostBuffered = new AtomicLong();
        try (SwarmFixture swarm = new SwarmFixture(tmp, TrackerSettings.loopback(), List.of(new OggFormat(64 * 1024)),
                container)) {
            NettyTransport transport = swarm.transport();
            Thread sampler = new Thread(() -> {
                while (sampling.get()) {
                    mostBuffered.accumulateAndGet(transport.frameBudget().used(), Math::max);
                    Thread.onSpinWait();
                }
            }, "budget-sampler");
            sampler.setDaemon(true);
            sampler.start();

            PeerEngine source = swarm.addPeer("source");
            IcetUrl url = source.publish(media, "show.ogg", null).toCompletableFuture().get(30, TimeUnit.SECONDS);

            // 48 connections from another address than the honest peers', 6 MiB of an 8 MiB frame each
            int connections = 48;
            try (SlowFrameAttacker attacker = new SlowFrameAttacker(source.address(),
                    List.of(InetAddress.getByName("127.0.0.2")), Role.PEER, container.maxFrameSize(),
                    6 * 1024 * 1024)) {
                attacker.open(connections, 8);
                LOG.info("attacker: {}", attacker.tally());

                PeerEngine leecher = swarm.addPeer("leecher");
                leecher.get(url);
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> {
                    attacker.trickle();
                    return leecher.swarms().stream().anyMatch(s -> s.state() == SwarmStatus.State.COMPLETE);
                });
                SwarmStatus got = leecher.swarms().get(0);
                assertThat(SwarmFixture.sameBytes(media, swarm.dataFile(leecher, got.content())))
                        .as("the leecher's copy").isTrue();

                // every attacker connection is refused at once or closed: the slow ones within two windows
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> {
                    attacker.trickle();
                    return attacker.tally().open() == 0;
                });
                LOG.info("attacker: {}", attacker.tally());
            }
            sampling.set(false);
            sampler.join();

            Refusals refusals = transport.refusals();
            LOG.info("refusals {}, most buffered {} bytes", refusals.counts(), mostBuffered.get());
            // beyond 32 from one address are refused at once (fewer than 16: the budget closes some meanwhile)
            assertThat(refusals.count(Refusals.ADDRESS_LIMIT)).as("refused: 32 from one address").isPositive();
            assertThat(refusals.count(Refusals.ADDRESS_LIMIT) + refusals.count(Refusals.FRAME_BUDGET)
                    + refusals.count(Refusals.SLOW_FRAME)).as("every attacker connection")
                    .isGreaterThanOrEqualTo(connections);
            assertThat(refusals.count(Refusals.FRAME_BUDGET) + refusals.count(Refusals.SLOW_FRAME)).isPositive();
            // the budget's accounting trails each connection by at most one read
            assertThat(mostBuffered.get()).as("partial frames buffered at most")
                    .isLessThanOrEqualTo(container.maxBufferedFrameBytes() + 2L * container.ioThreads() * 1024 * 1024);
            assertThat(transport.frameBudget().used()).isLessThan(1024 * 1024);
        } finally {
            sampling.set(false);
            System.setErr(err);
        }
        String logged = log.toString(StandardCharsets.UTF_8);
        assertThat(logged).contains("INFO org.iceshare.icet.internal.RefusalCounter - IceT over tcp: refused /127.0.0.2:")
                .contains("(address-limit): 32 connections from 127.0.0.2 are open");
        assertThat(logged).containsAnyOf("(slow-frame): slow frame", "(frame-budget): partial frame");
    }

    /** Writes to two streams. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
