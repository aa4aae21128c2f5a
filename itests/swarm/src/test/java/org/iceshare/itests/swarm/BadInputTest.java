package org.iceshare.itests.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.peer.PublishException;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.core.internal.peer.PeerEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Acceptance: bad input gets a clear error and the process keeps serving. */
class BadInputTest {
    @TempDir
    static Path tmp;
    static SwarmFixture swarm;
    static PeerEngine peer;

    @BeforeAll
    static void start() throws Exception {
        swarm = new SwarmFixture(tmp);
        peer = swarm.addPeer("p");
    }

    @AfterAll
    static void stop() {
        swarm.close();
    }

    private static Throwable cause(java.util.concurrent.CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void publishingANonOggFileIsRefusedWithTheReason() throws Exception {
        Path noise = tmp.resolve("noise.wav");
        byte[] b = new byte[50_000];
        new Random(1).nextBytes(b);
        Files.write(noise, b);
        Throwable t = cause(peer.publish(noise, null, null));
        assertThat(t).isInstanceOf(PublishException.class).hasMessageContaining("no installed media format accepts it")
                .hasMessageContaining("not an Ogg stream");
        Path empty = Files.createFile(tmp.resolve("empty.ogg"));
        assertThat(cause(peer.publish(empty, null, null))).hasMessageContaining("empty");
        assertThat(cause(peer.publish(tmp.resolve("missing.ogg"), null, null))).hasMessageContaining("no such file");
        assertThat(cause(peer.publish(noise, "bad/name", null))).hasMessageContaining("content name");
        // the peer still publishes a good file afterwards
        IcetUrl url = peer.publish(TestMedia.vorbis(5, 2), "ok.ogg", null).toCompletableFuture()
                .get(20, TimeUnit.SECONDS);
        assertThat(url.name()).isEqualTo("ok.ogg");
    }

    @Test
    void malformedUrlsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> IcetUrl.parse("http://127.0.0.1/a.ogg")).hasMessageContaining("not an icet:// URL");
        assertThatThrownBy(() -> IcetUrl.parse("icet://")).hasMessageContaining("malformed");
        assertThatThrownBy(() -> IcetUrl.parse("icet://host:99999/a.ogg")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IcetUrl.parse("icet://host/a/b.ogg")).hasMessageContaining("names one content");
        assertThatThrownBy(() -> IcetUrl.parse("icet://host/")).hasMessageContaining("names one content");
        assertThatThrownBy(() -> IcetUrl.parse("icet://host/a.ogg?x=1")).hasMessageContaining("no query or fragment");
        // before '@' only a publisher id (32 hex digits) is allowed, never a user or a password
        assertThatThrownBy(() -> IcetUrl.parse("icet://user:secret@host/a.ogg"))
                .hasMessageContaining("publisher id before '@'").hasMessageContaining("32 hex digits");
        assertThatThrownBy(() -> IcetUrl.parse("icet://host/a b")).hasMessageContaining("malformed");
        assertThatThrownBy(() -> IcetUrl.parse("")).hasMessageContaining("empty");
        assertThat(IcetUrl.parse("icet://example.org/a.ogg").port()).isEqualTo(IcetUrl.DEFAULT_PORT);
    }

    @Test
    void unknownContentAndUnreachableTrackerFailClearly() {
        InetSocketAddress t = swarm.trackerAddress();
        Throwable unknown = cause(peer.get(new IcetUrl("127.0.0.1", t.getPort(), "nothing-here.ogg")));
        assertThat(unknown).isInstanceOf(PublishException.class).hasMessageContaining("no content named "
                + "nothing-here.ogg");
        Throwable unreachable = cause(peer.get(new IcetUrl("127.0.0.1", 1, "x.ogg")));
        assertThat(unreachable).hasMessageContaining("cannot reach tracker 127.0.0.1:1");
    }

    /** Sends bytes on a raw socket and returns true when the other side closes within 10 s. */
    private static boolean closedAfter(InetSocketAddress to, byte[] bytes) throws Exception {
        try (Socket s = new Socket(to.getAddress(), to.getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(bytes);
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            while (in.read(buf) >= 0) {
                // the error report, then end of stream
            }
            return true;
        } catch (java.net.SocketException e) {
            return true; // reset by the other side
        }
    }

    @Test
    void garbageAndOversizeFramesCloseTheConnectionAndServiceGoesOn() throws Exception {
        byte[] garbage = new byte[2000];
        new Random(2).nextBytes(garbage);
        byte[] oversize = {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01, 0, 0, 0};
        InetSocketAddress tracker = swarm.trackerAddress();
        InetSocketAddress peerPort = peer.address();
        assertThat(closedAfter(tracker, garbage)).isTrue();
        assertThat(closedAfter(tracker, oversize)).isTrue();
        assertThat(closedAfter(peerPort, garbage)).isTrue();
        assertThat(closedAfter(peerPort, oversize)).isTrue();
        // both keep serving: a second peer fetches a content published through the same tracker
        IcetUrl url = peer.publish(TestMedia.vorbis(5, 2), "after-garbage.ogg", null).toCompletableFuture()
                .get(20, TimeUnit.SECONDS);
        PeerEngine other = swarm.addPeer("other");
        var status = other.get(url).toCompletableFuture().get(20, TimeUnit.SECONDS);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .until(() -> other.swarm(status.content()).orElseThrow().progress() == 1.0);
    }
}
