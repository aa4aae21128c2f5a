package org.iceshare.itests.karaf;

import static org.iceshare.itests.karaf.Processes.answers;
import static org.iceshare.itests.karaf.Processes.awaitPort;
import static org.iceshare.itests.karaf.Processes.bindable;
import static org.iceshare.itests.karaf.Processes.deleteTree;
import static org.iceshare.itests.karaf.Processes.killIfAlive;
import static org.iceshare.itests.karaf.Processes.required;
import static org.iceshare.itests.karaf.Processes.run;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.iceshare.itests.karaf.Processes.Result;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * Production mode (issue #10) in the real distribution: the tarball this build made, unpacked and started
 * with Karaf's own {@code bin/karaf} and {@code bin/start} (not {@code iceshare-start.sh}), its tracker bound
 * to 0.0.0.0.
 *
 * <ul>
 *   <li>With the default credentials, {@code bin/karaf} and {@code bin/start} refuse before Java starts, with
 *       the message on standard error, and no port opens.</li>
 *   <li>Started without that early check, the running container refuses as well: it stops itself and its log
 *       says why.</li>
 *   <li>With credentials of its own it starts, serves on 0.0.0.0, shows its refusals in
 *       {@code iceshare:status}; set the push password back to the default while it runs, and it stops.</li>
 * </ul>
 *
 * <p>Every port is a free one in 20000..31999, checked to be bindable. The Karaf is stopped in
 * {@link #stopKaraf()}, even after a failure.
 */
public class ProductionModeIT {

    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(4);
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final String PASSWORD = "prod-test-" + UUID.randomUUID().toString().substring(0, 8);

    private Path work;
    private Path home;
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final List<Process> foreground = new ArrayList<>();

    @Before
    public void unpack() throws Exception {
        Path basedir = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        Path tarball = Path.of(required("iceshare.distribution"));
        work = basedir.resolve("target/production-mode/" + UUID.randomUUID().toString().substring(0, 8));
        Files.createDirectories(work);
        Result untar = run(new ProcessBuilder("tar", "xzf", tarball.toString()).directory(work.toFile()),
                Duration.ofMinutes(2));
        assertEquals(untar.output, 0, untar.exit);
        try (Stream<Path> dirs = Files.list(work)) {
            home = dirs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        Set<Integer> taken = new HashSet<>();
        for (String name : List.of("tracker", "peer", "player", "ssh", "http", "rmiRegistry", "rmiServer", "push")) {
            ports.put(name, freePort(taken));
        }
        set("org.iceshare.tracker.cfg", "host", "0.0.0.0");
        set("org.iceshare.tracker.cfg", "port", ports.get("tracker"));
        set("org.iceshare.peer-default.cfg", "port", ports.get("peer"));
        set("org.iceshare.peer-default.cfg", "httpPort", ports.get("player"));
        set("org.iceshare.peer-default.cfg", "tracker", "127.0.0.1:" + ports.get("tracker"));
        set("org.apache.karaf.shell.cfg", "sshPort", ports.get("ssh"));
        set("org.ops4j.pax.web.cfg", "org.osgi.service.http.port", ports.get("http"));
        set("org.apache.karaf.management.cfg", "rmiRegistryPort", ports.get("rmiRegistry"));
        set("org.apache.karaf.management.cfg", "rmiServerPort", ports.get("rmiServer"));
        set("org.iceshare.source.cfg", "pushPort", ports.get("push"));
    }

    @After
    public void stopKaraf() throws Exception {
        if (home == null) {
            return;
        }
        for (Process p : foreground) {
            if (p.isAlive()) {
                p.destroy();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
        if (Files.isRegularFile(home.resolve("karaf.pid"))) {
            Result stop = run(karafScript("stop"), Duration.ofMinutes(1));
            System.out.printf("ProductionModeIT: bin/stop: exit %d%n%s", stop.exit, stop.output);
            killIfAlive(home);
        }
        if (!Boolean.getBoolean("iceshare.keepRuntime")) {
            deleteTree(work);
        }
    }

    @Test
    public void withTheDefaultCredentialsBinKarafAndBinStartRefuseBeforeAnyPortOpens() throws Exception {
        Result karaf = run(karafScript("karaf", "server"), RUN_TIMEOUT);
        assertEquals(karaf.output, 1, karaf.exit);
        assertRefusal(karaf.output);
        assertTrue(karaf.output, karaf.output.contains("karaf: IceShare did not start (production mode, see above)"));

        Result start = run(karafScript("start"), RUN_TIMEOUT);
        assertEquals(start.output, 1, start.exit);
        assertRefusal(start.output);
        assertFalse("no Java was started", Files.exists(home.resolve("data/log/karaf.log")));
        assertFalse("the tracker's port never opened", answers(ports.get("tracker")));
    }

    @Test
    public void startedWithoutTheEarlyCheckTheRunningContainerRefusesAndStopsItself() throws Exception {
        ProcessBuilder pb = karafScript("karaf", "server");
        pb.environment().put("ICESHARE_SKIP_PRESTART_CHECK", "true");
        pb.redirectErrorStream(true).redirectOutput(work.resolve("karaf-server.out").toFile());
        Process karaf = pb.start();
        foreground.add(karaf);
        assertTrue("the container stopped by itself", karaf.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS));
        String log = Files.readString(home.resolve("data/log/karaf.log"));
        assertTrue(log, log.contains("ERROR | iceshare-production-check | ProductionGuard"));
        assertRefusal(log);
        assertTrue(log, log.contains("Stopping the container (production mode)."));
    }

    @Test
    public void withCredentialsOfItsOwnItServesOnEveryAddressUntilADefaultComesBack() throws Exception {
        Path users = home.resolve("etc/users.properties");
        String before = Files.readString(users);
        assertTrue(before, before.contains("\nkaraf = karaf,_g_:admingroup"));
        Files.writeString(users, before.replace("\nkaraf = karaf,", "\nkaraf = " + PASSWORD + ","));
        set("org.iceshare.source.cfg", ".pushPassword", "push-" + PASSWORD);

        Result start = run(karafScript("start"), RUN_TIMEOUT);
        assertEquals(start.output, 0, start.exit);
        awaitPort("the tracker", ports.get("tracker"), WAIT);
        Result status = client("iceshare:status");
        assertEquals(status.output, 0, status.exit);
        assertTrue(status.output, status.output.contains("Tracker on [0:0:0:0:0:0:0:0]:" + ports.get("tracker"))
                || status.output.contains("Tracker on 0.0.0.0:" + ports.get("tracker")));
        assertTrue(status.output, status.output.contains("Refusals: none"));
        // a frame of length 0 at the tracker: a malformed-frame refusal, counted by the TCP transport's bundle and
        // shown by the shell's (the counters cross bundles through Transport.refusals(), API 1.2)
        try (Socket garbage = new Socket("127.0.0.1", ports.get("tracker"))) {
            garbage.getOutputStream().write(new byte[] {0, 0, 0, 0});
            garbage.setSoTimeout(30_000);
            InputStream in = garbage.getInputStream();
            while (in.read() >= 0) {
                // the ErrorReport, then the end of the stream
            }
        }
        Awaitility.await("the refusal in iceshare:status").atMost(WAIT).pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    String out = client("iceshare:status").output;
                    return out.contains("Refusals since start (1;") && out.lines()
                            .anyMatch(l -> l.matches("\\s*tcp\\s*\\|\\s*malformed-frame\\s*\\|\\s*1\\s*"));
                });
        Awaitility.await("the guard's note").atMost(WAIT).until(() -> Files.readString(home.resolve("data/log/karaf.log"))
                .contains("IceShare production mode: 1 listener(s) on non-loopback addresses, with credentials of your own"));

        // the push password back to the default while it listens on 0.0.0.0: the container stops
        Result change = client("config:property-set -p org.iceshare.source .pushPassword hackme");
        System.out.printf("ProductionModeIT: config:property-set: exit %d%n%s", change.exit, change.output);
        Awaitility.await("the container stops").atMost(WAIT).pollInterval(Duration.ofMillis(500))
                .until(() -> !answers(ports.get("tracker")));
        String log = Files.readString(home.resolve("data/log/karaf.log"));
        assertTrue(log, log.contains("the push password 'hackme' (.pushPassword in etc/org.iceshare.source.cfg)"));
        assertFalse(log, log.contains("the login karaf/karaf (etc/users.properties)"));
        assertTrue(log, log.contains("Stopping the container (production mode)."));
    }

    private void assertRefusal(String text) {
        assertTrue(text, text.contains("IceShare refuses to start in production mode: it would listen on a "
                + "non-loopback address"));
        assertTrue(text, text.contains("the IceShare tracker on 0.0.0.0 (host in etc/org.iceshare.tracker.cfg)"));
        assertTrue(text, text.contains("the login karaf/karaf (etc/users.properties)"));
        assertTrue(text, text.contains("the push password 'hackme' (.pushPassword in etc/org.iceshare.source.cfg)"));
    }

    /** Sets {@code key = value} in an etc/ file, replacing the line that sets it or adding one. */
    private void set(String file, String key, Object value) throws IOException {
        Path f = home.resolve("etc").resolve(file);
        String text = Files.readString(f, StandardCharsets.ISO_8859_1);
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(key) + "\\s*=.*$").matcher(text);
        String line = key + " = " + value;
        text = m.find() ? m.replaceFirst(Matcher.quoteReplacement(line)) : text + "\n" + line + "\n";
        Files.writeString(f, text, StandardCharsets.ISO_8859_1);
    }

    /** One of the distribution's bin/ scripts, as an operator runs it: no JAVA_HOME, no KARAF_*, no input. */
    private ProcessBuilder karafScript(String script, String... args) {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin").resolve(script).toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(home.toFile()).redirectInput(new File("/dev/null"));
        pb.environment().remove("JAVA_HOME");
        pb.environment().keySet().removeIf(k -> k.startsWith("KARAF_") || k.startsWith("ICESHARE_"));
        return pb;
    }

    private Result client(String command) {
        ProcessBuilder pb = karafScript("client", "-a", Integer.toString(ports.get("ssh")), "-u", "karaf", "-p",
                PASSWORD, "-r", "10", command);
        return run(pb, Duration.ofMinutes(2));
    }

    private static int freePort(Set<Integer> taken) {
        for (int attempt = 0; attempt < 500; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(20000, 32000);
            if (!taken.contains(port) && bindable(port)) {
                taken.add(port);
                return port;
            }
        }
        throw new IllegalStateException("no free port in 20000..31999");
    }

}
