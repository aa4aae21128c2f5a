package org.iceshare.shell.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.iceshare.api.swarm.PeerId;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

@Service
@Command(scope = "iceshare", name = "publishers", description = "Shows who may publish new names on this "
        + "container's tracker; with options, changes it at run time.",
        detailedDescription = "A name belongs to the key that first published it, whoever may publish. Who may "
                + "publish a new name is 'publishers' of the configuration PID org.iceshare.tracker: local "
                + "(clients on the tracker's machine, the default), listed (only the ids in 'publisherIds') or "
                + "anyone; the ids listed may publish in every mode. A change applies at once, without a restart, "
                + "and is written back to etc/org.iceshare.tracker.cfg. A peer's id is in iceshare:status.")
public class PublishersCommand implements Action {

    static final String PID = "org.iceshare.tracker";
    static final String MODE = "publishers";
    static final String IDS = "publisherIds";
    static final List<String> MODES = List.of("local", "listed", "anyone");

    @Reference
    Session session;

    @Reference
    ConfigurationAdmin configAdmin;

    @Option(name = "--mode", aliases = "-m", description = "Who may publish new names: local, listed or anyone")
    String mode;

    @Option(name = "--add", aliases = "-a", description = "A peer id (32 hex digits) that may publish new names",
            multiValued = true)
    List<String> add;

    @Option(name = "--remove", aliases = "-r", description = "A peer id to take off the list", multiValued = true)
    List<String> remove;

    @Override
    public Object execute() throws IOException {
        PrintStream out = session.getConsole();
        Configuration config = ConfigEdit.find(configAdmin, PID);
        String before = ConfigEdit.get(config, MODE, "local");
        Set<PeerId> listed = new LinkedHashSet<>();
        for (String id : ConfigEdit.get(config, IDS, "").split(",")) {
            if (!id.isBlank()) {
                try {
                    listed.add(PeerId.parse(id.trim()));
                } catch (IllegalArgumentException e) {
                    out.println("Warning: the configured publisher id '" + id.trim() + "' is not a peer id; it is "
                            + "dropped if you change the list");
                }
            }
        }
        if (mode == null && add == null && remove == null) {
            print(out, before, listed);
            return null;
        }
        String next = before;
        if (mode != null) {
            next = mode.trim().toLowerCase(Locale.ROOT);
            if (!MODES.contains(next)) {
                out.println("Error: --mode must be local, listed or anyone, not '" + mode + "'");
                return null;
            }
        }
        Set<PeerId> ids = new LinkedHashSet<>(listed);
        List<String> changes = new ArrayList<>();
        try {
            for (String id : add == null ? List.<String>of() : add) {
                PeerId p = PeerId.parse(id.trim());
                if (ids.add(p)) {
                    changes.add("added " + p.toHex());
                }
            }
            for (String id : remove == null ? List.<String>of() : remove) {
                PeerId p = PeerId.parse(id.trim());
                if (ids.remove(p)) {
                    changes.add("removed " + p.toHex());
                } else {
                    out.println(p.toHex() + " is not listed");
                }
            }
        } catch (IllegalArgumentException e) {
            out.println("Error: not a peer id: " + e.getMessage() + "; nothing written");
            return null;
        }
        if (!next.equals(before)) {
            changes.add(0, "publishers: " + before + " -> " + next);
        }
        if (changes.isEmpty()) {
            out.println("Nothing to change");
            print(out, before, listed);
            return null;
        }
        Map<String, Object> values = new LinkedHashMap<>();
        values.put(MODE, next);
        values.put(IDS, String.join(",", ids.stream().map(PeerId::toHex).toList()));
        ConfigEdit.setAll(config == null ? ConfigEdit.configuration(configAdmin, PID) : config, values);
        changes.forEach(out::println);
        print(out, next, ids);
        return null;
    }

    private static void print(PrintStream out, String mode, Set<PeerId> ids) {
        String who = switch (mode) {
            case "anyone" -> "anyone";
            case "listed" -> "the listed ids only";
            default -> "clients on the tracker's machine" + (ids.isEmpty() ? "" : " and the listed ids");
        };
        out.println("New names may be published by " + who + " (" + PID + " " + MODE + "=" + mode + ")");
        if (ids.isEmpty()) {
            out.println("Listed ids: none");
        } else {
            out.println("Listed ids:");
            ids.forEach(id -> out.println("  " + id.toHex()));
        }
    }
}
