package org.iceshare.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The packaged client ({@code target/iceshare-client-VERSION/bin/iceshare}) run as a process of its own,
 * with its own XDG data and config folders under a test folder, its stdout and stderr in files there.
 */
final class ClientProcess implements AutoCloseable {
    private final Path home;
    private final Process process;
    private final Path out;
    private final Path err;

    private ClientProcess(Path home, Process process, Path out, Path err) {
        this.home = home;
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** The launcher the build made. */
    static Path launcher() {
        String dir = System.getProperty("iceshare.client.dir");
        if (dir == null) {
            throw new IllegalStateException("run through failsafe: -Diceshare.client.dir names the packaged client");
        }
        return Path.of(dir, "bin", "iceshare");
    }

    /** Starts {@code iceshare ARGS} with {@code home}/data and {@code home}/config as its XDG folders. */
    static ClientProcess start(Path home, String... args) throws IOException {
        return start(home, ProcessBuilder.Redirect.PIPE, args);
    }

    static ClientProcess start(Path home, ProcessBuilder.Redirect stdout, String... args) throws IOException {
        Files.createDirectories(home);
        List<String> cmd = new ArrayList<>();
        cmd.add(launcher().toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile());
        environment(pb.environment(), home);
        int n = 0;
        Path out;
        do {
            out = home.resolve("stdout-" + ++n + ".txt");
        } while (Files.exists(out));
        Path err = home.resolve("stderr-" + n + ".txt");
        pb.redirectOutput(stdout == ProcessBuilder.Redirect.PIPE ? ProcessBuilder.Redirect.to(out.toFile()) : stdout);
        pb.redirectError(err.toFile());
        return new ClientProcess(home, pb.start(), out, err);
    }

    /** The environment a client of {@code home} runs with. */
    static void environment(Map<String, String> env, Path home) {
        env.put("XDG_DATA_HOME", home.resolve("data").toString());
        env.put("XDG_CONFIG_HOME", home.resolve("config").toString());
        env.put("XDG_CACHE_HOME", home.resolve("cache").toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
    }

    Process process() {
        return process;
    }

    Path dataDir() {
        return home.resolve("data").resolve("iceshare");
    }

    String stdout() throws IOException {
        return Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "";
    }

    String stderr() throws IOException {
        return Files.exists(err) ? Files.readString(err, StandardCharsets.UTF_8) : "";
    }

    /** Waits for the exit and gives its code. */
    int waitFor(Duration timeout) throws InterruptedException, IOException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("iceshare did not end within " + timeout + "; stderr: " + stderr());
        }
        return process.exitValue();
    }

    /** Ctrl-C: SIGINT to the JVM (the launcher exec'ed it, so the pid is the JVM's). */
    void interrupt() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -INT " + process.pid() + " failed");
        }
    }

    /** The running client's stats.json (through the runtime file it writes for iceshare status), or null. */
    String stats() {
        try {
            Properties p = new Properties();
            try (var r = Files.newBufferedReader(dataDir().resolve(ClientConfig.RUNTIME_FILE))) {
                p.load(r);
            }
            String http = p.getProperty("http");
            if (http == null || http.equals("null")) {
                return null;
            }
            HttpClient c = HttpClient.newHttpClient();
            return c.send(HttpRequest.newBuilder(URI.create(http + "stats.json")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** A number of the first swarm in the running client's stats.json, or -1. */
    long firstSwarm(String key) {
        String s = stats();
        if (s == null) {
            return -1;
        }
        Object doc = MiniJson.parse(s);
        if (doc instanceof Map<?, ?> m && m.get("swarms") instanceof List<?> l && !l.isEmpty()
                && l.get(0) instanceof Map<?, ?> w && w.get(key) instanceof Double d) {
            return Math.round(d);
        }
        return -1;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
