package org.iceshare.core.internal.peer;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

import org.iceshare.api.icet.Auth;
import org.iceshare.api.icet.Cancel;
import org.iceshare.api.icet.ErrorCode;
import org.iceshare.api.icet.ErrorReport;
import org.iceshare.api.icet.Hello;
import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.icet.Piece;
import org.iceshare.api.icet.Ping;
import org.iceshare.api.icet.Pong;
import org.iceshare.api.icet.Reject;
import org.iceshare.api.icet.Request;
import org.iceshare.api.icet.Role;
import org.iceshare.api.peer.ConnectionInfo;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.swarm.PeerInfo;
import org.iceshare.api.transport.Connection;
import org.iceshare.api.transport.ConnectionHandler;
import org.iceshare.api.transport.Transport;
import org.iceshare.engine.internal.Handshake;
import org.iceshare.engine.internal.TransportSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This peer's connections to other peers: the addresses its trackers gave it, one link per remote
 * peer (dialled on the first message to it, over the first transport of the preference both sides
 * have), the Hello exchange on each, and the routing of what arrives: requests and cancels to the
 * {@link UploadQueue}, pieces and refusals to their swarms. A link that closes hands its in-flight
 * requests back to the swarms.
 *
 * <p><b>Threading:</b> the peer's engine thread only; the links' transport callbacks hop there.
 */
final class PeerLinks {
    private static final Logger LOG = LoggerFactory.getLogger(PeerLinks.class);

    private final PeerEngine engine;
    private final TransportSet transports;
    private final Supplier<List<String>> preference;
    private final Function<ContentId, Swarm> swarms;
    private final UploadQueue uploads;
    private final Map<PeerId, PeerLink> links = new HashMap<>();
    private final Set<PeerLink> all = new HashSet<>();
    private final Map<PeerId, PeerInfo> addresses = new HashMap<>();

    PeerLinks(PeerEngine engine, TransportSet transports, Supplier<List<String>> preference,
            Function<ContentId, Swarm> swarms, UploadQueue uploads) {
        this.engine = engine;
        this.transports = transports;
        this.preference = preference;
        this.swarms = swarms;
        this.uploads = uploads;
    }

    /** The handler of a connection another peer opened. Any thread. */
    ConnectionHandler accepted() {
        return new PeerLink(this, false, null);
    }

    /** Where peers are reached, from the tracker's PEERS. */
    void learn(List<PeerInfo> peers) {
        for (PeerInfo info : peers) {
            if (!info.id().equals(engine.id())) {
                addresses.put(info.id(), info);
            }
        }
    }

    boolean isLinked(PeerId peer) {
        PeerLink l = links.get(peer);
        return l != null && !l.closed;
    }

    /** Sends to a peer, dialling it if needed. Returns false when its address is unknown. */
    boolean send(PeerId peer, IcetMessage m) {
        PeerLink link = links.get(peer);
        if (link == null) {
            PeerInfo info = addresses.get(peer);
            if (info == null || !engine.isRunning()) {
                return false;
            }
            Endpoint via = transports.choose(preference.get(), info.endpoints());
            if (via == null) {
                LOG.debug("peer {}: no common transport with {} (it offers {}, this peer has {})", engine.name(),
                        info, info.endpoints(), transports.names());
                return false;
            }
            Transport transport = transports.get(via.transport());
            PeerLink l = new PeerLink(this, true, peer);
            link = l;
            links.put(peer, l);
            all.add(l);
            InetSocketAddress to = new InetSocketAddress(info.host(), via.port());
            transport.connect(to, l).whenComplete((c, err) -> {
                if (err != null) {
                    engine.execute(() -> closed(l, "cannot connect to " + to + ": "
                            + TrackerLink.unwrap(err).getMessage()));
                }
            });
        }
        link.send(m);
        return true;
    }

    /** Pings every link that has been silent for {@code keepAliveNanos}. */
    void keepAlive(long now, long keepAliveNanos) {
        for (PeerLink l : all) {
            if (l.ready && now - l.lastReceivedNanos > keepAliveNanos) {
                l.send(new Ping(now));
                l.lastReceivedNanos = now;
            }
        }
    }

    /**
     * Closes the links this peer has no use for: each with nothing in flight either way (no request of
     * ours waiting there, none of theirs queued here) for {@code idleNanos}, then, while more than
     * {@code maxLinks} (0: no cap) are open, the longest-unused ones with nothing in flight. A link with a
     * piece in flight is never closed here. The other side is told ERROR(BUSY) first, so that a request
     * it sent meanwhile is asked again rather than reported failed.
     */
    void closeUnused(long now, long idleNanos, int maxLinks) {
        List<PeerLink> spare = new ArrayList<>();
        int open = 0;
        for (PeerLink l : all) {
            if (l.closed) {
                continue;
            }
            open++;
            if (l.ready && l.remote != null && l.uploads.isEmpty() && engine.requestsTo(l.remote) == 0) {
                spare.add(l);
            }
        }
        spare.sort(java.util.Comparator.comparingLong(l -> l.lastUsedNanos));
        for (PeerLink l : spare) {
            boolean idle = now - l.lastUsedNanos > idleNanos;
            if (!idle && (maxLinks == 0 || open <= maxLinks)) {
                break;
            }
            goAway(l, idle ? "idle" : "over " + maxLinks + " peer connections");
            open--;
        }
    }

    /** Closes a link this peer has no use for, telling the other side why first. */
    private void goAway(PeerLink link, String why) {
        LOG.debug("peer {}: closing the link to {}: {}", engine.name(), link, why);
        Connection c = link.connection;
        if (c != null) {
            c.send(ErrorReport.of(ErrorCode.BUSY, why));
        }
        // this side has no use for it either: what the other peer was assigned to serve here stays assigned
        link.goingAway = true;
        link.close(why);
        closed(link, why);
    }

    /** How many links to other peers are open now. */
    int openLinks() {
        int n = 0;
        for (PeerLink l : all) {
            Connection c = l.connection;
            if (c != null && c.isOpen() && !l.closed) {
                n++;
            }
        }
        return n;
    }

    /** Closes the links over one transport (it went away): their requests are fetched again elsewhere. */
    void closeOver(String transport, String why) {
        for (PeerLink link : new ArrayList<>(all)) {
            Connection c = link.connection;
            if (c != null && c.transport().equals(transport)) {
                link.close(why);
                closed(link, why);
            }
        }
    }

    /** Closes every link (the peer stops). */
    void closeAll(String why) {
        for (PeerLink l : new ArrayList<>(all)) {
            l.close(why);
        }
    }

    /** The open connections to other peers. */
    List<ConnectionInfo> connections() {
        List<ConnectionInfo> out = new ArrayList<>();
        for (PeerLink l : all) {
            Connection c = l.connection;
            if (c != null && c.isOpen() && !l.closed) {
                out.add(new ConnectionInfo(ConnectionInfo.Kind.PEER, l.remote, c.remoteAddress(), c.transport(),
                        l.outbound, c.bytesRead(), c.bytesWritten()));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ what the links report

    /** A new link's handshake: this peer's identity, as a peer talking to a peer. Any thread. */
    Handshake handshake() {
        return engine.handshake(Role.PEER, Role.PEER);
    }

    /** The Hello a link sends first. Any thread. */
    Hello hello(Handshake handshake) {
        return engine.hello(handshake);
    }

    /** Hands a link's event to the engine thread. Any thread. @return false when the engine has stopped */
    boolean execute(Runnable task) {
        return engine.execute(task);
    }

    /** A piece whose data the transport lent (valid during this call only). */
    void receivedPiece(PeerLink link, ContentId content, int piece, java.nio.ByteBuffer data) {
        if (link.closed) {
            return;
        }
        link.lastReceivedNanos = System.nanoTime();
        if (!link.ready) {
            refuse(link, "PIECE before the handshake was done");
            return;
        }
        Swarm s = swarms.apply(content);
        if (s != null) {
            s.onPiece(link.remote, piece, data);
        }
    }

    void opened(PeerLink link) {
        all.add(link);
    }

    /** A link can take more: send what waits. */
    void writable() {
        uploads.pump();
    }

    void received(PeerLink link, IcetMessage m) {
        if (link.closed) {
            return;
        }
        link.lastReceivedNanos = System.nanoTime();
        if (!(m instanceof Ping) && !(m instanceof Pong)) {
            link.lastUsedNanos = link.lastReceivedNanos;
        }
        if (m instanceof Hello h) {
            hello(link, h);
            return;
        }
        if (m instanceof Auth a) {
            auth(link, a);
            return;
        }
        if (!link.ready) {
            refuse(link, m.type() + " before the handshake was done");
            return;
        }
        if (m instanceof Request r) {
            uploads.request(link, r);
        } else if (m instanceof Piece p) {
            Swarm s = swarms.apply(p.content());
            if (s != null) {
                s.onPiece(link.remote, p.piece(), p.data());
            }
        } else if (m instanceof Reject r) {
            Swarm s = swarms.apply(r.content());
            if (s != null && s.state.inWindow(r.piece())) {
                s.fetchFailed(r.piece(), link.remote, "refused: " + r.code() + " " + r.reason());
            }
        } else if (m instanceof Cancel c) {
            uploads.cancel(link, c);
        } else if (m instanceof Ping p) {
            link.send(new Pong(p.nonce()));
        } else if (m instanceof ErrorReport e) {
            // BUSY then a close: the other side had no use for this link; what is in flight is asked again
            link.goingAway |= e.code() == ErrorCode.BUSY;
            LOG.debug("peer {}: {} reports {} {}", engine.name(), link, e.code(), e.message());
        } else if (!(m instanceof Pong)) {
            refuse(link, m.type() + " is not a peer-to-peer message");
        }
    }

    /** A protocol error: the other side is told why (PROTOCOL), then the link closes. */
    private void refuse(PeerLink link, String why) {
        LOG.info("peer {}: closing the link to {}: {}", engine.name(), link, why);
        Connection c = link.connection;
        if (c != null) {
            c.send(ErrorReport.of(ErrorCode.PROTOCOL, why));
        }
        link.close("protocol error: " + why);
    }

    /** The other side's Hello: checked, and answered with this side's proof of its key. */
    private void hello(PeerLink link, Hello h) {
        if (link.ready) {
            refuse(link, "second Hello");
            return;
        }
        if (link.outbound && !h.peerId().equals(link.remote)) {
            refuse(link, "dialled " + link.remote + " but " + h.peerId() + " answered");
            return;
        }
        if (h.peerId().equals(engine.id())) {
            link.close("connected to myself");
            return;
        }
        link.version = Math.min(h.version(), org.iceshare.api.icet.IcetMessage.PROTOCOL_VERSION);
        try {
            link.connection.send(link.handshake.onHello(h));
        } catch (Handshake.Refused e) {
            refuse(link, e.getMessage());
        }
    }

    /** The other side's proof: once it checks out, the link is ready and what waited goes out. */
    private void auth(PeerLink link, Auth a) {
        try {
            link.handshake.onAuth(a);
        } catch (Handshake.Refused e) {
            refuse(link, e.getMessage());
            return;
        }
        link.remote = link.handshake.remote();
        link.ready = true;
        PeerLink known = links.get(link.remote);
        if (known == null || known.closed) {
            links.put(link.remote, link);
        }
        while (!link.queued.isEmpty()) {
            link.connection.send(link.forVersion(link.queued.poll()));
        }
    }

    void closed(PeerLink link, String reason) {
        if (link.closed) {
            return;
        }
        link.closed = true;
        link.closeReason = reason;
        all.remove(link);
        link.uploads.clear();
        if (link.remote != null) {
            if (links.get(link.remote) == link) {
                links.remove(link.remote);
            }
            LOG.debug("peer {}: link to {} closed: {}", engine.name(), link, reason);
            if (!links.containsKey(link.remote)) {
                engine.peerGone(link.remote, reason, link.goingAway);
            }
        }
    }
}
