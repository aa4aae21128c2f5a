package org.iceshare.itests.swarm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.peer.ConnectionInfo;
import org.iceshare.api.peer.LiveFeed;
import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.core.internal.peer.PeerEngine;
import org.iceshare.media.ogg.internal.OggFormat;
import org.iceshare.tracker.internal.TrackerSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One live swarm run, for the live tests and the live benchmark: a source plays a real Ogg file out
 * at real-time rate ({@link LiveFeeder}) into a swarm whose peers join at random moments, and the
 * peers' playback figures are collected at the end.
 */
public final class LiveSwarmRun {
    private static final Logger LOG = LoggerFactory.getLogger(LiveSwarmRun.class);

    private LiveSwarmRun() {
    }

    /**
     * The figures of one live run. {@code links*}: the other peers each listener had open connections to,
     * sampled every {@link #LINK_SAMPLE_MILLIS} ms over the run (the source's own separately): the mean over
     * listeners and samples, and the largest any listener had.
     */
    public record Figures(double suf, double minContinuity, double p50Continuity, long startupP50, long startupP95,
            long latencyP50, long latencyP95, int peers, int played, double linksMean, int linksMax,
            int sourceLinksMax) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d peers: SUF %.3f, continuity min %.4f p50 %.4f, startup p50 %d ms "
                    + "p95 %d ms, latency p50 %d ms p95 %d ms; %d played; peer links per listener mean %.1f max %d, "
                    + "source %d", peers, suf, minContinuity, p50Continuity, startupP50, startupP95, latencyP50,
                    latencyP95, played, linksMean, linksMax, sourceLinksMax);
        }
    }

    /** Peers joining at once, at most ({@code -Dlive.joinThreads}; 1 joins them one after the other). */
    static final int JOIN_THREADS = Integer.getInteger("live.joinThreads", 8);

    /** How often the run counts each peer's connections. */
    static final long LINK_SAMPLE_MILLIS = 2_000;

    /** Runs a live swarm: {@code peers} join at random moments in the first {@code joinSeconds}. */
    public static Figures run(Path root, Path media, int peers, int joinSeconds, int runSeconds) throws Exception {
        return run(root, media, peers, joinSeconds, runSeconds, TrackerSettings.loopback());
    }

    /** The same, with a tracker of these settings (a neighbourhood bound, say). */
    public static Figures run(Path root, Path media, int peers, int joinSeconds, int runSeconds,
            TrackerSettings trackerSettings) throws Exception {
        OggFormat format = new OggFormat(8 * 1024);
        try (SwarmFixture swarm = new SwarmFixture(root, trackerSettings, 8 * 1024)) {
            PeerEngine source = swarm.addPeer("source");
            LiveFeed feed = source.publishLive("radio.ogg", "audio/ogg", null, 30_000_000L).toCompletableFuture()
                    .get(60, TimeUnit.SECONDS);
            List<PeerEngine> joined = new CopyOnWriteArrayList<>();
            // several threads: a join (a peer starting, then its JOIN answered) takes a while on a loaded
            // machine, and one thread would queue the joins of hundreds of peers past their moments
            ScheduledExecutorService joins = Executors.newScheduledThreadPool(JOIN_THREADS);
            Random random = new Random(42);
            long[] linkSum = new long[1];
            long[] linkSamples = new long[1];
            int[] linkMax = new int[2];
            // a thread of its own: a join waits up to a minute on the joins' thread
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            sampler.scheduleWithFixedDelay(() -> {
                for (PeerEngine p : joined) {
                    int n = linkedPeers(p);
                    linkSum[0] += n;
                    linkSamples[0]++;
                    linkMax[0] = Math.max(linkMax[0], n);
                }
                linkMax[1] = Math.max(linkMax[1], linkedPeers(source));
            }, LINK_SAMPLE_MILLIS, LINK_SAMPLE_MILLIS, TimeUnit.MILLISECONDS);
            try (LiveFeeder feeder = new LiveFeeder(feed, media, format)) {
                feeder.start(1);
                long t0 = System.nanoTime();
                for (int i = 0; i < peers; i++) {
                    String name = "listener" + i;
                    joins.schedule(() -> {
                        try {
                            PeerEngine p = swarm.addPeer(name);
                            p.get(feed.url()).toCompletableFuture().get(60, TimeUnit.SECONDS);
                            joined.add(p);
                        } catch (Exception e) {
                            LOG.error("{} could not join", name, e);
                        }
                        return null;
                    }, random.nextInt(joinSeconds * 1000), TimeUnit.MILLISECONDS);
                }
                // the run lasts runSeconds of wall clock from the start of the stream
                joins.schedule(() -> null, t0 + TimeUnit.SECONDS.toNanos(runSeconds) - System.nanoTime(),
                        TimeUnit.NANOSECONDS).get();
                sampler.shutdownNow();
                sampler.awaitTermination(30, TimeUnit.SECONDS);
                if (joined.size() != peers) {
                    throw new IllegalStateException(joined.size() + " of " + peers + " peers joined");
                }
                List<Double> continuity = new ArrayList<>();
                List<Long> startup = new ArrayList<>();
                List<Long> latency = new ArrayList<>();
                int played = 0;
                for (PeerEngine p : joined) {
                    SwarmStatus s = p.swarms().get(0);
                    SwarmStatus.Quality q = s.quality();
                    LOG.debug("{}: {} verified {} window {} down {} up {} quality {}", p.name(), s.state(),
                            s.verified(), s.pieces(), s.downloaded(), s.uploaded(), q);
                    if (!s.live() || q.piecesDue() == 0) {
                        throw new IllegalStateException(p.name() + " played nothing: " + s);
                    }
                    if (q.piecesDue() > q.piecesLate()) {
                        played++;
                    }
                    continuity.add(q.continuity());
                    startup.add(q.startupMillis());
                    latency.add(q.latencyP95Millis());
                }
                Collections.sort(continuity);
                Collections.sort(startup);
                Collections.sort(latency);
                double suf = (double) feed.uploaded() / feed.streamed();
                return new Figures(suf, continuity.get(0), continuity.get(continuity.size() / 2),
                        startup.get(startup.size() / 2), percentile(startup, 95), latency.get(latency.size() / 2),
                        percentile(latency, 95), peers, played,
                        linkSamples[0] == 0 ? 0 : (double) linkSum[0] / linkSamples[0], linkMax[0], linkMax[1]);
            } finally {
                joins.shutdownNow();
                sampler.shutdownNow();
            }
        }
    }

    /** The other peers {@code p} has open connections to now (two connections to one peer count once). */
    public static int linkedPeers(PeerEngine p) {
        return (int) p.connections().stream().filter(c -> c.kind() == ConnectionInfo.Kind.PEER && c.peer() != null)
                .map(ConnectionInfo::peer).distinct().count();
    }

    static long percentile(List<Long> sorted, int p) {
        return sorted.get(Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

}
