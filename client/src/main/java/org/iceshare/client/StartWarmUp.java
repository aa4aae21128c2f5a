package org.iceshare.client;

import java.io.IOException;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.swarm.Endpoint;
import org.iceshare.engine.internal.Identity;

import io.netty.buffer.ByteBufAllocator;

/**
 * Work a peer's start needs, done ahead on a spare thread while the main thread parses the command line and
 * opens the data folder. On a cold JVM the first use of each of these costs tens of milliseconds (code run
 * in the interpreter, classes initialised, method handles spun), and the main thread would pay them one after
 * the other on the way to the first byte; here they overlap with it on the second core. Nothing here has an
 * effect the peer depends on: if it fails or is late, the main thread does the same work itself.
 */
final class StartWarmUp {
    /** The commands that start a peer. */
    static final Set<String> WANTED_BY = Set.of("play", "get", "seed", "publish");

    private static final CountDownLatch LOGGING = new CountDownLatch(1);

    private StartWarmUp() {
    }

    /** The command has configured logging: the warm-up may use what logs. */
    static void loggingConfigured() {
        LOGGING.countDown();
    }

    static void begin() {
        Thread t = new Thread(StartWarmUp::run, "iceshare-warm-up");
        t.setDaemon(true);
        t.start();
    }

    static void run() {
        try {
            // in the order the start needs them: the identity's key pair, and the handshake's signatures
            Identity.warmUp();
            StartTrace.mark("warm-up: signatures");
            // Netty logs through SLF4J, which reads its settings once: not before the command set them
            if (!LOGGING.await(5, TimeUnit.SECONDS)) {
                return;
            }
            // Netty's platform probes and its buffer allocator, first used by the transport's listening socket
            ByteBufAllocator.DEFAULT.buffer(64).release();
            // the generated equals/hashCode/toString of records (the messages and keys of the tracker link)
            Endpoint e = new Endpoint("tcp", 1);
            if (e.equals(new Endpoint("tcp", 2)) || e.hashCode() == 0 || e.toString().isEmpty()) {
                return;
            }
            // the HTTP client that reads the local player endpoint (play --stdout); opening does not connect
            URI.create("http://127.0.0.1:1/").toURL().openConnection();
            StartTrace.mark("warm-up: done");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException | LinkageError ignored) {
            // a warm-up only: the main thread meets the same failure where it matters, and reports it
        }
    }
}
