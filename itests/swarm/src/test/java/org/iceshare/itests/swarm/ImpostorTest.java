package org.iceshare.itests.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.codec.DecodeResult;
import org.iceshare.api.codec.IcetCodec;
import org.iceshare.api.codec.StreamDecoder;
import org.iceshare.api.icet.Auth;
import org.iceshare.api.icet.ErrorCode;
import org.iceshare.api.icet.ErrorReport;
import org.iceshare.api.icet.Hello;
import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.icet.Join;
import org.iceshare.api.icet.Request;
import org.iceshare.api.icet.Role;
import org.iceshare.api.peer.ConnectionInfo;
import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.transport.Connection;
import org.iceshare.api.transport.ConnectionHandler;
import org.iceshare.core.internal.peer.PeerEngine;
import org.iceshare.tracker.internal.TrackerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #10, attacks 3, 4 and 7 (HELLO): a client that claims another's id, at a peer and at the tracker,
 * with the victim's own public key in its HELLO (anyone who talked to the victim has seen it). It cannot
 * sign the fresh nonce, so it is refused with a PROTOCOL error and the swarm carries on: the victim is not
 * kicked off the tracker, and nobody requests from the impostor or reports the victim.
 */
class ImpostorTest {
    @TempDir
    Path tmp;

    /** A raw IceT client: says what the test says, keeps what it is told. */
    static final class Raw implements ConnectionHandler {
        final BlockingQueue<IcetMessage> inbox = new LinkedBlockingQueue<>();
        volatile String closed;

        @Override
        public void opened(Connection c) {
        }

        @Override
        public void received(Connection c, IcetMessage m) {
            inbox.add(m);
        }

        @Override
        public void closed(Connection c, String reason) {
            closed = reason;
        }

        <T extends IcetMessage> T next(Class<T> type) throws InterruptedException {
            while (true) {
                IcetMessage m = inbox.poll(30, TimeUnit.SECONDS);
                assertThat(m).as("a " + type.getSimpleName() + " within 30 s").isNotNull();
                if (type.isInstance(m)) {
                    return type.cast(m);
                }
            }
        }
    }

    private static Connection dial(SwarmFixture swarm, InetSocketAddress to, Raw raw) throws Exception {
        return swarm.transport().connect(to, raw).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** A HELLO with the victim's key (so its id) and a nonce of ours. */
    private static Hello claiming(Role role, PeerEngine victim, String agent, List<Endpoint> endpoints) {
        return Hello.of(role, victim.publicKey(), new byte[32], agent, endpoints);
    }

    @Test
    void aClientClaimingTheSourcesIdIsRefusedAtAPeerAndAtTheTrackerAndTheSwarmCarriesOn() throws Exception {
        Path media = TestMedia.vorbis(20, 2);
        try (SwarmFixture swarm = new SwarmFixture(tmp, TrackerSettings.loopback(), 32 * 1024)) {
            PeerEngine source = swarm.addPeer("source", s -> s.withUploadRate(64 * 1024));
            PeerEngine leecher = swarm.addPeer("leecher");
            IcetUrl url = source.publish(media, "own.ogg", null).toCompletableFuture().get(30, TimeUnit.SECONDS);
            ContentId id = leecher.get(url).toCompletableFuture().get(30, TimeUnit.SECONDS).content();

            // attack 3: at the leecher's peer port, as the source
            Raw atPeer = new Raw();
            Connection c = dial(swarm, leecher.address(), atPeer);
            c.send(claiming(Role.PEER, source, "impostor", List.of()));
            Hello theirs = atPeer.next(Hello.class);
            assertThat(theirs.peerId()).isEqualTo(leecher.id());
            c.send(new Auth(new byte[64]));
            c.send(new Request(id, 0));
            ErrorReport refused = atPeer.next(ErrorReport.class);
            assertThat(refused.code()).isEqualTo(ErrorCode.PROTOCOL);
            assertThat(refused.message()).contains("does not hold that id's private key");
            await().atMost(Duration.ofSeconds(30)).until(() -> atPeer.closed != null);

            // attack 4: at the tracker, as the source, many times over (it knocked a source off 124 times in 30 s)
            for (int i = 0; i < 20; i++) {
                Raw atTracker = new Raw();
                Connection t = dial(swarm, swarm.trackerAddress(), atTracker);
                t.send(claiming(Role.CLIENT, source, "impostor", List.of(new Endpoint("tcp", 9))));
                t.send(i % 2 == 0 ? new Auth(new byte[64]) : new Join("own.ogg"));
                assertThat(atTracker.next(ErrorReport.class).code()).isEqualTo(ErrorCode.PROTOCOL);
            }

            // attack 7: a wrong role at a peer port gets the PROTOCOL error the spec requires
            Raw wrongRole = new Raw();
            Connection w = dial(swarm, leecher.address(), wrongRole);
            w.send(Hello.of(Role.TRACKER, new byte[32], new byte[32], "confused", List.of()));
            assertThat(wrongRole.next(ErrorReport.class).message()).contains("expected a peer");

            await().atMost(Duration.ofSeconds(60)).until(() -> leecher.swarm(id).orElseThrow().state()
                    == SwarmStatus.State.COMPLETE);
            assertThat(SwarmFixture.sameBytes(media, swarm.dataFile(leecher, id))).isTrue();
            assertThat(swarm.tracker().peers(id)).as("the source kept its place at the tracker")
                    .anySatisfy(p -> {
                        assertThat(p.id()).isEqualTo(source.id());
                        assertThat(p.source()).isTrue();
                        assertThat(p.banned()).isFalse();
                    });
            assertThat(source.trackerBackoffs()).as("the source was never knocked off its tracker").isZero();
            assertThat(source.connections()).filteredOn(ci -> ci.kind() == ConnectionInfo.Kind.TRACKER).hasSize(1);
        }
    }

    @Test
    void aHelloWithAnOverlongHostIsRefusedCleanly() throws Exception {
        try (SwarmFixture swarm = new SwarmFixture(tmp);
                Socket socket = new Socket(swarm.trackerAddress().getAddress(),
                        swarm.trackerAddress().getPort())) {
            socket.setSoTimeout(30_000);
            // 1,000 characters of host (it used to leave a stack trace and a misleading "PING before Hello")
            socket.getOutputStream().write(hostile("h".repeat(1000)));
            StreamDecoder decoder = new StreamDecoder(1 << 20);
            ErrorReport refused = null;
            byte[] buffer = new byte[4096];
            while (refused == null) {
                int n = socket.getInputStream().read(buffer);
                assertThat(n).as("the tracker answers before it closes").isPositive();
                for (DecodeResult r : decoder.feed(ByteBuffer.wrap(buffer, 0, n))) {
                    if (r instanceof DecodeResult.Decoded d && d.message() instanceof ErrorReport e) {
                        refused = e;
                    }
                }
            }
            assertThat(refused.code()).isEqualTo(ErrorCode.MALFORMED);
            assertThat(refused.message()).contains("host");
            assertThat(swarm.tracker().address()).as("the tracker keeps serving").isNotNull();
        }
    }

    /** The bytes of a current-version HELLO frame whose host field is {@code host}, however long (the record refuses it). */
    private static byte[] hostile(String host) {
        byte[] key = new byte[32];
        key[0] = 1;
        Hello fine = Hello.of(Role.CLIENT, key, new byte[32], "x", List.of());
        byte[] bytes = IcetCodec.encode(fine).copy().array();
        // length field, type, version, role, id16, then the host string (u16 length, UTF-8)
        byte[] h = host.getBytes(StandardCharsets.UTF_8);
        int hostAt = 4 + 1 + 1 + 1 + PeerId.LENGTH;
        int oldHostLength = ((bytes[hostAt] & 0xff) << 8) | (bytes[hostAt + 1] & 0xff);
        ByteBuffer out = ByteBuffer.allocate(bytes.length - oldHostLength + h.length);
        out.put(bytes, 0, hostAt).putShort((short) h.length).put(h)
                .put(bytes, hostAt + 2 + oldHostLength, bytes.length - hostAt - 2 - oldHostLength);
        out.putInt(0, out.capacity() - 4);
        return out.array();
    }
}
