package org.iceshare.shell.internal.jmx;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

import org.iceshare.api.peer.Peer;
import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.tracker.Tracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the IceShare MBeans of one MBeanServer in step with the peers, their swarms and the tracker:
 * <ul>
 * <li>{@code org.iceshare:type=Peer,name=<peer>} ({@link PeerMXBean});</li>
 * <li>{@code org.iceshare:type=Swarm,peer=<peer>,content=<id>} ({@link SwarmMXBean});</li>
 * <li>{@code org.iceshare:type=Tracker} ({@link TrackerMXBean}).</li>
 * </ul>
 * The attribute values are read from the services on every access; {@link #refresh()} registers the
 * MBeans of new peers and swarms and unregisters those that are gone. MXBeans, so every value is an
 * open type (the maps become TabularData) that any JMX client shows without IceShare's classes.
 *
 * <p><b>Threading:</b> thread-safe. {@link #refresh()} and {@link #close()} are serialised; they call
 * the services (which never block for long) and the MBeanServer.
 */
public final class IceShareMBeans implements AutoCloseable {
    /** The JMX domain of every IceShare MBean. */
    public static final String DOMAIN = "org.iceshare";

    private static final Logger LOG = LoggerFactory.getLogger(IceShareMBeans.class);

    /** What a registered MBean was made from: a service instance, so a restarted one is re-registered. */
    private record Registration(Object owner, Object mbean) {
    }

    private final MBeanServer server;
    private final List<Peer> peers = new CopyOnWriteArrayList<>();
    private final AtomicReference<Tracker> tracker = new AtomicReference<>();
    /** Guarded by this. */
    private final Map<ObjectName, Registration> registered = new HashMap<>();
    /** Names another MBean holds, warned about once. Guarded by this. */
    private final Set<ObjectName> refused = new HashSet<>();
    /** Guarded by this. */
    private boolean closed;

    public IceShareMBeans(MBeanServer server) {
        this.server = server;
    }

    public void addPeer(Peer peer) {
        peers.add(peer);
    }

    public void removePeer(Peer peer) {
        peers.remove(peer);
    }

    /** The tracker, or null when there is none. */
    public void setTracker(Tracker tracker) {
        this.tracker.set(tracker);
    }

    /** Unsets the tracker if it is still {@code gone} (a greedy rebind may have replaced it already). */
    public void unsetTracker(Tracker gone) {
        tracker.compareAndSet(gone, null);
    }

    /**
     * Registers the MBeans of the peers, swarms and tracker there are now and unregisters the
     * others. A peer or swarm whose service was replaced gets a fresh MBean.
     */
    public synchronized void refresh() {
        if (closed) {
            return;
        }
        Map<ObjectName, Registration> wanted = new LinkedHashMap<>();
        Map<ObjectName, Supplier<Object>> makers = new HashMap<>();
        Tracker t = tracker.get();
        if (t != null) {
            ObjectName name = trackerName();
            wanted.put(name, new Registration(t, null));
            makers.put(name, () -> new TrackerStatistics(t));
        }
        for (Peer p : peers) {
            List<SwarmStatus> swarms;
            String peerName;
            try {
                peerName = p.name();
                swarms = p.swarms();
            } catch (RuntimeException e) {
                LOG.debug("peer gone while refreshing its MBeans", e);
                continue;
            }
            ObjectName name = peerName(peerName);
            if (wanted.containsKey(name)) {
                LOG.warn("two peers are named '{}'; JMX shows only the first", peerName);
                continue;
            }
            wanted.put(name, new Registration(p, null));
            makers.put(name, () -> new PeerStatistics(p));
            for (SwarmStatus s : swarms) {
                ObjectName swarm = swarmName(peerName, s.content());
                wanted.put(swarm, new Registration(p, null));
                makers.put(swarm, () -> new SwarmStatistics(p, s));
            }
        }
        registered.entrySet().removeIf(e -> {
            Registration want = wanted.get(e.getKey());
            if (want != null && want.owner() == e.getValue().owner()) {
                return false;
            }
            unregister(e.getKey());
            return true;
        });
        for (Map.Entry<ObjectName, Registration> e : wanted.entrySet()) {
            if (!registered.containsKey(e.getKey())) {
                Object mbean = makers.get(e.getKey()).get();
                if (register(e.getKey(), mbean)) {
                    registered.put(e.getKey(), new Registration(e.getValue().owner(), mbean));
                }
            }
        }
    }

    /** The names registered by this instance now. */
    public synchronized Set<ObjectName> names() {
        return Set.copyOf(registered.keySet());
    }

    /** Unregisters every MBean; later refreshes do nothing. */
    @Override
    public synchronized void close() {
        closed = true;
        for (ObjectName name : registered.keySet()) {
            unregister(name);
        }
        registered.clear();
    }

    private boolean register(ObjectName name, Object mbean) {
        try {
            server.registerMBean(mbean, name);
            return true;
        } catch (InstanceAlreadyExistsException e) {
            if (refused.add(name)) {
                LOG.warn("JMX name {} is taken by another MBean; IceShare leaves it alone", name);
            }
        } catch (JMException e) {
            LOG.warn("cannot register MBean {}: {}", name, e.toString());
        }
        return false;
    }

    private void unregister(ObjectName name) {
        try {
            server.unregisterMBean(name);
        } catch (InstanceNotFoundException e) {
            LOG.debug("MBean {} was already unregistered", name);
        } catch (JMException e) {
            LOG.warn("cannot unregister MBean {}: {}", name, e.toString());
        }
    }

    // ---- names

    public static ObjectName trackerName() {
        return name(DOMAIN + ":type=Tracker");
    }

    public static ObjectName peerName(String peer) {
        return name(DOMAIN + ":type=Peer,name=" + value(peer));
    }

    public static ObjectName swarmName(String peer, ContentId content) {
        return name(DOMAIN + ":type=Swarm,peer=" + value(peer) + ",content=" + content.toHex());
    }

    /** A key property value: as is when JMX allows it unquoted, quoted otherwise. */
    static String value(String v) {
        if (v.isEmpty()) {
            return ObjectName.quote(v);
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == ',' || c == '=' || c == ':' || c == '"' || c == '*' || c == '?' || c == '\n') {
                return ObjectName.quote(v);
            }
        }
        return v;
    }

    private static ObjectName name(String text) {
        try {
            return new ObjectName(text);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("bad JMX name " + text, e);
        }
    }

    static String hostPort(InetSocketAddress a) {
        if (a == null) {
            return "";
        }
        String host = a.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
