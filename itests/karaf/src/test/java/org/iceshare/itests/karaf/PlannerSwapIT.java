package org.iceshare.itests.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
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
import java.util.EnumSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.apache.karaf.features.FeaturesService;
import org.iceshare.api.peer.ConnectionInfo;
import org.iceshare.api.peer.Peer;
import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.api.transport.Transport;
import org.iceshare.itests.swarm.TestMedia;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;

/**
 * The tracker's planner swapped in the distribution while a file moves: both planner features are installed,
 * the tracker plans with {@code rarest}, its configuration names {@code capacity} in the middle of the
 * transfer, the tracker plans with it from then on without a restart, and every peer ends with a
 * byte-identical copy. Then the example planner of {@code examples/custom-planner} is hot-deployed through
 * {@code deploy/} and selected: the next file moves with it; its jar removed, the tracker falls back to the
 * highest-ranked planner left.
 *
 * <p>Issue #5, transport (was TransportSwitchIT; one Karaf boot for both): peers are moving pieces over TCP;
 * the operator switches to TLS with {@code iceshare:transport tls}, then uninstalls the TCP transport's
 * feature. The transfer completes byte-identical, and the connection table shows that the connections made
 * after the switch use TLS (and, once TCP is gone, that everything does: tracker and peers). It leaves the
 * container without TCP, so it runs last: the tests run in the order of their names.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class PlannerSwapIT extends IceShareTestSupport {
    private static final Pattern ICET = Pattern.compile("icet://\\S+");

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

    // ------------------------------------------------------------------ transport switch (was TransportSwitchIT)

    @Test
    public void switchToTlsThenUninstallTcpMidTransfer() throws Exception {
        assertFeatureInstalled("iceshare-transport-tcp");
        assertFeatureInstalled("iceshare-transport-tls");
        getOsgiService(Transport.class, "(transport.name=tls)", SERVICE_TIMEOUT_MILLIS);
        Path media = Path.of(System.getProperty("iceshare.itest.vorbis"));
        long size = Files.size(media);

        // a source capped so that the transfer lasts about ten seconds, and two peers fetching from it
        Peer source = createPeer("source", Map.of("uploadRate", Math.max(64 * 1024, size / 10)));
        String published = executeCommand("iceshare:publish --peer source " + media);
        Matcher m = ICET.matcher(published);
        assertTrue("publish printed no icet:// URL: " + published, m.find());
        String url = m.group();
        List<Peer> leeches = new ArrayList<>();
        for (String name : List.of("leech1", "leech2")) {
            Peer p = createPeer(name, Map.of());
            leeches.add(p);
            String out = executeCommand("iceshare:get --peer " + name + " " + url);
            assertTrue(out, out.contains("http://"));
        }
        Peer first = leeches.get(0);
        waitUntil("pieces move over tcp", () -> progress(first) > 0.05
            && transports(source, ConnectionInfo.Kind.PEER).contains("tcp"));
        assertTrue("still downloading when the switch comes", progress(first) < 0.9);

        // 1. the operator prefers TLS: open connections carry on, new ones use TLS
        String switched = executeCommand("iceshare:transport tls");
        assertTrue(switched, switched.contains("tls"));
        for (Peer p : all(source, leeches)) {
            waitUntil(p.name() + " prefers tls", () -> !p.endpoints().isEmpty()
                && p.endpoints().get(0).transport().equals("tls"));
        }

        // 2. the TCP transport's feature goes away (without refreshing other bundles)
        featuresService.uninstallFeature("iceshare-transport-tcp",
            EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles));
        waitUntil("the tcp transport service is gone", () -> {
            ServiceReference<?>[] refs = bundleContext.getServiceReferences(Transport.class.getName(),
                "(transport.name=tcp)");
            return refs == null || refs.length == 0;
        });
        assertFalse(featuresService.isInstalled(featuresService.getFeature("iceshare-transport-tcp")));

        for (Peer p : leeches) {
            waitUntil(p.name() + " completes over tls", () -> p.swarms().stream()
                .anyMatch(s -> s.state() == SwarmStatus.State.COMPLETE));
        }
        for (Peer p : leeches) {
            SwarmStatus s = p.swarms().get(0);
            Path copy = Path.of(System.getProperty("karaf.data"), "iceshare", p.name(), "contents",
                s.content().toHex(), "data");
            assertEquals("copy at " + p.name() + " differs", -1L, Files.mismatch(media, copy));
            assertEquals("no piece stored twice at " + p.name(), size, s.downloaded());
        }
        // the connection table: after TCP left, tracker and peer connections are all TLS
        for (Peer p : all(source, leeches)) {
            waitUntilAsserted(p.name() + " is connected over tls only", () -> {
                List<ConnectionInfo> table = p.connections();
                assertTrue(p.name() + " has a tracker connection: " + table,
                    table.stream().anyMatch(c -> c.kind() == ConnectionInfo.Kind.TRACKER));
                assertEquals(p.name() + ": " + table, List.of("tls"),
                    table.stream().map(ConnectionInfo::transport).distinct().collect(Collectors.toList()));
            });
        }
        assertTrue("a peer connection over tls: " + source.connections(),
            transports(source, ConnectionInfo.Kind.PEER).contains("tls")
                || leeches.stream().anyMatch(p -> transports(p, ConnectionInfo.Kind.PEER).contains("tls")));
        String table = executeCommand("iceshare:transport");
        assertTrue(table, table.contains("tls"));
    }

    private static double progress(Peer p) {
        return p.swarms().stream().mapToDouble(SwarmStatus::progress).max().orElse(0);
    }

    private static List<String> transports(Peer p, ConnectionInfo.Kind kind) {
        return p.connections().stream().filter(c -> c.kind() == kind).map(ConnectionInfo::transport)
            .distinct().collect(Collectors.toList());
    }

    private static List<Peer> all(Peer source, List<Peer> leeches) {
        List<Peer> all = new ArrayList<>(leeches);
        all.add(0, source);
        return all;
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
