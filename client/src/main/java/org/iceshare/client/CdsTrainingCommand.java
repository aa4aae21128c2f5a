package org.iceshare.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.core.internal.peer.PeerEngine;

import picocli.CommandLine.Command;

/**
 * The training run of the class-data sharing archive, made at packaging time ({@code
 * -XX:ArchiveClassesAtExit}, see client/pom.xml): it walks the path {@code play} walks at start (a peer
 * started in a throw-away data folder, a fresh identity, its player endpoint asked over HTTP, the Netty
 * client side of the tracker link dialled) and loads every IceShare class, so that a real start finds them
 * all in the archive. Not for users: hidden from the help.
 */
@Command(name = "cds-training", addMethodSubcommands = false, hidden = true)
final class CdsTrainingCommand implements Callable<Integer> {

    @Override
    public Integer call() throws Exception {
        CommonOptions o = new CommonOptions();
        o.configureLogging();
        StartWarmUp.run(false);
        Path tmp = Files.createTempDirectory("iceshare-cds-training");
        try {
            ClientConfig config = ClientConfig.load(Map.of("XDG_DATA_HOME", tmp.resolve("data").toString(),
                    "XDG_CONFIG_HOME", tmp.resolve("config").toString()), null);
            try (ClientPeer peer = ClientPeer.start(o, config, "cds-training")) {
                PeerEngine e = peer.engine();
                MiniJson.parse(fetch(e.httpBase().resolve("stats.json")));
                // its own peer port stands in for a tracker: the link connects over Netty and is refused at once
                int port = e.address().getPort();
                ClientPeer.probe("127.0.0.1", port);
                try {
                    e.get(new IcetUrl("127.0.0.1", port, "training.ogg")).toCompletableFuture().get(2, TimeUnit.SECONDS);
                } catch (Exception expected) {
                    // refused or no answer: the classes are loaded either way
                }
            }
            Main.commandLine().getUsageMessage();
            for (String c : new String[] {"play", "get", "publish", "seed", "status"}) {
                Main.commandLine(c).getUsageMessage();
            }
            Values.rate("1.5M");
            Values.duration("1h30m");
            Values.mediaTime("1:30");
            loadIceShareClasses();
            markInstallation();
        } finally {
            try (Stream<Path> s = Files.walk(tmp)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return ExitCodes.OK;
    }

    private static String fetch(URI uri) throws IOException {
        HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
        try (InputStream in = c.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * Names the installation folder the archive is made for (its real path, as the launcher computes it) in
     * lib/iceshare.jsa.home: the launcher maps the archive only there.
     */
    private static void markInstallation() throws Exception {
        Path lib = Path.of(CdsTrainingCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .getParent().toRealPath();
        Files.writeString(lib.resolve("iceshare.jsa.home"), lib.getParent() + "\n", StandardCharsets.UTF_8);
    }

    /** Loads (without initialising) every class of the IceShare jars beside the client's. */
    private static void loadIceShareClasses() throws Exception {
        Path lib = Path.of(CdsTrainingCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .getParent();
        ClassLoader loader = CdsTrainingCommand.class.getClassLoader();
        try (Stream<Path> jars = Files.list(lib)) {
            for (Path jar : jars.filter(p -> p.getFileName().toString().matches("(org\\.iceshare\\.|iceshare-client-).*"
                    + "\\.jar")).toList()) {
                try (JarFile f = new JarFile(jar.toFile())) {
                    for (Enumeration<JarEntry> en = f.entries(); en.hasMoreElements();) {
                        String n = en.nextElement().getName();
                        if (n.endsWith(".class") && !n.endsWith("module-info.class") && !n.endsWith("package-info.class")) {
                            try {
                                Class.forName(n.substring(0, n.length() - 6).replace('/', '.'), false, loader);
                            } catch (LinkageError | ClassNotFoundException skipped) {
                                // a class whose OSGi dependencies are not here (DS components): never used
                            }
                        }
                    }
                }
            }
        }
    }
}
