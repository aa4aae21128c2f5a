package org.iceshare.shell.internal;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.iceshare.api.peer.Peer;
import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.api.tracker.TrackedContent;
import org.iceshare.api.tracker.Tracker;
import org.osgi.framework.BundleContext;

/** Completes icet:// URLs: those of the local tracker's contents and of the peers' swarms. */
@Service
public class IcetUrlCompleter implements Completer {

    @Reference
    BundleContext bundleContext;

    @Reference(optional = true)
    Tracker tracker;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter urls = new StringsCompleter();
        if (tracker != null && tracker.address() != null) {
            String host = tracker.address().getHostString();
            int port = tracker.address().getPort();
            for (TrackedContent c : tracker.contents()) {
                urls.getStrings().add(new IcetUrl(host, port, c.name()).toString());
            }
        }
        for (Peer p : PeerLookup.all(bundleContext)) {
            for (SwarmStatus s : p.swarms()) {
                urls.getStrings().add(s.url().toString());
            }
        }
        return urls.complete(session, commandLine, candidates);
    }
}
