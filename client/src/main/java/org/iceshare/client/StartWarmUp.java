package org.iceshare.client;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.iceshare.api.codec.Framing;
import org.iceshare.api.codec.IcetCodec;
import org.iceshare.api.icet.Auth;
import org.iceshare.api.icet.Hello;
import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.icet.Join;
import org.iceshare.api.icet.Role;
import org.iceshare.api.swarm.Endpoint;
import org.iceshare.engine.internal.Identity;
import org.iceshare.icet.internal.NettyTransport;
import org.iceshare.icet.internal.TransportSettings;

import io.netty.buffer.ByteBufAllocator;

/**
 * Work a peer's start needs, done ahead on a spare thread while the main thread parses the command line and
 * opens the data folder. On a cold JVM the first use of each of these costs tens of milliseconds (code run
 * in the interpreter, classes initialised, method handles spun), and the main thread would pay them one after
 * the other on the way to the first byte; here they overlap with it on the second core. The one thing made
 * here that the peer uses is its TCP transport ({@link #transport()}); if that fails or is late, the main
 * thread makes its own, and every other failure here the main thread meets where it matters.
 */
final class StartWarmUp {
    /** The commands that start a peer. */
    static final Set<String> WANTED_BY = Set.of("play", "get", "seed", "publish");

    private static final CountDownLatch LOGGING = new CountDownLatch(1);
    /**
     * The peer's TCP transport (its event loops; it binds nothing until the peer listens), made here ahead of
     * the main thread, which takes it in {@link ClientPeer#start}. It depends on no option.
     */
    private static final CompletableFuture<NettyTransport> TRANSPORT = new CompletableFuture<>();
    private static volatile boolean started;

    private StartWarmUp() {
    }

    /** The command has configured logging: the warm-up may use what logs. */
    static void loggingConfigured() {
        LOGGING.countDown();
    }

    static void begin() {
        started = true;
        // a Thread subclass, not a lambda: a lambda's first use costs the main thread a few milliseconds
        Thread t = new Thread("iceshare-warm-up") {
            @Override
            public void run() {
                StartWarmUp.run(true);
            }
        };
        t.setDaemon(true);
        t.start();
    }

    /**
     * The transport the warm-up made, or a new one if it did not start, failed, or is not done within a
     * second (then it closes its own when it is).
     */
    static NettyTransport transport() {
        if (started) {
            try {
                return TRANSPORT.get(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // make one below
            }
            TRANSPORT.completeExceptionally(new IllegalStateException("made by the main thread"));
        }
        return NettyTransport.tcp(TransportSettings.DEFAULTS);
    }

    /** Runs the warm-up here; with {@code transport}, makes the transport {@link #transport()} hands out. */
    static void run(boolean transport) {
        try {
            // in the order the start needs them: the identity's key pair, and the handshake's signatures
            Identity.warmUp();
            StartTrace.mark("warm-up: signatures");
            // Netty logs through SLF4J, which reads its settings once: not before the command set them
            if (!LOGGING.await(5, TimeUnit.SECONDS)) {
                TRANSPORT.completeExceptionally(new IllegalStateException("logging never configured"));
                return;
            }
            if (transport) {
                NettyTransport t = NettyTransport.tcp(TransportSettings.DEFAULTS);
                if (!TRANSPORT.complete(t)) {
                    t.close(); // the main thread gave up waiting and made its own
                }
                StartTrace.mark("warm-up: transport");
            }
            // Netty's platform probes and its buffer allocator, first used by the transport's listening socket
            ByteBufAllocator.DEFAULT.buffer(64).release();
            // the tracker handshake's messages through the IceT codec, and the generated equals/hashCode/toString
            // of records (the messages and keys of the tracker link)
            Endpoint e = new Endpoint("tcp", 1);
            for (IcetMessage m : List.of(Hello.of(Role.CLIENT, new byte[Hello.KEY_LENGTH], new byte[Hello.NONCE_LENGTH],
                    "warm-up", List.of(e)), new Auth(new byte[Auth.SIGNATURE_LENGTH]), new Join("warm-up.ogg"))) {
                ByteBuffer frame = IcetCodec.encode(m).copy();
                IcetCodec.decode(frame.position(Framing.LENGTH_FIELD_SIZE));
            }
            if (e.equals(new Endpoint("tcp", 2)) || e.hashCode() == 0 || e.toString().isEmpty()) {
                return;
            }
            // the HTTP client that reads the local player endpoint (play --stdout); opening does not connect
            URI.create("http://127.0.0.1:1/").toURL().openConnection();
            StartTrace.mark("warm-up: done");
        } catch (InterruptedException e) {
            TRANSPORT.completeExceptionally(e);
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException | LinkageError e) {
            // a warm-up only: the main thread meets the same failure where it matters, and reports it
            TRANSPORT.completeExceptionally(e);
        }
    }
}
