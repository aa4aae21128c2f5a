package org.iceshare.itests.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.core.internal.peer.PeerEngine;
import org.iceshare.media.ogg.internal.OggFormat;
import org.iceshare.media.raw.internal.RawFormat;
import org.iceshare.tracker.internal.TrackerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance: with both media formats installed, a non-Ogg file is cut by the raw format and moves
 * through a swarm of a publisher and 3 peers byte-identically, while an Ogg file in the same swarm is
 * still cut by the Ogg format.
 */
class RawSwarmTest {
    private static final int RAW_PIECE = 64 * 1024;

    @TempDir
    Path tmp;

    @Test
    void eachFileGoesToItsFormatAndEveryPeerGetsItByteIdentical() throws Exception {
        // a few MiB of random bytes, not a multiple of the piece size
        Path noise = tmp.resolve("noise.bin");
        byte[] bytes = new byte[3 * 1024 * 1024 + 12_345];
        new Random(3).nextBytes(bytes);
        Files.write(noise, bytes);
        Path vorbis = TestMedia.vorbis(40, 4);

        // ranked as in the container: Ogg (ranking 100) before raw (ranking 0)
        try (SwarmFixture swarm = new SwarmFixture(tmp.resolve("swarm"), TrackerSettings.loopback(),
                List.of(new OggFormat(32 * 1024), new RawFormat(RAW_PIECE)))) {
            PeerEngine source = swarm.addPeer("source");
            IcetUrl noiseUrl = source.publish(noise, "noise.bin", null).toCompletableFuture().get(30, TimeUnit.SECONDS);
            IcetUrl vorbisUrl = source.publish(vorbis, "tone.ogg", null).toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
            ContentId noiseId = contentOf(source, noiseUrl);
            ContentId vorbisId = contentOf(source, vorbisUrl);

            Manifest raw = source.store(noiseId).manifest();
            assertThat(raw.format()).isEqualTo("raw");
            assertThat(raw.mediaType()).isEqualTo("application/octet-stream");
            assertThat(raw.headerPieces()).isZero();
            assertThat(raw.pieceCount()).isEqualTo((bytes.length + RAW_PIECE - 1) / RAW_PIECE);
            Manifest ogg = source.store(vorbisId).manifest();
            assertThat(ogg.format()).isEqualTo("ogg");
            assertThat(ogg.mediaType()).isEqualTo("audio/ogg");
            assertThat(ogg.headerPieces()).isPositive();

            List<PeerEngine> peers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                PeerEngine p = swarm.addPeer("peer" + i);
                p.get(noiseUrl);
                p.get(vorbisUrl);
                peers.add(p);
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> peers.stream()
                    .allMatch(p -> p.swarms().size() == 2
                            && p.swarms().stream().allMatch(s -> s.state() == SwarmStatus.State.COMPLETE)));

            for (PeerEngine p : peers) {
                assertThat(SwarmFixture.sameBytes(noise, swarm.dataFile(p, noiseId))).as("noise at %s", p.name())
                        .isTrue();
                assertThat(SwarmFixture.sameBytes(vorbis, swarm.dataFile(p, vorbisId))).as("tone at %s", p.name())
                        .isTrue();
                assertThat(p.store(noiseId).manifest().format()).as("raw manifest at %s", p.name()).isEqualTo("raw");
                assertThat(p.store(vorbisId).manifest().format()).as("ogg manifest at %s", p.name())
                        .isEqualTo("ogg");
            }

            // what a player sees at a peer: the media type of the format that cut the file
            HttpClient http = HttpClient.newHttpClient();
            PeerEngine player = peers.get(0);
            HttpResponse<byte[]> played = http.send(
                    HttpRequest.newBuilder(player.swarm(noiseId).orElseThrow().playerUrl()).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(played.statusCode()).isEqualTo(200);
            assertThat(played.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
            assertThat(played.body()).isEqualTo(bytes);
            HttpResponse<Void> tone = http.send(
                    HttpRequest.newBuilder(player.swarm(vorbisId).orElseThrow().playerUrl()).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertThat(tone.headers().firstValue("Content-Type")).hasValue("audio/ogg");
        }
    }

    private static ContentId contentOf(PeerEngine peer, IcetUrl url) {
        return peer.swarms().stream().filter(s -> s.url().equals(url)).findFirst().orElseThrow().content();
    }
}
