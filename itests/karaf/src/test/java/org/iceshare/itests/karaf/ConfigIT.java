package org.iceshare.itests.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.iceshare.api.peer.Peer;
import org.iceshare.api.tracker.Tracker;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.service.cm.Configuration;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * Typed configuration: every IceShare component has a metatype form with a description for each
 * field (what the web console's Configuration page and {@code config:edit} show), and an invalid
 * value is refused while the running component keeps its old configuration.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConfigIT extends IceShareTestSupport {

    @org.ops4j.pax.exam.Configuration
    @Override
    public org.ops4j.pax.exam.Option[] config() {
        java.nio.file.Path media;
        try {
            media = org.iceshare.itests.swarm.TestMedia.vorbis(5, 2);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return new org.ops4j.pax.exam.Option[] {org.ops4j.pax.exam.CoreOptions.composite(super.config()),
            org.ops4j.pax.exam.CoreOptions.systemProperty("iceshare.itest.vorbis.small")
                .value(media.toAbsolutePath().toString())};
    }

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
        Tracker tracker = getOsgiService(Tracker.class, SERVICE_TIMEOUT_MILLIS);
        InetSocketAddress before = tracker.address();
        assertNotNull(before);
        update("org.iceshare.tracker", Map.of("port", 99999));
        waitUntil("the tracker still listens where it did", () -> before.equals(tracker.address()));

        Peer peer = getOsgiService(Peer.class, "(name=default)", SERVICE_TIMEOUT_MILLIS);
        InetSocketAddress peerBefore = peer.address();
        Configuration peerConfig = configAdmin.listConfigurations("(service.factoryPid=org.iceshare.peer)")[0];
        Dictionary<String, Object> props = peerConfig.getProperties();
        props.put("slotsPerPeer", 1000);
        peerConfig.update(props);
        waitUntil("the default peer keeps running", () -> peerBefore.equals(peer.address()));

        update("org.iceshare.scheduler", Map.of("name", "no-such-scheduler"));
        // a swarm shows the scheduler in use: publish something small and look
        Peer again = getOsgiService(Peer.class, "(name=default)", SERVICE_TIMEOUT_MILLIS);
        java.nio.file.Path file = java.nio.file.Files.createTempFile("tone", ".ogg");
        java.nio.file.Files.copy(java.nio.file.Path.of(System.getProperty("iceshare.itest.vorbis.small", "")),
            file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        again.publish(file, "config-check.ogg", null).toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals("rarest", again.swarms().stream().filter(s -> s.url().name().equals("config-check.ogg"))
            .findFirst().orElseThrow().scheduler());
    }

    private void update(String pid, Map<String, Object> changes) throws Exception {
        Configuration c = configAdmin.getConfiguration(pid, null);
        Dictionary<String, Object> props = c.getProperties() == null ? new Hashtable<>() : c.getProperties();
        changes.forEach(props::put);
        c.update(props);
    }
}
