package org.iceshare.itests.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.core.internal.peer.PeerEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance: real players read a peer's HTTP output. The peer starts fetching only when the
 * player asks, so the player reads while pieces arrive.
 */
class PlayerHttpTest {
    @TempDir
    static Path tmp;
    static SwarmFixture swarm;
    static Path media;
    static IcetUrl url;

    @BeforeAll
    static void publish() throws Exception {
        media = TestMedia.vorbis(30, 4);
        swarm = new SwarmFixture(tmp);
        PeerEngine source = swarm.addPeer("source");
        url = source.publish(media, "player.ogg", null).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        swarm.close();
    }

    private static URI playerUrl(String peer) throws Exception {
        PeerEngine p = swarm.addPeer(peer);
        SwarmStatus s = p.get(url).toCompletableFuture().get(60, TimeUnit.SECONDS);
        return s.playerUrl();
    }

    @Test
    void ffmpegDecodesTheWholeStreamWithoutError() throws Exception {
        URI u = playerUrl("ffmpeg");
        String out = TestMedia.run(List.of("ffmpeg", "-nostdin", "-v", "error", "-i", u.toString(), "-f", "null",
                "-"));
        assertThat(out).as("ffmpeg errors").isEmpty();
    }

    @Test
    void ffprobeSeesTheVorbisStreamAndItsDuration() throws Exception {
        URI u = playerUrl("ffprobe");
        String out = TestMedia.run(List.of("ffprobe", "-v", "error", "-show_entries",
                "stream=codec_name,sample_rate,channels:format=duration", "-of", "default=nw=1", u.toString()));
        assertThat(out).contains("codec_name=vorbis").contains("sample_rate=44100").contains("channels=2");
        double duration = Double.parseDouble(out.lines().filter(l -> l.startsWith("duration="))
                .findFirst().orElseThrow().substring(9));
        assertThat(duration).isBetween(29.9, 30.1);
    }

    @Test
    void rangeRequestsReturnTheRightBytes() throws Exception {
        URI u = playerUrl("range");
        byte[] file = Files.readAllBytes(media);
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(u).header("Range", "bytes=100000-100999").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(206);
        assertThat(r.headers().firstValue("Content-Range")).hasValue("bytes 100000-100999/" + file.length);
        assertThat(r.body()).isEqualTo(Arrays.copyOfRange(file, 100_000, 101_000));

        HttpResponse<byte[]> tail = http.send(HttpRequest.newBuilder(u).header("Range", "bytes=-500").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(file, file.length - 500, file.length));

        HttpResponse<byte[]> whole = http.send(HttpRequest.newBuilder(u).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.headers().firstValue("Content-Type")).hasValue("audio/ogg");
        assertThat(whole.body()).isEqualTo(file);

        HttpResponse<String> beyond = http.send(HttpRequest.newBuilder(u)
                .header("Range", "bytes=" + file.length + "-").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(beyond.statusCode()).isEqualTo(416);
        assertThat(beyond.headers().firstValue("Content-Range")).hasValue("bytes */" + file.length);

        HttpResponse<String> missing = http.send(HttpRequest.newBuilder(u.resolve("/content/"
                + "00000000000000000000000000000000/x.ogg")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isEqualTo(404);
    }
}
