package org.iceshare.shell.internal;

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
import org.apache.karaf.shell.api.console.Terminal;
import org.iceshare.api.peer.Peer;
import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.tracker.TrackedContent;
import org.iceshare.api.tracker.Tracker;
import org.osgi.framework.BundleContext;

@Service
@Command(scope = "iceshare", name = "pieces", description = "Prints a compact piece map of a content: how many "
        + "peers hold each piece, one character per piece, and what the local peers hold.",
        detailedDescription = "The counts come from the tracker of this container. Each row starts with the index "
                + "of its first piece and is framed by |. For a live stream the map covers the pieces of the "
                + "window, oldest first. With --digits each piece shows its count.")
public class PiecesCommand implements Action {

    @Reference
    BundleContext bundleContext;

    @Reference
    Session session;

    @Reference(optional = true)
    Tracker tracker;

    @Argument(index = 0, name = "content", description = "icet:// URL, name or id of the content", required = true)
    @Completion(ContentCompleter.class)
    String content;

    @Option(name = "--digits", aliases = "-d", description = "Show each piece's count (0-9, a-z for 10-35, + "
            + "above) instead of symbols")
    boolean digits;

    @Override
    public Object execute() {
        PrintStream out = session.getConsole();
        List<Peer> locals = PeerLookup.all(bundleContext);
        TrackedContent tracked;
        try {
            tracked = PeersCommand.tracked(tracker, content, locals);
        } catch (IllegalArgumentException e) {
            out.println("Error: " + e.getMessage());
            return null;
        }
        int[] holders = tracker.availability(tracked.id());
        PieceMap.Style style = digits ? PieceMap.Style.DIGITS : PieceMap.Style.SYMBOLS;
        out.println("Pieces of " + tracked.name() + " (" + tracked.id().shortHex() + "): "
                + PieceMap.summary(holders));
        for (String row : PieceMap.rows(holders, PieceMap.columns(width(session), holders.length), style)) {
            out.println(row);
        }
        out.println(PieceMap.legend(style));
        boolean any = false;
        for (Peer p : locals) {
            Optional<SwarmStatus> s = p.swarm(tracked.id());
            if (s.isPresent()) {
                if (!any) {
                    out.println("Local peers:");
                    any = true;
                }
                out.println("  " + p.name() + ": " + holding(s.get()));
            }
        }
        if (!any) {
            out.println("No local peer is in this swarm.");
        }
        return null;
    }

    /**
     * What a local peer holds, in words. The Peer API reports how many pieces a peer verified, not
     * which, so a partial holding is given as a count.
     */
    static String holding(SwarmStatus s) {
        String role = s.source() ? "source, " + s.state() : s.state().name();
        if (s.live()) {
            return s.verified() + " of the " + s.pieces() + " pieces of the window (" + role + ")";
        }
        if (s.pieces() > 0 && s.verified() == s.pieces()) {
            return "every piece, 0-" + (s.pieces() - 1) + " (" + role + ")";
        }
        return s.verified() + " of " + s.pieces() + " pieces verified, " + Format.percent(s.progress()) + " (" + role
                + ")";
    }

    private static int width(Session session) {
        Terminal terminal = session.getTerminal();
        return terminal == null ? 0 : terminal.getWidth();
    }
}
