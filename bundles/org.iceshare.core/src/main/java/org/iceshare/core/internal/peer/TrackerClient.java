package org.iceshare.core.internal.peer;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.icet.Announce;
import org.iceshare.api.icet.Assign;
import org.iceshare.api.icet.Hello;
import org.iceshare.api.icet.Metadata;
import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.icet.Peers;
import org.iceshare.api.icet.Rates;
import org.iceshare.api.icet.Revoke;
import org.iceshare.api.icet.Role;
import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.transport.Connection;
import org.iceshare.api.transport.Transport;
import org.iceshare.engine.internal.Handshake;
import org.iceshare.engine.internal.TransportSet;

/**
 * The client side of IceT towards the trackers: one {@link TrackerLink} per tracker this peer uses,
 * made on first use, and what the links need of the peer (its Hello, its transports, its rates, and
 * where to route what the trackers send about the swarms).
 *
 * <p><b>Threading:</b> the peer's engine thread only.
 */
final class TrackerClient implements TrackerLink.Owner {
    private final PeerEngine engine;
    private final TransportSet transports;
    private final Swarms swarms;
    private final PeerLinks peers;
    private final Map<String, TrackerLink> links = new HashMap<>();

    TrackerClient(PeerEngine engine, TransportSet transports, Swarms swarms, PeerLinks peers) {
        this.engine = engine;
        this.transports = transports;
        this.swarms = swarms;
        this.peers = peers;
    }

    /** The link to a tracker, made on first use. */
    TrackerLink link(String host, int port) {
        String key = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        return links.computeIfAbsent(key, k -> new TrackerLink(this, InetSocketAddress.createUnresolved(host, port),
                k));
    }

    /** Every link. */
    Iterable<TrackerLink> all() {
        return links.values();
    }

    /** Tells every connected tracker where this peer listens now (a second Hello). */
    void helloAgain() {
        for (TrackerLink t : links.values()) {
            t.helloAgain();
        }
    }

    /** Tells every connected tracker the caps and the measured rates. */
    void sendRates(Rates r) {
        for (TrackerLink t : links.values()) {
            if (t.ready()) {
                t.send(r);
            }
        }
    }

    /** How often the links backed off before reconnecting. */
    long backoffs() {
        return links.values().stream().mapToLong(TrackerLink::backoffs).sum();
    }

    /** The open tracker connections. */
    List<Connection> connections() {
        List<Connection> out = new ArrayList<>();
        for (TrackerLink t : links.values()) {
            Connection c = t.connection();
            if (c != null && c.isOpen()) {
                out.add(c);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ TrackerLink.Owner

    @Override
    public String name() {
        return engine.name();
    }

    @Override
    public boolean running() {
        return engine.isRunning();
    }

    @Override
    public void execute(Runnable task) {
        engine.execute(task);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable task, long delayMillis) {
        return engine.exec().schedule(() -> engine.guarded(task), delayMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public Handshake handshake() {
        return engine.handshake(Role.CLIENT, Role.TRACKER);
    }

    @Override
    public Hello hello(Handshake handshake) {
        return engine.hello(handshake);
    }

    @Override
    public List<Endpoint> reachable(List<Endpoint> offered, int urlPort) {
        List<String> preference = engine.settings().transports();
        if (!offered.isEmpty()) {
            return transports.usable(preference, offered);
        }
        // not yet known which transport the tracker's URL port speaks: try ours in turn
        List<String> names = new ArrayList<>();
        for (String name : preference) {
            if (transports.names().contains(name)) {
                names.add(name);
            }
        }
        List<String> rest = new ArrayList<>(transports.names());
        Collections.sort(rest);
        rest.removeAll(names);
        names.addAll(rest);
        List<Endpoint> out = new ArrayList<>();
        for (String name : names) {
            out.add(new Endpoint(name, urlPort));
        }
        return out;
    }

    @Override
    public Transport transport(String name) {
        return transports.get(name);
    }

    @Override
    public Rates rates() {
        return engine.rates();
    }

    /** A swarm message from a tracker: addresses, assignments, announcements, revocations. */
    @Override
    public void received(TrackerLink link, IcetMessage m) {
        if (m instanceof Peers p) {
            peers.learn(p.peers());
        } else if (m instanceof Assign a) {
            Swarm s = swarms.get(a.content());
            if (s != null) {
                s.onAssign(a);
            }
        } else if (m instanceof Announce a) {
            Swarm s = swarms.get(a.content());
            if (s != null && s.live && !s.source) {
                s.onAnnounce(a);
            }
        } else if (m instanceof Metadata md) {
            Swarm s = swarms.get(md.content());
            if (s != null && s.live && !s.source) {
                s.onMetadata(md);
            }
        } else if (m instanceof Revoke r) {
            Swarm s = swarms.get(r.content());
            if (s != null) {
                s.revoke(r.source());
            }
        } else {
            Connection c = link.connection();
            if (c != null) {
                c.close("protocol error: " + m.type() + " is not a tracker-to-client message");
            }
        }
    }

    @Override
    public void reconnected(TrackerLink link) {
        for (Swarm s : new ArrayList<>(link.swarms)) {
            swarms.rejoin(link, s);
        }
    }
}
