package org.iceshare.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.core.internal.peer.PeerEngine;
import org.iceshare.core.internal.storage.PieceStore;
import org.iceshare.itests.swarm.Hostiles;
import org.iceshare.itests.swarm.SwarmFixture;
import org.iceshare.itests.swarm.TestMedia;
import org.iceshare.tracker.internal.Sanction;
import org.iceshare.tracker.internal.TrackerSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hostile-swarm benchmark (issue "Trust nobody"): 1 source and N honest peers in one JVM over real
 * loopback sockets, with H hostile members among them (default 20 + 5: 20% of the peers), and the same swarm
 * without them, measured in the same run, alternating which goes first. The hostile kinds are mixed round
 * robin: false claims (every piece claimed, a dead port), bit flips (a real peer that fetched the file before
 * the clock started and whose disk was then altered), false reports (FETCH_FAILED and BAD_PIECE against
 * whoever it is assigned, BAD_PIECE against the source), impersonation (HELLOs with the source's key at the
 * tracker and at the peers) and stalls (every piece claimed; it takes requests and never answers).
 *
 * <p>Reports per repetition the honest peers' completion (max, median) with and without the attackers and
 * the ratio, corrupt pieces the honest peers received and rejected, corrupt bytes in their copies (must be
 * 0: each copy is compared with the file), and when the tracker demoted, banned or refused each liar (from
 * its sanction listener, in the same JVM).
 */
public final class HostileBench {
    private static final Logger LOG = LoggerFactory.getLogger(HostileBench.class);
    private static final List<String> ALL_KINDS = List.of("false claims", "bit flips", "false reports",
            "impersonation", "stall");

    private int honest = 20;
    private int hostile = 5;
    private int sizeMiB = 64;
    private int pieceKiB = 256;
    private int runs = 3;
    /** Swarms run first and not reported: the JIT compiles the hot paths in the first one. */
    private int warmup = 1;
    /** The kinds mixed round robin among the hostile members. */
    private List<String> mix = ALL_KINDS;

    public static void main(String[] args) throws Exception {
        HostileBench b = new HostileBench();
        b.parse(args);
        b.run();
    }

    private void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--honest" -> honest = Integer.parseInt(args[++i]);
                case "--hostile" -> hostile = Integer.parseInt(args[++i]);
                case "--size-mib" -> sizeMiB = Integer.parseInt(args[++i]);
                case "--piece-kib" -> pieceKiB = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--kinds" -> mix = kinds(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (honest < 1 || hostile < 0 || sizeMiB < 1 || runs < 1 || pieceKiB < 16) {
            throw new IllegalArgumentException("honest, size and runs must be >= 1, hostile >= 0, piece >= 16 KiB");
        }
    }

    private void run() throws Exception {
        Path media = TestMedia.flac(sizeMiB);
        long size = Files.size(media);
        System.out.printf(Locale.ROOT, "hostile swarm: 1 source + %d honest + %d hostile (%.0f%% of the peers: %s), "
                + "%s (%d bytes), pieces %d KiB, %d repetition(s), %d cores%n", honest, hostile,
                100.0 * hostile / (honest + hostile), String.join(", ", kinds()), media.getFileName(), size, pieceKiB,
                runs, Runtime.getRuntime().availableProcessors());
        for (int w = 0; w < warmup; w++) {
            Result warm = swarmRun(media, false);
            System.out.printf(Locale.ROOT, "warm-up %d (not counted): without attackers all %d complete in %.2f s%n",
                    w + 1, honest, warm.max);
        }
        double[] ratiosMax = new double[runs];
        double[] ratiosMedian = new double[runs];
        long corruptBytes = 0;
        List<String> never = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            // alternate which goes first: the JVM warms up during the first swarm of a repetition
            Result clean;
            Result attacked;
            if (r % 2 == 0) {
                clean = swarmRun(media, false);
                attacked = swarmRun(media, true);
            } else {
                attacked = swarmRun(media, true);
                clean = swarmRun(media, false);
            }
            ratiosMax[r] = attacked.max / clean.max;
            ratiosMedian[r] = attacked.median / clean.median;
            corruptBytes += attacked.corruptBytes + clean.corruptBytes;
            System.out.printf(Locale.ROOT, "rep %d (%s first): without attackers all %d complete in %.2f s (median "
                    + "%.2f s, SUF %.3f); with %d attackers %.2f s (median %.2f s, SUF %.3f); ratio max %.2f, median "
                    + "%.2f; corrupt pieces received and rejected %d; corrupt bytes in honest copies %d; honest members "
                    + "demoted or banned %d%n", r + 1, r % 2 == 0 ? "clean" : "attacked", honest, clean.max, clean.median,
                    clean.suf, hostile, attacked.max, attacked.median, attacked.suf, ratiosMax[r], ratiosMedian[r],
                    attacked.rejected, attacked.corruptBytes, attacked.honestSanctioned);
            for (Liar l : attacked.liars) {
                System.out.printf(Locale.ROOT, "rep %d:   %-14s %-10s %s%n", r + 1, l.kind, l.who, l.outcome);
                if (l.outcome.startsWith("never")) {
                    never.add(l.kind);
                }
            }
        }
        System.out.printf(Locale.ROOT, "RESULT honest=%d hostile=%d size=%dMiB piece=%dKiB ratio_max_median=%.2f "
                + "ratio_max_worst=%.2f ratio_median_median=%.2f corrupt_bytes=%d liars_never_sanctioned=%d%n", honest,
                hostile, sizeMiB, pieceKiB, median(ratiosMax), Arrays.stream(ratiosMax).max().orElse(0),
                median(ratiosMedian), corruptBytes, never.size());
    }

    private List<String> kinds() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < hostile; i++) {
            out.add(mix.get(i % mix.size()));
        }
        return out;
    }

    /** {@code claims,flips,reports,impostor,stall} (any of them, in any order) to the kinds' names. */
    private static List<String> kinds(String list) {
        List<String> out = new ArrayList<>();
        for (String k : list.split(",")) {
            out.add(switch (k.trim()) {
                case "claims" -> "false claims";
                case "flips" -> "bit flips";
                case "reports" -> "false reports";
                case "impostor" -> "impersonation";
                case "stall" -> "stall";
                default -> throw new IllegalArgumentException("unknown kind " + k
                        + " (claims, flips, reports, impostor, stall)");
            });
        }
        return out;
    }

    private record Liar(String kind, String who, String outcome) {
    }

    private record Result(double max, double median, double suf, long rejected, long corruptBytes,
            int honestSanctioned, List<Liar> liars) {
    }

    private Result swarmRun(Path media, boolean attacked) throws Exception {
        Path root = Files.createTempDirectory("iceshare-hostile");
        List<Hostiles.Hostile> attackers = new ArrayList<>();
        try (SwarmFixture swarm = new SwarmFixture(root, TrackerSettings.loopback(), pieceKiB * 1024)) {
            PeerEngine source = swarm.addPeer("source");
            String name = media.getFileName().toString();
            IcetUrl url = source.publish(media, name, null).toCompletableFuture().get(5, TimeUnit.MINUTES);
            ContentId content = source.swarms().get(0).content();
            List<String> kinds = attacked ? kinds() : List.of();

            // bit flippers are real peers that fetched the file honestly before the clock starts (the tracker
            // has evidence they serve), then their disks serve flipped bits
            List<PeerEngine> flippers = new ArrayList<>();
            for (int i = 0; i < kinds.size(); i++) {
                if (kinds.get(i).equals("bit flips")) {
                    PeerEngine f = swarm.addPeer("flipper" + i);
                    f.get(url).toCompletableFuture().get(60, TimeUnit.SECONDS);
                    waitComplete(List.of(f), content, TimeUnit.MINUTES.toNanos(5));
                    Hostiles.flipBits(swarm.dataFile(f, content));
                    flippers.add(f);
                }
            }
            List<PeerEngine> peers = new ArrayList<>();
            for (int i = 0; i < honest; i++) {
                peers.add(swarm.addPeer("peer" + i));
            }
            Map<PeerId, Sanction> firstSanction = new ConcurrentHashMap<>();
            // demotions and bans only (a refused report of an honest member is a race with a ban, not a sanction)
            Map<PeerId, Sanction> takenDown = new ConcurrentHashMap<>();
            List<Sanction> impostorRefusals = new CopyOnWriteArrayList<>();
            long sourceBefore = source.swarms().get(0).uploaded();
            long start = System.nanoTime();
            swarm.tracker().onSanction(s -> {
                if (s.peer() == null) {
                    return;
                }
                if (s.peer().equals(source.id()) && s.why().startsWith("handshake")) {
                    if (impostorRefusals.isEmpty()) {
                        LOG.info("{} s: the tracker refused a HELLO claiming the source's id: {}",
                                secs(s.nanos() - start), s.why());
                    }
                    impostorRefusals.add(s);
                    return;
                }
                if (s.kind() != Sanction.Kind.REFUSED) {
                    takenDown.putIfAbsent(s.peer(), s);
                }
                if (firstSanction.putIfAbsent(s.peer(), s) == null) {
                    LOG.info("{} s: {} {}{}: {}", secs(s.nanos() - start), s.kind(), s.peer().shortHex(),
                            s.content() == null ? "" : " in " + s.content(), s.why());
                }
            });
            int flipper = 0;
            for (int i = 0; i < kinds.size(); i++) {
                switch (kinds.get(i)) {
                    case "false claims" -> attackers.add(new Hostiles.FalseClaimer(swarm, name));
                    case "stall" -> attackers.add(new Hostiles.Staller(swarm, name));
                    case "false reports" -> attackers.add(new Hostiles.FalseReporter(swarm, name, source.id()));
                    case "impersonation" -> attackers.add(new Hostiles.Impostor(swarm, source.publicKey(),
                            () -> peers.stream().map(PeerEngine::address).toList()));
                    case "bit flips" -> attackers.add(flipped(flippers.get(flipper++)));
                    default -> throw new IllegalStateException(kinds.get(i));
                }
            }
            for (PeerEngine p : peers) {
                p.get(url);
            }
            double[] done = waitComplete(peers, content, TimeUnit.MINUTES.toNanos(10));
            for (int i = 0; i < done.length; i++) {
                done[i] = (done[i] - start) / 1e9;
            }
            long rejected = 0;
            long corrupt = 0;
            for (PeerEngine p : peers) {
                rejected += p.corruptPiecesRejected(content);
                corrupt += differingBytes(media, swarm.dataFile(p, content));
            }
            List<Liar> liars = new ArrayList<>();
            for (Hostiles.Hostile h : attackers) {
                liars.add(outcome(h, firstSanction, impostorRefusals, start));
            }
            int honestSanctioned = 0;
            List<PeerEngine> honestOnes = new ArrayList<>(peers);
            honestOnes.add(source);
            for (PeerEngine p : honestOnes) {
                Sanction s = takenDown.get(p.id());
                if (s != null) {
                    honestSanctioned++;
                    LOG.warn("an honest member was sanctioned: {} {} after {} s: {}", p.name(), s.kind(),
                            secs(s.nanos() - start), s.why());
                }
            }
            SwarmStatus src = source.swarms().get(0);
            attackers.forEach(Hostiles.Hostile::close);
            attackers.clear();
            return new Result(Arrays.stream(done).max().orElse(0), median(done),
                    (double) (src.uploaded() - sourceBefore) / Files.size(media), rejected, corrupt, honestSanctioned, liars);
        } finally {
            attackers.forEach(Hostiles.Hostile::close);
            SwarmBench.delete(root);
        }
    }

    /** A real peer serving flipped bits, as one of the hostile members. */
    private static Hostiles.Hostile flipped(PeerEngine p) {
        return new Hostiles.Hostile() {
            @Override
            public String kind() {
                return "bit flips";
            }

            @Override
            public PeerId id() {
                return p.id();
            }

            @Override
            public void close() {
                // the fixture stops it with the others
            }
        };
    }

    private static Liar outcome(Hostiles.Hostile h, Map<PeerId, Sanction> first, List<Sanction> impostorRefusals,
            long start) {
        if (h instanceof Hostiles.Impostor imp) {
            String at = impostorRefusals.isEmpty() ? "never refused at the tracker"
                    : "refused at the tracker after " + secs(impostorRefusals.get(0).nanos() - start) + " s";
            return new Liar(h.kind(), "-", String.format(Locale.ROOT, "%s; %d attempts, refused %d at the tracker "
                    + "and %d at peers", at, imp.attempts.get(), imp.refusedAtTracker.get(), imp.refusedAtPeers.get()));
        }
        Sanction s = first.get(h.id());
        String who = h.id().shortHex();
        if (s == null) {
            return new Liar(h.kind(), who, "never demoted, banned or refused");
        }
        return new Liar(h.kind(), who, String.format(Locale.ROOT, "%s after %s s (%s)",
                s.kind().name().toLowerCase(Locale.ROOT), secs(s.nanos() - start), s.why()));
    }

    private static String secs(long nanos) {
        return String.format(Locale.ROOT, "%.2f", nanos / 1e9);
    }

    /** Waits until every peer completes; the nanoTime each completed at. */
    private static double[] waitComplete(List<PeerEngine> peers, ContentId content, long timeoutNanos)
            throws InterruptedException {
        double[] done = new double[peers.size()];
        Arrays.fill(done, -1);
        int remaining = peers.size();
        long begin = System.nanoTime();
        long deadline = begin + timeoutNanos;
        long nextReport = begin + TimeUnit.SECONDS.toNanos(10);
        while (remaining > 0) {
            if (System.nanoTime() > nextReport) {
                nextReport += TimeUnit.SECONDS.toNanos(10);
                int slowest = Integer.MAX_VALUE;
                for (PeerEngine p : peers) {
                    slowest = Math.min(slowest, p.swarm(content).map(SwarmStatus::verified).orElse(0));
                }
                LOG.info("{} s: {} of {} complete; the slowest holds {} pieces", secs(System.nanoTime() - begin),
                        peers.size() - remaining, peers.size(), slowest);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(remaining + " peers did not complete in time");
            }
            for (int i = 0; i < done.length; i++) {
                if (done[i] < 0) {
                    PieceStore s = peers.get(i).store(content);
                    if (s != null && s.isComplete()) {
                        done[i] = System.nanoTime();
                        remaining--;
                    }
                }
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
        return done;
    }

    /** How many bytes of {@code copy} differ from {@code file} (a missing or extra byte counts as differing). */
    static long differingBytes(Path file, Path copy) throws IOException {
        if (Files.mismatch(file, copy) == -1L) {
            return 0;
        }
        long differ = 0;
        try (InputStream a = Files.newInputStream(file); InputStream b = Files.newInputStream(copy)) {
            byte[] x = new byte[1 << 16];
            byte[] y = new byte[1 << 16];
            while (true) {
                int n = a.readNBytes(x, 0, x.length);
                int m = b.readNBytes(y, 0, y.length);
                for (int i = 0; i < Math.min(n, m); i++) {
                    differ += x[i] != y[i] ? 1 : 0;
                }
                differ += Math.abs(n - m);
                if (n < x.length && m < y.length) {
                    return differ;
                }
            }
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
