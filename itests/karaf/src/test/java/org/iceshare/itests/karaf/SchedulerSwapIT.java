package org.iceshare.itests.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.peer.Peer;
import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.ContentId;
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
 * Swapping the scheduler mid-transfer: pieces are moving (the source's upload is capped so the
 * transfer lasts a few seconds) when ConfigAdmin switches {@code org.iceshare.scheduler} from rarest
 * to sequential. Every copy completes byte-identical, no piece is fetched twice, and the piece log
 * shows both schedulers placed requests.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SchedulerSwapIT extends IceShareTestSupport {

    @Configuration
    @Override
    public Option[] config() {
        Path media;
        try {
            media = TestMedia.vorbis(300, 6);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return new Option[] {composite(super.config()),
            systemProperty("iceshare.itest.vorbis").value(media.toAbsolutePath().toString())};
    }

    @Test
    public void rarestToSequentialThroughConfigAdminWhilePiecesMove() throws Exception {
        Path media = Path.of(System.getProperty("iceshare.itest.vorbis"));
        long size = Files.size(media);
        // about 5 s for one copy of 30 pieces: requests are placed on both sides of the swap
        Peer source = createPeer("slowsource", Map.of("uploadRate", size / 5));
        List<Peer> peers = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            peers.add(createPeer("swap" + i, Map.of()));
        }
        IcetUrl url = source.publish(media, "swap.ogg", null).toCompletableFuture().get(30, TimeUnit.SECONDS);
        for (Peer p : peers) {
            p.get(url).toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        ContentId content = peers.get(0).swarms().stream().filter(s -> s.url().equals(url)).findFirst()
            .orElseThrow().content();
        waitUntil("pieces moving", () -> peers.get(0).swarm(content).orElseThrow().progress() > 0.15);
        assertEquals(SwarmStatus.State.DOWNLOADING, peers.get(0).swarm(content).orElseThrow().state());

        org.osgi.service.cm.Configuration selection = configAdmin.getConfiguration("org.iceshare.scheduler", null);
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("name", "sequential");
        selection.update(props);
        waitUntil("sequential in use", () -> "sequential".equals(peers.get(0).swarm(content).orElseThrow()
            .scheduler()));
        assertTrue("the swap happened mid-transfer", peers.get(0).swarm(content).orElseThrow().progress() < 1.0);

        for (Peer p : peers) {
            waitUntil(p.name() + " completes", () -> p.swarm(content).orElseThrow().state()
                == SwarmStatus.State.COMPLETE);
        }
        long rarest = 0;
        long sequential = 0;
        for (Peer p : peers) {
            SwarmStatus s = p.swarm(content).orElseThrow();
            Path copy = Path.of(System.getProperty("karaf.data"), "iceshare", p.name(), "contents",
                content.toHex(), "data");
            assertEquals("copy at " + p.name() + " differs", -1L, Files.mismatch(media, copy));
            assertEquals("no piece stored twice at " + p.name(), size, s.downloaded());
            rarest += s.requestsByScheduler().getOrDefault("rarest", 0L);
            sequential += s.requestsByScheduler().getOrDefault("sequential", 0L);
        }
        assertTrue("rarest placed requests: " + rarest, rarest > 0);
        assertTrue("sequential placed requests: " + sequential, sequential > 0);
    }
}
