package org.iceshare.client;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.core.internal.http.LiveBurst;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code iceshare play URL}: joins the swarm, serves the stream on the peer's local player endpoint
 * (uploading to others meanwhile), and starts a player on it, or with {@code --stdout} copies it to
 * standard output. A file starts at {@code --start}; a live stream at its live edge.
 */
@Command(name = "play", addMethodSubcommands = false,
        description = "Play a stream or file, sharing it while it plays.")
final class PlayCommand implements Callable<Integer> {
    /** The players looked for on the PATH, in this order, with the arguments that suit a stream. */
    static final List<List<String>> PLAYERS = List.of(List.of("mpv", "--no-terminal", "--force-window=no"),
            List.of("ffplay", "-nodisp", "-autoexit", "-loglevel", "warning"), List.of("vlc", "--play-and-exit"));

    @Parameters(paramLabel = "URL", description = "icet://host[:port]/name")
    String url;

    @Option(names = "--stdout", description = "Write the Ogg stream to stdout (iceshare play URL --stdout | mpv -).")
    boolean stdout;

    @Option(names = "--player", paramLabel = "CMD", description = "Player command; the stream's local URL is added as"
            + " its last argument (config key 'player'; default: mpv, ffplay or vlc, the first on the PATH).")
    String player;

    @Option(names = "--start", paramLabel = "TIME", description = "Start a file at this media time: 1:30, 90.")
    String start;

    @Option(names = "--burst", paramLabel = "SECONDS", description = "Start a live stream this far behind its live"
            + " edge (the peer's default otherwise); at most the stream's window less 2 s, and 60 s.")
    String burst;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws Exception {
        StartTrace.mark("play: parsed");
        common.configureLogging();
        IcetUrl u = Main.url(url);
        Double at = start == null ? null : ClientPeer.option("--start", () -> Values.mediaTime(start));
        Double behind = burst == null ? null : ClientPeer.option("--burst", () -> Values.mediaTime(burst));
        StartTrace.mark("play: url");
        ClientConfig config = ClientConfig.load(System.getenv(), common.dataDir);
        StartTrace.mark("play: config");
        List<String> command = stdout ? null : playerCommand(config);
        try (ClientPeer peer = ClientPeer.start(common, config, "play " + u)) {
            StartTrace.mark("play: peer started");
            SwarmStatus s = peer.join(u);
            StartTrace.mark("play: joined");
            URI local = s.playerUrl();
            if (local == null) {
                throw new ClientException(ExitCodes.LOCAL, "the local player endpoint is disabled");
            }
            if (s.live() && at != null) {
                throw new ClientException(ExitCodes.USAGE, u + " is a live stream: it plays from its live edge, --start"
                        + " is for files");
            }
            if (!s.live() && at == null) {
                // played from its start in real time: deadlines for the scheduler, the playhead for the tracker
                peer.engine().play(s.content());
            }
            if (at != null) {
                local = URI.create(local + "?t=" + String.format(Locale.ROOT, "%.3f", at));
            }
            if (behind != null) {
                // the endpoint would refuse a burst beyond the window with a 400, which a player hides
                var window = peer.engine().liveWindow(s.content());
                if (window == null) {
                    throw new ClientException(ExitCodes.USAGE, "--burst is for live streams");
                }
                long max = LiveBurst.maxMicros(window.manifest().windowMicros());
                if (behind * 1e6 > max) {
                    throw new ClientException(ExitCodes.USAGE, "--burst " + burst + " is beyond the live window of "
                            + u + ": at most " + max / 1e6 + " s");
                }
                local = URI.create(local + "?burst=" + String.format(Locale.ROOT, "%.3f", behind));
            }
            if (stdout) {
                return copyToStdout(local);
            }
            List<String> cmd = new ArrayList<>(command);
            cmd.add(local.toString());
            System.err.println("iceshare: playing " + u + " from " + local + " with " + command.get(0));
            Process p;
            try {
                p = new ProcessBuilder(cmd).inheritIO().start();
            } catch (IOException e) {
                throw new ClientException(ExitCodes.NO_PLAYER, "cannot start the player " + command.get(0) + ": "
                        + e.getMessage());
            }
            Process player = p;
            peer.onSignal(player::destroy);
            player.waitFor();
            return ExitCodes.OK;
        }
    }

    /** The player to start: {@code --player}, the config's, or the first known one on the PATH. */
    private List<String> playerCommand(ClientConfig config) throws ClientException {
        String given = player != null ? player : config.get("player");
        if (given != null) {
            List<String> cmd = List.of(given.trim().split("\\s+"));
            if (cmd.isEmpty() || cmd.get(0).isEmpty()) {
                throw new ClientException(ExitCodes.USAGE, "--player: empty command");
            }
            return cmd;
        }
        for (List<String> p : PLAYERS) {
            if (onPath(p.get(0))) {
                return p;
            }
        }
        throw new ClientException(ExitCodes.NO_PLAYER, "no player found (mpv, ffplay or vlc on the PATH): install one,"
                + " name one with --player CMD, or pipe the stream with --stdout");
    }

    static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Copies the local stream to stdout as it comes (each read is flushed: a live stream must reach the
     * decoder at once). The reader going away (a closed pipe) ends playing normally.
     */
    private static int copyToStdout(URI local) throws ClientException {
        HttpURLConnection c;
        InputStream in;
        try {
            c = (HttpURLConnection) local.toURL().openConnection();
            c.setConnectTimeout(5_000);
            int code = c.getResponseCode();
            StartTrace.mark("play: local stream answered " + code);
            if (code != 200 && code != 206) {
                InputStream e = c.getErrorStream();
                String body = e == null ? "" : new String(e.readNBytes(300), StandardCharsets.UTF_8).strip();
                throw new ClientException(ExitCodes.TRANSFER_FAILED, "the local player endpoint answered " + code
                        + (body.isEmpty() ? "" : ": " + body));
            }
            in = c.getInputStream();
        } catch (IOException e) {
            throw new ClientException(ExitCodes.TRANSFER_FAILED, "cannot open the local stream " + local + ": "
                    + e.getMessage());
        }
        @SuppressWarnings("resource") // stdout stays open for the JVM
        OutputStream out = new FileOutputStream(FileDescriptor.out);
        byte[] buf = new byte[16_384];
        boolean first = true;
        try (in) {
            while (true) {
                int n;
                try {
                    n = in.read(buf);
                } catch (IOException e) {
                    throw new ClientException(ExitCodes.TRANSFER_FAILED, "the stream broke: " + e.getMessage());
                }
                if (n < 0) {
                    return ExitCodes.OK;
                }
                if (first) {
                    StartTrace.mark("play: first " + n + " bytes");
                    first = false;
                }
                try {
                    out.write(buf, 0, n);
                    out.flush();
                } catch (IOException e) {
                    return ExitCodes.OK; // the reader left (broken pipe)
                }
            }
        } catch (IOException e) {
            return ExitCodes.OK;
        }
    }
}
