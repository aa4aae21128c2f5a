package org.iceshare.shell.internal;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.iceshare.api.peer.Peer;
import org.osgi.framework.BundleContext;

/** Completes the names of the running peers. */
@Service
public class PeerNameCompleter implements Completer {

    @Reference
    BundleContext bundleContext;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter names = new StringsCompleter();
        for (Peer p : PeerLookup.all(bundleContext)) {
            names.getStrings().add(p.name());
        }
        return names.complete(session, commandLine, candidates);
    }
}
