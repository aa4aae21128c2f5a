package org.iceshare.shell.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
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
import org.iceshare.api.source.LiveSources;
import org.iceshare.api.source.LiveStreamInfo;

@Service
@Command(scope = "iceshare", name = "live", description = "Starts a live stream from a file played in real time or "
        + "from an Icecast mount, and prints its icet:// URL.",
        detailedDescription = "A file is played out at real-time rate by its media time (with --loop it starts over "
                + "at its end, each round a new chain link). An http:// or https:// URL is pulled as it comes (an "
                + "Icecast mount such as http://host:8000/live.ogg) and reconnected when it drops. Pushes need no "
                + "command: point ffmpeg or ezstream at the push server (see etc/org.iceshare.source.cfg). Needs "
                + "the live source: feature:install iceshare-source.")
public class LiveCommand implements Action {

    /** What the live commands say when the live source is not installed. */
    static final String NO_SOURCE = "Error: the live source is not installed: feature:install iceshare-source";

    @Reference
    Session session;

    /**
     * Optional: a mandatory reference would hold back every command of this bundle until the live
     * source is installed (Karaf registers a bundle's commands once all their references are there).
     */
    @Reference(optional = true)
    LiveSources sources;

    @Argument(index = 0, name = "input", description = "A media file, or the http(s):// URL of an Icecast mount",
            required = true)
    @Completion(FileCompleter.class)
    String input;

    @Option(name = "--name", aliases = "-n", description = "Name of the stream (default: the file's name, or the "
            + "mount's name without its extension)")
    String name;

    @Option(name = "--loop", aliases = "-l", description = "Play the file again from the start at its end")
    boolean loop;

    @Override
    public Object execute() throws Exception {
        if (sources == null) {
            session.getConsole().println(LiveCommand.NO_SOURCE);
            return null;
        }
        String lower = input.toLowerCase(Locale.ROOT);
        CompletionStage<LiveStreamInfo> started;
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            if (loop) {
                session.getConsole().println("Error: --loop applies to files only");
                return null;
            }
            try {
                started = sources.pull(new URI(input.trim()), name);
            } catch (URISyntaxException e) {
                session.getConsole().println("Error: malformed URL " + input + ": " + e.getReason());
                return null;
            }
        } else {
            started = sources.playFile(Path.of(input).toAbsolutePath(), name, loop);
        }
        try {
            LiveStreamInfo info = started.toCompletableFuture().get(60, TimeUnit.SECONDS);
            session.getConsole().println(info.url());
        } catch (ExecutionException e) {
            session.getConsole().println("Error: " + Format.reason(e));
        } catch (TimeoutException e) {
            session.getConsole().println("Error: the stream from " + input + " was not registered within 60 s; it "
                    + "keeps trying (iceshare:live-stop to give up)");
        }
        return null;
    }
}
