package org.iceshare.bench.lab;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.core.internal.peer.PeerEngine;
import org.iceshare.core.internal.peer.PeerSettings;
import org.iceshare.icet.internal.NettyTransport;
import org.iceshare.itests.swarm.SwarmFixture;
import org.iceshare.itests.swarm.SwitchablePlugins;
import org.iceshare.media.ogg.internal.OggFormat;
import org.iceshare.scheduler.deadline.internal.DeadlineScheduler;
import org.iceshare.scheduler.rarest.internal.RarestFirstScheduler;
import org.iceshare.verify.sha256.internal.Sha256Verifier;

/**
 * One IceShare peer in a JVM of its own ({@code iceshare-bench.jar peer ...}): what the lab's
 * {@code --jvms} mode starts per peer, to show that nothing depends on the peers sharing one JVM. It
 * builds the peer as the in-JVM fixture does (its own TCP transport bound to its address, the default
 * plugins), says {@code PEER_READY}, fetches the URL when a line {@code GET} arrives on its standard
 * input, says {@code PEER_COMPLETE <seconds since GET>} when its copy is whole, and keeps serving until
 * its standard input closes (or says {@code QUIT}).
 */
public final class PeerProcess {
    private PeerProcess() {
    }

    public static void main(String[] args) throws Exception {
        String name = null;
        InetAddress address = null;
        InetSocketAddress tracker = null;
        IcetUrl url = null;
        Path storage = null;
        int pieceKiB = 256;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--name" -> name = args[++i];
                case "--address" -> address = InetAddress.getByName(args[++i]);
                case "--tracker" -> {
                    String[] hp = args[++i].split(":");
                    tracker = new InetSocketAddress(hp[0], Integer.parseInt(hp[1]));
                }
                case "--url" -> url = IcetUrl.parse(args[++i]);
                case "--storage" -> storage = Path.of(args[++i]);
                case "--piece-kib" -> pieceKiB = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (name == null || address == null || tracker == null || url == null || storage == null) {
            throw new IllegalArgumentException("usage: peer --name N --address IP --tracker HOST:PORT --url ICET_URL "
                    + "--storage DIR [--piece-kib K]");
        }
        SwitchablePlugins plugins = new SwitchablePlugins(new RarestFirstScheduler(), new Sha256Verifier(),
                List.of(new OggFormat(pieceKiB * 1024)));
        plugins.streamingScheduler(new DeadlineScheduler());
        PeerSettings d = PeerSettings.loopback(name, storage, tracker);
        PeerSettings s = new PeerSettings(name, address.getHostAddress(), 0, d.httpHost(), d.httpPort(), storage,
                tracker, d.slotsPerPeer(), d.requestTimeout(), 0, d.keepAlive(), d.resume(), d.transports(),
                d.transportPorts(), 0);
        try (NettyTransport transport = NettyTransport.tcp(SwarmFixture.LOOPBACK_SWARM.withBindAddress(address))) {
            PeerEngine peer = new PeerEngine(s, List.of(transport), plugins);
            peer.start();
            try {
                System.out.println("PEER_READY " + name + " " + peer.address());
                System.out.flush();
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                String line = in.readLine();
                if (line == null || !line.equals("GET")) {
                    return;
                }
                long start = System.nanoTime();
                peer.get(url);
                while (peer.swarms().stream().noneMatch(w -> w.state() == SwarmStatus.State.COMPLETE)) {
                    TimeUnit.MILLISECONDS.sleep(10);
                }
                System.out.printf(Locale.ROOT, "PEER_COMPLETE %s %.3f%n", name, (System.nanoTime() - start) / 1e9);
                System.out.flush();
                for (line = in.readLine(); line != null && !line.equals("QUIT"); line = in.readLine()) {
                    // keep serving
                }
            } finally {
                peer.close();
            }
        }
    }
}
