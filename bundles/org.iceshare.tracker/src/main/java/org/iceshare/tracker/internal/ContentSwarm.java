package org.iceshare.tracker.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PeerId;

/**
 * One content on the tracker: its authoritative manifest, its members, and per piece the members
 * holding it. Tracker thread only.
 */
final class ContentSwarm {
    final Manifest manifest;
    final Map<PeerId, Member> members = new LinkedHashMap<>();
    /** Peers banned from this swarm for serving corrupt data; they cannot join it again. */
    final java.util.Set<PeerId> banned = new java.util.HashSet<>();
    /** Per piece, the members that hold it (banned ones included until they leave). */
    final List<Member>[] holders;
    /** Per piece, assignments outstanding that a source serves. */
    final int[] seeding;
    long sourceUploaded;
    long totalUploaded;

    @SuppressWarnings("unchecked")
    ContentSwarm(Manifest manifest) {
        this.manifest = manifest;
        int n = manifest.pieceCount();
        this.holders = new List[n];
        this.seeding = new int[n];
        for (int i = 0; i < n; i++) {
            holders[i] = new ArrayList<>(4);
        }
    }

    int availability(int piece) {
        int n = 0;
        for (Member m : holders[piece]) {
            if (!m.banned) {
                n++;
            }
        }
        return n;
    }

    void addHolder(int piece, Member m) {
        holders[piece].add(m);
    }

    void removeMember(Member m) {
        for (int i = m.have.nextSet(0); i >= 0; i = m.have.nextSet(i + 1)) {
            holders[i].remove(m);
        }
        members.remove(m.id);
    }

    int complete() {
        int n = 0;
        for (Member m : members.values()) {
            if (m.complete()) {
                n++;
            }
        }
        return n;
    }
}
