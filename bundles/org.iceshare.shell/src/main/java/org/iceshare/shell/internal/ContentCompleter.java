package org.iceshare.shell.internal;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.iceshare.api.tracker.Tracker;
import org.osgi.framework.BundleContext;

/**
 * Completes a content for {@code URL|CONTENT} arguments: the {@code icet://} URLs, names and ids of
 * the local tracker's contents and of the peers' swarms.
 */
@Service
public class ContentCompleter implements Completer {

    @Reference
    BundleContext bundleContext;

    @Reference(optional = true)
    Tracker tracker;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter strings = new StringsCompleter();
        for (ContentRef r : ContentResolver.known(tracker, PeerLookup.all(bundleContext))) {
            strings.getStrings().add(r.name());
            strings.getStrings().add(r.id().toHex());
            if (r.url() != null) {
                strings.getStrings().add(r.url().toString());
            }
        }
        return strings.complete(session, commandLine, candidates);
    }
}
