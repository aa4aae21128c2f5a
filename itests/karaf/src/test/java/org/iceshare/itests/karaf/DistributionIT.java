package org.iceshare.itests.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.karaf.features.Feature;
import org.apache.karaf.features.Repository;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.ReferenceDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;

/**
 * The distribution as an operator finds it, in one container (one Karaf boot for what were DistributionIT
 * and FeaturesIT: the checks read the shipped state or install IceShare features, and none changes a
 * configuration):
 *
 * <ul>
 * <li>What its etc/ overlay promises: the IceShare defaults are in ConfigAdmin, the karaf/karaf login works
 * for the Web Console, and the IceShare endpoints answer on 127.0.0.1 (on the ports the test moved them
 * to).</li>
 * <li>Every IceShare feature installs, every IceShare bundle is active and every DS component in them is
 * ACTIVE.</li>
 * </ul>
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DistributionIT extends IceShareTestSupport {

    @Inject
    protected ConfigurationAdmin configAdmin;

    // ------------------------------------------------------------------ the etc/ overlay

    @Test
    public void shippedConfigurationIsLoaded() throws Exception {
        assertEquals("rarest", property("org.iceshare.scheduler", "name"));
        assertEquals("8388608", property("org.iceshare.transport.tcp", "maxFrameSize"));
        assertEquals("262144", property("org.iceshare.media.ogg", "pieceSize"));
        assertEquals("262144", property("org.iceshare.media.raw", "pieceSize"));
        assertEquals("127.0.0.1", property("org.iceshare.tracker", "host"));
        assertEquals(Integer.toString(port("tracker")), property("org.iceshare.tracker", "port"));

        Configuration peer = configAdmin.getFactoryConfiguration("org.iceshare.peer", "default", "?");
        Dictionary<String, Object> p = peer.getProperties();
        assertNotNull("no configuration org.iceshare.peer~default (etc/org.iceshare.peer-default.cfg)", p);
        assertEquals("default", String.valueOf(p.get("name")));
        assertEquals("127.0.0.1", String.valueOf(p.get("host")));
        assertEquals(Integer.toString(port("peer")), String.valueOf(p.get("port")));
        assertEquals(Integer.toString(port("peerHttp")), String.valueOf(p.get("httpPort")));
        assertEquals("127.0.0.1:" + port("tracker"), String.valueOf(p.get("tracker")));
        // ${karaf.data} is resolved when the file is read
        assertEquals(new File(System.getProperty("karaf.data"), "iceshare/default").getCanonicalPath(),
            new File(String.valueOf(p.get("storage"))).getCanonicalPath());
    }

    @Test
    public void webConsoleNeedsAndAcceptsKarafLogin() throws Exception {
        String url = "http://127.0.0.1:" + port("http") + "/system/console/bundles";
        waitUntil("the Web Console answers on " + url, () -> status(url, null) == 401);
        assertEquals("Web Console with karaf/karaf", 200, status(url, "karaf:karaf"));
    }

    @Test
    public void endpointsAnswerOnLoopback() {
        List<String> endpoints = List.of("ssh", "tracker", "peer", "peerHttp");
        waitUntilAsserted("ssh, tracker, peer and peer HTTP answer on 127.0.0.1", () -> {
            List<String> silent = endpoints.stream()
                .filter(name -> !answers(port(name)))
                .map(name -> name + " (127.0.0.1:" + port(name) + ")")
                .collect(Collectors.toList());
            assertTrue(problems("endpoint(s) not answering", silent), silent.isEmpty());
        });
    }

    // ------------------------------------------------------------------ features, bundles, components

    /** The plugin bundles the features must bring; org.iceshare.icet, .engine and .testkit must not be installed. */
    private static final Set<String> EXPECTED_BUNDLES = Set.of(
        "org.iceshare.api",
        "org.iceshare.core",
        "org.iceshare.tracker",
        "org.iceshare.transport.tcp",
        "org.iceshare.transport.tls",
        "org.iceshare.planner.rarest",
        "org.iceshare.planner.capacity",
        "org.iceshare.scheduler.rarest",
        "org.iceshare.scheduler.sequential",
        "org.iceshare.scheduler.deadline",
        "org.iceshare.source",
        "org.iceshare.verify.sha256",
        "org.iceshare.media.ogg",
        "org.iceshare.media.raw",
        "org.iceshare.shell",
        "org.iceshare.webconsole",
        "org.iceshare.production");

    @Test
    public void everyIceShareFeatureInstalls() throws Exception {
        List<String> names = iceShareFeatures();
        assertTrue("no iceshare features in " + repositoryNames(), names.contains("iceshare"));
        List<String> failed = new ArrayList<>();
        for (String name : names) {
            try {
                installAndAssertFeature(name);
            } catch (Exception | AssertionError e) {
                failed.add(name + ": " + e.getMessage());
            }
        }
        assertTrue(problems("feature(s) not installed", failed), failed.isEmpty());
    }

    @Test
    public void featureListShowsThemStarted() throws Exception {
        installAllIceShareFeatures();
        String out = executeCommand("feature:list -i");
        for (String name : iceShareFeatures()) {
            String row = out.lines().filter(l -> l.startsWith(name + " ")).findFirst().orElse("");
            assertTrue("feature:list -i shows no started " + name + " in:\n" + out, row.contains("Started"));
        }
    }

    @Test
    public void everyIceShareBundleIsActive() throws Exception {
        installAllIceShareFeatures();
        Map<String, Bundle> ours = iceShareBundles().stream()
            .collect(Collectors.toMap(Bundle::getSymbolicName, Function.identity(), (a, b) -> a));
        assertEquals("IceShare bundles in Karaf", new TreeSet<>(EXPECTED_BUNDLES), new TreeSet<>(ours.keySet()));
        List<String> notActive = ours.values().stream()
            .filter(b -> b.getState() != Bundle.ACTIVE && b.getHeaders().get(Constants.FRAGMENT_HOST) == null)
            .map(b -> b.getSymbolicName() + " " + b.getVersion() + ": " + bundleState(b.getState()))
            .collect(Collectors.toList());
        assertTrue(problems("bundle(s) not ACTIVE", notActive), notActive.isEmpty());
    }

    @Test
    public void everyIceShareComponentIsActive() throws Exception {
        installAllIceShareFeatures();
        ServiceComponentRuntime scr = getOsgiService(ServiceComponentRuntime.class, SERVICE_TIMEOUT_MILLIS);
        waitUntilAsserted("every DS component of the org.iceshare.* bundles ACTIVE", () -> {
            List<String> problems = componentProblems(scr);
            assertTrue(problems("DS component(s) not ACTIVE", problems), problems.isEmpty());
        });
    }

    // ------------------------------------------------------------------ helpers

    private String property(String pid, String key) throws IOException {
        Configuration configuration = configAdmin.getConfiguration(pid, "?");
        Dictionary<String, Object> properties = configuration.getProperties();
        assertNotNull("no configuration " + pid + " (etc/" + pid + ".cfg)", properties);
        Object value = properties.get(key);
        assertNotNull(pid + " has no " + key, value);
        return String.valueOf(value);
    }

    private static int status(String url, String credentials) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) new URL(url).openConnection();
        connection.setInstanceFollowRedirects(false);
        connection.setConnectTimeout(2000);
        connection.setReadTimeout(10000);
        if (credentials != null) {
            connection.setRequestProperty("Authorization",
                "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        try {
            return connection.getResponseCode();
        } finally {
            connection.disconnect();
        }
    }

    private static boolean answers(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** The features of the IceShare repository, in the order of the descriptor. */
    private List<String> iceShareFeatures() throws Exception {
        List<String> names = new ArrayList<>();
        for (Repository repository : featuresService.listRepositories()) {
            if (repository.getName() != null && repository.getName().startsWith("iceshare")) {
                for (Feature feature : repository.getFeatures()) {
                    if (feature.getName().equals("iceshare") || feature.getName().startsWith("iceshare-")) {
                        names.add(feature.getName());
                    }
                }
            }
        }
        return names;
    }

    private List<String> repositoryNames() throws Exception {
        return Arrays.stream(featuresService.listRepositories()).map(Repository::getName).collect(Collectors.toList());
    }

    private void installAllIceShareFeatures() throws Exception {
        List<String> names = iceShareFeatures();
        assertFalse("no iceshare features in " + repositoryNames(), names.isEmpty());
        for (String name : names) {
            installAndAssertFeature(name);
        }
    }

    private List<Bundle> iceShareBundles() {
        return Arrays.stream(bundleContext.getBundles())
            .filter(b -> b.getSymbolicName() != null && b.getSymbolicName().startsWith("org.iceshare."))
            .collect(Collectors.toList());
    }

    /**
     * One line per component configuration that is not ACTIVE. Nothing is done to activate a
     * component: a delayed component that stays SATISFIED (no one uses its service) is reported,
     * as it is not running in the distribution as shipped. A component factory counts as ready
     * once SATISFIED (its instances come from newInstance()).
     */
    private List<String> componentProblems(ServiceComponentRuntime scr) {
        List<String> problems = new ArrayList<>();
        Bundle[] bundles = iceShareBundles().toArray(new Bundle[0]);
        if (bundles.length == 0) {
            problems.add("no org.iceshare.* bundles installed");
            return problems;
        }
        Collection<ComponentDescriptionDTO> descriptions = scr.getComponentDescriptionDTOs(bundles);
        if (descriptions.isEmpty()) {
            problems.add("no DS components in " + Arrays.toString(bundles));
        }
        for (ComponentDescriptionDTO description : descriptions) {
            String component = description.bundle.symbolicName + "/" + description.name;
            if (!scr.isComponentEnabled(description)) {
                problems.add(component + ": DISABLED");
                continue;
            }
            Collection<ComponentConfigurationDTO> configurations = scr.getComponentConfigurationDTOs(description);
            if (configurations.isEmpty()) {
                problems.add(component + ": no configuration (configuration-policy "
                    + description.configurationPolicy + ", PID " + String.join(",", description.configurationPid) + ")");
                continue;
            }
            for (ComponentConfigurationDTO configuration : configurations) {
                boolean ok = configuration.state == ComponentConfigurationDTO.ACTIVE
                    || (description.factory != null && configuration.state == ComponentConfigurationDTO.SATISFIED);
                if (!ok) {
                    problems.add(describe(component, description, configuration));
                }
            }
        }
        return problems;
    }

    private static String describe(String component, ComponentDescriptionDTO description,
            ComponentConfigurationDTO configuration) {
        StringBuilder line = new StringBuilder(component)
            .append(" [id ").append(configuration.id);
        Object pid = configuration.properties == null ? null : configuration.properties.get("service.pid");
        if (pid != null) {
            line.append(", pid ").append(pid instanceof String[] ? String.join(",", (String[]) pid) : pid);
        }
        line.append("]: ").append(componentState(configuration.state));
        if (configuration.state == ComponentConfigurationDTO.SATISFIED) {
            line.append(" (delayed and unused: nothing gets its service ")
                .append(Arrays.toString(description.serviceInterfaces))
                .append("; immediate = true if it must run from the start)");
        }
        if (configuration.unsatisfiedReferences != null && configuration.unsatisfiedReferences.length > 0) {
            line.append("; unsatisfied references: ");
            line.append(Arrays.stream(configuration.unsatisfiedReferences)
                .map(u -> describe(description, u))
                .collect(Collectors.joining(", ")));
        }
        if (configuration.failure != null) {
            line.append("; failure: ").append(configuration.failure.lines().findFirst().orElse(""));
        }
        return line.toString();
    }

    private static String describe(ComponentDescriptionDTO description, UnsatisfiedReferenceDTO unsatisfied) {
        String type = Arrays.stream(description.references)
            .filter(r -> r.name.equals(unsatisfied.name))
            .map((ReferenceDTO r) -> r.interfaceName + " " + r.cardinality)
            .findFirst()
            .orElse("?");
        return unsatisfied.name + " (" + type + (unsatisfied.target == null ? "" : ", target " + unsatisfied.target) + ")";
    }

    private static String componentState(int state) {
        switch (state) {
            case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION: return "UNSATISFIED_CONFIGURATION";
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE: return "UNSATISFIED_REFERENCE";
            case ComponentConfigurationDTO.SATISFIED: return "SATISFIED";
            case ComponentConfigurationDTO.ACTIVE: return "ACTIVE";
            case ComponentConfigurationDTO.FAILED_ACTIVATION: return "FAILED_ACTIVATION";
            default: return "state " + state;
        }
    }

    private static String bundleState(int state) {
        switch (state) {
            case Bundle.INSTALLED: return "INSTALLED (not resolved)";
            case Bundle.RESOLVED: return "RESOLVED";
            case Bundle.STARTING: return "STARTING";
            case Bundle.STOPPING: return "STOPPING";
            case Bundle.ACTIVE: return "ACTIVE";
            default: return "state " + state;
        }
    }
}
