package org.iceshare.source.internal;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.iceshare.api.peer.LiveFeed;
import org.iceshare.api.peer.PublishException;
import org.iceshare.testkit.FakePeer;

/**
 * The testkit's {@link FakePeer} answer to {@code publishLive} for the source tests: it hands out a
 * {@link RecordingFeed} per stream and keeps them, or refuses with a reason a test sets.
 */
final class RecordingFeeds implements FakePeer.PublishLiveAnswer {
    private final List<RecordingFeed> feeds = new ArrayList<>();
    private volatile String refuse;

    /** A peer named {@code name} whose live streams go to these feeds. */
    static FakePeer peer(String name, RecordingFeeds feeds) {
        return new FakePeer(name).onPublishLive(feeds);
    }

    /** Makes every later publishLive fail with this reason (null: succeed). */
    void refuse(String reason) {
        this.refuse = reason;
    }

    synchronized List<RecordingFeed> feeds() {
        return List.copyOf(feeds);
    }

    /** The feed published under a name, if any (the latest). */
    synchronized Optional<RecordingFeed> feed(String stream) {
        return feeds.stream().filter(f -> f.name.equals(stream)).reduce((a, b) -> b);
    }

    @Override
    public synchronized CompletionStage<LiveFeed> publishLive(String stream, String mediaType,
            InetSocketAddress tracker, long windowMicros) {
        if (refuse != null) {
            return CompletableFuture.failedFuture(new PublishException(refuse));
        }
        RecordingFeed f = new RecordingFeed(stream, mediaType, windowMicros);
        feeds.add(f);
        // completes on another thread, as a real peer's registration with its tracker does
        return CompletableFuture.supplyAsync(() -> f);
    }
}
