package org.iceshare.itests.swarm;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.codec.IcetCodec;
import org.iceshare.api.icet.Hello;
import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.icet.Role;

/**
 * The slow-partial-frame attack of issue #10 (attack 6), as a hostile client would run it: many connections,
 * each says Hello, announces a frame of nearly the maximum size, sends most of its body at once and then one
 * byte now and then, so that the receiver holds the partial frames. Plain sockets and the API codec only.
 *
 * <p>Used by the swarm test of attack 6 and by the bench's {@code slowframes} subcommand.
 *
 * <p><b>Threading:</b> {@link #open} runs the connections on a few threads of its own; {@link #trickle}
 * and {@link #close} on the caller's; not for concurrent use.
 */
public final class SlowFrameAttacker implements AutoCloseable {

    /** What happened to the connections so far. */
    public record Tally(int opened, int refusedAtOnce, int open, int closedByTarget, long bytesSent) {
    }

    private final InetSocketAddress target;
    private final List<InetAddress> sources;
    private final Role role;
    private final int frameLength;
    private final int prefill;
    private final List<SocketChannel> channels = new ArrayList<>();
    private int opened;
    private int refusedAtOnce;
    private int closedByTarget;
    private long bytesSent;

    /**
     * @param target the tracker's or a peer's IceT port (plain TCP)
     * @param sources the local addresses to connect from, in turn (127.0.0.x on Linux's loopback: more than one
     *        spreads the connections over several remote addresses as the target sees them); empty for the
     *        default
     * @param role the role the Hello claims: {@link Role#CLIENT} towards a tracker, {@link Role#PEER} towards a peer
     * @param frameLength the length the frame announces (at most the target's maximum frame size, 8 MiB by
     *        default)
     * @param prefill how many bytes of the frame's body to send at once, below {@code frameLength}
     */
    public SlowFrameAttacker(InetSocketAddress target, List<InetAddress> sources, Role role, int frameLength,
            int prefill) {
        if (prefill >= frameLength) {
            throw new IllegalArgumentException("the prefill must leave the frame incomplete: " + prefill + " >= "
                    + frameLength);
        }
        this.target = target;
        this.sources = List.copyOf(sources);
        this.role = role;
        this.frameLength = frameLength;
        this.prefill = prefill;
    }

    /**
     * Opens {@code count} connections and sends each its Hello, the frame's length and the prefill, on
     * {@code threads} threads. A connection the target closes while it is being filled counts as refused at
     * once.
     */
    public void open(int count, int threads) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "slowframes-open");
            t.setDaemon(true);
            return t;
        });
        List<Future<SocketChannel>> started = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            InetAddress from = sources.isEmpty() ? null : sources.get(i % sources.size());
            int n = i;
            started.add(pool.submit(() -> openOne(from, n)));
        }
        pool.shutdown();
        for (Future<SocketChannel> f : started) {
            try {
                SocketChannel c = f.get();
                opened++;
                if (c == null) {
                    refusedAtOnce++;
                } else {
                    channels.add(c);
                }
            } catch (java.util.concurrent.ExecutionException e) {
                refusedAtOnce++;
            }
        }
        pool.awaitTermination(1, TimeUnit.MINUTES);
    }

    private SocketChannel openOne(InetAddress from, int n) throws IOException {
        SocketChannel c = SocketChannel.open();
        try {
            if (from != null) {
                c.bind(new InetSocketAddress(from, 0));
            }
            c.connect(target);
            // a made-up key: the attacker never proves it, it only needs the transport to take its Hello
            byte[] key = new byte[32];
            key[0] = (byte) 0xa7;
            key[30] = (byte) (n >> 8);
            key[31] = (byte) n;
            Hello hello = Hello.of(role, key, new byte[32], "slowframes", List.of());
            ByteBuffer head = ByteBuffer.allocate(4);
            head.putInt(frameLength).flip();
            long sent = write(c, encode(hello)) + write(c, head);
            ByteBuffer zeros = ByteBuffer.allocate(64 * 1024);
            int left = prefill;
            while (left > 0) {
                zeros.clear().limit(Math.min(left, zeros.capacity()));
                sent += write(c, zeros);
                left -= zeros.limit();
            }
            synchronized (this) {
                bytesSent += sent;
            }
            c.configureBlocking(false);
            if (closedByPeer(c)) {
                c.close();
                return null;
            }
            return c;
        } catch (IOException e) {
            c.close();
            return null;
        }
    }

    private static ByteBuffer encode(IcetMessage m) {
        return IcetCodec.encode(m).copy();
    }

    private static long write(SocketChannel c, ByteBuffer b) throws IOException {
        long n = 0;
        while (b.hasRemaining()) {
            n += c.write(b);
        }
        return n;
    }

    /** Reads (and drops) what the target sent; true when it closed the connection. */
    private static boolean closedByPeer(SocketChannel c) {
        ByteBuffer sink = ByteBuffer.allocate(4096);
        try {
            while (true) {
                sink.clear();
                int n = c.read(sink);
                if (n < 0) {
                    return true;
                }
                if (n == 0) {
                    return false;
                }
            }
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * Sends one more byte of the frame on every connection still open, and drops the connections the target
     * closed.
     */
    public void trickle() {
        ByteBuffer one = ByteBuffer.allocate(1);
        for (var it = channels.iterator(); it.hasNext();) {
            SocketChannel c = it.next();
            boolean closed = closedByPeer(c);
            if (!closed) {
                try {
                    one.clear();
                    bytesSent += c.write(one);
                } catch (IOException e) {
                    closed = true;
                }
            }
            if (closed) {
                closedByTarget++;
                it.remove();
                try {
                    c.close();
                } catch (IOException ignored) {
                    // closing a socket the target closed
                }
            }
        }
    }

    public Tally tally() {
        return new Tally(opened, refusedAtOnce, channels.size(), closedByTarget, bytesSent);
    }

    /** Closes every connection still open. */
    @Override
    public void close() {
        for (SocketChannel c : channels) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        channels.clear();
    }
}
