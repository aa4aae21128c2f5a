package org.iceshare.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.core.internal.peer.PeerEngine;
import org.iceshare.core.internal.storage.PieceStore;
import org.iceshare.itests.swarm.SwarmFixture;
import org.iceshare.itests.swarm.TestMedia;
import org.iceshare.tracker.internal.TrackerSettings;

/**
 * The single verified pair: 1 source and 1 peer in one JVM over a real loopback socket (the shared Netty
 * TCP transport of {@link SwarmFixture}), moving one large real Ogg file (Ogg FLAC of white noise). The
 * peer verifies every piece with SHA-256 and writes it to its own storage; the run checks the copy is
 * byte-identical.
 *
 * <p>Measured in the same run, so every ratio compares figures taken under the same load:
 * <ul>
 * <li><b>the pair</b>: from the peer's {@code get} until its store is complete, in MiB/s of file bytes;</li>
 * <li><b>a socat relay</b>: one socat reads the file and writes it to a loopback TCP socket, a second
 * writes what it reads to a file ({@code socat -u -b 262144 OPEN:file TCP:...} into {@code socat -u -b 262144
 * TCP-LISTEN:... CREATE:copy}), with a 256 KiB transfer block (a piece); the target ratio is against this
 * relay. With socat's default 8 KiB block the relay is several times slower on loopback, so that one is
 * printed too, but only for reference;</li>
 * <li><b>one core's SHA-256</b>: {@code MessageDigest} over the file's bytes (read into a 1 MiB heap
 * array first, so only the hashing is timed);</li>
 * <li><b>heap allocated per byte moved</b>: the sum over all live threads of
 * {@code com.sun.management.ThreadMXBean.getThreadAllocatedBytes} at the end less at the start of the
 * transfer (a thread that ends during the transfer is not counted; the transport's and peers' threads
 * all live longer), divided by the file's size;</li>
 * <li><b>CPU</b>: the process's CPU time during the transfer, per GiB moved.</li>
 * </ul>
 */
public final class PairBench {
    private int sizeMiB = 512;
    private int pieceKiB = 256;
    private int runs = 3;
    private int warmup = 1;
    private long uploadRate;

    private static final double MIB = 1024.0 * 1024;

    public static void main(String[] args) throws Exception {
        PairBench b = new PairBench();
        b.parse(args);
        b.run();
    }

    private void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--size-mib" -> sizeMiB = Integer.parseInt(args[++i]);
                case "--piece-kib" -> pieceKiB = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--upload-mib-s" -> uploadRate = (long) (Double.parseDouble(args[++i]) * MIB);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (sizeMiB < 1 || runs < 1 || warmup < 0 || pieceKiB < 16) {
            throw new IllegalArgumentException("size and runs must be >= 1, warmup >= 0, piece >= 16 KiB");
        }
    }

    private void run() throws Exception {
        checkSocat();
        Path media = TestMedia.flac(sizeMiB);
        long size = Files.size(media);
        System.out.printf(Locale.ROOT, "single verified pair: 1 source + 1 peer, %s (%d bytes, Ogg FLAC), pieces %d KiB, "
                + "%d run(s) after %d warm-up, %d cores%s%n", media.getFileName(), size, pieceKiB, runs, warmup,
                Runtime.getRuntime().availableProcessors(),
                uploadRate > 0 ? String.format(Locale.ROOT, ", upload cap %.1f MiB/s", uploadRate / MIB) : "");
        for (int w = 0; w < warmup; w++) {
            Pair p = pair(media, size);
            System.out.printf(Locale.ROOT, "warm-up %d: pair %.0f MiB/s%n", w + 1, size / MIB / p.seconds);
        }
        double[] pairRate = new double[runs];
        double[] socatRate = new double[runs];
        double[] socatSmallRate = new double[runs];
        double[] shaRate = new double[runs];
        double[] vsSocat = new double[runs];
        double[] vsSocatSmall = new double[runs];
        double[] vsSha = new double[runs];
        double[] heapPerByte = new double[runs];
        double[] cpuPerGiB = new double[runs];
        for (int r = 0; r < runs; r++) {
            shaRate[r] = sha256(media, size);
            Pair p = pair(media, size);
            pairRate[r] = size / MIB / p.seconds;
            socatRate[r] = size / MIB / socat(media, size, "262144");
            socatSmallRate[r] = size / MIB / socat(media, size, null);
            vsSocat[r] = pairRate[r] / socatRate[r];
            vsSocatSmall[r] = pairRate[r] / socatSmallRate[r];
            vsSha[r] = pairRate[r] / shaRate[r];
            heapPerByte[r] = (double) p.allocated / size;
            cpuPerGiB[r] = p.cpuSeconds / (size / (MIB * 1024));
            System.out.printf(Locale.ROOT, "run %d: pair %.2f s = %.0f MiB/s; socat relay %.0f MiB/s (default 8 KiB block: %.0f); "
                    + "SHA-256 one core %.0f MiB/s; pair/socat %.2f (%.2f); pair/SHA-256 %.2f; heap allocated %.1f MiB "
                    + "= %.3f B per byte moved; CPU %.2f s per GiB%n", r + 1, p.seconds, pairRate[r], socatRate[r],
                    socatSmallRate[r], shaRate[r], vsSocat[r], vsSocatSmall[r], vsSha[r], p.allocated / MIB,
                    heapPerByte[r], cpuPerGiB[r]);
            System.out.printf(Locale.ROOT, "run %d: CPU s / heap MiB by thread: %s%n", r + 1, p.where);
        }
        System.out.printf(Locale.ROOT, "RESULT pair size=%dMiB piece=%dKiB pair_median=%.0fMiB/s socat_median=%.0fMiB/s "
                + "socat_b8k_median=%.0fMiB/s sha256_median=%.0fMiB/s ratio_socat_median=%.2f "
                + "ratio_socat_b8k_median=%.2f ratio_sha256_median=%.2f heap_per_byte_median=%.3f "
                + "cpu_s_per_gib_median=%.2f%n", sizeMiB, pieceKiB, median(pairRate), median(socatRate),
                median(socatSmallRate), median(shaRate), median(vsSocat), median(vsSocatSmall), median(vsSha),
                median(heapPerByte), median(cpuPerGiB));
    }

    private record Pair(double seconds, long allocated, double cpuSeconds, String where) {
    }

    /** CPU time each live thread has used so far, by thread id. */
    private static Map<Long, Long> threadCpu() {
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<Long, Long> out = new HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            long t = threads.getThreadCpuTime(id);
            if (t >= 0) {
                out.put(id, t);
            }
        }
        return out;
    }

    /** CPU seconds and heap MiB during the transfer by kind of thread (the name without its numbers). */
    private static String cpuByRole(Map<Long, Long> cpuBefore, Map<Long, Long> cpuAfter, Map<Long, Long> heapBefore,
            Map<Long, Long> heapAfter) {
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, double[]> roles = new java.util.TreeMap<>();
        for (Map.Entry<Long, Long> e : cpuAfter.entrySet()) {
            java.lang.management.ThreadInfo info = threads.getThreadInfo(e.getKey());
            if (info == null) {
                continue;
            }
            String role = info.getThreadName().replaceAll("[0-9]+", "N");
            double[] v = roles.computeIfAbsent(role, r -> new double[2]);
            v[0] += (e.getValue() - cpuBefore.getOrDefault(e.getKey(), 0L)) / 1e9;
            v[1] += (heapAfter.getOrDefault(e.getKey(), 0L) - heapBefore.getOrDefault(e.getKey(), 0L)) / MIB;
        }
        StringBuilder b = new StringBuilder();
        roles.entrySet().stream().filter(e -> e.getValue()[0] >= 0.05 || e.getValue()[1] >= 1)
                .sorted((x, y) -> Double.compare(y.getValue()[0], x.getValue()[0]))
                .forEach(e -> b.append(String.format(Locale.ROOT, " %s %.2fs/%.0fMiB", e.getKey(), e.getValue()[0],
                        e.getValue()[1])));
        return b.toString().trim();
    }

    private Pair pair(Path media, long size) throws Exception {
        Path root = Files.createTempDirectory("iceshare-pair");
        try (SwarmFixture swarm = new SwarmFixture(root, TrackerSettings.loopback(), pieceKiB * 1024)) {
            PeerEngine source = swarm.addPeer("source", s -> s.withUploadRate(uploadRate));
            IcetUrl url = source.publish(media, media.getFileName().toString(), null).toCompletableFuture()
                    .get(10, TimeUnit.MINUTES);
            ContentId content = source.swarms().get(0).content();
            PeerEngine peer = swarm.addPeer("peer");
            System.gc();
            Map<Long, Long> heapBefore = allocated();
            Map<Long, Long> cpuByThreadBefore = threadCpu();
            long cpuBefore = cpuNanos();
            long start = System.nanoTime();
            peer.get(url);
            long deadline = start + TimeUnit.MINUTES.toNanos(10);
            while (true) {
                PieceStore s = peer.store(content);
                if (s != null && s.isComplete()) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the peer did not complete in 10 minutes");
                }
                TimeUnit.MILLISECONDS.sleep(2);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpu = (cpuNanos() - cpuBefore) / 1e9;
            Map<Long, Long> heapAfter = allocated();
            String where = cpuByRole(cpuByThreadBefore, threadCpu(), heapBefore, heapAfter);
            long allocated = 0;
            for (Map.Entry<Long, Long> e : heapAfter.entrySet()) {
                allocated += e.getValue() - heapBefore.getOrDefault(e.getKey(), 0L);
            }
            if (!SwarmFixture.sameBytes(media, swarm.dataFile(peer, content))) {
                throw new IllegalStateException("the peer's copy differs from the file");
            }
            return new Pair(seconds, allocated, cpu, where);
        } finally {
            SwarmBench.delete(root);
        }
    }

    /** Bytes each live thread has allocated on the heap so far, by thread id. */
    private static Map<Long, Long> allocated() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] ids = threads.getAllThreadIds();
        long[] bytes = threads.getThreadAllocatedBytes(ids);
        Map<Long, Long> out = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (bytes[i] >= 0) {
                out.put(ids[i], bytes[i]);
            }
        }
        return out;
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** One core's SHA-256 speed in MiB/s: only the digest calls are timed, over the file read in 1 MiB. */
    private static double sha256(Path media, long size) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] block = new byte[1 << 20];
        ByteBuffer buf = ByteBuffer.wrap(block);
        long hashing = 0;
        try (FileChannel f = FileChannel.open(media, StandardOpenOption.READ)) {
            long pos = 0;
            while (pos < size) {
                buf.clear();
                int n = f.read(buf, pos);
                if (n < 0) {
                    break;
                }
                pos += n;
                long t = System.nanoTime();
                md.update(block, 0, n);
                hashing += System.nanoTime() - t;
            }
        }
        md.digest();
        return size / MIB / (hashing / 1e9);
    }

    private static void checkSocat() throws IOException, InterruptedException {
        try {
            Process p = new ProcessBuilder("socat", "-V").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (p.waitFor() == 0) {
                return;
            }
        } catch (IOException e) {
            // not installed: said below
        }
        throw new IllegalStateException("socat is missing; run bench/baselines/install.sh");
    }

    /**
     * The socat relay: seconds to move the file from disk, through a loopback TCP connection, to a file.
     * The clock starts when the sender is launched (the receiver already listens) and stops when both exited.
     *
     * @param block socat's {@code -b} transfer block size, or null for its default (8192)
     */
    private static double socat(Path media, long size, String block) throws Exception {
        Path dir = Files.createTempDirectory("iceshare-socat");
        Path copy = dir.resolve("copy");
        int port;
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            port = s.getLocalPort();
        }
        List<String> recv = new ArrayList<>(List.of("socat", "-u"));
        List<String> send = new ArrayList<>(List.of("socat", "-u"));
        if (block != null) {
            recv.addAll(List.of("-b", block));
            send.addAll(List.of("-b", block));
        }
        recv.addAll(List.of("TCP-LISTEN:" + port + ",bind=127.0.0.1,reuseaddr", "CREATE:" + copy));
        send.addAll(List.of("OPEN:" + media + ",rdonly", "TCP:127.0.0.1:" + port + ",retry=100,interval=0.01"));
        Process receiver = new ProcessBuilder(recv).redirectErrorStream(true).start();
        try {
            awaitListening(port);
            long start = System.nanoTime();
            Process sender = new ProcessBuilder(send).redirectErrorStream(true).start();
            String sent = new String(sender.getInputStream().readAllBytes());
            if (!sender.waitFor(10, TimeUnit.MINUTES) || sender.exitValue() != 0) {
                throw new IllegalStateException("socat sender failed: " + sent);
            }
            if (!receiver.waitFor(10, TimeUnit.MINUTES) || receiver.exitValue() != 0) {
                throw new IllegalStateException("socat receiver failed: " + new String(receiver.getInputStream()
                        .readAllBytes()));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (Files.size(copy) != size) {
                throw new IllegalStateException("socat moved " + Files.size(copy) + " of " + size + " bytes");
            }
            return seconds;
        } finally {
            receiver.destroy();
            SwarmBench.delete(dir);
        }
    }

    /** Waits until the receiver listens, reading the kernel's table rather than connecting (that would be served). */
    private static void awaitListening(int port) throws IOException, InterruptedException {
        String local = String.format(Locale.ROOT, ":%04X ", port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            for (String line : Files.readAllLines(Path.of("/proc/net/tcp"))) {
                String[] f = line.trim().split("\\s+");
                // local_address is field 1, state field 3 (0A = LISTEN)
                if (f.length > 3 && (f[1] + " ").endsWith(local) && f[3].equals("0A")) {
                    return;
                }
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
        throw new IllegalStateException("socat did not listen on port " + port);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
