package org.iceshare.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.iceshare.api.icet.Role;
import org.iceshare.itests.swarm.SlowFrameAttacker;

/**
 * The slow-partial-frame attack against a running container (issue #10, attack 6), with the container's
 * memory measured: {@code slowframes --target HOST:PORT --pid PID}. Opens N connections to the tracker's (or
 * a peer's) IceT port, each saying Hello, announcing a frame of nearly the maximum size, sending most of it
 * at once and then one byte every few seconds, and reports the container's resident memory (VmRSS of
 * {@code /proc/PID/status}) before, at its peak and after, with what became of the connections.
 */
public final class SlowFramesBench {
    private SlowFramesBench() {
    }

    public static void main(String[] args) throws Exception {
        String target = "127.0.0.1:7740";
        long pid = -1;
        int connections = 1000;
        int sources = 1;
        int frame = 8 * 1024 * 1024;
        int prefill = -1;
        int interval = 3;
        int seconds = 60;
        int threads = 16;
        Role role = Role.CLIENT;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--target" -> target = args[++i];
                case "--pid" -> pid = Long.parseLong(args[++i]);
                case "--pid-file" -> pid = Long.parseLong(Files.readString(Path.of(args[++i])).trim());
                case "--connections" -> connections = Integer.parseInt(args[++i]);
                case "--sources" -> sources = Integer.parseInt(args[++i]);
                case "--frame" -> frame = Integer.parseInt(args[++i]);
                case "--prefill" -> prefill = Integer.parseInt(args[++i]);
                case "--interval" -> interval = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--peer" -> role = Role.PEER;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (pid < 0) {
            throw new IllegalArgumentException("--pid PID (or --pid-file karaf.pid) of the container is required");
        }
        if (prefill < 0) {
            prefill = frame - 64 * 1024;
        }
        int colon = target.lastIndexOf(':');
        InetSocketAddress address = new InetSocketAddress(target.substring(0, colon),
                Integer.parseInt(target.substring(colon + 1)));
        // 127.0.0.1, or that many addresses of 127.0.1.0/24 (loopback on Linux): the remote addresses the target sees
        List<InetAddress> from = new ArrayList<>();
        if (sources > 1) {
            for (int i = 0; i < sources; i++) {
                from.add(InetAddress.getByAddress(new byte[] {127, 0, 1, (byte) (1 + i)}));
            }
        }
        Path status = Path.of("/proc", Long.toString(pid), "status");
        System.out.printf(Locale.ROOT, "slowframes: %d connections to %s as %s from %s, frame %d bytes, %d sent at "
                + "once, then 1 byte every %d s for %d s; container pid %d%n", connections, address, role,
                sources > 1 ? sources + " addresses (127.0.1.1..)" : "127.0.0.1", frame, prefill, interval, seconds,
                pid);

        long before = rss(status);
        AtomicLong peak = new AtomicLong(before);
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                try {
                    peak.accumulateAndGet(rss(status), Math::max);
                    Thread.sleep(100);
                } catch (IOException | InterruptedException e) {
                    return;
                }
            }
        }, "rss-sampler");
        sampler.setDaemon(true);
        sampler.start();

        long t0 = System.nanoTime();
        SlowFrameAttacker.Tally held;
        try (SlowFrameAttacker attacker = new SlowFrameAttacker(address, from, role, frame, prefill)) {
            attacker.open(connections, threads);
            System.out.printf(Locale.ROOT, "t=%5.1fs opened: %s, rss %d MiB%n", secondsSince(t0), attacker.tally(),
                    rss(status) >> 20);
            long end = t0 + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < end) {
                Thread.sleep(TimeUnit.SECONDS.toMillis(interval));
                attacker.trickle();
                System.out.printf(Locale.ROOT, "t=%5.1fs %s, rss %d MiB, peak %d MiB%n", secondsSince(t0),
                        attacker.tally(), rss(status) >> 20, peak.get() >> 20);
            }
            held = attacker.tally();
        }
        Thread.sleep(10_000);
        long after = rss(status);
        sampling.set(false);
        sampler.join();
        System.out.printf(Locale.ROOT, "RESULT connections=%d opened=%d refused_at_once=%d closed_by_target=%d "
                + "still_open=%d sent=%d MiB rss_before=%d MiB rss_peak=%d MiB rss_after=%d MiB growth_peak=%d MiB "
                + "growth_after=%d MiB%n", connections, held.opened(), held.refusedAtOnce(), held.closedByTarget(),
                held.open(), held.bytesSent() >> 20, before >> 20, peak.get() >> 20, after >> 20,
                (peak.get() - before) >> 20, (after - before) >> 20);
    }

    private static double secondsSince(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    /** The process's resident set size in bytes, from {@code VmRSS} of {@code /proc/PID/status}. */
    static long rss(Path status) throws IOException {
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
                String[] f = line.trim().split("\\s+");
                return Long.parseLong(f[1]) * 1024;
            }
        }
        throw new IOException("no VmRSS in " + status);
    }
}
