package org.iceshare.itests.karaf;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

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
 * Swarms inside one container (one Karaf boot for what were SwarmIT, MediaFormatsIT, LiveIT and ClientIT):
 *
 * <ul>
 * <li>the tracker, the default peer publishing a real Ogg Vorbis file (made by oggenc) through the
 * shell, and three more peers fetching it with {@code iceshare:get}: every copy ends byte-identical and
 * the publisher uploads at most 1.5 times the file; bad input gets a clear error in the shell;</li>
 * <li>both media features installed: {@code iceshare:publish} gives a real Ogg Vorbis file to the Ogg
 * format and a file of random bytes to the raw format, as the stored manifests and the player
 * endpoint's Content-Type show, and a second peer fetches both byte-identically;</li>
 * <li>live: install the live source, start a live stream from a file with {@code iceshare:live}, play
 * it on a second peer of the container, and see its figures in {@code iceshare:status};</li>
 * <li>the listener's client (was ClientIT): the default peer publishes an Ogg file through the shell, and
 * the client archive the build made (client/target/*.tar.gz), unpacked and run as a process of its own,
 * {@code iceshare get}s a byte-identical copy.</li>
 * </ul>
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SwarmIT extends IceShareTestSupport {
    private static final Pattern ICET = Pattern.compile("icet://\\S+");
    private static final Pattern HTTP = Pattern.compile("http://\\S+");

    @Configuration
    @Override
    public Option[] config() {
        Path media;
        Path formats;
        Path client;
        try {
            media = TestMedia.vorbis(40, 4);
            formats = TestMedia.vorbis(20, 4);
            client = TestMedia.vorbis(30, 4);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return new Option[] {composite(super.config()),
            // the live source's push port (iceshare:live plays a file; nothing pushes here)
            editConfigurationFilePut("etc/org.iceshare.source.cfg", "pushPort",
                Integer.toString(freePort(new HashSet<>()))),
            systemProperty("iceshare.itest.vorbis").value(media.toAbsolutePath().toString()),
            // another file for the media formats test, so it publishes content the swarm test did not
            systemProperty("iceshare.itest.vorbis.formats").value(formats.toAbsolutePath().toString()),
            // and one for the client, content no other test of the class publishes
            systemProperty("iceshare.itest.client.media").value(client.toAbsolutePath().toString())};
    }

    @Test
    public void threePeersGetARealVorbisFileFromThePublisher() throws Exception {
        Path media = Path.of(System.getProperty("iceshare.itest.vorbis"));
        byte[] original = Files.readAllBytes(media);
        Peer publisher = getOsgiService(Peer.class, "(name=default)", SERVICE_TIMEOUT_MILLIS);
        List<Peer> peers = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            peers.add(createPeer("leech" + i, Map.of()));
        }

        String published = executeCommand("iceshare:publish " + media);
        Matcher m = ICET.matcher(published);
        assertTrue("publish printed no icet:// URL: " + published, m.find());
        String url = m.group();

        List<String> playerUrls = new ArrayList<>();
        for (Peer p : peers) {
            String out = executeCommand("iceshare:get --peer " + p.name() + " " + url);
            Matcher h = HTTP.matcher(out);
            assertTrue("get printed no player URL: " + out, h.find());
            playerUrls.add(h.group());
        }

        for (Peer p : peers) {
            waitUntil(p.name() + " completes", () -> p.swarms().stream()
                .anyMatch(s -> s.state() == SwarmStatus.State.COMPLETE));
        }
        for (Peer p : peers) {
            SwarmStatus s = p.swarms().get(0);
            Path copy = Path.of(System.getProperty("karaf.data"), "iceshare", p.name(), "contents",
                s.content().toHex(), "data");
            assertEquals("copy at " + p.name() + " differs", -1L, Files.mismatch(media, copy));
            assertEquals(original.length, s.downloaded());
        }
        byte[] played;
        HttpURLConnection http = (HttpURLConnection) URI.create(playerUrls.get(0)).toURL().openConnection();
        try (InputStream in = http.getInputStream()) {
            played = in.readAllBytes();
        }
        assertEquals(200, http.getResponseCode());
        assertTrue("the player endpoint serves the file", Arrays.equals(original, played));

        // this content's swarm at the publisher (the other tests of the class publish from it too)
        IcetUrl icetUrl = IcetUrl.parse(url);
        SwarmStatus source = publisher.swarms().stream().filter(s -> s.source() && s.url().equals(icetUrl))
            .findFirst().orElseThrow();
        double suf = (double) source.uploaded() / original.length;
        assertTrue("publisher uploaded " + source.uploaded() + " bytes for a file of " + original.length,
            suf <= 1.5);

        String status = executeCommand("iceshare:status");
        assertTrue(status, status.contains(url));
        assertTrue(status, status.contains("COMPLETE"));
        assertTrue(status, status.contains("Tracker on"));
    }

    @Test
    public void badInputGetsAClearErrorInTheShell() {
        // Out of the box only the Ogg format is installed: a file that is not Ogg is refused with its
        // reason. An Ogg file cut short inside its first page header is refused too.
        Path notOgg;
        Path cutOgg;
        try {
            notOgg = Files.createTempFile("noise", ".wav");
            Files.write(notOgg, new byte[] {'R', 'I', 'F', 'F', 1, 2, 3, 4, 5, 6, 7, 8, 9});
            cutOgg = Files.createTempFile("cut", ".ogg");
            Files.write(cutOgg, new byte[] {'O', 'g', 'g', 'S', 0, 2, 0, 0, 0, 0, 0, 0, 0});
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        String refused = executeCommand("iceshare:publish " + notOgg);
        assertTrue(refused, refused.contains("Error:") && refused.contains("not an Ogg stream"));
        String cut = executeCommand("iceshare:publish " + cutOgg);
        assertTrue(cut, cut.contains("Error:") && cut.contains("truncated page 0 at byte 0"));
        String badUrl = executeCommand("iceshare:get http://example.org/x.ogg");
        assertTrue(badUrl, badUrl.contains("Error:") && badUrl.contains("not an icet:// URL"));
        String unknown = executeCommand("iceshare:get icet://127.0.0.1:" + port("tracker") + "/missing.ogg");
        assertTrue(unknown, unknown.contains("Error:") && unknown.contains("no content named missing.ogg"));
        String status = executeCommand("iceshare:status");
        assertTrue("still serving: " + status, status.contains("Peer default"));
    }

    // ------------------------------------------------------------------ media formats (was MediaFormatsIT)

    @Test
    public void oggGoesToTheOggFormatAndAnythingElseToRaw() throws Exception {
        installAndAssertFeature("iceshare-media-ogg");
        installAndAssertFeature("iceshare-media-raw");
        getOsgiService(MediaFormat.class, "(media.format=ogg)", SERVICE_TIMEOUT_MILLIS);
        getOsgiService(MediaFormat.class, "(media.format=raw)", SERVICE_TIMEOUT_MILLIS);
        getOsgiService(Peer.class, "(name=default)", SERVICE_TIMEOUT_MILLIS);
        Peer fetcher = createPeer("formats", Map.of());

        Path vorbis = Path.of(System.getProperty("iceshare.itest.vorbis.formats"));
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

    // ------------------------------------------------------------------ live (was LiveIT)

    @Test
    public void aLiveStreamFromAFileIsPlayedByASecondPeerAndShowsInStatus() throws Exception {
        installAndAssertFeature("iceshare-source");
        String media = System.getProperty("iceshare.itest.vorbis");
        String started = executeCommand("iceshare:live --name radio --loop " + media);
        Matcher m = ICET.matcher(started);
        assertTrue("iceshare:live printed no icet:// URL: " + started, m.find());
        IcetUrl url = IcetUrl.parse(m.group());

        Peer listener = createPeer("listener", Map.of());
        SwarmStatus joined = listener.get(url).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertTrue(joined.live());

        // play it: read the player endpoint's live output until 10,000 bytes came (however long that takes on
        // a busy machine; the read timeout is only a safety net)
        HttpURLConnection http = (HttpURLConnection) URI.create(joined.playerUrl().toString()).toURL()
            .openConnection();
        http.setReadTimeout((int) WAIT_TIMEOUT.toMillis());
        byte[] head = new byte[4];
        long bytes = 0;
        try (InputStream in = http.getInputStream()) {
            assertEquals(200, http.getResponseCode());
            assertEquals(4, in.readNBytes(head, 0, 4));
            byte[] buf = new byte[8192];
            while (bytes <= 10_000) {
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                bytes += n;
            }
        }
        assertEquals("the live output starts with an Ogg page", "OggS", new String(head, StandardCharsets.US_ASCII));
        assertTrue("live bytes received: " + bytes, bytes > 10_000);

        waitUntil("the listener played pieces", () -> listener.swarm(joined.content()).orElseThrow().quality()
            .piecesDue() > 3);
        String status = executeCommand("iceshare:status");
        assertTrue(status, status.contains("Peer listener"));
        assertTrue(status, status.contains(url.toString()));
        // the continuity figure itself depends on how busy the machine is (the live benchmark measures it)
        assertTrue("playback figures in: " + status, Pattern.compile("CI [01]\\.\\d{4}").matcher(status).find());
        assertTrue("the live source in: " + status, status.contains("radio") && status.contains("Live sources"));
    }

    // ------------------------------------------------------------------ the listener's client (was ClientIT)

    @Test
    public void theClientGetsAFileTheDistributionPublished() throws Exception {
        Path media = Path.of(System.getProperty("iceshare.itest.client.media"));
        String archive = System.getProperty("iceshare.client.archive");
        assertTrue("-Diceshare.client.archive names the client archive: " + archive,
            archive != null && Files.isRegularFile(Path.of(archive)));

        String published = executeCommand("iceshare:publish " + media);
        Matcher m = ICET.matcher(published);
        assertTrue("publish printed no icet:// URL: " + published, m.find());
        String url = m.group();

        Path work = Files.createTempDirectory("iceshare-client-it");
        Processes.Result untar = Processes.run(new ProcessBuilder("tar", "xzf", archive, "-C", work.toString()),
            Duration.ofSeconds(60));
        assertEquals(untar.output, 0, untar.exit);
        Path launcher;
        try (Stream<Path> s = Files.list(work)) {
            launcher = s.filter(p -> p.getFileName().toString().startsWith("iceshare-client-")).findFirst()
                .orElseThrow(() -> new AssertionError("no iceshare-client-*/ in " + archive)).resolve("bin/iceshare");
        }
        assertTrue(launcher + " is executable", Files.isExecutable(launcher));

        Path copy = work.resolve("copy.ogg");
        ProcessBuilder get = new ProcessBuilder(launcher.toString(), "get", url, "-o", copy.toString())
            .directory(work.toFile());
        Map<String, String> env = get.environment();
        env.put("XDG_DATA_HOME", work.resolve("data").toString());
        env.put("XDG_CONFIG_HOME", work.resolve("config").toString());
        env.put("XDG_CACHE_HOME", work.resolve("cache").toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        Processes.Result r = Processes.run(get, Duration.ofMinutes(2));
        assertEquals("iceshare get: " + r.output, 0, r.exit);
        assertTrue(r.output, r.output.contains("complete: saved " + copy));
        assertEquals("first differing byte of the client's copy", -1L, Files.mismatch(media, copy));
        // unpacked away from where it was built, the first run made the user's own class-data sharing archive
        try (Stream<Path> s = Files.list(work.resolve("cache/iceshare"))) {
            assertTrue("a cds-*.jsa in the cache folder",
                s.anyMatch(p -> p.getFileName().toString().matches("cds-\\d+\\.jsa")));
        }
    }
}
