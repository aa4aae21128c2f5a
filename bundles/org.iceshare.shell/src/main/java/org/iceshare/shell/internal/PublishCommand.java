package org.iceshare.shell.internal;

import java.net.InetSocketAddress;
import java.nio.file.Path;
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
import org.apache.karaf.shell.support.completers.FileCompleter;
import org.iceshare.api.peer.Peer;
import org.iceshare.api.swarm.IcetUrl;
import org.osgi.framework.BundleContext;

@Service
@Command(scope = "iceshare", name = "publish", description = "Publishes a media file and prints its icet:// URL.",
        detailedDescription = "Cuts the file into pieces with the matching media format (whole Ogg pages for Ogg), "
                + "stores it in the peer's storage, and registers it with the tracker. The peer then serves it "
                + "as the source of its swarm.")
public class PublishCommand implements Action {

    @Reference
    BundleContext bundleContext;

    @Reference
    Session session;

    @Argument(index = 0, name = "file", description = "The file to publish", required = true)
    @Completion(FileCompleter.class)
    String file;

    @Option(name = "--name", aliases = "-n", description = "Name to publish under (default: the file's name)")
    String name;

    @Option(name = "--tracker", aliases = "-t", description = "Tracker host:port (default: the peer's tracker)")
    String tracker;

    @Option(name = "--peer", aliases = "-p", description = "The peer that publishes (default: the only peer, or "
            + "'default')")
    @Completion(PeerNameCompleter.class)
    String peerName;

    @Override
    public Object execute() throws Exception {
        Peer peer;
        InetSocketAddress trackerAddress = null;
        try {
            peer = PeerLookup.pick(bundleContext, peerName);
            if (tracker != null) {
                IcetUrl u = IcetUrl.parse("icet://" + tracker.trim() + "/x");
                trackerAddress = InetSocketAddress.createUnresolved(u.host(), u.port());
            }
        } catch (IllegalArgumentException e) {
            session.getConsole().println("Error: " + e.getMessage());
            return null;
        }
        Path path = Path.of(file).toAbsolutePath();
        try {
            IcetUrl url = peer.publish(path, name, trackerAddress).toCompletableFuture().get(10, TimeUnit.MINUTES);
            session.getConsole().println(url);
        } catch (ExecutionException e) {
            session.getConsole().println("Error: " + Format.reason(e));
        } catch (TimeoutException e) {
            session.getConsole().println("Error: publishing " + path + " took longer than 10 minutes");
        }
        return null;
    }
}
