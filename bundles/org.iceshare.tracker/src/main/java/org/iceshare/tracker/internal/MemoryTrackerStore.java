package org.iceshare.tracker.internal;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PeerId;

/** {@link TrackerStore} in memory: for a tracker without a state folder, and for tests (a "restart" reuses it). */
final class MemoryTrackerStore implements TrackerStore {
    private final Map<String, Owner> names = new HashMap<>();
    private final Map<String, Manifest> manifests = new HashMap<>();
    private final Map<PeerId, long[]> ratios = new HashMap<>();
    private final Map<ContentId, Set<PeerId>> bans = new HashMap<>();

    @Override
    public synchronized Snapshot load() {
        Map<PeerId, long[]> r = new HashMap<>();
        ratios.forEach((k, v) -> r.put(k, v.clone()));
        Map<ContentId, Set<PeerId>> b = new HashMap<>();
        bans.forEach((k, v) -> b.put(k, new HashSet<>(v)));
        return new Snapshot(new HashMap<>(names), new HashMap<>(manifests), r, b);
    }

    @Override
    public synchronized void publish(String name, Owner owner, Manifest manifest) {
        names.put(name, owner);
        if (manifest != null) {
            Manifest old = manifests.put(name, manifest);
            if (old != null && !old.id().equals(manifest.id())) {
                bans.remove(old.id());
            }
        }
    }

    @Override
    public synchronized void ban(ContentId content, PeerId peer) {
        bans.computeIfAbsent(content, k -> new HashSet<>()).add(peer);
    }

    @Override
    public synchronized void ratio(PeerId peer, long uploaded, long downloaded) {
        ratios.put(peer, new long[] {uploaded, downloaded});
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
