package org.iceshare.shell.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

import org.iceshare.api.peer.Peer;
import org.iceshare.api.swarm.ContentId;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/** Finds the Peer services of the container for the commands. */
final class PeerLookup {
    private PeerLookup() {
    }

    /** Every peer, by name. The services stay in use only for the length of a command. */
    static List<Peer> all(BundleContext ctx) {
        List<Peer> out = new ArrayList<>();
        try {
            Collection<ServiceReference<Peer>> refs = ctx.getServiceReferences(Peer.class, null);
            for (ServiceReference<Peer> r : refs) {
                Peer p = ctx.getService(r);
                if (p != null) {
                    out.add(p);
                    ctx.ungetService(r);
                }
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        out.sort(Comparator.comparing(Peer::name));
        return out;
    }

    /**
     * The peer named {@code name}; with no name, the only peer or the one named "default".
     *
     * @throws IllegalArgumentException with a message for the operator when there is none
     */
    static Peer pick(BundleContext ctx, String name) {
        List<Peer> peers = all(ctx);
        if (peers.isEmpty()) {
            throw new IllegalArgumentException("no IceShare peer is running: create one with a factory "
                    + "configuration of org.iceshare.peer (see etc/org.iceshare.peer-default.cfg)");
        }
        if (name != null) {
            return peers.stream().filter(p -> p.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no peer named '" + name + "'; peers: "
                            + peers.stream().map(Peer::name).toList()));
        }
        if (peers.size() == 1) {
            return peers.get(0);
        }
        return peers.stream().filter(p -> p.name().equals("default")).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("several peers run; choose one with --peer: "
                        + peers.stream().map(Peer::name).toList()));
    }

    /**
     * The peer to act on a swarm it takes part in: the one named {@code name}, or with no name the
     * only peer in that swarm.
     *
     * @throws IllegalArgumentException with a message for the operator: no such peer, the peer is
     *         not in the swarm, no peer is, or several are and none was named
     */
    static Peer holder(List<Peer> peers, ContentId content, String label, String name) {
        if (peers.isEmpty()) {
            throw new IllegalArgumentException("no IceShare peer is running");
        }
        if (name != null) {
            Peer p = peers.stream().filter(x -> x.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no peer named '" + name + "'; peers: "
                            + peers.stream().map(Peer::name).toList()));
            if (p.swarm(content).isEmpty()) {
                throw new IllegalArgumentException("peer " + name + " is not in the swarm of " + label
                        + "; its swarms: " + p.swarms().stream().map(s -> s.url().name()).toList());
            }
            return p;
        }
        List<Peer> in = peers.stream().filter(p -> p.swarm(content).isPresent()).toList();
        if (in.isEmpty()) {
            throw new IllegalArgumentException("no peer here is in the swarm of " + label);
        }
        if (in.size() > 1) {
            throw new IllegalArgumentException("several peers are in the swarm of " + label
                    + "; choose one with --peer: " + in.stream().map(Peer::name).toList());
        }
        return in.get(0);
    }
}
