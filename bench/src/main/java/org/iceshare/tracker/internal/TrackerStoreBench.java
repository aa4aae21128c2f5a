package org.iceshare.tracker.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.swarm.PieceInfo;
import org.iceshare.engine.internal.Identity;

/**
 * The cost of the tracker's durable state ({@code store}): a publication (name owner + manifest, committed
 * and forced to the disk before PUBLISHED), a ban (same), and ratio updates (staged, committed once per tick
 * without forcing), on the {@link MvTrackerStore} the tracker uses, against the in-memory store in the same
 * run. In the tracker's package, as the store is internal to it.
 */
public final class TrackerStoreBench {
    private TrackerStoreBench() {
    }

    public static void main(String[] args) throws Exception {
        int publishes = 300;
        int peers = 10_000;
        int ticks = 50;
        int pieces = 256;
        Path dir = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--publishes" -> publishes = Integer.parseInt(args[++i]);
                case "--peers" -> peers = Integer.parseInt(args[++i]);
                case "--ticks" -> ticks = Integer.parseInt(args[++i]);
                case "--pieces" -> pieces = Integer.parseInt(args[++i]);
                case "--dir" -> dir = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (store [--publishes N] [--peers N] [--ticks N] [--pieces N] [--dir FOLDER on the disk to measure])");
            }
        }
        if (dir == null) {
            dir = Files.createTempDirectory(Path.of("."), "iceshare-store-bench");
        }
        Identity publisher = Identity.generate();
        List<Manifest> manifests = new ArrayList<>();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < publishes; i++) {
            List<PieceInfo> list = new ArrayList<>();
            for (int p = 0; p < pieces; p++) {
                list.add(new PieceInfo(p, p * 65536L, 65536, sha.digest(new byte[] {(byte) i, (byte) (i >> 8), (byte) p})));
            }
            Manifest m = Manifest.derived("bench-" + i + ".ogg", "audio/ogg", "ogg", "sha-256", pieces * 65536L, 1, list);
            manifests.add(m.signed(publisher.publicKey(), publisher.sign(m.signedBytes(publisher.publicKey()))));
        }
        PeerId[] ids = new PeerId[peers];
        for (int i = 0; i < peers; i++) {
            ids[i] = Identity.generate().id();
        }
        System.out.printf(Locale.ROOT, "store: %d publications of %d-piece manifests, %d bans, %d ticks of ratio updates "
                + "for %d peers; folder %s%n", publishes, pieces, publishes, ticks, peers, dir.toAbsolutePath());
        // alternate the two stores, twice each: the machine is shared, so compare within one run
        for (int round = 0; round < 2; round++) {
            for (boolean onDisk : new boolean[] {false, true}) {
                Path folder = dir.resolve("round-" + round);
                try (TrackerStore store = onDisk ? MvTrackerStore.open(folder) : TrackerStore.inMemory()) {
                    run(onDisk ? "mvstore" : "memory ", store, manifests, publisher, ids, ticks);
                }
            }
        }
        System.out.printf(Locale.ROOT, "store file after a round: %d KiB%n",
                Files.size(dir.resolve("round-1").resolve(MvTrackerStore.FILE)) / 1024);
    }

    private static void run(String label, TrackerStore store, List<Manifest> manifests, Identity publisher,
            PeerId[] ids, int ticks) throws Exception {
        long[] publish = new long[manifests.size()];
        for (int i = 0; i < manifests.size(); i++) {
            Manifest m = manifests.get(i);
            long t0 = System.nanoTime();
            store.publish(m.name(), new TrackerStore.Owner(publisher.id(), m.id(), false), m);
            publish[i] = System.nanoTime() - t0;
        }
        long[] ban = new long[manifests.size()];
        for (int i = 0; i < manifests.size(); i++) {
            long t0 = System.nanoTime();
            store.ban(manifests.get(i).id(), ids[i % ids.length]);
            ban[i] = System.nanoTime() - t0;
        }
        // every tick, every peer's ratio changes once (a busy tracker: each peer verified a piece this second)
        long staging = 0;
        long[] flush = new long[ticks];
        for (int t = 0; t < ticks; t++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < ids.length; i++) {
                store.ratio(ids[i], (long) t * 65536 + i, (long) t * 65536);
            }
            long t1 = System.nanoTime();
            store.flush();
            flush[t] = System.nanoTime() - t1;
            staging += t1 - t0;
        }
        // what the store's own writer still had to write when the ticks were over (the ratios written on its thread)
        long t0 = System.nanoTime();
        store.close();
        long drain = System.nanoTime() - t0;
        System.out.printf(Locale.ROOT, "%s publish: median %7.1f us, p99 %7.1f us | ban: median %7.1f us, p99 %7.1f us | "
                + "ratio on the tracker thread: %.2f us per update staged + flush of %d peers median %.2f ms, p99 %.2f ms "
                + "| close after the last tick %.0f ms%n", label, pct(publish, 50), pct(publish, 99), pct(ban, 50),
                pct(ban, 99), staging / 1e3 / ticks / ids.length, ids.length, pct(flush, 50) / 1e3, pct(flush, 99) / 1e3,
                drain / 1e6);
    }

    /** The p-th percentile in microseconds. */
    private static double pct(long[] nanos, int p) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)] / 1e3;
    }
}
