package org.iceshare.webconsole.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import org.iceshare.api.peer.Peer;
import org.iceshare.api.source.LiveSources;
import org.iceshare.api.tracker.Tracker;
import org.iceshare.api.transport.Refusals;
import org.iceshare.api.transport.Transport;

/**
 * The API services the page shows, as the component's dynamic references bind and unbind them. Plugins
 * (schedulers, transports) are kept as names and rankings: the page never calls them, except a transport's
 * refusal counters.
 *
 * <p><b>Threading:</b> thread-safe; SCR binds on its threads while requests read.
 */
final class Services {

    /** An installed plugin service: its name property and ranking. */
    record Plugin(String name, int ranking, long serviceId) {
    }

    private static final Comparator<Plugin> BEST_FIRST = Comparator.comparingInt((Plugin p) -> -p.ranking())
            .thenComparingLong(Plugin::serviceId);

    private final Map<Peer, Map<String, Object>> peers = new ConcurrentHashMap<>();
    private final AtomicReference<Tracker> tracker = new AtomicReference<>();
    private final AtomicReference<LiveSources> liveSources = new AtomicReference<>();
    private final Map<Long, Plugin> schedulers = new ConcurrentHashMap<>();
    private final Map<Long, Plugin> transports = new ConcurrentHashMap<>();
    private final Map<Long, Transport> transportServices = new ConcurrentHashMap<>();

    void addPeer(Peer peer, Map<String, Object> props) {
        peers.put(peer, Map.copyOf(props));
    }

    void removePeer(Peer peer) {
        peers.remove(peer);
    }

    /** The peers, by name. */
    List<Peer> peers() {
        List<Peer> list = new ArrayList<>(peers.keySet());
        list.sort(Comparator.comparing(Peer::name));
        return list;
    }

    /** The service properties a peer was registered with (its configuration). */
    Map<String, Object> peerProperties(Peer peer) {
        return peers.getOrDefault(peer, Map.of());
    }

    /**
     * The peer named {@code name}; with no name, the only peer or the one named "default".
     *
     * @throws ApiException 400 naming the peers when there is no such peer
     */
    Peer pickPeer(String name) throws ApiException {
        List<Peer> all = peers();
        if (all.isEmpty()) {
            throw new ApiException(409, "no IceShare peer is running: create one with a factory configuration of "
                    + "org.iceshare.peer");
        }
        if (name != null && !name.isBlank()) {
            return all.stream().filter(p -> p.name().equals(name.trim())).findFirst()
                    .orElseThrow(() -> ApiException.badRequest("no peer named '" + name.trim() + "'; peers: "
                            + all.stream().map(Peer::name).toList()));
        }
        if (all.size() == 1) {
            return all.get(0);
        }
        Optional<Peer> byDefault = all.stream().filter(p -> p.name().equals("default")).findFirst();
        return byDefault.orElseThrow(() -> ApiException.badRequest("several peers run; choose one with 'peer': "
                + all.stream().map(Peer::name).toList()));
    }

    void setTracker(Tracker t) {
        tracker.set(t);
    }

    void unsetTracker(Tracker t) {
        tracker.compareAndSet(t, null);
    }

    /** The container's tracker, or null when none runs here. */
    Tracker tracker() {
        return tracker.get();
    }

    void setLiveSources(LiveSources s) {
        liveSources.set(s);
    }

    void unsetLiveSources(LiveSources s) {
        liveSources.compareAndSet(s, null);
    }

    /** The live sources, or null when the iceshare-source feature is not installed. */
    LiveSources liveSources() {
        return liveSources.get();
    }

    void addScheduler(Plugin p) {
        schedulers.put(p.serviceId(), p);
    }

    void removeScheduler(long serviceId) {
        schedulers.remove(serviceId);
    }

    /** The installed schedulers, highest-ranked first. */
    List<Plugin> schedulers() {
        return sorted(schedulers);
    }

    void addTransport(Plugin p, Transport service) {
        transports.put(p.serviceId(), p);
        if (service != null) {
            transportServices.put(p.serviceId(), service);
        }
    }

    void removeTransport(long serviceId) {
        transports.remove(serviceId);
        transportServices.remove(serviceId);
    }

    /** Each installed transport's refusals by its name (services of one name added up), names in order. */
    Map<String, Refusals> transportRefusals() {
        Map<String, Refusals> out = new TreeMap<>();
        transportServices.forEach((id, t) -> {
            Plugin p = transports.get(id);
            out.merge(p != null ? p.name() : t.name(), t.refusals(), Refusals::plus);
        });
        return out;
    }

    /** The installed transports, highest-ranked first. */
    List<Plugin> transports() {
        return sorted(transports);
    }

    private static List<Plugin> sorted(Map<Long, Plugin> map) {
        List<Plugin> list = new ArrayList<>(map.values());
        list.sort(BEST_FIRST);
        return list;
    }
}
