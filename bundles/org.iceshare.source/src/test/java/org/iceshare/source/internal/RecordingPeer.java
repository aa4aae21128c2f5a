package org.iceshare.source.internal;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.iceshare.api.peer.LiveFeed;
import org.iceshare.api.peer.Peer;
import org.iceshare.api.peer.PublishException;
import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.api.swarm.PeerId;

/** A test double of a {@link Peer} whose {@code publishLive} hands out {@link RecordingFeed}s. */
final class RecordingPeer implements Peer {
    private final String name;
    private final PeerId id = PeerId.random();
    private final List<RecordingFeed> feeds = new ArrayList<>();
    private volatile String refuse;

    RecordingPeer(String name) {
        this.name = name;
    }

    /** Makes every later publishLive fail with this reason (null: succeed). */
    void refuse(String reason) {
        this.refuse = reason;
    }

    synchronized List<RecordingFeed> feeds() {
        return List.copyOf(feeds);
    }

    /** The feed published under a name, if any. */
    synchronized Optional<RecordingFeed> feed(String stream) {
        return feeds.stream().filter(f -> f.name.equals(stream)).reduce((a, b) -> b);
    }

    @Override
    public synchronized CompletionStage<LiveFeed> publishLive(String stream, String mediaType, InetSocketAddress tracker,
            long windowMicros) {
        if (refuse != null) {
            return CompletableFuture.failedFuture(new PublishException(refuse));
        }
        RecordingFeed f = new RecordingFeed(stream, mediaType, windowMicros);
        feeds.add(f);
        // completes on another thread, as a real peer's registration with its tracker does
        return CompletableFuture.supplyAsync(() -> f);
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
        return new InetSocketAddress("127.0.0.1", 7741);
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
    public CompletionStage<IcetUrl> publish(Path file, String n, InetSocketAddress tracker) {
        return CompletableFuture.failedFuture(new PublishException("not in this test double"));
    }

    @Override
    public CompletionStage<SwarmStatus> get(IcetUrl url) {
        return CompletableFuture.failedFuture(new PublishException("not in this test double"));
    }

    @Override
    public boolean stop(ContentId content) {
        return false;
    }

    @Override
    public List<SwarmStatus> swarms() {
        return List.of();
    }

    @Override
    public Optional<SwarmStatus> swarm(ContentId content) {
        return Optional.empty();
    }
}
