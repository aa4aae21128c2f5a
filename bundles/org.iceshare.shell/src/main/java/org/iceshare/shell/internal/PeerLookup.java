package org.iceshare.shell.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

import org.iceshare.api.peer.Peer;
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
}
