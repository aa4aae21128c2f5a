package org.iceshare.shell.internal;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.peer.LiveFeed;
import org.iceshare.api.peer.Peer;
import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.tracker.TrackedContent;
import org.iceshare.api.tracker.TrackedPeer;
import org.iceshare.api.tracker.Tracker;

/** Hand-made Peer and Tracker services for the unit tests. */
public final class Fakes {
    private Fakes() {
    }

    /** A content id made of one repeated hex digit pair, e.g. {@code id("ab")}. */
    public static ContentId id(String pair) {
        return ContentId.parse(pair.repeat(16));
    }

    /** A file swarm's status. */
    public static SwarmStatus swarm(ContentId id, String url, SwarmStatus.State state, int verified, int pieces,
            long up, long down) {
        return new SwarmStatus(id, IcetUrl.parse(url), URI.create("http://127.0.0.1:8190/" + id.toHex()), false,
                state, verified, pieces, pieces * 1000L, 2, up, down, "rarest", Map.of("rarest", 7L), "");
    }

    /** A played or live swarm's status with playback figures. */
    public static SwarmStatus played(ContentId id, String url, boolean live, SwarmStatus.Quality quality) {
        return new SwarmStatus(id, IcetUrl.parse(url), URI.create("http://127.0.0.1:8190/" + id.toHex()), false,
                live ? SwarmStatus.State.LIVE : SwarmStatus.State.DOWNLOADING, 5, 10, 10_000L, 1, 0, 5000,
                "deadline", Map.of("deadline", 5L), "", live, quality);
    }

    /** A Peer whose swarms a test sets. */
    public static final class FakePeer implements Peer {
        private final String name;
        private final PeerId id = PeerId.random();
        public final List<SwarmStatus> swarms = new CopyOnWriteArrayList<>();
        public final List<ContentId> stopped = new ArrayList<>();

        public FakePeer(String name, SwarmStatus... swarms) {
            this.name = name;
            this.swarms.addAll(List.of(swarms));
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public PeerId id() {
            return id;
        }

        @Override
        public InetSocketAddress address() {
            return InetSocketAddress.createUnresolved("127.0.0.1", 7741);
        }

        @Override
        public List<Endpoint> endpoints() {
            return List.of(new Endpoint("tcp", 7741));
        }

        @Override
        public URI httpBase() {
            return URI.create("http://127.0.0.1:8190/");
        }

        @Override
        public CompletionStage<IcetUrl> publish(Path file, String name, InetSocketAddress tracker) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<LiveFeed> publishLive(String name, String mediaType, InetSocketAddress tracker,
                long windowMicros) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletionStage<SwarmStatus> get(IcetUrl url) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean stop(ContentId content) {
            stopped.add(content);
            return swarms.removeIf(s -> s.content().equals(content));
        }

        @Override
        public List<SwarmStatus> swarms() {
            return List.copyOf(swarms);
        }

        @Override
        public Optional<SwarmStatus> swarm(ContentId content) {
            return swarms.stream().filter(s -> s.content().equals(content)).findFirst();
        }
    }

    /** A Tracker with the contents a test sets. */
    public static final class FakeTracker implements Tracker {
        public final List<TrackedContent> contents = new CopyOnWriteArrayList<>();
        private final InetSocketAddress address;

        public FakeTracker(InetSocketAddress address, TrackedContent... contents) {
            this.address = address;
            this.contents.addAll(List.of(contents));
        }

        @Override
        public InetSocketAddress address() {
            return address;
        }

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
            return List.of();
        }

        @Override
        public int[] availability(ContentId content) {
            return new int[0];
        }
    }
}
