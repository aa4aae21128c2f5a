package org.iceshare.itests.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.iceshare.api.peer.Peer;
import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.itests.swarm.TestMedia;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * Inside one container: the tracker, the default peer publishing a real Ogg Vorbis file (made by
 * oggenc) through the shell, and three more peers fetching it with {@code iceshare:get}. Every copy
 * ends byte-identical and the publisher uploads at most 1.5 times the file.
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
        try {
            media = TestMedia.vorbis(40, 4);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return new Option[] {composite(super.config()),
            systemProperty("iceshare.itest.vorbis").value(media.toAbsolutePath().toString())};
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

        SwarmStatus source = publisher.swarms().stream().filter(SwarmStatus::source).findFirst().orElseThrow();
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
}
