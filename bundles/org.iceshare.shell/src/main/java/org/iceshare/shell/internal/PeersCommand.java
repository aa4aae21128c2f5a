package org.iceshare.shell.internal;

import java.io.PrintStream;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.table.ShellTable;
import org.iceshare.api.peer.Peer;
import org.iceshare.api.tracker.TrackedContent;
import org.iceshare.api.tracker.TrackedPeer;
import org.iceshare.api.tracker.Tracker;
import org.osgi.framework.BundleContext;

@Service
@Command(scope = "iceshare", name = "peers", description = "Shows the tracker's view of a content's swarm: every "
        + "peer with its address, pieces, bytes moved, ratio and whether it is banned.",
        detailedDescription = "Needs the tracker of the content in this container. Up and Down count the bytes "
                + "other peers verified in this swarm; Ratio is the peer's all-time upload / download over every "
                + "swarm of this tracker (inf: it only uploaded). A banned peer served a corrupt piece. The Local "
                + "column names the peers of this container.")
public class PeersCommand implements Action {

    @Reference
    BundleContext bundleContext;

    @Reference
    Session session;

    @Reference(optional = true)
    Tracker tracker;

    @Argument(index = 0, name = "content", description = "icet:// URL, name or id of the content", required = true)
    @Completion(ContentCompleter.class)
    String content;

    @Override
    public Object execute() {
        PrintStream out = session.getConsole();
        List<Peer> locals = PeerLookup.all(bundleContext);
        TrackedContent tracked;
        try {
            tracked = tracked(tracker, content, locals);
        } catch (IllegalArgumentException e) {
            out.println("Error: " + e.getMessage());
            return null;
        }
        List<TrackedPeer> peers = tracker.peers(tracked.id()).stream()
                .sorted(Comparator.comparing(TrackedPeer::source).reversed().thenComparing(TrackedPeer::address))
                .toList();
        out.println("Swarm of " + tracked.name() + " (" + tracked.id().toHex() + "): "
                + Format.count(peers.size(), "peer") + ", " + Format.count(tracked.pieces(), "piece") + ", "
                + tracked.complete() + " complete");
        ShellTable t = new ShellTable();
        t.column("Address");
        t.column("Peer id");
        t.column("Local");
        t.column("Source");
        t.column("Pieces").alignRight();
        t.column("Up").alignRight();
        t.column("Down").alignRight();
        t.column("Ratio").alignRight();
        t.column("Up cap").alignRight();
        t.column("Up rate").alignRight();
        t.column("Banned");
        for (TrackedPeer p : peers) {
            String local = locals.stream().filter(l -> l.id().equals(p.id())).map(Peer::name).findFirst()
                    .orElse("");
            t.addRow().addContent(p.address(), p.id().shortHex(), local, p.source() ? "yes" : "",
                    p.pieces() + "/" + tracked.pieces(), Format.bytes(p.uploaded()), Format.bytes(p.downloaded()),
                    ratio(p.ratio()), p.uploadCap() > 0 ? Format.bytes(p.uploadCap()) + "/s" : "-",
                    Format.bytes(p.uploadRate()) + "/s", p.banned() ? "BANNED" : "no");
        }
        t.emptyTableText("(no peer in this swarm)");
        t.print(out);
        return null;
    }

    /**
     * The local tracker's record of the content {@code text} names.
     *
     * @throws IllegalArgumentException when there is no local tracker, the content is unknown, or
     *         the local tracker does not track it
     */
    static TrackedContent tracked(Tracker tracker, String text, List<Peer> locals) {
        if (tracker == null) {
            throw new IllegalArgumentException("no tracker runs in this container (feature iceshare-tracker); "
                    + "this command shows the local tracker's view");
        }
        ContentRef ref = ContentResolver.resolve(text, ContentResolver.known(tracker, locals));
        Optional<TrackedContent> tracked = tracker.contents().stream().filter(c -> c.id().equals(ref.id()))
                .findFirst();
        return tracked.orElseThrow(() -> new IllegalArgumentException("the tracker of this container does not "
                + "track " + ref.label() + (ref.url() == null ? "" : "; its tracker is at " + ref.url().host() + ":"
                        + ref.url().port())));
    }

    static String ratio(double r) {
        if (Double.isInfinite(r)) {
            return "inf";
        }
        return Double.isNaN(r) ? "-" : String.format(Locale.ROOT, "%.2f", r);
    }
}
