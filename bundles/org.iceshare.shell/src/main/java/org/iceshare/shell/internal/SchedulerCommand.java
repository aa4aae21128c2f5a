package org.iceshare.shell.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.table.ShellTable;
import org.iceshare.api.scheduler.PieceScheduler;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

@Service
@Command(scope = "iceshare", name = "scheduler", description = "Lists the installed piece schedulers and the ones "
        + "selected for files and for streaming; with a NAME, selects that scheduler at run time.",
        detailedDescription = "The selection is the configuration PID org.iceshare.scheduler: 'name' for files, "
                + "'streaming' (with --streaming) for live streams and files a player plays as they arrive. A "
                + "change applies to every peer of this container at once, in the middle of transfers, and is "
                + "written back to etc/org.iceshare.scheduler.cfg. Only an installed scheduler can be selected.")
public class SchedulerCommand implements Action {

    /** The configuration PID of the scheduler selection (the core's plugin registry). */
    static final String PID = PieceScheduler.SELECTION_PID;
    /** The property selecting the scheduler for files, and its default. */
    static final String FILES = PieceScheduler.SELECTION_FILES;
    static final String FILES_DEFAULT = PieceScheduler.DEFAULT_FILES;
    /** The property selecting the scheduler for live streams and played files, and its default. */
    static final String STREAMING = PieceScheduler.SELECTION_STREAMING;
    static final String STREAMING_DEFAULT = PieceScheduler.DEFAULT_STREAMING;

    @Reference
    BundleContext bundleContext;

    @Reference
    Session session;

    @Reference
    ConfigurationAdmin configAdmin;

    @Argument(index = 0, name = "name", description = "The scheduler to select (see the list without NAME)")
    @Completion(SchedulerNameCompleter.class)
    String name;

    @Option(name = "--streaming", aliases = "-s", description = "Select the scheduler for live streams and played "
            + "files instead of the one for files")
    boolean streaming;

    @Override
    public Object execute() throws IOException {
        PrintStream out = session.getConsole();
        List<PluginService> installed = PluginService.list(bundleContext, PieceScheduler.class,
                PieceScheduler.NAME_PROPERTY);
        Configuration selection = ConfigEdit.find(configAdmin, PID);
        String files = ConfigEdit.get(selection, FILES, FILES_DEFAULT);
        String stream = ConfigEdit.get(selection, STREAMING, STREAMING_DEFAULT);
        if (name == null) {
            list(out, installed, files, stream);
            return null;
        }
        String wanted = name.trim();
        String key = streaming ? STREAMING : FILES;
        String what = streaming ? "streaming" : "files";
        if (PluginService.named(installed, wanted).isEmpty()) {
            out.println("Error: no scheduler named '" + wanted + "' is installed; installed: "
                    + (installed.isEmpty() ? "none (feature:install iceshare-scheduler-rarest)"
                            : String.join(", ", PluginService.names(installed))));
            return null;
        }
        String before = streaming ? stream : files;
        if (selection != null && wanted.equals(before) && wanted.equals(ConfigEdit.get(selection, key, null))) {
            out.println("The scheduler for " + what + " is already " + wanted);
            return null;
        }
        ConfigEdit.set(selection == null ? ConfigEdit.configuration(configAdmin, PID) : selection, key, wanted);
        out.println("Scheduler for " + what + ": " + before + " -> " + wanted + " (" + PID + " " + key + "); running "
                + "swarms use it from their next scheduling round");
        return null;
    }

    private static void list(PrintStream out, List<PluginService> installed, String files, String stream) {
        Optional<PluginService> forFiles = PluginService.inUse(installed, files);
        Optional<PluginService> forStreaming = PluginService.named(installed, stream).or(() -> forFiles);
        out.println("Schedulers (selection: configuration " + PID + ")");
        ShellTable t = new ShellTable();
        t.column("Name");
        t.column("Ranking").alignRight();
        t.column("Bundle");
        t.column("In use for");
        for (PluginService p : installed) {
            String use = (forFiles.orElse(null) == p ? "files " : "") + (forStreaming.orElse(null) == p
                    ? "streaming" : "");
            t.addRow().addContent(p.name(), p.ranking(), p.bundle(), use.trim());
        }
        t.emptyTableText("(no scheduler installed: feature:install iceshare-scheduler-rarest)");
        t.print(out);
        out.println("Files: " + describe(files, forFiles, "the highest-ranked"));
        out.println("Streaming: " + describe(stream, forStreaming, "the one for files"));
    }

    private static String describe(String selected, Optional<PluginService> used, String fallback) {
        if (used.isPresent() && used.get().name().equals(selected)) {
            return selected;
        }
        return "'" + selected + "' is selected but not installed; " + used.map(p -> p.name() + " (" + fallback
                + ") is used until it is").orElse("no scheduler is installed");
    }
}
