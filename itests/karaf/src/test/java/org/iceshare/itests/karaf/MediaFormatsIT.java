package org.iceshare.itests.karaf;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.iceshare.api.media.MediaFormat;
import org.iceshare.api.peer.Peer;
import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.itests.swarm.TestMedia;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * Both media features installed: {@code iceshare:publish} gives a real Ogg Vorbis file to the Ogg
 * format and a file of random bytes to the raw format, as the stored manifests and the player
 * endpoint's Content-Type show, and a second peer fetches both byte-identically.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MediaFormatsIT extends IceShareTestSupport {
    private static final Pattern ICET = Pattern.compile("icet://\\S+");
    private static final Pattern HTTP = Pattern.compile("http://\\S+");

    @Configuration
    @Override
    public Option[] config() {
        Path media;
        try {
            media = TestMedia.vorbis(40, 4);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return new Option[] {composite(super.config()),
            systemProperty("iceshare.itest.vorbis").value(media.toAbsolutePath().toString())};
    }

    @Test
    public void oggGoesToTheOggFormatAndAnythingElseToRaw() throws Exception {
        installAndAssertFeature("iceshare-media-ogg");
        installAndAssertFeature("iceshare-media-raw");
        getOsgiService(MediaFormat.class, "(media.format=ogg)", SERVICE_TIMEOUT_MILLIS);
        getOsgiService(MediaFormat.class, "(media.format=raw)", SERVICE_TIMEOUT_MILLIS);
        getOsgiService(Peer.class, "(name=default)", SERVICE_TIMEOUT_MILLIS);
        Peer fetcher = createPeer("formats", Map.of());

        Path vorbis = Path.of(System.getProperty("iceshare.itest.vorbis"));
        Path noise = Path.of(System.getProperty("karaf.data"), "noise.bin");
        byte[] bytes = new byte[2 * 1024 * 1024 + 777];
        new Random(5).nextBytes(bytes);
        Files.write(noise, bytes);

        checkPublishedAndFetched(fetcher, vorbis, "ogg", "audio/ogg");
        checkPublishedAndFetched(fetcher, noise, "raw", "application/octet-stream");
    }

    /**
     * Publishes {@code file} from the default peer, fetches it with {@code fetcher}, and checks the
     * format both peers' manifests name, the player's Content-Type and the bytes it serves.
     */
    private void checkPublishedAndFetched(Peer fetcher, Path file, String format, String mediaType)
            throws Exception {
        String published = executeCommand("iceshare:publish " + file);
        Matcher icet = ICET.matcher(published);
        assertTrue("publish printed no icet:// URL: " + published, icet.find());
        IcetUrl url = IcetUrl.parse(icet.group());

        String got = executeCommand("iceshare:get --peer " + fetcher.name() + " " + url);
        Matcher http = HTTP.matcher(got);
        assertTrue("get printed no player URL: " + got, http.find());
        String playerUrl = http.group();

        waitUntil(fetcher.name() + " completes " + url, () -> fetcher.swarms().stream()
            .anyMatch(s -> s.url().equals(url) && s.state() == SwarmStatus.State.COMPLETE));
        SwarmStatus s = fetcher.swarms().stream().filter(x -> x.url().equals(url)).findFirst().orElseThrow();
        for (String peer : new String[] {"default", fetcher.name()}) {
            Path manifest = contentDir(peer, s).resolve("manifest");
            assertTrue(peer + "'s manifest of " + file + " names format " + format,
                Files.readAllLines(manifest).contains("format=" + format));
        }
        assertEquals("copy of " + file, -1L, Files.mismatch(file, contentDir(fetcher.name(), s).resolve("data")));

        HttpURLConnection connection = (HttpURLConnection) URI.create(playerUrl).toURL().openConnection();
        byte[] played;
        try (InputStream in = connection.getInputStream()) {
            played = in.readAllBytes();
        }
        assertEquals(200, connection.getResponseCode());
        assertEquals("Content-Type of " + file, mediaType, connection.getContentType());
        assertArrayEquals("the player endpoint serves " + file, Files.readAllBytes(file), played);
    }

    private static Path contentDir(String peer, SwarmStatus s) {
        return Path.of(System.getProperty("karaf.data"), "iceshare", peer, "contents", s.content().toHex());
    }
}
