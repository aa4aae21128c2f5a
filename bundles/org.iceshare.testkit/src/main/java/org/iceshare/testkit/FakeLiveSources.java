package org.iceshare.testkit;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import org.iceshare.api.source.LiveSources;
import org.iceshare.api.source.LiveStreamInfo;
import org.iceshare.api.transport.Refusals;

/**
 * A {@link LiveSources} service for unit tests: it runs no stream and shows what a test puts in
 * {@link #streams} and {@link #pushRefusals}. Starting a stream fails; stopping one removes it by name.
 * Thread-safe.
 */
public class FakeLiveSources implements LiveSources {
    /** The streams it reports, in order. */
    public final List<LiveStreamInfo> streams = new CopyOnWriteArrayList<>();
    /** What the push server refused, as {@link #pushRefusals()} reports it. */
    public volatile Refusals pushRefusals = Refusals.NONE;

    @Override
    public CompletionStage<LiveStreamInfo> playFile(Path file, String name, boolean loop) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("a fake plays no file"));
    }

    @Override
    public CompletionStage<LiveStreamInfo> pull(URI source, String name) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("a fake pulls nothing"));
    }

    @Override
    public List<LiveStreamInfo> streams() {
        return List.copyOf(streams);
    }

    @Override
    public boolean stop(String name) {
        return streams.removeIf(s -> s.name().equals(name));
    }

    @Override
    public Refusals pushRefusals() {
        return pushRefusals;
    }
}
