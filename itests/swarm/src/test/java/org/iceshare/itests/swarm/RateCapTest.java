package org.iceshare.itests.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.peer.ConnectionInfo;
import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.api.tracker.TrackedPeer;
import org.iceshare.core.internal.peer.PeerEngine;
import org.iceshare.tracker.internal.TrackerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rate caps: a download cap paces a peer's requests so that pieces arrive no faster than the cap, it
 * changes at run time, and the tracker learns each peer's upload cap. An upload cap paces below a piece:
 * the bytes flow evenly rather than a piece at wire speed and then a pause.
 */
class RateCapTest {
    @TempDir
    Path tmp;

    @Test
    void aDownloadCapPacesTheTransferAndCanBeLiftedAtRunTime() throws Exception {
        Path media = TestMedia.vorbis(60, 4);
        long size = Files.size(media);
        long cap = size / 6; // about six seconds for the whole file
        try (SwarmFixture swarm = new SwarmFixture(tmp, TrackerSettings.loopback(), 16 * 1024)) {
            PeerEngine source = swarm.addPeer("source", s -> s.withUploadRate(8 * size));
            IcetUrl url = source.publish(media, "capped.ogg", null).toCompletableFuture().get(30, TimeUnit.SECONDS);
            PeerEngine capped = swarm.addPeer("capped", s -> s.withDownloadRate(cap));
            long start = System.nanoTime();
            ContentId id = capped.get(url).toCompletableFuture().get(60, TimeUnit.SECONDS).content();

            // half the file takes at least as long as the cap allows (less the quarter-second burst and one
            // piece of debt), although the source could send it all in a fraction of a second
            long half = size / 2;
            await().atMost(Duration.ofSeconds(60)).until(() -> capped.swarm(id).orElseThrow().downloaded() >= half);
            double seconds = (System.nanoTime() - start) / 1e9;
            long got = capped.swarm(id).orElseThrow().downloaded();
            double allowed = (got - cap / 4.0 - 32 * 1024) / cap;
            assertThat(seconds).as("%d bytes under a cap of %d B/s", got, cap).isGreaterThanOrEqualTo(allowed);
            assertThat(capped.swarm(id).orElseThrow().state()).isEqualTo(SwarmStatus.State.DOWNLOADING);

            // lifted at run time: the rest comes at once
            capped.downloadRate(0);
            await().atMost(Duration.ofSeconds(60)).until(() -> capped.swarm(id).orElseThrow().state()
                    == SwarmStatus.State.COMPLETE);
            assertThat(SwarmFixture.sameBytes(media, swarm.dataFile(capped, id))).isTrue();

            // the tracker knows the source's upload cap (sent in RATES after its Hello)
            TrackedPeer tracked = swarm.tracker().peers(id).stream().filter(p -> p.id().equals(source.id()))
                    .findFirst().orElseThrow();
            assertThat(tracked.uploadCap()).isEqualTo(8 * size);
        }
    }

    @Test
    void aCappedUploadFlowsEvenlyBelowAPiece() throws Exception {
        Path media = TestMedia.flac(4);
        long cap = 1024 * 1024; // a 256 KiB piece is a quarter second of it, 2.5 of the 100 ms windows
        // what a window may carry beyond the cap: the bucket's burst (50 ms, 51 KiB) after a stall, and the
        // transport's 32 KiB slices finishing a little early or late (whole pieces at wire speed exceed it)
        long slack = 112 * 1024;
        try (SwarmFixture swarm = new SwarmFixture(tmp, TrackerSettings.loopback(), 256 * 1024)) {
            PeerEngine source = swarm.addPeer("source", s -> s.withUploadRate(cap));
            IcetUrl url = source.publish(media, "paced.ogg", null).toCompletableFuture().get(60, TimeUnit.SECONDS);
            PeerEngine peer = swarm.addPeer("peer");
            List<long[]> samples = Collections.synchronizedList(new ArrayList<>());
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            try {
                // reading the counters waits for the engine thread: the bytes were counted between the two clocks
                sampler.scheduleAtFixedRate(() -> {
                    long before = System.nanoTime();
                    long bytes = uploaded(source);
                    samples.add(new long[] {before, bytes, System.nanoTime()});
                }, 0, 100, TimeUnit.MILLISECONDS);
                ContentId id = peer.get(url).toCompletableFuture().get(60, TimeUnit.SECONDS).content();
                await().atMost(Duration.ofSeconds(60)).until(() -> peer.swarm(id).orElseThrow().state()
                        == SwarmStatus.State.COMPLETE);
            } finally {
                sampler.shutdownNow();
            }
            List<long[]> s;
            synchronized (samples) {
                s = new ArrayList<>(samples);
            }
            long total = s.get(s.size() - 1)[1];
            long start = s.stream().filter(x -> x[1] > 0).findFirst().orElseThrow()[0];
            int windows = 0;
            long bytes = 0;
            long nanos = 0;
            for (int i = 1; i < s.size(); i++) {
                long[] a = s.get(i - 1);
                long[] b = s.get(i);
                // after the bucket's quarter-second burst, until the last bytes went out
                if (a[0] - start < 500_000_000L || b[1] >= total) {
                    continue;
                }
                long moved = b[1] - a[1];
                long dt = b[2] - a[0]; // the longest the bytes between the two readings can have taken
                assertThat(moved).as("bytes in the window of %d ms ending %d ms in", dt / 1_000_000,
                        (b[0] - start) / 1_000_000).isLessThanOrEqualTo(cap * dt / 1_000_000_000L + slack);
                windows++;
                bytes += moved;
                nanos += b[0] - a[0];
            }
            assertThat(windows).as("windows measured").isGreaterThanOrEqualTo(10);
            assertThat(bytes * 1e9 / nanos).as("mean rate over the windows").isBetween(0.6 * cap, 1.1 * cap);
        }
    }

    /** Bytes the peer wrote to other peers' connections so far. */
    private static long uploaded(PeerEngine p) {
        return p.connections().stream().filter(c -> c.kind() == ConnectionInfo.Kind.PEER)
                .mapToLong(ConnectionInfo::bytesWritten).sum();
    }
}
