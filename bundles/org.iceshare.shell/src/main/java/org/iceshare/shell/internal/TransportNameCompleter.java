package org.iceshare.shell.internal;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.iceshare.api.transport.Transport;
import org.osgi.framework.BundleContext;

/** Completes the names of the installed transports. */
@Service
public class TransportNameCompleter implements Completer {

    @Reference
    BundleContext bundleContext;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter names = new StringsCompleter(PluginService.names(
                PluginService.list(bundleContext, Transport.class, Transport.NAME_PROPERTY)));
        return names.complete(session, commandLine, candidates);
    }
}
