package org.iceshare.tracker.internal;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;

import org.iceshare.api.swarm.Bitfield;
import org.iceshare.api.swarm.PeerId;

/**
 * One peer in one content, as the tracker sees it: what it holds, what it was told to fetch from whom,
 * how much it serves and has moved. Files and live streams share it; only what a member holds is kept
 * differently (a bitfield of the file's pieces, or the set of indices of a live window).
 *
 * <p><b>Threading:</b> the tracker's executor only.
 */
final class Member {
    final ClientSession session;
    final PeerId id;
    final boolean source;
    /** The pieces it holds on evidence: it verified them after the tracker assigned them to it (or it published them). */
    final Held have;
    /**
     * The pieces it says it holds without evidence (a restart, or a lie): it is a candidate server of each,
     * tried only where no proven holder can serve, and proven by its first piece another member verifies.
     */
    final Held claimed;
    /**
     * Of its claims, those it made without having been assigned the piece (what a restarted member finds on
     * disk, or a lie): one failed or corrupt fetch of such a piece drops every claim. A piece it verified
     * after an assignment was fetched under the tracker's eye: it weighs like a holder's, and independent
     * members must agree before it loses it (one member's word must not take down everyone it fetched from).
     */
    final Held unasked;
    boolean banned;
    /**
     * Some member the tracker sent to it verified a piece from it: it serves. Only such a candidate is worth
     * waiting for when it is busy (one that never served may be a staller holding every piece back).
     */
    boolean proven;
    /** It did not serve what it was assigned, by the word of independent members: it serves nobody here. */
    boolean demoted;
    /** Assignments outstanding to this member: piece, then the member told to serve it. In assignment order. */
    final Map<Integer, Assigned> assigned = new LinkedHashMap<>();
    /** Assignments outstanding where this member serves (change it with {@link #serve} and {@link #served}). */
    int serving;
    /** The bytes of those assignments. */
    long servingBytes;
    long uploaded;
    long downloaded;
    /** File: the piece a player at this member plays now (from its Seeks), or -1: then rarest first. */
    int playhead = -1;
    /** Live: the first piece this member fetches (its start point at join). */
    int start;
    /** Live: the links whose header pages this member was sent. */
    final Set<Integer> linksSent = new HashSet<>();
    /** Bytes credited to it per second, smoothed: its measured upload. */
    double rate;
    long rateWindowBytes;
    /**
     * Bytes it delivered per second of the time it was serving (serving > 0), smoothed: its upload
     * capacity on evidence (pieces the members it served verified), whatever it declares. 0: not measured.
     */
    double measuredRate;
    /** Delivered bytes and serving time not yet folded into {@link #measuredRate}. */
    private long deliveredBytes;
    private long busyNanos;
    /** When it last went from serving nothing to serving something (valid while serving > 0). */
    private long busySince;
    /** The planner's view of it, made once ({@link Content#view}). */
    PlanMember view;
    /** Pieces whose source failed for this member, with the time the avoidance ends. */
    private final Map<Long, Long> avoid = new HashMap<>();
    /** The servers this member reported corrupt data from: never assigned to it again here. */
    private final Set<PeerId> shunned = new HashSet<>();
    /**
     * The members it may fetch from and serve besides the source: its neighbourhood, chosen by
     * {@link Neighbourhoods}, symmetric (each end holds a connection) and bounded by
     * {@link TrackerSettings#maxNeighbours()}. Never holds the source.
     */
    final Set<Member> neighbours = new LinkedHashSet<>();
    /** When {@link Neighbourhoods} may next look for neighbours for it while its set is not full. */
    long nextFillNanos;

    record Assigned(PeerId from, long since) {
    }

    Member(ClientSession session, Held have, Held claimed, Held unasked, boolean source) {
        this.session = session;
        this.id = session.id;
        this.source = source;
        this.have = have;
        this.claimed = claimed;
        this.unasked = unasked;
    }

    /** It serves one more assignment, of {@code bytes}; its serving time runs from now if it was idle. */
    void serve(int bytes, long now) {
        if (serving++ == 0) {
            busySince = now;
        }
        servingBytes += bytes;
    }

    /** One of its assignments ended (verified, failed, expired or revoked); its serving time stops when idle. */
    void served(int bytes, long now) {
        if (serving == 0) {
            return;
        }
        servingBytes = Math.max(0, servingBytes - bytes);
        if (--serving == 0) {
            busyNanos += now - busySince;
            servingBytes = 0;
        }
    }

    /** Every assignment where it serves ended at once (it was revoked). */
    void servedNone(long now) {
        if (serving > 0) {
            busyNanos += now - busySince;
        }
        serving = 0;
        servingBytes = 0;
    }

    /** A member it served verified {@code bytes} from it. */
    void delivered(long bytes) {
        deliveredBytes += bytes;
    }

    /**
     * Folds the bytes delivered since the last sample into {@link #measuredRate}, over the time it was serving.
     * Serving time without a delivery is carried to the next sample (a large piece may take longer than a
     * tick), but only up to {@link #MAX_SILENT_NANOS}: a member that serves and delivers nothing for that long
     * measures 0 for that span.
     */
    void sampleRate(long now) {
        long busy = busyNanos;
        if (serving > 0) {
            busy += now - busySince;
            busySince = now;
        }
        busyNanos = 0;
        if (deliveredBytes == 0 && busy < MAX_SILENT_NANOS) {
            busyNanos = busy;
            return;
        }
        if (busy < MIN_SAMPLE_NANOS) {
            // delivered in a sliver of serving time (a verification came in just as a slot freed): keep the bytes
            busyNanos = busy;
            return;
        }
        double sample = deliveredBytes / (busy / 1e9);
        measuredRate = measuredRate == 0 ? sample : measuredRate * (1 - RATE_WEIGHT) + sample * RATE_WEIGHT;
        deliveredBytes = 0;
    }

    /**
     * How many pieces of {@code pieceLength} bytes it may serve at once: what its declared cap allows
     * ({@link ClientSession#servingSlots}), and, once its upload is measured, no more than that measured
     * upload moves in {@link #SLOT_HORIZON_SECONDS}, plus one so that a rate measured low can grow. Without
     * it a peer behind a slow uplink that declares nothing (the kernel or its link caps it) held as many
     * assignments as a fast one, and the members assigned to it waited seconds while fast peers idled.
     */
    int servingSlots(int pieceLength, int maxServing) {
        int declared = session.servingSlots(pieceLength, maxServing);
        if (measuredRate <= 0 || pieceLength <= 0) {
            return declared;
        }
        long fits = (long) Math.ceil(measuredRate * SLOT_HORIZON_SECONDS / pieceLength) + 1;
        return (int) Math.max(1, Math.min(declared, fits));
    }

    /** How far ahead of its measured upload a member is given serving work. */
    static final double SLOT_HORIZON_SECONDS = 1.0;

    /** The weight of a new sample in {@link #measuredRate}. */
    static final double RATE_WEIGHT = 0.3;
    static final long MIN_SAMPLE_NANOS = 20_000_000L;
    static final long MAX_SILENT_NANOS = 10_000_000_000L;

    /** True when the member may be sent to fetch (a source and a banned member are not). */
    boolean fetches() {
        return !source && !banned && !session.closed;
    }

    boolean canServe() {
        return !banned && !demoted && session.info != null && !session.closed;
    }

    /**
     * Whether the tracker may send this member to fetch from {@code server}: the source always, any other
     * member only while it is a neighbour. This is eligibility only; which eligible holder serves is the plan's.
     */
    boolean mayFetchFrom(Member server) {
        return server.source || neighbours.contains(server);
    }

    /** True when this member reported corrupt data from {@code server}. */
    boolean shuns(PeerId server) {
        return shunned.contains(server);
    }

    void avoid(int piece, PeerId from, long until) {
        avoid.put(pair(piece, from), until);
    }

    /**
     * This member reported corrupt data from {@code from}: it is never sent there again in this content
     * (the client stops using that peer at once, so an assignment there would only stall).
     */
    void shun(PeerId from) {
        shunned.add(from);
    }

    boolean avoids(int piece, PeerId from, long now) {
        if (shunned.contains(from)) {
            return true;
        }
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

    private static long pair(int piece, PeerId from) {
        return ((long) piece << 32) ^ (from.hashCode() & 0xffffffffL);
    }

    /** What a member holds: the pieces of a file, or the indices of a live window. */
    interface Held {
        boolean has(int piece);

        /** Adds a piece; false when it was held already. */
        boolean add(int piece);

        void remove(int piece);

        int count();

        void forEach(IntConsumer action);

        /** Every piece of a file. */
        static Held of(Bitfield bits) {
            return new Held() {
                @Override
                public boolean has(int piece) {
                    return piece >= 0 && piece < bits.size() && bits.get(piece);
                }

                @Override
                public boolean add(int piece) {
                    return bits.set(piece);
                }

                @Override
                public void remove(int piece) {
                    bits.clear(piece);
                }

                @Override
                public int count() {
                    return bits.cardinality();
                }

                @Override
                public void forEach(IntConsumer action) {
                    for (int i = bits.nextSet(0); i >= 0; i = bits.nextSet(i + 1)) {
                        action.accept(i);
                    }
                }
            };
        }

        /** Indices of a sliding window: a set, trimmed as the window moves. */
        static Held window() {
            Set<Integer> set = new HashSet<>();
            return new Held() {
                @Override
                public boolean has(int piece) {
                    return set.contains(piece);
                }

                @Override
                public boolean add(int piece) {
                    return set.add(piece);
                }

                @Override
                public void remove(int piece) {
                    set.remove(piece);
                }

                @Override
                public int count() {
                    return set.size();
                }

                @Override
                public void forEach(IntConsumer action) {
                    for (int p : set.toArray(new Integer[0])) {
                        action.accept(p);
                    }
                }
            };
        }
    }
}
