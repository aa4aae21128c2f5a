package org.iceshare.shell.internal;

import java.io.PrintStream;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.iceshare.api.peer.Peer;
import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.IcetUrl;
import org.osgi.framework.BundleContext;

@Service
@Command(scope = "iceshare", name = "get", description = "Fetches an icet:// URL and prints the local HTTP URL a "
        + "player can open.", detailedDescription = "Joins the content's swarm through its tracker and starts "
                + "fetching. The player URL works at once: it streams each piece as it is verified. With --wait "
                + "the command returns when every piece is here.")
public class GetCommand implements Action {

    @Reference
    BundleContext bundleContext;

    @Reference
    Session session;

    @Argument(index = 0, name = "url", description = "icet://host[:port]/name", required = true)
    @Completion(IcetUrlCompleter.class)
    String url;

    @Option(name = "--peer", aliases = "-p", description = "The peer that fetches (default: the only peer, or "
            + "'default')")
    @Completion(PeerNameCompleter.class)
    String peerName;

    @Option(name = "--wait", aliases = "-w", description = "Wait up to this many seconds for the whole content")
    int waitSeconds;

    @Override
    public Object execute() throws Exception {
        PrintStream out = session.getConsole();
        IcetUrl icet;
        Peer peer;
        try {
            icet = IcetUrl.parse(url);
            peer = PeerLookup.pick(bundleContext, peerName);
        } catch (IllegalArgumentException e) {
            out.println("Error: " + e.getMessage());
            return null;
        }
        SwarmStatus status;
        try {
            status = peer.get(icet).toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            out.println("Error: " + Format.reason(e));
            return null;
        } catch (TimeoutException e) {
            out.println("Error: no answer from the tracker of " + icet + " within 30 s");
            return null;
        }
        out.println(status.playerUrl());
        if (waitSeconds > 0) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
            while (true) {
                Optional<SwarmStatus> s = peer.swarm(status.content());
                if (s.isEmpty()) {
                    out.println("Error: the swarm stopped");
                    return null;
                }
                SwarmStatus now = s.get();
                if (now.state() == SwarmStatus.State.COMPLETE || now.state() == SwarmStatus.State.FAILED
                        || System.nanoTime() > deadline) {
                    out.println(now.state() + " " + now.verified() + "/" + now.pieces() + " pieces, "
                            + Format.bytes(now.downloaded()) + " downloaded"
                            + (now.error().isEmpty() ? "" : ": " + now.error()));
                    return null;
                }
                synchronized (this) {
                    wait(200);
                }
            }
        }
        return null;
    }
}
