package org.iceshare.itests.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.TabularData;

import org.iceshare.api.peer.Peer;
import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.api.tracker.Tracker;
import org.iceshare.api.transport.Transport;
import org.iceshare.itests.swarm.TestMedia;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * The operator's view in the distribution: after a small transfer between two peers of the
 * container, the JMX MBeans (read from the platform MBeanServer, which Karaf's JMX connector serves)
 * and {@code iceshare:swarms}, {@code peers}, {@code pieces}, {@code stats} and {@code stop} show it;
 * {@code iceshare:scheduler} lists and selects schedulers through ConfigAdmin at run time;
 * {@code iceshare:transport} lists the transports, each peer's preference, endpoints and connections,
 * refuses unknown names, writes nothing for a transport already first, and (when a second transport is
 * installed) puts it first in a peer's preference at run time without restarting the peer.
 *
 * <p>Typed configuration (was ConfigIT; one Karaf boot for both, as each test puts back what it changed):
 * every IceShare component has a metatype form with a description for each field (what the web console's
 * Configuration page and {@code config:edit} show), and an invalid value is refused while the running
 * component keeps its old configuration.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class StatsIT extends IceShareTestSupport {
    private static final Pattern ICET = Pattern.compile("icet://\\S+");

    @Configuration
    @Override
    public Option[] config() {
        Path media;
        Path small;
        try {
            media = TestMedia.vorbis(40, 4);
            small = TestMedia.vorbis(5, 2);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return new Option[] {composite(super.config()),
            systemProperty("iceshare.itest.vorbis").value(media.toAbsolutePath().toString()),
            systemProperty("iceshare.itest.vorbis.small").value(small.toAbsolutePath().toString())};
    }

    @Test
    public void aTransferShowsInJmxAndInTheShellThenStopLeavesTheSwarm() throws Exception {
        Path media = Path.of(System.getProperty("iceshare.itest.vorbis"));
        long size = Files.size(media);
        Peer publisher = getOsgiService(Peer.class, "(name=default)", SERVICE_TIMEOUT_MILLIS);
        Peer leech = createPeer("statsleech", Map.of());

        String published = executeCommand("iceshare:publish --name stats.ogg " + media);
        Matcher m = ICET.matcher(published);
        assertTrue("publish printed no icet:// URL: " + published, m.find());
        IcetUrl url = IcetUrl.parse(m.group());
        String got = executeCommand("iceshare:get --peer statsleech --wait 25 " + url);
        assertTrue("get completed: " + got, got.contains("COMPLETE"));
        ContentId content = leech.swarms().stream().filter(s -> s.url().equals(url)).findFirst().orElseThrow()
            .content();
        int pieces = leech.swarm(content).orElseThrow().pieces();

        // JMX, as a JMX client of Karaf's connector sees it
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        ObjectName swarm = new ObjectName("org.iceshare:type=Swarm,peer=statsleech,content=" + content.toHex());
        ObjectName leechBean = new ObjectName("org.iceshare:type=Peer,name=statsleech");
        ObjectName publisherBean = new ObjectName("org.iceshare:type=Peer,name=default");
        ObjectName tracker = new ObjectName("org.iceshare:type=Tracker");
        waitUntil("the swarm's MBean is registered", () -> jmx.isRegistered(swarm));
        assertEquals("COMPLETE", jmx.getAttribute(swarm, "State"));
        assertEquals(1.0, (Double) jmx.getAttribute(swarm, "Progress"), 0.0);
        assertEquals(size, jmx.getAttribute(swarm, "Downloaded"));
        assertEquals(0L, jmx.getAttribute(swarm, "Uploaded"));
        assertEquals(pieces, jmx.getAttribute(swarm, "Pieces"));
        assertEquals(url.toString(), jmx.getAttribute(swarm, "Url"));
        assertEquals(1.0, (Double) jmx.getAttribute(swarm, "Continuity"), 0.0);
        assertEquals(-1L, jmx.getAttribute(swarm, "LatencyP95Millis"));
        assertNotNull(jmx.getAttribute(swarm, "Scheduler"));
        assertEquals("statsleech", jmx.getAttribute(leechBean, "Name"));
        assertEquals(leech.id().toHex(), jmx.getAttribute(leechBean, "Id"));
        assertEquals(size, jmx.getAttribute(leechBean, "Downloaded"));
        assertTrue("the publisher uploaded the file",
            (Long) jmx.getAttribute(publisherBean, "Uploaded") >= size);
        waitUntilAsserted("the tracker credits the source's upload", () -> {
            TabularData suf = (TabularData) jmx.getAttribute(tracker, "SourceUploadFactor");
            assertNotNull("SourceUploadFactor has stats.ogg: " + suf, suf.get(new Object[] {"stats.ogg"}));
            assertTrue((Double) suf.get(new Object[] {"stats.ogg"}).get("value") >= 1.0);
        });
        assertTrue((Integer) jmx.getAttribute(tracker, "Contents") >= 1);
        assertTrue((Integer) jmx.getAttribute(tracker, "Peers") >= 2);

        String swarms = executeCommand("iceshare:swarms");
        assertTrue(swarms, lineWith(swarms, "statsleech", url.toString(), "COMPLETE", "100%"));
        assertTrue(swarms, lineWith(swarms, "default", url.toString(), "COMPLETE (source)"));
        String onlyLeech = executeCommand("iceshare:swarms --peer statsleech");
        assertFalse(onlyLeech, onlyLeech.contains("COMPLETE (source)"));

        waitUntilAsserted("the tracker knows both copies are complete", () -> {
            String peers = executeCommand("iceshare:peers stats.ogg");
            assertTrue(peers, peers.contains("Swarm of stats.ogg (" + content.toHex() + ")"));
            assertTrue(peers, lineWith(peers, "statsleech", pieces + "/" + pieces, "| no"));
            assertTrue(peers, lineWith(peers, publisher.address().getPort() + " ", "default", "yes",
                pieces + "/" + pieces, "inf"));
        });

        String map = executeCommand("iceshare:pieces " + content.toHex().substring(0, 8));
        assertTrue(map, map.contains("Pieces of stats.ogg (" + content.shortHex() + "): " + pieces + " pieces"));
        assertTrue("every piece is held by 2 or 3 peers: " + map, map.contains("|" + ":".repeat(Math.min(pieces,
            64)) + (pieces <= 64 ? "|" : "")));
        assertTrue(map, map.contains("Legend: ' ' no peer  '.' 1 peer  ':' 2-3 peers  '#' 4 or more"));
        assertTrue(map, map.contains("statsleech: every piece, 0-" + (pieces - 1) + " (COMPLETE)"));
        assertTrue(map, map.contains("default: every piece, 0-" + (pieces - 1) + " (source, COMPLETE)"));
        String digits = executeCommand("iceshare:pieces --digits " + url);
        assertTrue(digits, digits.contains("|" + "2".repeat(Math.min(pieces, 64))));

        String stats = executeCommand("iceshare:stats --bytes");
        assertTrue(stats, stats.contains("Peer statsleech (" + leech.id().shortHex() + "): 1 swarm, up 0, down "
            + size));
        assertTrue(stats, lineWith(stats, content.shortHex(), "stats.ogg", "COMPLETE", " " + size + " "));
        assertTrue(stats, stats.contains("Tracker on 127.0.0.1:" + port("tracker")));
        double suf = getOsgiService(Tracker.class, SERVICE_TIMEOUT_MILLIS).content("stats.ogg").orElseThrow()
            .sourceUploadFactor();
        assertTrue(stats, lineWith(stats, content.shortHex(), "stats.ogg", " " + size + " ",
            String.format(Locale.ROOT, " %.2f", suf)));

        String refused = executeCommand("iceshare:peers nothing.ogg");
        assertTrue(refused, refused.contains("Error: no content named 'nothing.ogg'")
            && refused.contains("stats.ogg (" + content.shortHex() + ")"));
        String ambiguous = executeCommand("iceshare:stop stats.ogg");
        assertTrue(ambiguous, ambiguous.contains("Error: several peers are in the swarm of stats.ogg")
            && ambiguous.contains("[default, statsleech]"));

        String stopped = executeCommand("iceshare:stop --peer statsleech " + url);
        assertTrue(stopped, stopped.contains("Peer statsleech left the swarm of stats.ogg (" + content.shortHex()
            + ")"));
        assertTrue(leech.swarm(content).isEmpty());
        String after = executeCommand("iceshare:swarms --peer statsleech");
        assertFalse(after, after.contains("stats.ogg"));
        waitUntil("the swarm's MBean is unregistered", () -> !jmx.isRegistered(swarm));
        assertTrue(jmx.isRegistered(leechBean));
        assertEquals(0, jmx.getAttribute(leechBean, "Swarms"));
    }

    @Test
    public void schedulersAreListedAndSelectedAtRunTime() throws Exception {
        org.osgi.service.cm.Configuration selection = configAdmin.getConfiguration("org.iceshare.scheduler", null);
        Dictionary<String, Object> before = selection.getProperties();
        assertNotNull("the distribution ships etc/org.iceshare.scheduler.cfg", before);
        String files = String.valueOf(before.get("name"));
        String streaming = String.valueOf(before.get("streaming"));
        Object cfgFile = before.get("felix.fileinstall.filename");

        // a swarm whose scheduler shows the switch
        Peer publisher = getOsgiService(Peer.class, "(name=default)", SERVICE_TIMEOUT_MILLIS);
        IcetUrl url = publisher.publish(Path.of(System.getProperty("iceshare.itest.vorbis")), "sched.ogg", null)
            .toCompletableFuture().get(30, TimeUnit.SECONDS);
        ContentId content = publisher.swarms().stream().filter(s -> s.url().equals(url)).findFirst().orElseThrow()
            .content();

        String list = executeCommand("iceshare:scheduler");
        for (String name : new String[] {"rarest", "sequential", "deadline"}) {
            assertTrue(list, lineWith(list, name, "org.iceshare.scheduler." + name));
        }
        assertTrue(list, lineWith(list, "rarest", "100"));
        assertTrue(list, list.contains("Files: " + files));
        assertTrue(list, list.contains("Streaming: " + streaming));

        String refused = executeCommand("iceshare:scheduler nosuch");
        assertTrue(refused, refused.contains("Error: no scheduler named 'nosuch' is installed; installed: ")
            && refused.contains("rarest") && refused.contains("sequential") && refused.contains("deadline"));
        assertEquals("a refused name changes nothing", files, selection.getProperties().get("name"));

        try {
            String set = executeCommand("iceshare:scheduler sequential");
            assertTrue(set, set.contains("Scheduler for files: " + files + " -> sequential"));
            Dictionary<String, Object> now = configAdmin.getConfiguration("org.iceshare.scheduler", null)
                .getProperties();
            assertEquals("sequential", now.get("name"));
            assertEquals("the other property is kept", streaming, now.get("streaming"));
            assertEquals("the .cfg file stays bound", cfgFile, now.get("felix.fileinstall.filename"));
            waitUntil("the running swarm uses sequential", () -> "sequential".equals(
                publisher.swarm(content).map(SwarmStatus::scheduler).orElse(null)));

            String again = executeCommand("iceshare:scheduler sequential");
            assertTrue(again, again.contains("The scheduler for files is already sequential"));

            String stream = executeCommand("iceshare:scheduler --streaming rarest");
            assertTrue(stream, stream.contains("Scheduler for streaming: " + streaming + " -> rarest"));
            now = configAdmin.getConfiguration("org.iceshare.scheduler", null).getProperties();
            assertEquals("rarest", now.get("streaming"));
            assertEquals("sequential", now.get("name"));

            String listed = executeCommand("iceshare:scheduler");
            assertTrue(listed, lineWith(listed, "sequential", "files"));
            assertTrue(listed, lineWith(listed, "rarest", "streaming"));
            assertTrue(listed, listed.contains("Files: sequential") && listed.contains("Streaming: rarest"));
        } finally {
            executeCommand("iceshare:scheduler " + files);
            executeCommand("iceshare:scheduler --streaming " + streaming);
            publisher.stop(content);
        }
        Dictionary<String, Object> restored = configAdmin.getConfiguration("org.iceshare.scheduler", null)
            .getProperties();
        assertEquals(files, restored.get("name"));
        assertEquals(streaming, restored.get("streaming"));
    }

    /**
     * Issue #10: who may publish new names is managed from the shell at run time, and the tracker enforces
     * it: with 'listed' and the default peer not listed, its publication is refused (FORBIDDEN); once its id
     * is added, it publishes.
     */
    @Test
    public void publishersAreListedChangedAtRunTimeAndEnforced() throws Exception {
        Peer peer = getOsgiService(Peer.class, "(name=default)", SERVICE_TIMEOUT_MILLIS);
        Path media = Path.of(System.getProperty("iceshare.itest.vorbis"));
        String id = peer.id().toHex();
        assertTrue(executeCommand("iceshare:status"), executeCommand("iceshare:status").contains("(id " + id + ")"));

        String shown = executeCommand("iceshare:publishers");
        assertTrue(shown, shown.contains("New names may be published by clients on the tracker's machine"));
        String bad = executeCommand("iceshare:publishers --add nothex");
        assertTrue(bad, bad.contains("Error: not a peer id") && bad.contains("nothing written"));
        String wrongMode = executeCommand("iceshare:publishers --mode everybody");
        assertTrue(wrongMode, wrongMode.contains("Error: --mode must be local, listed or anyone"));

        String listed = executeCommand("iceshare:publishers --mode listed");
        assertTrue(listed, listed.contains("publishers: local -> listed") && listed.contains("Listed ids: none"));
        int[] attempt = {0};
        waitUntil("the tracker refuses a publication from a key it does not list", () -> {
            try {
                peer.publish(media, "gated-" + attempt[0]++ + ".ogg", null).toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
                return false;
            } catch (ExecutionException e) {
                return String.valueOf(e.getMessage()).contains("FORBIDDEN");
            }
        });

        String added = executeCommand("iceshare:publishers --add " + id);
        assertTrue(added, added.contains("added " + id) && added.contains("  " + id));
        waitUntil("the tracker takes the listed key's publication", () -> {
            try {
                peer.publish(media, "open-" + attempt[0]++ + ".ogg", null).toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
                return true;
            } catch (ExecutionException e) {
                return false;
            }
        });

        String restored = executeCommand("iceshare:publishers --mode local --remove " + id);
        assertTrue(restored, restored.contains("publishers: listed -> local") && restored.contains("removed " + id));
        Dictionary<String, Object> props = configAdmin.getConfiguration("org.iceshare.tracker", null).getProperties();
        assertEquals("local", props.get("publishers"));
        assertEquals("", props.get("publisherIds"));
    }

    @Test
    public void transportsAreListedUnknownOnesRefusedAndTheFirstChoiceSwitchedAtRunTime() throws Exception {
        Peer peer = getOsgiService(Peer.class, "(name=default)", SERVICE_TIMEOUT_MILLIS);
        List<String> installed = new ArrayList<>();
        for (ServiceReference<Transport> r : bundleContext.getServiceReferences(Transport.class, null)) {
            installed.add(String.valueOf(r.getProperty(Transport.NAME_PROPERTY)));
        }
        assertTrue("tcp is installed: " + installed, installed.contains("tcp"));
        waitUntil("the default peer listens on every installed transport " + installed,
            () -> peer.endpoints().stream().map(Endpoint::transport).collect(Collectors.toSet())
                .containsAll(installed));

        String list = executeCommand("iceshare:transport");
        assertTrue(list, lineWith(list, "tcp", "org.iceshare.transport.tcp", "default"));
        assertTrue(list, lineWith(list, "default", "tcp,tls", "tcp:" + port("peer")));
        assertTrue(list, list.contains("Tracker: listens on tcp:" + port("tracker"))
            && list.contains("its address 127.0.0.1:" + port("tracker")));

        String refused = executeCommand("iceshare:transport quic");
        assertTrue(refused, refused.contains("Error: no transport named 'quic' is installed; installed: ")
            && refused.contains("tcp"));

        // tcp is first already (the default preference tcp,tls): nothing is written
        org.osgi.service.cm.Configuration[] peers = configAdmin.listConfigurations(
            "(" + ConfigurationAdmin.SERVICE_FACTORYPID + "=org.iceshare.peer)");
        assertNotNull(peers);
        long[] changes = new long[peers.length];
        for (int i = 0; i < peers.length; i++) {
            changes[i] = peers[i].getChangeCount();
        }
        String same = executeCommand("iceshare:transport tcp");
        assertTrue(same, same.contains("Peer default: tcp is already first (tcp,tls); nothing written"));
        assertTrue(same, same.contains("0 of " + peers.length + " peer"));
        for (int i = 0; i < peers.length; i++) {
            assertEquals("configuration " + peers[i].getPid() + " untouched", changes[i],
                configAdmin.getConfiguration(peers[i].getPid(), null).getChangeCount());
        }

        // the connection table: the default peer's connection to the tracker, once it has one
        IcetUrl url = peer.publish(Path.of(System.getProperty("iceshare.itest.vorbis")), "transport.ogg", null)
            .toCompletableFuture().get(30, TimeUnit.SECONDS);
        try {
            waitUntilAsserted("the connection table shows the default peer's tracker connection", () -> {
                String table = executeCommand("iceshare:transport --connections --peer default");
                assertTrue(table, lineWith(table, "default", "tracker", "127.0.0.1:" + port("tracker"), "tcp",
                    "out"));
            });
        } finally {
            peer.swarms().stream().filter(s -> s.url().equals(url)).findFirst()
                .ifPresent(s -> peer.stop(s.content()));
        }

        // a switch to a second transport, if one is installed: at once, without restarting the peer
        Optional<String> other = installed.stream().filter(n -> !n.equals("tcp")).findFirst();
        if (other.isEmpty()) {
            return;
        }
        String name = other.get();
        org.osgi.service.cm.Configuration config = configAdmin.listConfigurations(
            "(&(" + ConfigurationAdmin.SERVICE_FACTORYPID + "=org.iceshare.peer)(name=default))")[0];
        Object cfgFile = config.getProperties().get("felix.fileinstall.filename");
        Object serviceId = bundleContext.getServiceReferences(Peer.class, "(name=default)").iterator().next()
            .getProperty("service.id");
        String before = String.join(",", peer.endpoints().stream().map(Endpoint::transport).toList());
        try {
            String switched = executeCommand("iceshare:transport --peer default " + name);
            assertTrue(switched, switched.contains("Peer default: transports tcp,"));
            assertTrue(switched, switched.contains("-> " + name + ",tcp"));
            assertTrue(switched, switched.contains("1 of 1 peer changed; open connections carry on"));
            Dictionary<String, Object> now = configAdmin.getConfiguration(config.getPid(), null).getProperties();
            assertTrue("transports " + now.get("transports"), String.valueOf(now.get("transports"))
                .startsWith(name + ",tcp"));
            assertEquals("the .cfg file stays bound", cfgFile, now.get("felix.fileinstall.filename"));
            assertEquals("the other properties stay", String.valueOf(port("peer")), String.valueOf(now.get("port")));
            waitUntil("the default peer prefers " + name + " (endpoints were " + before + ")",
                () -> name.equals(peer.endpoints().get(0).transport()));
            assertEquals("the peer was not restarted", serviceId, bundleContext.getServiceReferences(Peer.class,
                "(name=default)").iterator().next().getProperty("service.id"));
            String listed = executeCommand("iceshare:transport");
            assertTrue(listed, lineWith(listed, "default", name + ",tcp", name + ":"));
        } finally {
            String back = executeCommand("iceshare:transport --peer default tcp");
            assertTrue(back, back.contains("-> tcp," + name));
        }
        waitUntil("the default peer prefers tcp again", () -> "tcp".equals(peer.endpoints().get(0).transport()));
    }

    // ------------------------------------------------------------------ typed configuration (was ConfigIT)

    private static final Set<String> PIDS = Set.of("org.iceshare.peer", "org.iceshare.tracker", "org.iceshare.scheduler",
        "org.iceshare.transport.tcp", "org.iceshare.media.ogg");

    @Test
    public void everyComponentHasAFormWithDescriptions() throws Exception {
        MetaTypeService metatype = getOsgiService(MetaTypeService.class, SERVICE_TIMEOUT_MILLIS);
        List<String> found = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Bundle b : bundleContext.getBundles()) {
            if (b.getSymbolicName() == null || !b.getSymbolicName().startsWith("org.iceshare.")) {
                continue;
            }
            MetaTypeInformation info = metatype.getMetaTypeInformation(b);
            List<String> pids = new ArrayList<>(List.of(info.getPids()));
            pids.addAll(List.of(info.getFactoryPids()));
            for (String pid : pids) {
                found.add(pid);
                ObjectClassDefinition ocd = info.getObjectClassDefinition(pid, null);
                if (ocd.getDescription() == null || ocd.getDescription().isBlank()) {
                    problems.add(pid + " has no description");
                }
                for (AttributeDefinition a : ocd.getAttributeDefinitions(ObjectClassDefinition.ALL)) {
                    if (a.getDescription() == null || a.getDescription().isBlank()) {
                        problems.add(pid + "." + a.getID() + " has no description");
                    }
                }
            }
        }
        assertTrue("forms for " + PIDS + ", found " + found, found.containsAll(PIDS));
        assertTrue(problems("form problem(s)", problems), problems.isEmpty());
    }

    @Test
    public void invalidValuesAreRefusedAndTheRunningConfigurationStays() throws Exception {
        // what this test changes, put back at the end: the other tests of the class use these configurations
        org.osgi.service.cm.Configuration trackerConfig = configAdmin.getConfiguration("org.iceshare.tracker", null);
        org.osgi.service.cm.Configuration peerConfig = configAdmin.listConfigurations(
            "(&(" + ConfigurationAdmin.SERVICE_FACTORYPID + "=org.iceshare.peer)(name=default))")[0];
        org.osgi.service.cm.Configuration schedulerConfig = configAdmin.getConfiguration("org.iceshare.scheduler", null);
        Dictionary<String, Object> trackerBefore = trackerConfig.getProperties();
        Dictionary<String, Object> peerBefore = peerConfig.getProperties();
        Dictionary<String, Object> schedulerBefore = schedulerConfig.getProperties();
        assertNotNull("the distribution ships etc/org.iceshare.tracker.cfg", trackerBefore);
        assertNotNull("the distribution ships etc/org.iceshare.peer-default.cfg", peerBefore);
        assertNotNull("the distribution ships etc/org.iceshare.scheduler.cfg", schedulerBefore);
        try {
            Tracker tracker = getOsgiService(Tracker.class, SERVICE_TIMEOUT_MILLIS);
            InetSocketAddress before = tracker.address();
            assertNotNull(before);
            update("org.iceshare.tracker", Map.of("port", 99999));
            waitUntil("the tracker still listens where it did", () -> before.equals(tracker.address()));

            Peer peer = getOsgiService(Peer.class, "(name=default)", SERVICE_TIMEOUT_MILLIS);
            InetSocketAddress peerAddress = peer.address();
            Dictionary<String, Object> props = peerConfig.getProperties();
            props.put("slotsPerPeer", 1000);
            peerConfig.update(props);
            waitUntil("the default peer keeps running", () -> peerAddress.equals(peer.address()));

            update("org.iceshare.scheduler", Map.of("name", "no-such-scheduler"));
            // a swarm shows the scheduler in use: publish something small and look
            Peer again = getOsgiService(Peer.class, "(name=default)", SERVICE_TIMEOUT_MILLIS);
            Path file = Files.createTempFile("tone", ".ogg");
            Files.copy(Path.of(System.getProperty("iceshare.itest.vorbis.small", "")), file,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            IcetUrl url = again.publish(file, "config-check.ogg", null).toCompletableFuture().get(30, TimeUnit.SECONDS);
            try {
                assertEquals("rarest", again.swarms().stream().filter(s -> s.url().name().equals("config-check.ogg"))
                    .findFirst().orElseThrow().scheduler());
            } finally {
                again.swarms().stream().filter(s -> s.url().equals(url)).findFirst()
                    .ifPresent(s -> again.stop(s.content()));
            }
        } finally {
            trackerConfig.update(trackerBefore);
            peerConfig.update(peerBefore);
            schedulerConfig.update(schedulerBefore);
        }
    }

    private void update(String pid, Map<String, Object> changes) throws Exception {
        org.osgi.service.cm.Configuration c = configAdmin.getConfiguration(pid, null);
        Dictionary<String, Object> props = c.getProperties() == null ? new Hashtable<>() : c.getProperties();
        changes.forEach(props::put);
        c.update(props);
    }

    /** Whether one line of {@code text} contains every one of {@code parts}. */
    private static boolean lineWith(String text, String... parts) {
        for (String line : text.split("\\R")) {
            boolean all = true;
            for (String p : parts) {
                if (!line.contains(p)) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return true;
            }
        }
        return false;
    }
}
