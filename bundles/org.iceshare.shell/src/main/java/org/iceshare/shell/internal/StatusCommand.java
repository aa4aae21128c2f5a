package org.iceshare.shell.internal;

import java.io.PrintStream;
import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
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
@Command(scope = "iceshare", name = "status", description = "Shows the peers, their swarms with progress and "
        + "bytes moved, what the tracker tracks, the live sources, and the connections and pushes refused to protect "
        + "the container, by reason.")
public class StatusCommand implements Action {

    @Reference
    BundleContext bundleContext;

    @Reference
    Session session;

    @Reference(optional = true)
    Tracker tracker;

    @Reference(optional = true)
    LiveSources liveSources;

    @Override
    public Object execute() {
        PrintStream out = session.getConsole();
        List<Peer> peers = PeerLookup.all(bundleContext);
        if (peers.isEmpty()) {
            out.println("No IceShare peer is running.");
        }
        for (Peer p : peers) {
            out.println("Peer " + p.name() + " (id " + p.id().toHex() + ") on " + Format.address(p.address())
                    + ", players at " + p.httpBase());
            ShellTable t = new ShellTable();
            t.column("URL");
            t.column("State");
            t.column("Progress").alignRight();
            t.column("Pieces").alignRight();
            t.column("Peers").alignRight();
            t.column("Up").alignRight();
            t.column("Down").alignRight();
            t.column("Scheduler");
            t.column("Playback");
            t.column("Player URL");
            for (SwarmStatus s : p.swarms()) {
                t.addRow().addContent(s.url(), s.source() ? s.state() + " (source)" : s.state(),
                        s.live() ? "live" : Format.percent(s.progress()), s.verified() + "/" + s.pieces(),
                        s.connections(), Format.bytes(s.uploaded()), Format.bytes(s.downloaded()), s.scheduler(),
                        Format.quality(s), s.playerUrl());
            }
            t.emptyTableText("(no swarms)");
            t.print(out);
            out.println();
        }
        if (tracker != null && tracker.address() != null) {
            out.println("Tracker on " + Format.address(tracker.address()));
            ShellTable t = new ShellTable();
            t.column("Name");
            t.column("Content");
            t.column("Size").alignRight();
            t.column("Pieces").alignRight();
            t.column("Peers").alignRight();
            t.column("Complete").alignRight();
            t.column("Source upload factor").alignRight();
            for (TrackedContent c : tracker.contents()) {
                t.addRow().addContent(c.name(), c.id().shortHex(), Format.bytes(c.length()), c.pieces(), c.peers(),
                        c.complete(), String.format(java.util.Locale.ROOT, "%.2f", c.sourceUploadFactor()));
            }
            t.emptyTableText("(nothing published)");
            t.print(out);
        }
        if (liveSources != null) {
            out.println();
            out.println("Live sources");
            ShellTable t = new ShellTable();
            t.column("Name");
            t.column("URL");
            t.column("Input");
            t.column("On air");
            t.column("Pieces").alignRight();
            t.column("Streamed").alignRight();
            t.column("Uploaded").alignRight();
            t.column("SUF").alignRight();
            t.column("Problems").alignRight();
            for (LiveStreamInfo s : liveSources.streams()) {
                t.addRow().addContent(s.name(), s.url(), s.input(), s.onAir() ? "yes" : "no", s.pieces(),
                        Format.bytes(s.streamed()), Format.bytes(s.uploaded()),
                        String.format(java.util.Locale.ROOT, "%.2f", s.sourceUploadFactor()), s.problems());
            }
            t.emptyTableText("(no live streams)");
            t.print(out);
        }
        out.println();
        RefusalsView.print(out, RefusalsView.byTransport(bundleContext),
                liveSources == null ? null : liveSources.pushRefusals(), tracker == null ? null : tracker.refusals());
        return null;
    }
}
