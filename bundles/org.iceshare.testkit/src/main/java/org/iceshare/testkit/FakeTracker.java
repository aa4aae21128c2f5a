package org.iceshare.testkit;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.tracker.TrackedContent;
import org.iceshare.api.tracker.TrackedPeer;
import org.iceshare.api.tracker.Tracker;
import org.iceshare.api.transport.Refusals;

/**
 * A {@link Tracker} service for unit tests: it tracks nothing itself and shows what a test puts in
 * {@link #contents}, {@link #peers} and {@link #availability}. Thread-safe.
 */
public class FakeTracker implements Tracker {
    /** The registered contents, in order. */
    public final List<TrackedContent> contents = new CopyOnWriteArrayList<>();
    /** The peers of each content; none when absent. */
    public final Map<ContentId, List<TrackedPeer>> peers = new ConcurrentHashMap<>();
    /** How many peers hold each piece of a content; empty when absent. */
    public final Map<ContentId, int[]> availability = new ConcurrentHashMap<>();
    private final InetSocketAddress address;

    /** A tracker at 127.0.0.1:7740. */
    public FakeTracker() {
        this(new InetSocketAddress("127.0.0.1", 7740));
    }

    /** A tracker at an address (null: not listening) with some contents. */
    public FakeTracker(InetSocketAddress address, TrackedContent... contents) {
        this.address = address;
        this.contents.addAll(List.of(contents));
    }

    @Override
    public InetSocketAddress address() {
        return address;
    }

    /** {@code tcp} on the address' port (none while it is not listening). */
    @Override
    public List<Endpoint> endpoints() {
        return address == null ? List.of() : List.of(new Endpoint("tcp", address.getPort()));
    }

    @Override
    public List<TrackedContent> contents() {
        return List.copyOf(contents);
    }

    @Override
    public Optional<TrackedContent> content(String name) {
        return contents.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    @Override
    public List<TrackedPeer> peers(ContentId content) {
        return List.copyOf(peers.getOrDefault(content, List.of()));
    }

    @Override
    public int[] availability(ContentId content) {
        return availability.getOrDefault(content, new int[0]).clone();
    }

    /** What {@link #refusals()} returns; set it to show refusals. */
    public volatile Refusals refusals = Refusals.NONE;

    @Override
    public Refusals refusals() {
        return refusals;
    }
}
