package org.iceshare.itests.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.apache.karaf.features.FeaturesService;
import org.iceshare.api.peer.ConnectionInfo;
import org.iceshare.api.peer.Peer;
import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.transport.Transport;
import org.iceshare.itests.swarm.TestMedia;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;

/**
 * Issue #5, transport: peers are moving pieces over TCP; the operator switches to TLS with
 * {@code iceshare:transport tls}, then uninstalls the TCP transport's feature. The transfer completes
 * byte-identical, and the connection table shows that the connections made after the switch use TLS
 * (and, once TCP is gone, that everything does: tracker and peers).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TransportSwitchIT extends IceShareTestSupport {
    private static final Pattern ICET = Pattern.compile("icet://\\S+");

    @Configuration
    @Override
    public Option[] config() {
        Path media;
        try {
            media = TestMedia.vorbis(90, 4);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return new Option[] {composite(super.config()),
            systemProperty("iceshare.itest.vorbis").value(media.toAbsolutePath().toString())};
    }

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
}
