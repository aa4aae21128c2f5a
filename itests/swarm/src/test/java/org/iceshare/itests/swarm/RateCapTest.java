package org.iceshare.itests.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

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
 * changes at run time, and the tracker learns each peer's upload cap.
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
}
