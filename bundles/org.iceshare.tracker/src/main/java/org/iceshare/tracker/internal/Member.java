package org.iceshare.tracker.internal;

import java.util.HashMap;
import java.util.Map;

import org.iceshare.api.swarm.Bitfield;
import org.iceshare.api.swarm.PeerId;

/**
 * One peer in one swarm, as the tracker sees it. Tracker thread only.
 */
final class Member {
    final ClientSession session;
    final PeerId id;
    final boolean source;
    final Bitfield have;
    boolean banned;
    /** Assignments outstanding to this member: piece → the member told to serve it. */
    final Map<Integer, Assigned> assigned = new HashMap<>();
    /** Assignments outstanding where this member serves. */
    int serving;
    long uploaded;
    long downloaded;
    /** The piece a player at this member plays now (from its Seeks), or -1: then rarest first. */
    int playhead = -1;
    /** Pieces whose source failed for this member, with the time the avoidance ends. */
    final Map<Long, Long> avoid = new HashMap<>();

    record Assigned(PeerId from, long since) {
    }

    Member(ClientSession session, int pieces, boolean source) {
        this.session = session;
        this.id = session.id;
        this.source = source;
        this.have = new Bitfield(pieces);
        if (source) {
            for (int i = 0; i < pieces; i++) {
                have.set(i);
            }
        }
    }

    boolean complete() {
        return have.isComplete();
    }

    boolean canServe() {
        return !banned && session.info != null;
    }

    static long pair(int piece, PeerId from) {
        return ((long) piece << 32) ^ (from.hashCode() & 0xffffffffL);
    }

    boolean avoids(int piece, PeerId from, long now) {
        Long until = avoid.get(pair(piece, from));
        if (until == null) {
            return false;
        }
        if (until < now) {
            avoid.remove(pair(piece, from));
            return false;
        }
        return true;
    }
}
