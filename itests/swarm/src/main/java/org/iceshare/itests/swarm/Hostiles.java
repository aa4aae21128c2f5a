package org.iceshare.itests.swarm;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.iceshare.api.icet.Assign;
import org.iceshare.api.icet.Auth;
import org.iceshare.api.icet.BadPiece;
import org.iceshare.api.icet.ErrorReport;
import org.iceshare.api.icet.FetchFailed;
import org.iceshare.api.icet.Hello;
import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.icet.Join;
import org.iceshare.api.icet.Joined;
import org.iceshare.api.icet.Ping;
import org.iceshare.api.icet.Pong;
import org.iceshare.api.icet.Request;
import org.iceshare.api.icet.Role;
import org.iceshare.api.icet.Verified;
import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.transport.Connection;
import org.iceshare.api.transport.ConnectionHandler;
import org.iceshare.api.transport.Listener;
import org.iceshare.engine.internal.Handshake;
import org.iceshare.engine.internal.Identity;

/**
 * The hostile members of a swarm, as a client written from the protocol spec can be (issue "Trust nobody"):
 * each speaks IceT by hand through the fixture's transport and lies in one way. The swarm tests and the
 * hostile-swarm benchmark share them. A peer that serves flipped bits is a real peer whose disk was
 * altered: {@link #flipBits}.
 */
public final class Hostiles {
    private Hostiles() {
    }

    /** One hostile member: what kind it is, and the id the tracker knows it by (null when it has none). */
    public interface Hostile extends AutoCloseable {
        String kind();

        PeerId id();

        @Override
        void close();
    }

    /** A local port where nothing listens (bound once and released). */
    public static int deadPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * Flips one byte in every 4 KiB of a stored file: every piece read from it fails verification.
     *
     * @return how many bytes were flipped
     */
    public static long flipBits(Path data) throws IOException {
        long flipped = 0;
        try (FileChannel ch = FileChannel.open(data, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            ByteBuffer b = ByteBuffer.allocate(1);
            for (long pos = 100; pos < size; pos += 4096) {
                b.clear();
                ch.read(b, pos);
                b.put(0, (byte) ~b.get(0)).rewind();
                ch.write(b, pos);
                flipped++;
            }
        }
        return flipped;
    }

    /** Joins {@code name} and reports VERIFIED for every piece, with the hashes the tracker just handed out. */
    static Manifest claimEverything(HostileClient c, String name) throws InterruptedException {
        c.send(new Join(name));
        Manifest m = c.next(Joined.class).manifest();
        for (int i = 0; i < m.pieceCount(); i++) {
            c.send(new Verified(m.id(), i, c.id(), m.piece(i).hash()));
        }
        return m;
    }

    /** False claims: it claims every piece and advertises a port where nothing answers. */
    public static final class FalseClaimer implements Hostile {
        private final HostileClient client;

        public FalseClaimer(SwarmFixture swarm, String name) throws Exception {
            client = new HostileClient(swarm.transport(), swarm.trackerAddress(), deadPort());
            claimEverything(client, name);
        }

        @Override
        public String kind() {
            return "false claims";
        }

        @Override
        public PeerId id() {
            return client.id();
        }

        @Override
        public void close() {
            client.close();
        }
    }

    /**
     * A stall: it claims every piece and listens where it says; it completes the handshake with whoever
     * dials, takes their requests, answers their pings, and never sends a piece.
     */
    public static final class Staller implements Hostile {
        private final Identity identity = Identity.generate();
        private final Listener listener;
        private final HostileClient client;
        /** Requests it took and sat on. */
        public final AtomicLong requestsHeld = new AtomicLong();

        public Staller(SwarmFixture swarm, String name) throws Exception {
            listener = swarm.transport().listen(new InetSocketAddress("127.0.0.1", 0), Link::new);
            // the same key at its peer port as at the tracker: a dialler checks that it reached whom it was sent to
            client = new HostileClient(identity, swarm.transport(), swarm.trackerAddress(),
                    listener.localAddress().getPort());
            claimEverything(client, name);
        }

        private final class Link implements ConnectionHandler {
            private final Handshake handshake = new Handshake(identity, Role.PEER, Role.PEER);

            @Override
            public void opened(Connection c) {
                c.send(handshake.hello("staller", List.of()));
            }

            @Override
            public void received(Connection c, IcetMessage m) {
                try {
                    if (m instanceof Hello h) {
                        c.send(handshake.onHello(h));
                    } else if (m instanceof Auth a) {
                        handshake.onAuth(a);
                    } else if (m instanceof Request) {
                        requestsHeld.incrementAndGet();
                    } else if (m instanceof Ping p) {
                        c.send(new Pong(p.nonce()));
                    }
                } catch (Handshake.Refused e) {
                    c.close(e.getMessage());
                }
            }

            @Override
            public void closed(Connection c, String reason) {
            }
        }

        @Override
        public String kind() {
            return "stall";
        }

        @Override
        public PeerId id() {
            return identity.id();
        }

        @Override
        public void close() {
            listener.close();
            client.close();
        }
    }

    /**
     * False reports: it joins as a fetcher serving nothing, and answers every assignment with a FETCH_FAILED
     * or a BAD_PIECE against the member it was told to fetch from (honest holders and the source alike),
     * and sends BAD_PIECEs against the source for pieces it was never assigned.
     */
    public static final class FalseReporter implements Hostile {
        private final HostileClient client;
        private final Thread worker;
        private volatile boolean running = true;
        /** Reports it sent: against an assignment, and without one. */
        public final AtomicLong assignedReports = new AtomicLong();
        public final AtomicLong unfoundedReports = new AtomicLong();

        public FalseReporter(SwarmFixture swarm, String name, PeerId source) throws Exception {
            client = new HostileClient(swarm.transport(), swarm.trackerAddress(), 0);
            client.send(new Join(name));
            Manifest m = client.next(Joined.class).manifest();
            worker = new Thread(() -> lie(m, source), "false-reporter");
            worker.setDaemon(true);
            worker.start();
        }

        private void lie(Manifest m, PeerId source) {
            int n = 0;
            while (running && client.closed == null) {
                IcetMessage msg;
                try {
                    msg = client.inbox.poll(100, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    return;
                }
                if (msg instanceof Assign a) {
                    for (Assign.Entry e : a.entries()) {
                        client.send(n++ % 2 == 0 ? new FetchFailed(m.id(), e.piece(), e.source(), "no answer")
                                : new BadPiece(m.id(), e.piece(), e.source(), "digest does not match the manifest"));
                        assignedReports.incrementAndGet();
                    }
                }
                int piece = ThreadLocalRandom.current().nextInt(m.pieceCount());
                client.send(new BadPiece(m.id(), piece, source, "digest does not match the manifest"));
                unfoundedReports.incrementAndGet();
            }
        }

        @Override
        public String kind() {
            return "false reports";
        }

        @Override
        public PeerId id() {
            return client.id();
        }

        @Override
        public void close() {
            running = false;
            worker.interrupt();
            client.close();
        }
    }

    /**
     * Impersonation attempts: over and over, a HELLO with the victim's public key (anyone who talked to it
     * has seen it) to the tracker and to the peers, followed by an Auth it cannot sign. It has no id of its
     * own; {@link #refusedAtTracker} and {@link #refusedAtPeers} count the PROTOCOL errors it got back.
     */
    public static final class Impostor implements Hostile {
        private final SwarmFixture swarm;
        private final byte[] victimKey;
        private final Supplier<List<InetSocketAddress>> peers;
        private final Thread worker;
        private volatile boolean running = true;
        public final AtomicInteger attempts = new AtomicInteger();
        public final AtomicInteger refusedAtTracker = new AtomicInteger();
        public final AtomicInteger refusedAtPeers = new AtomicInteger();
        /** When (System.nanoTime) it was first refused, or 0. */
        public final AtomicLong firstRefusedNanos = new AtomicLong();

        public Impostor(SwarmFixture swarm, byte[] victimKey, Supplier<List<InetSocketAddress>> peers) {
            this.swarm = swarm;
            this.victimKey = victimKey;
            this.peers = peers;
            worker = new Thread(this::attack, "impostor");
            worker.setDaemon(true);
            worker.start();
        }

        private void attack() {
            int round = 0;
            while (running) {
                List<InetSocketAddress> targets = peers.get();
                boolean atTracker = targets.isEmpty() || round++ % 2 == 0;
                InetSocketAddress to = atTracker ? swarm.trackerAddress()
                        : targets.get(ThreadLocalRandom.current().nextInt(targets.size()));
                if (attempt(to, atTracker ? Role.CLIENT : Role.PEER)) {
                    firstRefusedNanos.compareAndSet(0, System.nanoTime());
                    (atTracker ? refusedAtTracker : refusedAtPeers).incrementAndGet();
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** One attempt; true when it was refused with an ErrorReport (as it must be). */
        private boolean attempt(InetSocketAddress to, Role role) {
            attempts.incrementAndGet();
            BlockingQueue<IcetMessage> inbox = new LinkedBlockingQueue<>();
            ConnectionHandler h = new ConnectionHandler() {
                @Override
                public void opened(Connection c) {
                }

                @Override
                public void received(Connection c, IcetMessage m) {
                    inbox.add(m);
                }

                @Override
                public void closed(Connection c, String reason) {
                }
            };
            Connection c = null;
            try {
                c = swarm.transport().connect(to, h).toCompletableFuture().get(10, TimeUnit.SECONDS);
                c.send(Hello.of(role, victimKey, new byte[Hello.NONCE_LENGTH], "impostor",
                        role == Role.CLIENT ? List.of(new Endpoint("tcp", 9)) : List.of()));
                c.send(new Auth(new byte[64]));
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (System.nanoTime() < end) {
                    IcetMessage m = inbox.poll(100, TimeUnit.MILLISECONDS);
                    if (m instanceof ErrorReport) {
                        return true;
                    }
                    if (!running) {
                        return false;
                    }
                }
                return false;
            } catch (Exception e) {
                return false;
            } finally {
                if (c != null) {
                    c.close("impostor done");
                }
            }
        }

        @Override
        public String kind() {
            return "impersonation";
        }

        @Override
        public PeerId id() {
            return null;
        }

        @Override
        public void close() {
            running = false;
            worker.interrupt();
        }
    }
}
