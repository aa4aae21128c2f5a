package org.iceshare.shell.internal;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.iceshare.api.source.LiveSources;
import org.iceshare.api.source.LiveStreamInfo;

/** Completes the names of the running live streams. */
@Service
public class LiveStreamCompleter implements Completer {

    @Reference(optional = true)
    LiveSources sources;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter names = new StringsCompleter();
        if (sources != null) {
            for (LiveStreamInfo s : sources.streams()) {
                names.getStrings().add(s.name());
            }
        }
        return names.complete(session, commandLine, candidates);
    }
}
