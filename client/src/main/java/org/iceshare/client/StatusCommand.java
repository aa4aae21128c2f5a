package org.iceshare.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code iceshare status}: what the client running with a data folder does. The running client wrote
 * its pid and player endpoint into {@value ClientConfig#RUNTIME_FILE}; this asks that endpoint's
 * {@code stats.json} and prints one line per swarm (or the JSON itself with {@code --json}).
 */
@Command(name = "status", addMethodSubcommands = false,
        description = "Show what the running client does.")
final class StatusCommand implements Callable<Integer> {

    @Option(names = "--data-dir", paramLabel = "DIR", description = "The running client's data folder (default"
            + " $XDG_DATA_HOME/iceshare, else ~/.local/share/iceshare).")
    Path dataDir;

    @Option(names = "--json", description = "Print the client's stats.json as it is.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        ClientConfig config = ClientConfig.load(System.getenv(), dataDir);
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(config.runtimeFile(), StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            System.out.println("no iceshare client is running with the data folder " + config.dataDir());
            return ExitCodes.OK;
        } catch (IOException e) {
            throw new ClientException(ExitCodes.LOCAL, "cannot read " + config.runtimeFile() + ": " + e.getMessage());
        }
        long pid;
        try {
            pid = Long.parseLong(p.getProperty("pid", ""));
        } catch (NumberFormatException e) {
            throw new ClientException(ExitCodes.LOCAL, config.runtimeFile() + " names no pid");
        }
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) == Boolean.FALSE) {
            System.out.println("no iceshare client is running with the data folder " + config.dataDir()
                    + " (the last one, pid " + pid + ", did not stop cleanly)");
            return ExitCodes.OK;
        }
        String stats = fetch(URI.create(p.getProperty("http", "") + "stats.json"));
        if (json) {
            System.out.println(stats);
            return ExitCodes.OK;
        }
        System.out.println("iceshare pid " + pid + ": " + p.getProperty("command") + " (since " + p.getProperty("started")
                + ")");
        System.out.println("  peer " + p.getProperty("peer") + ", id " + p.getProperty("id") + ", players at "
                + p.getProperty("http"));
        Object doc;
        try {
            doc = MiniJson.parse(stats);
        } catch (IllegalArgumentException e) {
            throw new ClientException(ExitCodes.INTERNAL, "the client's stats.json is malformed: " + e.getMessage());
        }
        Object swarms = doc instanceof Map<?, ?> m ? m.get("swarms") : null;
        if (!(swarms instanceof List<?> list) || list.isEmpty()) {
            System.out.println("  no swarms yet");
            return ExitCodes.OK;
        }
        for (Object o : list) {
            if (o instanceof Map<?, ?> s) {
                System.out.println("  " + line(s));
            }
        }
        return ExitCodes.OK;
    }

    /** One swarm: URL, state, pieces, bytes moved, peers, and for live or played contents the playback figures. */
    static String line(Map<?, ?> s) {
        long verified = num(s.get("verified"));
        long pieces = num(s.get("pieces"));
        boolean live = Boolean.TRUE.equals(s.get("live"));
        StringBuilder b = new StringBuilder();
        b.append(s.get("url")).append("  ").append(s.get("state"));
        if (Boolean.TRUE.equals(s.get("source"))) {
            b.append(" (source)");
        }
        b.append(String.format(Locale.ROOT, "  %d/%d pieces%s  up %s  down %s  %d peers", verified, pieces,
                live ? " in window" : "", Values.bytes(num(s.get("uploaded"))), Values.bytes(num(s.get("downloaded"))),
                num(s.get("connections"))));
        if (s.get("quality") instanceof Map<?, ?> q && num(q.get("piecesDue")) > 0) {
            b.append(String.format(Locale.ROOT, "  continuity %.3f", q.get("continuity") instanceof Double d ? d : 1.0));
            if (num(q.get("latencyP50Millis")) >= 0) {
                b.append("  latency p50 ").append(num(q.get("latencyP50Millis"))).append(" ms");
            }
        }
        Object error = s.get("error");
        if (error instanceof String e && !e.isEmpty()) {
            b.append("  error: ").append(e);
        }
        b.append("  ").append(s.get("player"));
        return b.toString();
    }

    private static long num(Object o) {
        return o instanceof Double d ? Math.round(d) : 0;
    }

    private static String fetch(URI uri) throws ClientException {
        try {
            HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
            c.setConnectTimeout(5_000);
            c.setReadTimeout(10_000);
            try (InputStream in = c.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new ClientException(ExitCodes.LOCAL, "the running client does not answer at " + uri + ": "
                    + e.getMessage());
        }
    }
}
