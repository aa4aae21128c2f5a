package org.iceshare.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.iceshare.api.source.LiveSources;

@Service
@Command(scope = "iceshare", name = "live-stop", description = "Stops a live stream: its input is closed and the "
        + "tracker and the peers are told the stream ended.")
public class LiveStopCommand implements Action {

    @Reference
    Session session;

    /**
     * Optional: a mandatory reference would hold back every command of this bundle until the live
     * source is installed (Karaf registers a bundle's commands once all their references are there).
     */
    @Reference(optional = true)
    LiveSources sources;

    @Argument(index = 0, name = "name", description = "The stream's name (see iceshare:status)", required = true)
    @Completion(LiveStreamCompleter.class)
    String name;

    @Override
    public Object execute() {
        if (sources == null) {
            session.getConsole().println(LiveCommand.NO_SOURCE);
            return null;
        }
        if (sources.stop(name)) {
            session.getConsole().println("Stopped live stream " + name);
        } else {
            session.getConsole().println("Error: no live stream named '" + name + "'; running: "
                    + sources.streams().stream().map(s -> s.name()).toList());
        }
        return null;
    }
}
