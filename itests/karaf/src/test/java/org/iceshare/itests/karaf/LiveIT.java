package org.iceshare.itests.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * In the distribution: install the live source, start a live stream from a file with
 * {@code iceshare:live}, play it on a second peer of the container, and see its figures in
 * {@code iceshare:status}.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LiveIT extends IceShareTestSupport {
    private static final Pattern ICET = Pattern.compile("icet://\\S+");

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
            editConfigurationFilePut("etc/org.iceshare.source.cfg", "pushPort",
                Integer.toString(freePort(new HashSet<>()))),
            systemProperty("iceshare.itest.vorbis").value(media.toAbsolutePath().toString())};
    }

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

        // play it: read two seconds of the player endpoint's live output
        HttpURLConnection http = (HttpURLConnection) URI.create(joined.playerUrl().toString()).toURL()
            .openConnection();
        byte[] head = new byte[4];
        long bytes = 0;
        try (InputStream in = http.getInputStream()) {
            assertEquals(200, http.getResponseCode());
            assertEquals(4, in.readNBytes(head, 0, 4));
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            byte[] buf = new byte[8192];
            while (System.nanoTime() < end) {
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
        assertTrue("playback figures in: " + status, status.contains("CI 1.0000"));
        assertTrue("the live source in: " + status, status.contains("radio") && status.contains("Live sources"));
    }
}
