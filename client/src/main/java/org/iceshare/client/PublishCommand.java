package org.iceshare.client;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.iceshare.api.swarm.IcetUrl;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code iceshare publish FILE --tracker HOST:PORT}: publishes an Ogg file, prints its {@code icet://} URL
 * on stdout and serves it until Ctrl-C.
 */
@Command(name = "publish", addMethodSubcommands = false,
        description = "Publish an Ogg file on a tracker and serve it until Ctrl-C.")
final class PublishCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", description = "An Ogg file (.ogg, .oga, .opus, .ogv).")
    Path file;

    @Option(names = "--tracker", paramLabel = "HOST:PORT", description = "The tracker (config key 'tracker').")
    String tracker;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws Exception {
        common.configureLogging();
        ClientConfig config = ClientConfig.load(System.getenv(), common.dataDir);
        InetSocketAddress t = tracker(tracker, config);
        ClientPeer.checkOgg(file);
        try (ClientPeer peer = ClientPeer.start(common, config, "publish " + file)) {
            IcetUrl url = peer.publish(file.toAbsolutePath(), t);
            System.out.println(url);
            System.out.flush();
            System.err.println("iceshare: serving " + file + " until Ctrl-C");
            new CountDownLatch(1).await(); // Ctrl-C: the shutdown hook closes the peer
        }
        return ExitCodes.OK;
    }

    /** The tracker from the option or the config file; one of them must name it. */
    static InetSocketAddress tracker(String option, ClientConfig config) throws ClientException {
        if (option != null) {
            return ClientPeer.option("--tracker", () -> Values.hostPort(option));
        }
        InetSocketAddress t = config.tracker();
        if (t == null) {
            throw new ClientException(ExitCodes.USAGE, "no tracker: give --tracker HOST:PORT (or set 'tracker' in "
                    + config.configFile() + ")");
        }
        return t;
    }
}
