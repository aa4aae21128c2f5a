package org.iceshare.itests.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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
 * The tracker's planner swapped in the distribution while a file moves: both planner features are installed,
 * the tracker plans with {@code rarest}, its configuration names {@code capacity} in the middle of the
 * transfer, the tracker plans with it from then on without a restart, and every peer ends with a
 * byte-identical copy. Then the example planner of {@code examples/custom-planner} is hot-deployed through
 * {@code deploy/} and selected: the next file moves with it; its jar removed, the tracker falls back to the
 * highest-ranked planner left.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PlannerSwapIT extends IceShareTestSupport {

    @Configuration
    @Override
    public Option[] config() {
        Path media;
        Path second;
        try {
            media = TestMedia.vorbis(90, 4);
            second = TestMedia.vorbis(30, 4);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new Option[] {composite(super.config()),
            systemProperty("iceshare.itest.vorbis").value(media.toAbsolutePath().toString()),
            systemProperty("iceshare.itest.vorbis.second").value(second.toAbsolutePath().toString())};
    }

    @Test
    public void capacityReplacesRarestMidTransfer() throws Exception {
        Path media = Path.of(System.getProperty("iceshare.itest.vorbis"));
        long size = Files.size(media);
        waitUntil("both planners installed", () -> executeCommand("feature:list -i")
            .contains("iceshare-planner-capacity"));
        // the seed sends a third of the file per second, the others a quarter: the transfer takes some seconds
        Peer seed = createPeer("seed", Map.of("uploadRate", size / 3));
        List<Peer> peers = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            peers.add(createPeer("fetch" + i, Map.of("uploadRate", size / 4)));
        }
        IcetUrl url = seed.publish(media, "planner-swap.ogg", null).toCompletableFuture().get(60, TimeUnit.SECONDS);
        long mark = Files.size(karafLog());
        for (Peer p : peers) {
            p.get(url).toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
        waitUntil("the transfer is under way", () -> peers.stream().mapToDouble(p -> progress(p, url)).average()
            .orElse(0) > 0.2);
        assertTrue("the swap falls inside the transfer", peers.stream().anyMatch(p -> progress(p, url) < 1));

        org.osgi.service.cm.Configuration tracker = configAdmin.getConfiguration("org.iceshare.tracker", null);
        Dictionary<String, Object> props = tracker.getProperties() == null ? new Hashtable<>() : tracker.getProperties();
        props.put("planner", "capacity");
        tracker.update(props);

        waitUntil("the tracker plans with capacity", () -> logSince(mark).contains("planning with 'capacity'"));
        for (Peer p : peers) {
            waitUntil(p.name() + " completes", () -> status(p, url).state() == SwarmStatus.State.COMPLETE);
        }
        for (Peer p : peers) {
            SwarmStatus s = status(p, url);
            Path copy = Path.of(System.getProperty("karaf.data"), "iceshare", p.name(), "contents",
                s.content().toHex(), "data");
            assertEquals("copy at " + p.name() + " differs", -1L, Files.mismatch(media, copy));
            assertEquals("no piece stored twice at " + p.name(), size, s.downloaded());
        }
        String log = logSince(mark);
        assertTrue("the tracker planned with rarest first:\n" + log, log.contains("planning with 'rarest'")
            || logSince(0).contains("planning with 'rarest'"));
        assertTrue("a planner change does not restart the tracker:\n" + log, !log.contains("IceTracker stopped"));

        // a third-party planner, hot-deployed and selected
        Path jar = Path.of(System.getProperty("iceshare.example.planner", ""));
        assertTrue("the example planner " + jar + " is not built (examples/custom-planner)", Files.isRegularFile(jar));
        Path deploy = Path.of(System.getProperty("karaf.base"), "deploy");
        Path staging = Files.createTempFile(Path.of(System.getProperty("karaf.data")), "example", ".part");
        Files.copy(jar, staging, StandardCopyOption.REPLACE_EXISTING);
        Path deployed = deploy.resolve(jar.getFileName());
        long deployMark = Files.size(karafLog());
        Files.move(staging, deployed, StandardCopyOption.ATOMIC_MOVE);
        waitUntil("the example planner is available", () -> logSince(deployMark)
            .contains("planner 'in-order' available"));
        props = tracker.getProperties();
        props.put("planner", "in-order");
        tracker.update(props);

        Path media2 = Path.of(System.getProperty("iceshare.itest.vorbis.second"));
        IcetUrl url2 = seed.publish(media2, "planner-example.ogg", null).toCompletableFuture()
            .get(60, TimeUnit.SECONDS);
        for (Peer p : peers) {
            p.get(url2).toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
        for (Peer p : peers) {
            waitUntil(p.name() + " completes the second file", () -> status(p, url2).state()
                == SwarmStatus.State.COMPLETE);
        }
        assertTrue("the tracker planned with the example", logSince(deployMark)
            .contains("planning with 'in-order'"));
        for (Peer p : peers) {
            SwarmStatus s = status(p, url2);
            Path copy = Path.of(System.getProperty("karaf.data"), "iceshare", p.name(), "contents",
                s.content().toHex(), "data");
            assertEquals("copy of the second file at " + p.name() + " differs", -1L, Files.mismatch(media2, copy));
        }

        long removeMark = Files.size(karafLog());
        Files.delete(deployed);
        waitUntil("without it the highest-ranked planner plans", () -> logSince(removeMark)
            .contains("planner 'in-order' is not installed; using 'rarest'"));
    }

    private static SwarmStatus status(Peer p, IcetUrl url) {
        return p.swarms().stream().filter(s -> s.url().equals(url)).findFirst().orElseThrow();
    }

    private static double progress(Peer p, IcetUrl url) {
        return p.swarms().stream().filter(s -> s.url().equals(url)).mapToDouble(SwarmStatus::progress).findFirst()
            .orElse(0);
    }

    /** Karaf's log file, {@code ${karaf.log}/karaf.log}. */
    private static Path karafLog() {
        String dir = System.getProperty("karaf.log");
        Path log = dir != null ? Path.of(dir, "karaf.log") : Path.of(System.getProperty("karaf.data"), "log", "karaf.log");
        assertTrue("no Karaf log at " + log, Files.isRegularFile(log));
        return log;
    }

    private static String logSince(long mark) throws IOException {
        try (InputStream in = Files.newInputStream(karafLog())) {
            in.skipNBytes(mark);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
