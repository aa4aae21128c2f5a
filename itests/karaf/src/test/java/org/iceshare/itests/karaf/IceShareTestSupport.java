package org.iceshare.itests.karaf;

import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.vmOption;
import static org.ops4j.pax.exam.CoreOptions.when;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.karaf.features.BootFinished;
import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.awaitility.core.ThrowingRunnable;
import org.junit.After;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Base class of the Karaf integration tests, in the style of Karaf's own {@code KarafTestSupport}.
 *
 * <p>{@link #config()} runs in the test (failsafe) JVM. It boots the real IceShare distribution
 * built by {@code distribution/} (path given by failsafe as {@code iceshare.distribution}), moves
 * every port the distribution opens to a free one in 20000-31999 (ssh, HTTP, tracker, peer, peer
 * HTTP) so a running IceShare on the default ports does not interfere, points Pax URL at the
 * build's local Maven repository and adds the JDK 9+ flags of {@code bin/karaf}.
 *
 * <p>The {@code @Test} methods run inside Karaf. The chosen ports reach them as system properties
 * {@code iceshare.itest.port.*} (see {@link #port(String)}).
 *
 * <p>{@code -Diceshare.keepRuntime=true} keeps {@code target/exam/<uuid>/} (with
 * {@code data/log/karaf.log}) after the run.
 */
public abstract class IceShareTestSupport {

    /** How long to wait for an OSGi service by default. */
    protected static final long SERVICE_TIMEOUT_MILLIS = 90_000L;
    /**
     * How long {@link #waitUntil} and {@link #waitUntilAsserted} wait by default. A wait ends as soon as its
     * condition holds, so the bound costs nothing when the test passes; it is this long for a machine busy
     * with other work (a second build beside CI on 2 cores took the web console over a minute to answer).
     */
    protected static final Duration WAIT_TIMEOUT = Duration.ofMinutes(3);
    /** How long a shell command may run. */
    protected static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    /** System property prefix under which the chosen ports are passed into Karaf. */
    protected static final String PORT_PROPERTY_PREFIX = "iceshare.itest.port.";

    private static final int PORT_MIN = 20000;
    private static final int PORT_MAX = 31999;

    /** Karaf registers BootFinished once every boot feature is installed: waits for the boot. */
    @Inject
    @Filter(timeout = 180_000L)
    protected BootFinished bootFinished;

    @Inject
    protected BundleContext bundleContext;

    @Inject
    protected FeaturesService featuresService;

    @Inject
    protected SessionFactory sessionFactory;

    @Inject
    protected org.osgi.service.cm.ConfigurationAdmin configAdmin;

    private final List<ServiceTracker<?, ?>> trackers = new ArrayList<>();

    // ------------------------------------------------------------------ configuration (test JVM)

    @Configuration
    public Option[] config() {
        String distribution = requiredProperty("iceshare.distribution");
        String karafVersion = System.getProperty("iceshare.karaf.version", "4.4.10");
        boolean keepRuntime = Boolean.getBoolean("iceshare.keepRuntime");
        File examDir = new File(System.getProperty("iceshare.exam.dir", "target/exam"));
        String localRepository = System.getProperty("maven.repo.local", "");

        Set<Integer> taken = new HashSet<>();
        int ssh = freePort(taken);
        int http = freePort(taken);
        int tracker = freePort(taken);
        int peer = freePort(taken);
        int peerHttp = freePort(taken);

        return new Option[] {
            karafDistributionConfiguration()
                .frameworkUrl(new File(distribution).toURI().toString())
                .karafVersion(karafVersion)
                .name("IceShare")
                .unpackDirectory(examDir)
                .useDeployFolder(false),
            // no local console in a forked JVM; the ssh server stays on, as in the distribution
            configureConsole().ignoreLocalConsole(),
            logLevel(LogLevel.INFO),
            when(keepRuntime).useOptions(keepRuntimeFolder()),

            // Every port moved to a free one. RMI ports are left to Pax Exam (it shares them with its
            // probe registry; overriding them gives "Port already in use").
            editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", Integer.toString(ssh)),
            editConfigurationFilePut("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port", Integer.toString(http)),
            editConfigurationFilePut("etc/org.iceshare.tracker.cfg", "port", Integer.toString(tracker)),
            editConfigurationFilePut("etc/org.iceshare.peer-default.cfg", "port", Integer.toString(peer)),
            editConfigurationFilePut("etc/org.iceshare.peer-default.cfg", "httpPort", Integer.toString(peerHttp)),
            editConfigurationFilePut("etc/org.iceshare.peer-default.cfg", "tracker", "127.0.0.1:" + tracker),

            // Karaf resolves test bundles and the Pax Exam features from the build's repository.
            when(!localRepository.isEmpty()).useOptions(editConfigurationFilePut(
                "etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository", localRepository)),

            // The tests inside Karaf learn the ports (and any -Diceshare.* given to the test JVM).
            systemProperty(PORT_PROPERTY_PREFIX + "ssh").value(Integer.toString(ssh)),
            systemProperty(PORT_PROPERTY_PREFIX + "http").value(Integer.toString(http)),
            systemProperty(PORT_PROPERTY_PREFIX + "tracker").value(Integer.toString(tracker)),
            systemProperty(PORT_PROPERTY_PREFIX + "peer").value(Integer.toString(peer)),
            systemProperty(PORT_PROPERTY_PREFIX + "peerHttp").value(Integer.toString(peerHttp)),
            propagateIceShareProperties(),

            // Pax Exam's extender, on finding the probe bundle, waits this long for the JUnit invoker service.
            // Its default of 10 s is shorter than a boot on a busy machine (the invoker comes up with the
            // boot features, after IceShare's): then the probe never registers, and every test of the class
            // waits 180 s and fails with "gave up waiting for service org.ops4j.pax.exam.ProbeInvoker". This
            // happened under load (2 cores shared with another build); the value is a safety net.
            systemProperty("org.ops4j.pax.exam.raw.extender.intern.Parser.DEFAULT_TIMEOUT").value("180000"),

            // Awaitility for the wait helpers (it needs Hamcrest 2; Pax Exam brings only 1.3).
            mavenBundle("org.hamcrest", "hamcrest", requiredProperty("iceshare.hamcrest.version")),
            mavenBundle("org.awaitility", "awaitility", requiredProperty("iceshare.awaitility.version")),

            jdk17Options(karafVersion),
        };
    }

    /** Copies every {@code iceshare.*} system property of the test JVM into the Karaf JVM. */
    private static Option propagateIceShareProperties() {
        List<Option> options = new ArrayList<>();
        for (Map.Entry<Object, Object> e : System.getProperties().entrySet()) {
            String key = String.valueOf(e.getKey());
            if (key.startsWith("iceshare.") && !key.startsWith(PORT_PROPERTY_PREFIX)) {
                options.add(systemProperty(key).value(String.valueOf(e.getValue())));
            }
        }
        return composite(options.toArray(new Option[0]));
    }

    /**
     * The module flags {@code bin/karaf} adds on Java 9+. Pax Exam starts {@code java} itself and
     * would otherwise miss them (a burst of NoClassDefFoundError OsgiLocator at boot).
     */
    private static Option jdk17Options(String karafVersion) {
        String[] flags = {
            "--add-reads=java.xml=java.logging",
            "--add-exports=java.base/org.apache.karaf.specs.locator=java.xml,ALL-UNNAMED",
            "--patch-module", "java.base=lib/endorsed/org.apache.karaf.specs.locator-" + karafVersion + ".jar",
            "--patch-module", "java.xml=lib/endorsed/org.apache.karaf.specs.java.xml-" + karafVersion + ".jar",
            "--add-opens", "java.base/java.security=ALL-UNNAMED",
            "--add-opens", "java.base/java.net=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--add-opens", "java.base/java.util=ALL-UNNAMED",
            "--add-opens", "java.naming/javax.naming.spi=ALL-UNNAMED",
            "--add-opens", "java.rmi/sun.rmi.transport.tcp=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.protocol.file=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.protocol.ftp=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.protocol.http=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.protocol.https=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.protocol.jar=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.content.text=ALL-UNNAMED",
            "--add-exports=jdk.xml.dom/org.w3c.dom.html=ALL-UNNAMED",
            "--add-exports=jdk.naming.rmi/com.sun.jndi.url.rmi=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.sasl/com.sun.security.sasl=ALL-UNNAMED",
            "--add-exports=java.naming/com.sun.jndi.ldap=ALL-UNNAMED",
            "-classpath", "lib/jdk9plus/*" + File.pathSeparator + "lib/boot/*",
        };
        List<Option> options = new ArrayList<>();
        for (String flag : flags) {
            options.add(vmOption(flag));
        }
        return composite(options.toArray(new Option[0]));
    }

    private static String requiredProperty(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("System property " + name + " is not set: run the tests"
                + " through Maven (mvn verify), which sets it in maven-failsafe-plugin's systemPropertyVariables");
        }
        return value;
    }

    /**
     * A port in 20000-31999 (below the Linux ephemeral range, so no outgoing connection takes it
     * before Karaf binds it) that is bindable right now and not in {@code taken}.
     */
    static int freePort(Set<Integer> taken) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(PORT_MIN, PORT_MAX + 1);
            if (taken.contains(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(false);
                socket.bind(new InetSocketAddress(port));
                taken.add(port);
                return port;
            } catch (IOException inUse) {
                // try another one
            }
        }
        throw new IllegalStateException("no free port in " + PORT_MIN + "-" + PORT_MAX);
    }

    // ------------------------------------------------------------------ helpers (inside Karaf)

    /** A port chosen in {@link #config()}: ssh, http, tracker, peer or peerHttp. */
    protected static int port(String name) {
        String value = System.getProperty(PORT_PROPERTY_PREFIX + name);
        assertNotNull("no port " + name + " passed into Karaf", value);
        return Integer.parseInt(value);
    }

    @After
    public void closeTrackers() {
        synchronized (trackers) {
            trackers.forEach(ServiceTracker::close);
            trackers.clear();
        }
    }

    /**
     * Runs a Karaf shell command as an operator would type it and returns what it printed (plus
     * its result, if it returns one). Fails the test if it throws or runs longer than
     * {@link #COMMAND_TIMEOUT}.
     */
    protected String executeCommand(String command) {
        return executeCommand(command, COMMAND_TIMEOUT);
    }

    protected String executeCommand(String command, Duration timeout) {
        awaitCommand(command.strip().split("\\s+", 2)[0]);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "itest-command"));
        try (Session session = sessionFactory.create(System.in, out, out)) {
            Future<Object> result = executor.submit(() -> session.execute(command));
            Object value = result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (value != null) {
                out.println(value);
            }
            out.flush();
            return bytes.toString(StandardCharsets.UTF_8);
        } catch (TimeoutException e) {
            throw new AssertionError("command '" + command + "' did not finish within " + timeout
                + "; output so far:\n" + bytes.toString(StandardCharsets.UTF_8), e);
        } catch (Exception e) {
            throw new AssertionError("command '" + command + "' failed: " + e
                + "; output:\n" + bytes.toString(StandardCharsets.UTF_8), e);
        } finally {
            executor.shutdownNow();
        }
    }

    /**
     * Karaf registers a bundle's commands asynchronously, once the services they reference are
     * there; a test that types a command right after its bundle started must wait for it as an
     * operator would.
     */
    protected void awaitCommand(String scopedName) {
        int colon = scopedName.indexOf(':');
        if (colon < 0) {
            return;
        }
        String scope = scopedName.substring(0, colon);
        String name = scopedName.substring(colon + 1);
        waitUntil("command " + scopedName + " is registered", () -> sessionFactory.getRegistry()
            .getCommands().stream()
            .anyMatch(c -> scope.equals(c.getScope()) && name.equals(c.getName())));
    }

    /**
     * Installs a feature (without refreshing other bundles, so the test probe stays wired) unless
     * it is installed already, then asserts that it is installed.
     */
    protected void installAndAssertFeature(String name) throws Exception {
        Feature feature = featuresService.getFeature(name);
        assertNotNull("feature " + name + " is not in any features repository", feature);
        if (!featuresService.isInstalled(feature)) {
            featuresService.installFeature(name, EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles));
        }
        assertFeatureInstalled(name);
    }

    protected void assertFeatureInstalled(String name) throws Exception {
        Feature feature = featuresService.getFeature(name);
        assertNotNull("feature " + name + " is not in any features repository", feature);
        assertTrue("feature " + name + " is not installed", featuresService.isInstalled(feature));
    }

    /**
     * Waits up to {@code timeoutMillis} for a service of {@code type} and returns it. The service
     * stays in use until the end of the test (so a delayed DS component stays active).
     */
    protected <T> T getOsgiService(Class<T> type, long timeoutMillis) {
        return getOsgiService(type, null, timeoutMillis);
    }

    /** As {@link #getOsgiService(Class, long)}, with an extra LDAP filter (or null). */
    protected <T> T getOsgiService(Class<T> type, String filter, long timeoutMillis) {
        String ldap = "(objectClass=" + type.getName() + ")";
        if (filter != null && !filter.isBlank()) {
            ldap = "(&" + ldap + filter + ")";
        }
        ServiceTracker<T, T> tracker;
        try {
            tracker = new ServiceTracker<>(bundleContext, FrameworkUtil.createFilter(ldap), null);
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("bad filter " + ldap, e);
        }
        tracker.open(true);
        synchronized (trackers) {
            trackers.add(tracker);
        }
        try {
            T service = tracker.waitForService(timeoutMillis);
            if (service == null) {
                throw new AssertionError("no service " + ldap + " within " + timeoutMillis + " ms");
            }
            return service;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + ldap, e);
        }
    }

    /**
     * Starts one more peer in the container, as an operator does: a factory configuration of
     * {@code org.iceshare.peer} with free ports, talking to the container's tracker. Returns the
     * peer once its service is up.
     */
    protected org.iceshare.api.peer.Peer createPeer(String name, Map<String, Object> extra) throws Exception {
        org.osgi.service.cm.Configuration c = configAdmin.getFactoryConfiguration("org.iceshare.peer", name, "?");
        java.util.Hashtable<String, Object> props = new java.util.Hashtable<>();
        props.put("name", name);
        props.put("port", 0);
        props.put("httpPort", 0);
        props.put("tracker", "127.0.0.1:" + port("tracker"));
        props.putAll(extra);
        c.update(props);
        return getOsgiService(org.iceshare.api.peer.Peer.class, "(name=" + name + ")", SERVICE_TIMEOUT_MILLIS);
    }

    /** Awaitility, preset for these tests: polls every 200 ms for up to {@link #WAIT_TIMEOUT}. */
    protected static ConditionFactory await(String what) {
        return Awaitility.await(what)
            .atMost(WAIT_TIMEOUT)
            .pollDelay(Duration.ZERO)
            .pollInterval(Duration.ofMillis(200));
    }

    /** Waits until {@code condition} is true; fails with {@code what} after {@link #WAIT_TIMEOUT}. */
    protected static void waitUntil(String what, Callable<Boolean> condition) {
        await(what).until(condition);
    }

    /**
     * Waits until {@code assertion} passes; after {@link #WAIT_TIMEOUT} fails with the last
     * assertion's message.
     */
    protected static void waitUntilAsserted(String what, ThrowingRunnable assertion) {
        await(what).untilAsserted(assertion);
    }

    /**
     * An assertion message for a list of problems: the count and the first one on the first line
     * (what Maven's test summary shows), then all of them, one per line.
     */
    protected static String problems(String what, List<String> problems) {
        if (problems.isEmpty()) {
            return "no " + what;
        }
        return problems.size() + " " + what + ": " + problems.get(0)
            + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : "")
            + problems.stream().collect(Collectors.joining("\n  ", "\n  ", ""));
    }
}
