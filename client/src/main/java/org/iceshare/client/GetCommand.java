package org.iceshare.client;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.peer.SwarmStatus.State;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.core.internal.storage.PieceStore;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code iceshare get URL}: downloads a file through the swarm (uploading to others meanwhile), copies it
 * to {@code -o FILE}, and with {@code --seed} keeps sharing it until a ratio or time target or Ctrl-C.
 * A second run resumes: the pieces verified by the first are in the data folder and are not fetched again.
 */
@Command(name = "get", addMethodSubcommands = false,
        description = "Download a file from its swarm, sharing it while it comes.")
final class GetCommand implements Callable<Integer> {
    /** How often the progress is looked at. */
    private static final long POLL_MILLIS = 250;

    @Parameters(paramLabel = "URL", description = "icet://host[:port]/name.ogg")
    String url;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Where the file goes (default: its name"
            + " in the current folder); '-' writes it to stdout.")
    Path output;

    @Option(names = "--seed", description = "Keep sharing once complete, until Ctrl-C or a --seed-ratio or"
            + " --seed-time target.")
    boolean seed;

    @Option(names = "--seed-ratio", paramLabel = "R", description = "Share until R times the file was uploaded"
            + " (implies --seed).")
    Double ratio;

    @Option(names = "--seed-time", paramLabel = "DURATION", description = "Share for this long once complete: 30m,"
            + " 2h, 1h30m (implies --seed).")
    String seedTime;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws Exception {
        common.configureLogging();
        IcetUrl u = Main.url(url);
        Duration seedFor = seedTime == null ? null : ClientPeer.option("--seed-time", () -> Values.duration(seedTime));
        if (ratio != null && !(ratio > 0)) {
            throw new ClientException(ExitCodes.USAGE, "--seed-ratio must be above 0, got " + ratio);
        }
        boolean toStdout = output != null && output.toString().equals("-");
        Path out = toStdout ? null : (output != null ? output : Path.of(u.name())).toAbsolutePath();
        if (out != null && (out.getParent() == null || !Files.isDirectory(out.getParent()))) {
            throw new ClientException(ExitCodes.LOCAL, "cannot write " + out + ": no such folder");
        }
        // progress and messages go to stderr when stdout carries the file
        PrintStream msg = toStdout ? System.err : System.out;
        ClientConfig config = ClientConfig.load(System.getenv(), common.dataDir);
        try (ClientPeer peer = ClientPeer.start(common, config, "get " + u)) {
            SwarmStatus s = peer.join(u);
            if (s.live()) {
                throw new ClientException(ExitCodes.USAGE, u + " is a live stream: listen with 'iceshare play " + u + "'");
            }
            ContentId id = s.content();
            int heldAtStart = s.verified();
            long heldBytes = heldBytes(peer.engine().store(id));
            long start = System.nanoTime();
            Progress progress = new Progress(msg, System.console() != null);
            peer.onSignal(() -> {
                progress.endLine();
                SwarmStatus now = peer.engine().swarm(id).orElse(null);
                Main.error("interrupted: " + (now == null ? "" : now.verified() + "/" + now.pieces() + " pieces ")
                        + "verified and kept in " + config.dataDir() + "; the same command resumes");
            });
            if (heldAtStart > 0 && heldAtStart < s.pieces()) {
                msg.println("resuming: " + heldAtStart + "/" + s.pieces() + " pieces already here");
            }
            s = waitComplete(peer, id, progress);
            progress.endLine();
            double secs = (System.nanoTime() - start) / 1e9;
            copy(peer.engine().store(id), out);
            msg.printf(Locale.ROOT, "complete: %s, %d pieces (%d with %d bytes were here already), fetched %d bytes"
                    + " (%s) in %.1f s%n", out == null ? "written to stdout" : "saved " + out, s.pieces(), heldAtStart,
                    heldBytes, s.downloaded(), Values.bytes(s.downloaded()), secs);
            msg.flush();
            if (seed || ratio != null || seedFor != null) {
                seedUntil(peer, id, s.length(), seedFor, msg);
            }
        }
        return ExitCodes.OK;
    }

    private static SwarmStatus waitComplete(ClientPeer peer, ContentId id, Progress progress)
            throws ClientException, InterruptedException {
        while (true) {
            SwarmStatus s = peer.engine().swarm(id).orElseThrow(
                    () -> new ClientException(ExitCodes.TRANSFER_FAILED, "the swarm of " + id.shortHex() + " is gone"));
            if (s.state() == State.FAILED) {
                throw new ClientException(ExitCodes.TRANSFER_FAILED, s.url() + ": " + s.error());
            }
            progress.update(s, System.nanoTime());
            if (s.state() == State.COMPLETE) {
                return s;
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** Bytes of the pieces verified in storage. */
    private static long heldBytes(PieceStore store) {
        long n = 0;
        for (int i = 0; i < store.manifest().pieceCount(); i++) {
            if (store.has(i)) {
                n += store.info(i).length();
            }
        }
        return n;
    }

    /** Copies the verified content out of storage (through a temporary file, so FILE is never half written). */
    private static void copy(PieceStore store, Path out) throws ClientException {
        Path data = store.directory().resolve("data");
        try {
            if (out == null) {
                Files.copy(data, System.out);
                System.out.flush();
                return;
            }
            Path tmp = out.resolveSibling("." + out.getFileName() + ".iceshare-tmp");
            Files.copy(data, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new ClientException(ExitCodes.LOCAL, "cannot write " + (out == null ? "stdout" : out) + ": "
                    + e.getMessage());
        }
    }

    /** Shares until the ratio or time target (or Ctrl-C), with a line now and then. */
    private void seedUntil(ClientPeer peer, ContentId id, long length, Duration seedFor, PrintStream msg)
            throws InterruptedException {
        long until = seedFor == null ? Long.MAX_VALUE : System.nanoTime() + seedFor.toNanos();
        msg.println("seeding" + (ratio != null ? " to ratio " + ratio : "") + (seedFor != null ? " for "
                + Values.clock(seedFor.toSeconds()) : "") + (ratio == null && seedFor == null ? " until Ctrl-C" : ""));
        msg.flush();
        long lastLine = System.nanoTime();
        while (System.nanoTime() < until) {
            SwarmStatus s = peer.engine().swarm(id).orElse(null);
            if (s == null) {
                return;
            }
            double r = length == 0 ? 0 : (double) s.uploaded() / length;
            if (ratio != null && r >= ratio) {
                break;
            }
            if (System.nanoTime() - lastLine > 30_000_000_000L) {
                msg.printf(Locale.ROOT, "seeding: uploaded %s (ratio %.2f), %d peers%n", Values.bytes(s.uploaded()), r,
                        s.connections());
                msg.flush();
                lastLine = System.nanoTime();
            }
            Thread.sleep(POLL_MILLIS);
        }
        SwarmStatus s = peer.engine().swarm(id).orElse(null);
        if (s != null) {
            msg.printf(Locale.ROOT, "seeding done: uploaded %s (ratio %.2f)%n", Values.bytes(s.uploaded()),
                    length == 0 ? 0 : (double) s.uploaded() / length);
            msg.flush();
        }
    }
}
