package org.iceshare.shell.internal;

import java.io.PrintStream;
import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.table.ShellTable;
import org.iceshare.api.peer.Peer;
import org.iceshare.api.peer.SwarmStatus;
import org.osgi.framework.BundleContext;

@Service
@Command(scope = "iceshare", name = "swarms", description = "Lists the swarms of every peer, one line each: "
        + "state, progress, connections, bytes moved and scheduler (a compact iceshare:status).")
public class SwarmsCommand implements Action {

    @Reference
    BundleContext bundleContext;

    @Reference
    Session session;

    @Option(name = "--peer", aliases = "-p", description = "Only this peer's swarms")
    @Completion(PeerNameCompleter.class)
    String peerName;

    @Override
    public Object execute() {
        PrintStream out = session.getConsole();
        List<Peer> peers;
        try {
            peers = peerName == null ? PeerLookup.all(bundleContext) : List.of(PeerLookup.pick(bundleContext,
                    peerName));
        } catch (IllegalArgumentException e) {
            out.println("Error: " + e.getMessage());
            return null;
        }
        if (peers.isEmpty()) {
            out.println("No IceShare peer is running.");
            return null;
        }
        ShellTable t = new ShellTable();
        t.column("Peer");
        t.column("Content");
        t.column("URL");
        t.column("State");
        t.column("Progress").alignRight();
        t.column("Conns").alignRight();
        t.column("Up").alignRight();
        t.column("Down").alignRight();
        t.column("Scheduler");
        for (Peer p : peers) {
            for (SwarmStatus s : p.swarms()) {
                t.addRow().addContent(p.name(), s.content().shortHex(), s.url(), state(s),
                        s.live() ? "live " + s.verified() + "/" + s.pieces() : Format.percent(s.progress()),
                        s.connections(), Format.bytes(s.uploaded()), Format.bytes(s.downloaded()), s.scheduler());
            }
        }
        t.emptyTableText("(no swarms)");
        t.print(out);
        return null;
    }

    /** The state, marked when this peer is the source, with a failure's reason. */
    static String state(SwarmStatus s) {
        String state = s.state().name() + (s.source() ? " (source)" : "");
        return s.error().isEmpty() ? state : state + ": " + s.error();
    }
}
