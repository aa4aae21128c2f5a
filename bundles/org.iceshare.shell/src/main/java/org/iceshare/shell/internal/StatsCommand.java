package org.iceshare.shell.internal;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

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
import org.iceshare.api.source.LiveSources;
import org.iceshare.api.source.LiveStreamInfo;
import org.iceshare.api.tracker.TrackedContent;
import org.iceshare.api.tracker.Tracker;
import org.osgi.framework.BundleContext;

@Service
@Command(scope = "iceshare", name = "stats", description = "Prints the figures per peer and swarm (bytes up and "
        + "down, connections; for live and played swarms continuity, startup and latency p50/p95) and the "
        + "tracker's source upload factor per content.",
        detailedDescription = "Continuity is the share of pieces that were here by their playback deadline (Late: "
                + "late of due). Startup runs from joining to the first decodable byte; latency from the source "
                + "cutting a piece to it being here. SUF, the source upload factor, is what the source uploaded "
                + "divided by the content's length (for a live source: by the bytes streamed). The same figures "
                + "are in JMX under org.iceshare:type=Peer, type=Swarm and type=Tracker.")
public class StatsCommand implements Action {

    @Reference
    BundleContext bundleContext;

    @Reference
    Session session;

    @Reference(optional = true)
    Tracker tracker;

    @Reference(optional = true)
    LiveSources liveSources;

    @Option(name = "--peer", aliases = "-p", description = "Only this peer (the tracker's figures are still shown)")
    @Completion(PeerNameCompleter.class)
    String peerName;

    @Option(name = "--bytes", aliases = "-b", description = "Exact byte counts instead of KiB/MiB/GiB")
    boolean exact;

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
        }
        for (Peer p : peers) {
            List<SwarmStatus> swarms = p.swarms();
            long up = swarms.stream().mapToLong(SwarmStatus::uploaded).sum();
            long down = swarms.stream().mapToLong(SwarmStatus::downloaded).sum();
            out.println("Peer " + p.name() + " (" + p.id().shortHex() + "): " + Format.count(swarms.size(), "swarm")
                    + ", up " + bytes(up) + ", down " + bytes(down));
            ShellTable t = new ShellTable();
            t.column("Content");
            t.column("Name");
            t.column("State");
            t.column("Up").alignRight();
            t.column("Down").alignRight();
            t.column("Conns").alignRight();
            t.column("Continuity").alignRight();
            t.column("Late").alignRight();
            t.column("Startup").alignRight();
            t.column("Latency p50").alignRight();
            t.column("Latency p95").alignRight();
            for (SwarmStatus s : swarms) {
                SwarmStatus.Quality q = s.quality();
                boolean playback = Format.hasPlayback(s);
                t.addRow().addContent(s.content().shortHex(), s.url().name(), SwarmsCommand.state(s),
                        bytes(s.uploaded()), bytes(s.downloaded()), s.connections(),
                        playback ? String.format(Locale.ROOT, "%.4f", q.continuity()) : "-",
                        playback ? q.piecesLate() + "/" + q.piecesDue() : "-",
                        playback ? Format.millis(q.startupMillis()) : "-",
                        playback ? Format.millis(q.latencyP50Millis()) : "-",
                        playback ? Format.millis(q.latencyP95Millis()) : "-");
            }
            t.emptyTableText("(no swarms)");
            t.print(out);
            out.println();
        }
        if (tracker != null && tracker.address() != null) {
            out.println("Tracker on " + Format.address(tracker.address()));
            ShellTable t = new ShellTable();
            t.column("Content");
            t.column("Name");
            t.column("Length").alignRight();
            t.column("Peers").alignRight();
            t.column("Complete").alignRight();
            t.column("Source up").alignRight();
            t.column("Total up").alignRight();
            t.column("SUF").alignRight();
            for (TrackedContent c : tracker.contents()) {
                t.addRow().addContent(c.id().shortHex(), c.name(), bytes(c.length()), c.peers(), c.complete(),
                        bytes(c.sourceUploaded()), bytes(c.totalUploaded()), Format.factor(c.sourceUploadFactor()));
            }
            t.emptyTableText("(nothing published)");
            t.print(out);
        }
        if (liveSources != null && !liveSources.streams().isEmpty()) {
            out.println();
            out.println("Live sources");
            ShellTable t = new ShellTable();
            t.column("Name");
            t.column("Streamed").alignRight();
            t.column("Uploaded").alignRight();
            t.column("SUF").alignRight();
            for (LiveStreamInfo s : liveSources.streams()) {
                t.addRow().addContent(s.name(), bytes(s.streamed()), bytes(s.uploaded()),
                        Format.factor(s.sourceUploadFactor()));
            }
            t.print(out);
        }
        return null;
    }

    private String bytes(long n) {
        return exact ? Long.toString(n) : Format.bytes(n);
    }
}
