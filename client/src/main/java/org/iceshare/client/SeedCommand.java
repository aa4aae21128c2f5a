package org.iceshare.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code iceshare seed DIR --tracker HOST:PORT}: publishes every Ogg file in a folder (.ogg, .oga, .opus,
 * .ogv; not its subfolders), prints one URL per line, and serves them until Ctrl-C. A file that cannot be
 * published is skipped with a line on stderr.
 */
@Command(name = "seed", addMethodSubcommands = false,
        description = "Publish every Ogg file of a folder and serve them until Ctrl-C.")
final class SeedCommand implements Callable<Integer> {
    static final List<String> EXTENSIONS = List.of(".ogg", ".oga", ".opus", ".ogv");
    /** A tracker answers BUSY beyond its rate of publications: wait and try again, this often at most. */
    private static final int BUSY_TRIES = 10;

    @Parameters(paramLabel = "DIR", description = "The folder.")
    Path dir;

    @Option(names = "--tracker", paramLabel = "HOST:PORT", description = "The tracker (config key 'tracker').")
    String tracker;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws Exception {
        common.configureLogging();
        ClientConfig config = ClientConfig.load(System.getenv(), common.dataDir);
        InetSocketAddress t = PublishCommand.tracker(tracker, config);
        if (!Files.isDirectory(dir)) {
            throw new ClientException(ExitCodes.BAD_MEDIA, "no such folder: " + dir);
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile).filter(SeedCommand::isMedia).sorted().toList();
        } catch (IOException e) {
            throw new ClientException(ExitCodes.BAD_MEDIA, "cannot list " + dir + ": " + e.getMessage());
        }
        if (files.isEmpty()) {
            throw new ClientException(ExitCodes.BAD_MEDIA, "no Ogg media in " + dir + " (" + String.join(", ", EXTENSIONS)
                    + ")");
        }
        try (ClientPeer peer = ClientPeer.start(common, config, "seed " + dir)) {
            int published = 0;
            for (Path f : files) {
                try {
                    System.out.println(publish(peer, f.toAbsolutePath(), t));
                    System.out.flush();
                    published++;
                } catch (ClientException e) {
                    if (e.exitCode() == ExitCodes.TRACKER_UNREACHABLE) {
                        throw e;
                    }
                    Main.error("skipped " + f + ": " + e.getMessage());
                }
            }
            if (published == 0) {
                throw new ClientException(ExitCodes.BAD_MEDIA, "none of the " + files.size() + " files in " + dir
                        + " could be published");
            }
            System.err.println("iceshare: serving " + published + " file" + (published == 1 ? "" : "s")
                    + " until Ctrl-C");
            new CountDownLatch(1).await(); // Ctrl-C: the shutdown hook closes the peer
        }
        return ExitCodes.OK;
    }

    private static Object publish(ClientPeer peer, Path f, InetSocketAddress t)
            throws ClientException, InterruptedException {
        for (int i = 1;; i++) {
            try {
                return peer.publish(f, t);
            } catch (ClientException e) {
                if (i >= BUSY_TRIES || !e.busy()) {
                    throw e;
                }
                Thread.sleep(1000L * i);
            }
        }
    }

    static boolean isMedia(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return EXTENSIONS.stream().anyMatch(n::endsWith);
    }
}
