package org.iceshare.itests.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.awaitility.Awaitility;
import org.iceshare.api.peer.Peer;
import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.scheduler.PieceScheduler;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.itests.swarm.TestMedia;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.Bundle;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.dto.ServiceReferenceDTO;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.SatisfiedReferenceDTO;

/**
 * Support for the tests that hot-deploy the example scheduler of {@code examples/custom-scheduler}
 * (scheduler {@value #WINDOW}) through Karaf's {@code deploy/} folder, as an operator does.
 *
 * <p>The example's jar is built by the main build; failsafe passes its path as
 * {@code iceshare.example.scheduler}, which reaches Karaf like every {@code iceshare.*} property. Pax Exam
 * does not use {@code deploy/} itself ({@code useDeployFolder(false)}), but Karaf's FileInstall still
 * watches it: {@link #deployFolder()} reads the folder from FileInstall's own configuration
 * ({@code etc/org.apache.felix.fileinstall-deploy.cfg}, {@code ${karaf.base}/deploy}, polled every second).
 *
 * <p>The tests never load a class of the example bundle: the probe imports packages dynamically, and a
 * wire to the example would make FileInstall's refresh on removal restart the probe. They see the
 * scheduler only through the API's {@link PieceScheduler} and the core's behaviour.
 *
 * <p>The media is a real Ogg Vorbis file of about 5 MB cut into 64 KiB pieces (about 80), so a transfer
 * has many scheduling rounds; a source capped to a fraction of the file per second makes it last long
 * enough to act during it.
 */
public abstract class CustomSchedulerTestSupport extends IceShareTestSupport {

    /** The {@code scheduler.name} of the example scheduler. */
    protected static final String WINDOW = "window";

    /** The example bundle's symbolic name. */
    protected static final String EXAMPLE_BUNDLE = "com.example.scheduler.window";

    /** The PID that selects the scheduler of every peer in the container. */
    protected static final String SELECTION_PID = "org.iceshare.scheduler";

    private static final String PLUGIN_REGISTRY = "org.iceshare.core.internal.osgi.PluginRegistry";

    @Inject
    protected ServiceComponentRuntime scr;

    @Configuration
    @Override
    public Option[] config() {
        Path media;
        try {
            media = TestMedia.vorbis(300, 6);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new Option[] {composite(super.config()),
            editConfigurationFilePut("etc/org.iceshare.media.ogg.cfg", "pieceSize", "65536"),
            systemProperty("iceshare.itest.vorbis").value(media.toAbsolutePath().toString())};
    }

    // ------------------------------------------------------------------ deploy/

    /**
     * The folder Karaf's FileInstall watches for hot deployment, from FileInstall's configuration
     * ({@code etc/org.apache.felix.fileinstall-deploy.cfg}); asserts that it is {@code ${karaf.base}/deploy}.
     */
    protected Path deployFolder() throws IOException, InvalidSyntaxException {
        org.osgi.service.cm.Configuration[] watchers =
            configAdmin.listConfigurations("(service.factoryPid=org.apache.felix.fileinstall)");
        assertNotNull("FileInstall has no configuration: nothing watches deploy/", watchers);
        String dir = null;
        for (org.osgi.service.cm.Configuration c : watchers) {
            Object file = c.getProperties().get("felix.fileinstall.filename");
            if (file != null && file.toString().endsWith("org.apache.felix.fileinstall-deploy.cfg")) {
                dir = String.valueOf(c.getProperties().get("felix.fileinstall.dir"));
            }
        }
        assertNotNull("no FileInstall configuration from etc/org.apache.felix.fileinstall-deploy.cfg", dir);
        Path expected = Path.of(System.getProperty("karaf.base"), "deploy");
        assertTrue("deploy folder " + expected + " is missing", Files.isDirectory(expected));
        assertEquals("FileInstall watches " + dir, expected.toRealPath(), Path.of(dir).toRealPath());
        return expected;
    }

    /**
     * Copies the example's jar into {@code deploy}, as an operator does with {@code cp}. The copy is made
     * next to the folder and moved in at once, so FileInstall never sees half a jar.
     *
     * @return the deployed file
     */
    protected static Path deployExample(Path deploy) throws IOException {
        Path jar = Path.of(System.getProperty("iceshare.example.scheduler", ""));
        assertTrue("the example scheduler " + jar + " is not built (examples/custom-scheduler)", Files.isRegularFile(jar));
        Path staging = Files.createTempFile(Path.of(System.getProperty("karaf.data")), "example", ".part");
        Files.copy(jar, staging, StandardCopyOption.REPLACE_EXISTING);
        Path target = deploy.resolve(jar.getFileName());
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    /** The installed example bundle, or null. */
    protected Bundle exampleBundle() {
        for (Bundle b : bundleContext.getBundles()) {
            if (EXAMPLE_BUNDLE.equals(b.getSymbolicName())) {
                return b;
            }
        }
        return null;
    }

    /**
     * Waits until the scheduler is selectable: its {@link PieceScheduler} service is registered and the
     * core's scheduler registry has bound it (read from the Service Component Runtime), so a selection of
     * it is taken. Fails after {@link #WAIT_TIMEOUT}, a safety net: how long it took is a figure the tests
     * print, not a bound (a busy machine takes longer).
     *
     * @return how long that took from {@code startNanos}
     */
    protected Duration awaitSelectable(String name, long startNanos) {
        Awaitility.await("scheduler '" + name + "' registered and bound by the core")
            .atMost(WAIT_TIMEOUT)
            .pollDelay(Duration.ZERO)
            .pollInterval(Duration.ofMillis(50))
            .until(() -> schedulerService(name) && boundByCore(name));
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** True while a PieceScheduler service with this {@code scheduler.name} is registered. */
    protected boolean schedulerService(String name) throws InvalidSyntaxException {
        return !bundleContext.getServiceReferences(PieceScheduler.class, "(" + PieceScheduler.NAME_PROPERTY + "="
            + name + ")").isEmpty();
    }

    /** True when the core's scheduler registry (the PluginRegistry component) has this scheduler bound. */
    protected boolean boundByCore(String name) {
        for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
            if (!PLUGIN_REGISTRY.equals(d.name)) {
                continue;
            }
            for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                if (c.state != ComponentConfigurationDTO.ACTIVE) {
                    continue;
                }
                for (SatisfiedReferenceDTO r : c.satisfiedReferences) {
                    for (ServiceReferenceDTO s : r.boundServices) {
                        if (name.equals(s.properties.get(PieceScheduler.NAME_PROPERTY))) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    /**
     * Selects the scheduler every peer in the container uses, through ConfigAdmin as
     * {@code config:property-set -p org.iceshare.scheduler name <name>} does: the other keys stay.
     */
    protected void selectScheduler(String name) throws IOException {
        org.osgi.service.cm.Configuration selection = configAdmin.getConfiguration(SELECTION_PID, null);
        Dictionary<String, Object> props = selection.getProperties();
        if (props == null) {
            props = new Hashtable<>();
        }
        props.put("name", name);
        selection.update(props);
    }

    /** The scheduler name configured under {@value #SELECTION_PID}. */
    protected String selectedScheduler() throws IOException {
        Dictionary<String, Object> props = configAdmin.getConfiguration(SELECTION_PID, null).getProperties();
        return props == null ? null : String.valueOf(props.get("name"));
    }

    // ------------------------------------------------------------------ a transfer

    /** One content moving from a capped source to a few peers in this container. */
    protected record Transfer(Path media, long size, IcetUrl url, ContentId content, Peer source, List<Peer> peers) {

        SwarmStatus status(Peer p) {
            return p.swarm(content).orElseThrow();
        }

        /** The piece log summed over the fetching peers: requests each scheduler placed. */
        long requestsBy(String scheduler) {
            long sum = 0;
            for (Peer p : peers) {
                sum += status(p).requestsByScheduler().getOrDefault(scheduler, 0L);
            }
            return sum;
        }

        /** The requests this scheduler placed at each fetching peer, by peer name. */
        Map<String, Long> requestsByPeer(String scheduler) {
            Map<String, Long> counts = new java.util.TreeMap<>();
            for (Peer p : peers) {
                counts.put(p.name(), status(p).requestsByScheduler().getOrDefault(scheduler, 0L));
            }
            return counts;
        }

        /** True while some peer still fetches. */
        boolean inProgress() {
            return peers.stream().anyMatch(p -> status(p).state() != SwarmStatus.State.COMPLETE);
        }

        /** True when every fetching peer reports this scheduler in use. */
        boolean everyPeerUses(String scheduler) {
            return peers.stream().allMatch(p -> scheduler.equals(status(p).scheduler()));
        }

        /** The piece log of each peer, for messages. */
        String pieceLog() {
            StringBuilder out = new StringBuilder();
            for (Peer p : peers) {
                SwarmStatus s = status(p);
                out.append(p.name()).append(' ').append(s.verified()).append('/').append(s.pieces()).append(' ')
                    .append(s.requestsByScheduler()).append("; ");
            }
            return out.toString();
        }
    }

    /**
     * Publishes the test media from a new peer whose upload is capped so that one copy takes about
     * {@code seconds}, and has {@code count} more peers fetch it.
     */
    protected Transfer startTransfer(String name, int count, int seconds) throws Exception {
        Path media = Path.of(System.getProperty("iceshare.itest.vorbis"));
        long size = Files.size(media);
        Peer source = createPeer(name + "src", Map.of("uploadRate", size / seconds));
        List<Peer> peers = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            peers.add(createPeer(name + i, Map.of()));
        }
        IcetUrl url = source.publish(media, name + ".ogg", null).toCompletableFuture().get(30, TimeUnit.SECONDS);
        for (Peer p : peers) {
            p.get(url).toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        ContentId content = peers.get(0).swarms().stream().filter(s -> s.url().equals(url)).findFirst()
            .orElseThrow().content();
        return new Transfer(media, size, url, content, source, List.copyOf(peers));
    }

    /** Waits until every peer holds the whole content, then checks each copy byte for byte. */
    protected void assertCompletesByteIdentical(Transfer t) throws IOException {
        for (Peer p : t.peers()) {
            waitUntil(p.name() + " completes", () -> t.status(p).state() == SwarmStatus.State.COMPLETE);
        }
        for (Peer p : t.peers()) {
            Path copy = Path.of(System.getProperty("karaf.data"), "iceshare", p.name(), "contents",
                t.content().toHex(), "data");
            assertEquals("copy at " + p.name() + " differs", -1L, Files.mismatch(t.media(), copy));
            assertEquals("no piece stored twice at " + p.name(), t.size(), t.status(p).downloaded());
        }
    }

    // ------------------------------------------------------------------ karaf.log

    /** Karaf's log file, {@code ${karaf.log}/karaf.log}. */
    protected static Path karafLog() {
        String dir = System.getProperty("karaf.log");
        Path log = dir != null ? Path.of(dir, "karaf.log") : Path.of(System.getProperty("karaf.data"), "log", "karaf.log");
        assertTrue("no Karaf log at " + log, Files.isRegularFile(log));
        return log;
    }

    /** The log's length now: pass it to {@link #logSince(long)} to read what is written afterwards. */
    protected static long logMark() throws IOException {
        return Files.size(karafLog());
    }

    /** What Karaf logged from {@code mark} on. */
    protected static String logSince(long mark) throws IOException {
        try (InputStream in = Files.newInputStream(karafLog())) {
            in.skipNBytes(mark);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
