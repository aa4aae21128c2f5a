package org.iceshare.itests.karaf;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.awaitility.Awaitility;

/**
 * What the tests that run the distribution as processes (its scripts, its {@code bin/client}) share:
 * running a command with a deadline, ports, stopping a Karaf that outlived its test, and cleaning up.
 */
final class Processes {
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*m");

    private Processes() {
    }

    /** A command's exit code and its standard output and error together, without ANSI colours. */
    static final class Result {
        final int exit;
        final String output;

        Result(int exit, String output) {
            this.exit = exit;
            this.output = output;
        }
    }

    /** Runs {@code pb} to its end; fails (killing it and its children) if it takes more than {@code timeout}. */
    static Result run(ProcessBuilder pb, Duration timeout) {
        pb.redirectErrorStream(true);
        try {
            Process process = pb.start();
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
                try (InputStream in = process.getInputStream()) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new AssertionError(pb.command() + " did not end within " + timeout);
            }
            return new Result(process.exitValue(), ANSI.matcher(output.get(30, TimeUnit.SECONDS)).replaceAll(""));
        } catch (AssertionError e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError("running " + pb.command() + ": " + e, e);
        }
    }

    static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException inUse) {
            return false;
        }
    }

    static boolean answers(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static void awaitPort(String what, int port, Duration atMost) {
        Awaitility.await(what + " answers on " + port).atMost(atMost).pollInterval(Duration.ofMillis(250))
            .until(() -> answers(port));
    }

    /**
     * Stops the Karaf of {@code instance} if its own {@code karaf.pid} names a live process started from that
     * folder (bin/stop did not stop it), and nothing else.
     */
    static void killIfAlive(Path instance) throws IOException, InterruptedException {
        Path pidFile = instance.resolve("karaf.pid");
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        String pid = Files.readString(pidFile).strip();
        if (pid.isEmpty()) {
            return;
        }
        ProcessHandle karaf = ProcessHandle.of(Long.parseLong(pid)).orElse(null);
        if (karaf == null || !karaf.isAlive()
                || !karaf.info().commandLine().orElse("").contains(instance.toString())) {
            return;
        }
        karaf.destroy();
        try {
            karaf.onExit().get(30, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            karaf.destroyForcibly();
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            List<Path> deepestFirst = paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList());
            for (Path p : deepestFirst) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** A system property failsafe sets (see the pom); fails clearly when the test is run some other way. */
    static String required(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + name + " is not set: run through Maven (failsafe)");
        }
        return value;
    }
}
