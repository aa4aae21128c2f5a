package org.iceshare.itests.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.core.internal.peer.PeerEngine;
import org.iceshare.media.ogg.internal.OggFormat;
import org.iceshare.scheduler.deadline.internal.DeadlineScheduler;
import org.iceshare.scheduler.rarest.internal.RarestFirstScheduler;
import org.iceshare.tracker.internal.TrackerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A player that reads a file from its start over the player endpoint plays it as it arrives: the peer
 * runs the playback clock for it (the deadline scheduler, the playhead told to the tracker), as
 * {@link PeerEngine#play} does, instead of fetching in rarest-first order and hurrying only the piece
 * the player is blocked on. A peer without a player keeps the file scheduler.
 */
class PlayerStartsPlaybackTest {
    @TempDir
    Path tmp;

    @Test
    void aPlayerReadingFromTheStartTurnsThePlaybackClockOn() throws Exception {
        Path media = TestMedia.vorbis(30, 4);
        // the source at the file's bitrate: the file takes about 30 s to arrive, the player reads meanwhile
        try (SwarmFixture swarm = new SwarmFixture(tmp, TrackerSettings.loopback(),
                java.util.List.of(new OggFormat(OggFormat.DEFAULT_PIECE_SIZE, 500_000)))) {
            PeerEngine source = swarm.addPeer("source");
            IcetUrl url = source.publish(media, "play.ogg", null).toCompletableFuture().get(30, TimeUnit.SECONDS);
            source.uploadRate(Files.size(media) / 30);
            PeerEngine listener = swarm.addPeer("listener");
            PeerEngine fetcher = swarm.addPeer("fetcher");
            SwarmStatus joined = listener.get(url).toCompletableFuture().get(30, TimeUnit.SECONDS);
            ContentId id = joined.content();
            fetcher.get(url).toCompletableFuture().get(30, TimeUnit.SECONDS);

            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(joined.playerUrl()).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = r.body()) {
                assertThat(r.statusCode()).isEqualTo(200);
                // the headers and the first page arrive: the player has started reading from the start
                assertThat(body.readNBytes(4096)).hasSize(4096);
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    SwarmStatus s = listener.swarm(id).orElseThrow();
                    assertThat(s.scheduler()).as("the listener's scheduler").isEqualTo(DeadlineScheduler.NAME);
                    assertThat(s.quality().startupMillis()).as("its first playable byte, from the player's start")
                            .isGreaterThanOrEqualTo(0);
                });
                SwarmStatus f = fetcher.swarm(id).orElseThrow();
                assertThat(f.state()).isNotEqualTo(SwarmStatus.State.COMPLETE);
                assertThat(f.scheduler()).as("a peer without a player").isEqualTo(RarestFirstScheduler.NAME);
                assertThat(f.quality().startupMillis()).isEqualTo(-1);
            }
        }
    }
}
