package org.iceshare.shell.internal;

import java.io.PrintStream;
import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.iceshare.api.peer.Peer;
import org.iceshare.api.tracker.Tracker;
import org.osgi.framework.BundleContext;

@Service
@Command(scope = "iceshare", name = "stop", description = "Leaves a swarm: the peer stops fetching and serving "
        + "the content and tells the tracker.", detailedDescription = "What is stored stays on disk. The content "
                + "is named by its icet:// URL, its name or its id (or a unique prefix of it). Without --peer, the "
                + "only peer in that swarm leaves it. To end a live stream at its source, use iceshare:live-stop.")
public class StopCommand implements Action {

    @Reference
    BundleContext bundleContext;

    @Reference
    Session session;

    @Reference(optional = true)
    Tracker tracker;

    @Argument(index = 0, name = "content", description = "icet:// URL, name or id of the content", required = true)
    @Completion(ContentCompleter.class)
    String content;

    @Option(name = "--peer", aliases = "-p", description = "The peer that leaves (default: the only peer in the "
            + "swarm)")
    @Completion(PeerNameCompleter.class)
    String peerName;

    @Override
    public Object execute() {
        PrintStream out = session.getConsole();
        List<Peer> peers = PeerLookup.all(bundleContext);
        ContentRef ref;
        Peer peer;
        try {
            ref = ContentResolver.resolve(content, ContentResolver.known(tracker, peers));
            peer = PeerLookup.holder(peers, ref.id(), ref.label(), peerName);
        } catch (IllegalArgumentException e) {
            out.println("Error: " + e.getMessage());
            return null;
        }
        if (peer.stop(ref.id())) {
            out.println("Peer " + peer.name() + " left the swarm of " + ref.label() + "; what it stored stays on "
                    + "disk");
        } else {
            out.println("Error: peer " + peer.name() + " is no longer in the swarm of " + ref.label());
        }
        return null;
    }
}
