package org.iceshare.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.core.internal.peer.PeerEngine;
import org.iceshare.core.internal.storage.PieceStore;
import org.iceshare.itests.swarm.SwarmFixture;
import org.iceshare.itests.swarm.TestMedia;
import org.iceshare.tracker.internal.TrackerSettings;

/**
 * The file swarm benchmark: 1 source and N peers in one JVM over real loopback sockets, fetching a
 * real Ogg file (Ogg FLAC of white noise, made by ffmpeg and flac) of the size asked for. Reports
 * completion time, the source upload factor and the bytes moved, and, as the baseline measured in
 * the same run, plain unicast: the source sends the file over N loopback TCP connections at once
 * (what a streaming server does) to receivers that write it to disk.
 *
 * <p>With {@code --libtorrent}, each run also measures libtorrent 2.0.8 on the same file, with the same N
 * and piece size: {@code bench/baselines/libtorrent_swarm.py} (1 seeder + N downloaders in one Python
 * process on loopback; its header explains the settings) run by the system {@code /usr/bin/python3}, which
 * {@code bench/baselines/install.sh} equips with the Debian {@code python3-libtorrent} module.
 */
public final class SwarmBench {
    private int peers = 50;
    private int sizeMiB = 64;
    private int pieceKiB = 256;
    private int runs = 1;
    private boolean baseline = true;
    private boolean libtorrent = false;
    private Path baselines = Path.of("bench/baselines");
    /** The tracker's planner (its planner.name). */
    private String planner = "rarest";
    /**
     * 0: no upload caps. Otherwise the issue #11 heterogeneous profile in the engine's own token buckets: a fifth
     * of the peers at 4x this many KiB/s, about half at 1.5x, the rest at 0.5x; the source at twice the mean.
     */
    private int heteroKiB;

    /** The system Python: the Debian libtorrent module is invisible to a pyenv python3. */
    private static final String PYTHON = "/usr/bin/python3";

    public static void main(String[] args) throws Exception {
        SwarmBench b = new SwarmBench();
        b.parse(args);
        b.run();
    }

    private void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--peers" -> peers = Integer.parseInt(args[++i]);
                case "--size-mib" -> sizeMiB = Integer.parseInt(args[++i]);
                case "--piece-kib" -> pieceKiB = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--no-baseline" -> baseline = false;
                case "--libtorrent" -> libtorrent = true;
                case "--baselines" -> baselines = Path.of(args[++i]);
                case "--planner" -> planner = args[++i];
                case "--hetero" -> heteroKiB = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (peers < 1 || sizeMiB < 1 || runs < 1 || pieceKiB < 16) {
            throw new IllegalArgumentException("peers, size and runs must be >= 1, piece >= 16 KiB");
        }
    }

    private void run() throws Exception {
        Path script = libtorrent ? libtorrentScript() : null;
        Path media = TestMedia.flac(sizeMiB);
        long size = Files.size(media);
        System.out.printf(Locale.ROOT, "file swarm: 1 source + %d peers, %s (%d bytes, Ogg FLAC), pieces %d KiB, "
                + "%d run(s), %d cores; planner %s, %s%n", peers, media.getFileName(), size, pieceKiB, runs,
                Runtime.getRuntime().availableProcessors(), planner,
                heteroKiB > 0 ? "heterogeneous upload caps around " + heteroKiB + " KiB/s" : "no upload caps");
        double[] times = new double[runs];
        double[] sufs = new double[runs];
        double[] baseTimes = new double[runs];
        double[] ltTimes = new double[runs];
        double[] ltSufs = new double[runs];
        for (int r = 0; r < runs; r++) {
            Result res = swarmRun(media, size);
            times[r] = res.seconds;
            sufs[r] = res.suf;
            System.out.printf(Locale.ROOT, "run %d: all %d peers complete in %.2f s (first %.2f s, median %.2f s); "
                    + "source upload factor %.3f; bytes moved %d (%.2f GiB, %.0f MiB/s aggregate); %d pieces%n",
                    r + 1, peers, res.seconds, res.first, res.median, res.suf, res.moved, res.moved / 1073741824.0,
                    res.moved / 1048576.0 / res.seconds, res.pieces);
            if (baseline) {
                baseTimes[r] = unicast(media, size);
                System.out.printf(Locale.ROOT, "run %d: baseline unicast to %d receivers: %.2f s (source upload "
                        + "factor %d)%n", r + 1, peers, baseTimes[r], peers);
            }
            if (libtorrent) {
                Libtorrent lt = libtorrentRun(script, media, r + 1);
                ltTimes[r] = lt.seconds;
                ltSufs[r] = lt.suf;
                System.out.printf(Locale.ROOT, "run %d: libtorrent: %.2f s, source upload factor %.3f; "
                        + "IceShare/libtorrent time %.2f%n", r + 1, lt.seconds, lt.suf, res.seconds / lt.seconds);
            }
        }
        double t = median(times);
        System.out.printf(Locale.ROOT, "RESULT peers=%d size=%dMiB piece=%dKiB completion_median=%.2fs suf_median=%.3f",
                peers, sizeMiB, pieceKiB, t, median(sufs));
        if (baseline) {
            double b = median(baseTimes);
            System.out.printf(Locale.ROOT, " unicast_median=%.2fs ratio=%.2f", b, t / b);
        }
        if (libtorrent) {
            double l = median(ltTimes);
            System.out.printf(Locale.ROOT, " libtorrent_median=%.2fs libtorrent_suf_median=%.3f ratio_libtorrent=%.2f",
                    l, median(ltSufs), t / l);
        }
        System.out.println();
    }

    /** Finds the libtorrent baseline script and checks that the system Python can import libtorrent. */
    private Path libtorrentScript() throws IOException, InterruptedException {
        Path script = baselines.resolve("libtorrent_swarm.py");
        String install = "; run " + baselines.resolve("install.sh") + " to install it";
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException("no libtorrent baseline script at " + script.toAbsolutePath()
                    + " (run from the repository root or pass --baselines DIR)");
        }
        if (!Files.isExecutable(Path.of(PYTHON))) {
            throw new IllegalStateException(PYTHON + " is missing" + install);
        }
        Process p = new ProcessBuilder(PYTHON, "-c", "import libtorrent").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(PYTHON + " has no libtorrent module" + install + " (" + out + ")");
        }
        return script;
    }

    private record Libtorrent(double seconds, double suf, long moved) {
    }

    /**
     * Runs the libtorrent baseline on the same file with the same N and piece size, echoing its output,
     * and reads its {@code LIBTORRENT key=value ...} line. The script enforces its own timeout.
     */
    private Libtorrent libtorrentRun(Path script, Path media, int run) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory("iceshare-libtorrent");
        try {
            Process p = new ProcessBuilder(PYTHON, script.toString(), media.toString(), Integer.toString(peers),
                    Integer.toString(pieceKiB), work.toString()).redirectErrorStream(true).start();
            Map<String, String> result = null;
            try (BufferedReader out = p.inputReader()) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    System.out.println("run " + run + ": " + line);
                    if (line.startsWith("LIBTORRENT ")) {
                        result = new HashMap<>();
                        for (String field : line.substring("LIBTORRENT ".length()).split(" ")) {
                            String[] kv = field.split("=", 2);
                            result.put(kv[0], kv.length > 1 ? kv[1] : "");
                        }
                    }
                }
            }
            int exit = p.waitFor();
            if (exit != 0 || result == null) {
                throw new IllegalStateException("the libtorrent baseline failed (exit " + exit + "); see its output above");
            }
            return new Libtorrent(Double.parseDouble(result.get("seconds")), Double.parseDouble(result.get("suf")),
                    Long.parseLong(result.get("moved")));
        } finally {
            delete(work);
        }
    }

    private record Result(double seconds, double first, double median, double suf, long moved, int pieces) {
    }

    private Result swarmRun(Path media, long size) throws Exception {
        Path root = Files.createTempDirectory("iceshare-bench");
        try (SwarmFixture swarm = new SwarmFixture(root, TrackerSettings.loopback(), pieceKiB * 1024)) {
            swarm.planner(SwarmFixture.plannerNamed(planner));
            long[] caps = new long[peers];
            double mean = 0;
            for (int i = 0; i < peers && heteroKiB > 0; i++) {
                double f = i < Math.round(peers * 0.2) ? 4 : i < Math.round(peers * 0.68) ? 1.5 : 0.5;
                caps[i] = (long) (f * heteroKiB * 1024);
                mean += caps[i] / (double) peers;
            }
            long sourceCap = (long) (2 * mean);
            PeerEngine source = swarm.addPeer("source", s -> s.withUploadRate(sourceCap));
            IcetUrl url = source.publish(media, media.getFileName().toString(), null).toCompletableFuture()
                    .get(5, TimeUnit.MINUTES);
            ContentId content = source.swarms().get(0).content();
            List<PeerEngine> list = new ArrayList<>();
            for (int i = 0; i < peers; i++) {
                long cap = caps[i];
                list.add(swarm.addPeer("peer" + i, s -> s.withUploadRate(cap)));
            }
            long start = System.nanoTime();
            for (PeerEngine p : list) {
                p.get(url);
            }
            double[] done = new double[peers];
            Arrays.fill(done, -1);
            int remaining = peers;
            long deadline = start + TimeUnit.MINUTES.toNanos(10);
            while (remaining > 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(remaining + " peers did not complete in 10 minutes");
                }
                for (int i = 0; i < peers; i++) {
                    if (done[i] < 0) {
                        PieceStore s = list.get(i).store(content);
                        if (s != null && s.isComplete()) {
                            done[i] = (System.nanoTime() - start) / 1e9;
                            remaining--;
                        }
                    }
                }
                TimeUnit.MILLISECONDS.sleep(5);
            }
            double all = Arrays.stream(done).max().orElse(0);
            SwarmStatus src = source.swarms().get(0);
            long moved = 0;
            for (PeerEngine p : list) {
                moved += p.swarm(content).map(SwarmStatus::downloaded).orElse(0L);
            }
            for (PeerEngine p : list) {
                if (!SwarmFixture.sameBytes(media, swarm.dataFile(p, content))) {
                    throw new IllegalStateException("copy at " + p.name() + " differs from the file");
                }
            }
            return new Result(all, Arrays.stream(done).min().orElse(0), median(done), (double) src.uploaded() / size,
                    moved, src.pieces());
        } finally {
            delete(root);
        }
    }

    /** The baseline: the source streams the file to every receiver over its own TCP connection, all at once. */
    private double unicast(Path media, long size) throws Exception {
        Path root = Files.createTempDirectory("iceshare-unicast");
        ExecutorService pool = Executors.newFixedThreadPool(2 * peers);
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0), peers);
            InetSocketAddress addr = (InetSocketAddress) server.getLocalAddress();
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> jobs = new ArrayList<>();
            for (int i = 0; i < peers; i++) {
                Path out = root.resolve("copy" + i);
                jobs.add(pool.submit(() -> {
                    go.await();
                    try (SocketChannel c = SocketChannel.open(addr);
                            FileChannel f = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 18);
                        long got = 0;
                        while (c.read(buf) >= 0) {
                            buf.flip();
                            got += f.write(buf);
                            buf.clear();
                        }
                        if (got != size) {
                            throw new IOException("receiver got " + got + " of " + size + " bytes");
                        }
                    }
                    return null;
                }));
                jobs.add(pool.submit(() -> {
                    try (SocketChannel c = server.accept();
                            FileChannel f = FileChannel.open(media, StandardOpenOption.READ)) {
                        long pos = 0;
                        while (pos < size) {
                            pos += f.transferTo(pos, size - pos, c);
                        }
                    }
                    return null;
                }));
            }
            long start = System.nanoTime();
            go.countDown();
            for (Future<?> j : jobs) {
                j.get(10, TimeUnit.MINUTES);
            }
            return (System.nanoTime() - start) / 1e9;
        } finally {
            pool.shutdownNow();
            delete(root);
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    public static void delete(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
