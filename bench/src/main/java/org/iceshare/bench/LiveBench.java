package org.iceshare.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.sun.management.UnixOperatingSystemMXBean;

import org.iceshare.itests.swarm.LiveSwarmRun;
import org.iceshare.itests.swarm.TestMedia;
import org.iceshare.tracker.internal.TrackerSettings;

/**
 * The live swarm benchmark: a real Vorbis stream (oggenc, about 128 kbit/s) played out at real-time
 * rate by one source, N peers joining at random moments in the first seconds, in one JVM over
 * loopback sockets. Prints the source upload factor and the peers' continuity, startup and latency, the
 * other peers each listener was connected to, and what the process cost: CPU seconds, the peak of its open
 * file descriptors and of its resident memory (sampled every second), against its descriptor limit.
 * {@code --neighbours N} sets the tracker's neighbourhood bound (default 32).
 */
public final class LiveBench {
    private LiveBench() {
    }

    public static void main(String[] args) throws Exception {
        int peers = 100;
        int join = 10;
        int seconds = 60;
        int neighbours = TrackerSettings.DEFAULT_MAX_NEIGHBOURS;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--peers" -> peers = Integer.parseInt(args[++i]);
                case "--join" -> join = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--neighbours" -> neighbours = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path media = TestMedia.vorbis(seconds + 30, 4);
        System.out.printf(Locale.ROOT, "live swarm: 1 source + %d peers joining over %d s, %d s of %s (%d bytes), "
                + "%d cores%n", peers, join, seconds, media.getFileName(), Files.size(media),
                Runtime.getRuntime().availableProcessors());
        Path root = Files.createTempDirectory("iceshare-live-bench");
        ProcessCost cost = ProcessCost.start();
        LiveSwarmRun.Figures f;
        try {
            f = LiveSwarmRun.run(root, media, peers, join, seconds,
                    TrackerSettings.loopback().withMaxNeighbours(neighbours));
        } catch (Exception e) {
            // a peer whose start was cut short by the end of the run may keep threads alive: exit anyway
            e.printStackTrace();
            System.exit(1);
            return;
        } finally {
            cost.stop();
        }
        System.out.printf(Locale.ROOT, "RESULT peers=%d neighbours=%d suf=%.3f continuity_min=%.4f "
                + "continuity_p50=%.4f startup_p50=%dms startup_p95=%dms latency_p50=%dms latency_p95=%dms "
                + "links_mean=%.1f links_max=%d source_links_max=%d cpu=%.1fs fds_max=%d fd_limit=%d "
                + "rss_max=%dMB%n", f.peers(), neighbours, f.suf(), f.minContinuity(), f.p50Continuity(),
                f.startupP50(), f.startupP95(), f.latencyP50(), f.latencyP95(), f.linksMean(), f.linksMax(),
                f.sourceLinksMax(), cost.cpuSeconds(), cost.fdsMax(), cost.fdLimit(), cost.rssMaxBytes() >> 20);
        System.exit(0);
    }

    /** The process's CPU time, and the peaks of its open descriptors and resident memory, sampled every second. */
    static final class ProcessCost {
        private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        private final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        private final long cpuAtStart;
        private volatile long fdsMax;
        private volatile long rssMax;
        private long cpuNanos;

        private ProcessCost() {
            cpuAtStart = cpuNanos();
        }

        static ProcessCost start() {
            ProcessCost c = new ProcessCost();
            c.sampler.scheduleAtFixedRate(c::sample, 0, 1, TimeUnit.SECONDS);
            return c;
        }

        private void sample() {
            if (os instanceof UnixOperatingSystemMXBean unix) {
                fdsMax = Math.max(fdsMax, unix.getOpenFileDescriptorCount());
            }
            rssMax = Math.max(rssMax, rss());
        }

        void stop() throws InterruptedException {
            sample();
            sampler.shutdownNow();
            sampler.awaitTermination(10, TimeUnit.SECONDS);
            cpuNanos = cpuNanos() - cpuAtStart;
            // the kernel's own peak of the resident set, in case a spike fell between two samples
            rssMax = Math.max(rssMax, status("VmHWM:"));
        }

        double cpuSeconds() {
            return cpuNanos / 1e9;
        }

        long fdsMax() {
            return fdsMax;
        }

        long fdLimit() {
            return os instanceof UnixOperatingSystemMXBean unix ? unix.getMaxFileDescriptorCount() : -1;
        }

        long rssMaxBytes() {
            return rssMax;
        }

        private long cpuNanos() {
            return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
        }

        private static long rss() {
            return status("VmRSS:");
        }

        /** A field of /proc/self/status in bytes (it is given in kB), 0 where there is none. */
        private static long status(String field) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith(field)) {
                        return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]) * 1024;
                    }
                }
            } catch (IOException | RuntimeException e) {
                return 0;
            }
            return 0;
        }
    }
}
