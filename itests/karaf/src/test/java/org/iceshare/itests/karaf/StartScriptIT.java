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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.iceshare.itests.karaf.Processes.Result;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * Issue 9, defects 3, 6 and 7, as an operator meets them: the real {@code iceshare-start.sh} of the
 * project root runs the distribution tarball this build made (no Pax Exam: the test JVM only runs the
 * script, Karaf's {@code bin/client} and sockets).
 *
 * <ul>
 *   <li>Defect 7: {@code --instance A --port-offset N} starts a container whose every port is the
 *       default plus N, and a second one ({@code --instance B}) runs beside it.</li>
 *   <li>Defect 6: an operator adds a peer configuration to A's {@code etc/}, selects another scheduler
 *       in {@code etc/org.iceshare.scheduler.cfg}, drops a bundle into {@code deploy/} and installs a
 *       feature at run time. Then a rebuild (a newer tarball) and a restart: everything is still there
 *       and in effect (the extra peer's port answers, the bundle is active and selected, the feature
 *       is installed), and the script said what it kept.</li>
 *   <li>Defect 3: {@code bin/client -u karaf -p karaf "echo hello"} with standard input at
 *       {@code /dev/null} and no {@code JAVA_HOME} prints {@code hello}, exits 0 and does not warn
 *       about {@code JAVA_HOME}.</li>
 * </ul>
 *
 * <p>Ports: offsets N in 18901..21091 put every default port (1099 .. 9999) in 20000..31999 and the
 * JMX RMI server port (44444) in 63345..65535, above Linux's ephemeral range; each moved port is
 * checked to be bindable first. Both Karafs are stopped in {@link #stopKarafs()}, even after a failure.
 */
public class StartScriptIT {

    /** Every port the distribution opens by default, plus those of the extra peer the test adds. */
    private static final int[] DEFAULT_PORTS = {1099, 7740, 7741, 8001, 8101, 8181, 8190, 9999, 44444};
    private static final int EXTRA_PEER_PORT = 7742;
    private static final int EXTRA_PEER_HTTP_PORT = 8191;
    private static final int OFFSET_MIN = 18901;
    private static final int OFFSET_MAX = 21091;

    /** Bounds on how long a step may hang; not performance limits. */
    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(6);
    private static final Duration CLIENT_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration WAIT = Duration.ofMinutes(2);


    private Path script;
    private Path work;
    private Path runDir;
    private Path tarball;
    private Path exampleJar;
    /** Script runs in the background: waited for before the Karafs are stopped. */
    private final List<CompletableFuture<Result>> background = new ArrayList<>();
    private final long t0 = System.nanoTime();

    @Before
    public void setUp() throws IOException {
        Path basedir = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        Path root = basedir.getParent().getParent();
        script = root.resolve("iceshare-start.sh");
        assertTrue("no start script at " + script, Files.isExecutable(script));
        Path distribution = Path.of(required("iceshare.distribution"));
        exampleJar = Path.of(required("iceshare.example.scheduler"));
        assertTrue("no example scheduler jar " + exampleJar + " (build examples/custom-scheduler first)",
            Files.isRegularFile(exampleJar));

        work = basedir.resolve("target/start-script/" + UUID.randomUUID().toString().substring(0, 8));
        runDir = work.resolve("run");
        Files.createDirectories(runDir);
        // a copy, so that the "rebuild" below (a newer tarball) touches nothing of the build's
        tarball = work.resolve("iceshare-distribution.tar.gz");
        Files.copy(distribution, tarball, StandardCopyOption.COPY_ATTRIBUTES);
    }

    @After
    public void stopKarafs() throws Exception {
        if (runDir == null || !Files.isDirectory(runDir)) {
            return;
        }
        for (CompletableFuture<Result> run : background) {
            try {
                run.get(SCRIPT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (Exception e) {
                System.out.println("StartScriptIT: a background start ended with " + e);
            }
        }
        // both Karafs stop at the same time (one after the other took twice as long: about 10 s each on a busy
        // machine); each is killed if its stop did not end it
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        try (Stream<Path> instances = Files.list(runDir)) {
            for (Path instance : instances.filter(p -> Files.isRegularFile(p.resolve("karaf.pid")))
                    .collect(Collectors.toList())) {
                String name = instance.getFileName().toString();
                // a thread of its own for each (the common pool has one thread on a 2-core machine)
                stops.add(CompletableFuture.runAsync(() -> {
                    Result stop = script("stop", "--instance", name);
                    System.out.printf("StartScriptIT: stop --instance %s: exit %d%n%s", name, stop.exit, stop.output);
                }, r -> new Thread(r, "stop-" + name).start()).handle((ok, failure) -> {
                    try {
                        killIfAlive(instance);
                    } catch (Exception e) {
                        throw new IllegalStateException("could not kill Karaf of instance " + name, e);
                    }
                    if (failure != null) {
                        throw new IllegalStateException("stop --instance " + name + " failed", failure);
                    }
                    return null;
                }));
            }
        }
        CompletableFuture.allOf(stops.toArray(new CompletableFuture<?>[0])).get();
        if (!Boolean.getBoolean("iceshare.keepRuntime")) {
            deleteTree(work);
        }
    }

    @Test
    public void instancesWithPortOffsetsKeepTheOperatorsWorkAcrossARebuildAndRunSideBySide() throws Exception {
        Set<Integer> taken = new HashSet<>();
        int offsetA = portOffset(taken);
        int offsetB = portOffset(taken);

        // --- defect 7: one switch moves every port
        Result startA = script("--instance", "A", "--port-offset", Integer.toString(offsetA));
        step("A started");
        assertEquals("start --instance A failed:\n" + startA.output, 0, startA.exit);
        Path a = runDir.resolve("A");
        assertPortsMovedBy(a, offsetA);
        assertTrue(startA.output, startA.output.contains("ssh " + (8101 + offsetA)));

        // --- defect 6: the operator's work
        Path etc = a.resolve("etc");
        int extraPeer = EXTRA_PEER_PORT + offsetA;
        Files.writeString(etc.resolve("org.iceshare.peer-extra.cfg"), String.join("\n",
            "name = extra",
            "host = 127.0.0.1",
            "port = " + extraPeer,
            "httpPort = " + (EXTRA_PEER_HTTP_PORT + offsetA),
            "storage = ${karaf.data}/iceshare/extra",
            "tracker = 127.0.0.1:" + (7740 + offsetA),
            ""), StandardCharsets.UTF_8);
        Path scheduler = etc.resolve("org.iceshare.scheduler.cfg");
        String selection = Files.readString(scheduler).replaceFirst("(?m)^name = .*$", "name = window");
        assertTrue(selection.contains("name = window"));
        Files.writeString(scheduler, selection);
        Path deploying = a.resolve(exampleJar.getFileName() + ".part");
        Files.copy(exampleJar, deploying);
        Files.move(deploying, a.resolve("deploy").resolve(exampleJar.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        Result install = client(a, "feature:install iceshare-media-raw");
        assertEquals("feature:install at run time:\n" + install.output, 0, install.exit);
        awaitPort("the extra peer of A (before the rebuild)", extraPeer, WAIT);

        step("operator changes made in A");
        Result stopA = script("stop", "--instance", "A");
        step("A stopped");
        assertEquals(stopA.output, 0, stopA.exit);

        // --- a rebuild: a newer distribution, then the plain restart an operator does; B starts at the
        // same time (one of the two installs the new build, the other waits for it and uses it)
        Files.setLastModifiedTime(tarball, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        CompletableFuture<Result> startB = CompletableFuture.supplyAsync(() -> script("--instance", "B",
            "--port-offset", Integer.toString(offsetB)));
        background.add(startB);
        Result restartA = script("--instance", "A");
        step("A restarted after the rebuild");
        assertEquals("restart of A after the rebuild failed:\n" + restartA.output, 0, restartA.exit);
        assertTrue("A is upgraded:\n" + restartA.output, restartA.output.contains("upgrading instance 'A'"));
        assertTrue("the script says it kept the changed selection:\n" + restartA.output,
            restartA.output.matches("(?s).*kept your changes: [^\\n]*org\\.iceshare\\.scheduler\\.cfg.*"));
        assertTrue("the script says it kept the added peer:\n" + restartA.output,
            restartA.output.matches("(?s).*kept your own files: [^\\n]*org\\.iceshare\\.peer-extra\\.cfg.*"));
        assertPortsMovedBy(a, offsetA);

        awaitPort("the extra peer of A, kept across the rebuild", extraPeer, WAIT);
        Result[] last = new Result[1];
        Awaitility.await("the deployed bundle is active and selected, the run-time feature installed")
            .atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> {
                last[0] = client(a, "bundle:list -s; iceshare:scheduler; feature:list -i");
                String out = last[0].output;
                return last[0].exit == 0
                    && out.matches("(?s).*\\| Active\\s*\\|[^\\n]*\\| com\\.example\\.scheduler\\.window.*")
                    && out.contains("Files: window")
                    && out.matches("(?s).*\\niceshare-media-raw\\s*\\|[^\\n]*\\| Started.*");
            });

        step("A checked");
        // --- defect 3: a command as an argument, standard input at /dev/null, no JAVA_HOME
        Result hello = client(a, "echo hello");
        assertEquals("bin/client \"echo hello\":\n" + hello.output, 0, hello.exit);
        assertTrue("prints hello:\n" + hello.output, hello.output.lines().anyMatch(l -> l.strip().equals("hello")));
        assertFalse("no JAVA_HOME warning:\n" + hello.output, hello.output.contains("JAVA_HOME"));
        assertFalse(hello.output, hello.output.contains("Closed"));

        Result b = startB.get(SCRIPT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        step("B started");
        assertEquals("start --instance B failed:\n" + b.output, 0, b.exit);
        assertTrue("the new build was installed:\n" + restartA.output + b.output,
            (restartA.output + b.output).contains("installed the new build"));
        assertFalse("B runs on the new build:\n" + b.output, b.output.contains("is not installed yet"));
        assertPortsMovedBy(runDir.resolve("B"), offsetB);
        for (int port : new int[] {8101, 8181, 1099, 44444, 7740, 7741, 8190}) {
            assertTrue("B listens on " + (port + offsetB), answers(port + offsetB));
            assertTrue("A still listens on " + (port + offsetA), answers(port + offsetA));
        }
        assertEquals(0, script("status", "--instance", "A").exit);
        assertEquals(0, script("status", "--instance", "B").exit);
        Result helloB = client(runDir.resolve("B"), "echo hello");
        assertTrue(helloB.output, helloB.exit == 0 && helloB.output.contains("hello"));
    }

    // ------------------------------------------------------------------ helpers

    private void step(String what) {
        System.out.printf("StartScriptIT: %s (%d s)%n", what, Duration.ofNanos(System.nanoTime() - t0).toSeconds());
    }

    /** Every port in the instance's etc/*.cfg is a default port plus {@code offset}. */
    private static void assertPortsMovedBy(Path instance, int offset) throws IOException {
        Set<Integer> expected = new TreeSet<>();
        for (int p : DEFAULT_PORTS) {
            expected.add(p + offset);
        }
        Pattern portLine = Pattern.compile("(?m)^\\s*([A-Za-z0-9_.-]*[Pp]ort)\\s*=\\s*(\\d+)\\s*$");
        Pattern trackerLine = Pattern.compile("(?m)^\\s*tracker\\s*=\\s*[^:\\s]+:(\\d+)\\s*$");
        Set<Integer> found = new TreeSet<>();
        try (Stream<Path> files = Files.list(instance.resolve("etc"))) {
            for (Path cfg : files.filter(f -> f.toString().endsWith(".cfg")).collect(Collectors.toList())) {
                if (cfg.getFileName().toString().equals("org.iceshare.peer-extra.cfg")) {
                    continue;
                }
                String text = Files.readString(cfg);
                Matcher m = portLine.matcher(text);
                while (m.find()) {
                    int port = Integer.parseInt(m.group(2));
                    if (port > 0) {
                        assertTrue(cfg.getFileName() + ": " + m.group(1) + " = " + port + " is not a default port + "
                            + offset + " " + expected, expected.contains(port));
                        found.add(port);
                    }
                }
                Matcher t = trackerLine.matcher(text);
                while (t.find()) {
                    assertEquals(cfg.getFileName() + ": tracker", 7740 + offset, Integer.parseInt(t.group(1)));
                }
            }
        }
        assertEquals("every default port is configured, moved by " + offset, expected, found);
    }

    /** An offset in OFFSET_MIN..OFFSET_MAX whose moved ports are all bindable and not in {@code taken}. */
    private static int portOffset(Set<Integer> taken) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int offset = ThreadLocalRandom.current().nextInt(OFFSET_MIN, OFFSET_MAX + 1);
            List<Integer> ports = new ArrayList<>();
            for (int p : DEFAULT_PORTS) {
                ports.add(p + offset);
            }
            ports.add(EXTRA_PEER_PORT + offset);
            ports.add(EXTRA_PEER_HTTP_PORT + offset);
            if (ports.stream().noneMatch(taken::contains) && ports.stream().allMatch(Processes::bindable)) {
                taken.addAll(ports);
                return offset;
            }
        }
        throw new IllegalStateException("no port offset with all ports free in " + OFFSET_MIN + ".." + OFFSET_MAX);
    }

    private Result script(String... args) {
        List<String> command = new ArrayList<>();
        command.add(script.toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile());
        Map<String, String> env = pb.environment();
        env.put("ICESHARE_RUN_DIR", runDir.toString());
        env.put("ICESHARE_DISTRIBUTION", tarball.toString());
        env.put("ICESHARE_START_TIMEOUT", "240");
        return run(pb, SCRIPT_TIMEOUT);
    }

    /**
     * The instance's {@code bin/client -u karaf -p karaf COMMAND} as a script or a tool runs it:
     * standard input at /dev/null and, to check the distribution's bin/setenv, no JAVA_HOME.
     */
    private static Result client(Path instance, String command) {
        ProcessBuilder pb = new ProcessBuilder(instance.resolve("bin/client").toString(),
            "-u", "karaf", "-p", "karaf", "-r", "5", command)
            .redirectInput(new File("/dev/null"));
        Map<String, String> env = pb.environment();
        env.remove("JAVA_HOME");
        env.keySet().removeIf(k -> k.startsWith("KARAF_"));
        return run(pb, CLIENT_TIMEOUT);
    }

}
