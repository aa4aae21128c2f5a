package org.iceshare.engine.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;

import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.transport.ConnectionHandler;
import org.iceshare.api.transport.Listener;
import org.iceshare.api.transport.Transport;

/**
 * The transports one side (a peer or a tracker) has, and where it listens on each: every transport it
 * has is listened on at once, on the port configured for it, and its endpoints are listed in the side's
 * order of preference. Transports come and go at run time ({@link #add}, {@link #remove}); the owner
 * decides what that means for its connections.
 *
 * <p><b>Threading:</b> thread-safe: the maps are concurrent, so {@link #names()}, {@link #get} and
 * {@link #endpoints} may be read from any thread while the owner's thread changes the set.
 */
public final class TransportSet {
    private final String host;
    private final ToIntFunction<String> portFor;
    private final ConnectionHandler.Factory handlers;
    private final Map<String, Transport> transports = new ConcurrentHashMap<>();
    private final Map<String, Listener> listeners = new ConcurrentHashMap<>();

    /**
     * @param host the address to bind
     * @param portFor the port to listen on with a transport of this name (0: a free one)
     * @param handlers makes the handler of each accepted connection
     * @param transports the transports it has from the start (none is listened on before {@link #listenAll})
     */
    public TransportSet(String host, ToIntFunction<String> portFor, ConnectionHandler.Factory handlers,
            Collection<Transport> transports) {
        this.host = host;
        this.portFor = portFor;
        this.handlers = handlers;
        for (Transport t : transports) {
            this.transports.put(t.name(), t);
        }
    }

    /** Listens on every transport it has. Throws the last failure when none could listen. */
    public void listenAll() throws IOException {
        IOException failed = null;
        for (Transport t : transports.values()) {
            try {
                listen(t);
            } catch (IOException e) {
                failed = e;
            }
        }
        if (listeners.isEmpty() && failed != null) {
            throw failed;
        }
    }

    /** Listens on one transport (again), replacing its previous listener. */
    public void listen(Transport t) throws IOException {
        Listener l = t.listen(new InetSocketAddress(host, portFor.applyAsInt(t.name())), handlers);
        Listener old = listeners.put(t.name(), l);
        if (old != null) {
            old.close();
        }
    }

    /** A transport arrived: it is had from now on (the owner listens on it with {@link #listen}). */
    public void add(Transport t) {
        transports.put(t.name(), t);
    }

    /** True when this very transport was had here (not another one of the same name). */
    public boolean has(Transport t) {
        return transports.get(t.name()) == t;
    }

    /**
     * A transport is going away: it is not had any more and its listener is closed. Returns false when
     * this very transport was not had (another one of its name may be).
     */
    public boolean remove(Transport t) {
        if (!transports.remove(t.name(), t)) {
            return false;
        }
        Listener l = listeners.remove(t.name());
        if (l != null) {
            l.close();
        }
        return true;
    }

    /** Stops accepting on every transport; the transports are still had. */
    public void closeListeners() {
        for (Listener l : listeners.values()) {
            l.close();
        }
        listeners.clear();
    }

    public Transport get(String name) {
        return transports.get(name);
    }

    /** The names of the transports had now. */
    public Set<String> names() {
        return Collections.unmodifiableSet(transports.keySet());
    }

    public boolean isEmpty() {
        return transports.isEmpty();
    }

    /** Where it listens with this transport, or null when it does not. */
    public InetSocketAddress address(String transport) {
        Listener l = listeners.get(transport);
        return l == null ? null : l.localAddress();
    }

    /** Where it listens: the transports of {@code preference} first, in that order, then the others by name. */
    public List<Endpoint> endpoints(List<String> preference) {
        List<String> order = new ArrayList<>(preference);
        List<String> others = new ArrayList<>(listeners.keySet());
        Collections.sort(others);
        for (String name : others) {
            if (!order.contains(name)) {
                order.add(name);
            }
        }
        List<Endpoint> out = new ArrayList<>();
        for (String name : order) {
            Listener l = listeners.get(name);
            if (l != null) {
                out.add(new Endpoint(name, l.localAddress().getPort()));
            }
        }
        return out;
    }

    /**
     * Every endpoint of {@code offered} reachable with a transport had here, best first by
     * {@code preference} (then the other side's order).
     */
    public List<Endpoint> usable(List<String> preference, List<Endpoint> offered) {
        List<Endpoint> left = new ArrayList<>(offered);
        List<Endpoint> out = new ArrayList<>();
        Endpoint e;
        while ((e = Endpoint.choose(preference, left, transports.keySet())) != null) {
            out.add(e);
            left.remove(e);
        }
        return out;
    }

    /** The best endpoint of {@code offered} to reach by {@code preference}, or null when none is usable. */
    public Endpoint choose(List<String> preference, List<Endpoint> offered) {
        return Endpoint.choose(preference, offered, transports.keySet());
    }
}
