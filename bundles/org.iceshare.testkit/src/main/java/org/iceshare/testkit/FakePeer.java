package org.iceshare.testkit;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import org.iceshare.api.peer.ConnectionInfo;
import org.iceshare.api.peer.LiveFeed;
import org.iceshare.api.peer.Peer;
import org.iceshare.api.peer.PublishException;
import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.api.swarm.PeerId;

/**
 * A {@link Peer} service for the unit tests of the bundles that use peers (shell, web console, live
 * sources): it moves no byte, it shows what a test puts in it and records what it is asked.
 *
 * <ul>
 * <li>{@link #swarms}, {@link #endpoints} and {@link #connections} are live lists a test fills and
 * changes between calls (empty {@code endpoints}: {@code tcp} on the address' port);
 * {@link #address(InetSocketAddress)} and {@link #httpBase(URI)} replace the defaults
 * {@code 127.0.0.1:7741} and {@code http://127.0.0.1:8190/}.</li>
 * <li>{@link #onPublish}, {@link #onPublishLive} and {@link #onGet} set the answers; without one the
 * call fails with a {@link PublishException} that names the fake, as a refusing peer would.</li>
 * <li>{@link #calls} records every request ({@code "publish FILE NAME"}, {@code "publishLive NAME TYPE"},
 * {@code "get URL"}, {@code "stop HEX"}); {@link #stop} also drops the swarm from {@link #swarms}.</li>
 * </ul>
 *
 * <p>Thread-safe: the lists are copy-on-write and the answers volatile, so a component under test may
 * call it from its own threads.
 */
public class FakePeer implements Peer {

    /** The answer to {@link Peer#publish}. */
    @FunctionalInterface
    public interface PublishAnswer {
        CompletionStage<IcetUrl> publish(Path file, String name, InetSocketAddress tracker);
    }

    /** The answer to {@link Peer#publishLive}. */
    @FunctionalInterface
    public interface PublishLiveAnswer {
        CompletionStage<LiveFeed> publishLive(String name, String mediaType, InetSocketAddress tracker,
                long windowMicros);
    }

    private final String name;
    private final PeerId id = PeerId.random();

    /** The swarms {@link #swarms()} and {@link #swarm(ContentId)} show, in order. */
    public final List<SwarmStatus> swarms = new CopyOnWriteArrayList<>();
    /** Where the peer listens; empty means {@code tcp} on {@link #address()}'s port. */
    public final List<Endpoint> endpoints = new CopyOnWriteArrayList<>();
    /** The connections {@link #connections()} shows. */
    public final List<ConnectionInfo> connections = new CopyOnWriteArrayList<>();
    /** Every publish, publishLive, get and stop asked of this peer, in order. */
    public final List<String> calls = new CopyOnWriteArrayList<>();
    /** The contents {@link #stop} was asked to leave, in order. */
    public final List<ContentId> stopped = new CopyOnWriteArrayList<>();

    private volatile InetSocketAddress address = new InetSocketAddress("127.0.0.1", 7741);
    private volatile URI httpBase = URI.create("http://127.0.0.1:8190/");
    private volatile PublishAnswer publish;
    private volatile PublishLiveAnswer publishLive;
    private volatile Function<IcetUrl, CompletionStage<SwarmStatus>> get;

    public FakePeer(String name, SwarmStatus... swarms) {
        this.name = Objects.requireNonNull(name, "name");
        this.swarms.addAll(List.of(swarms));
    }

    /** Where {@link #address()} says the peer is (its endpoints' port too, unless endpoints are set). */
    public FakePeer address(InetSocketAddress address) {
        this.address = address;
        return this;
    }

    public FakePeer httpBase(URI httpBase) {
        this.httpBase = httpBase;
        return this;
    }

    public FakePeer endpoints(Endpoint... endpoints) {
        this.endpoints.clear();
        this.endpoints.addAll(List.of(endpoints));
        return this;
    }

    public FakePeer connections(ConnectionInfo... connections) {
        this.connections.clear();
        this.connections.addAll(List.of(connections));
        return this;
    }

    public FakePeer onPublish(PublishAnswer answer) {
        this.publish = answer;
        return this;
    }

    /** Every later publish completes with this stage (for example a completed or failed future). */
    public FakePeer onPublish(CompletionStage<IcetUrl> answer) {
        return onPublish((file, n, tracker) -> answer);
    }

    public FakePeer onPublishLive(PublishLiveAnswer answer) {
        this.publishLive = answer;
        return this;
    }

    public FakePeer onGet(Function<IcetUrl, CompletionStage<SwarmStatus>> answer) {
        this.get = answer;
        return this;
    }

    /** Every later get completes with this stage. */
    public FakePeer onGet(CompletionStage<SwarmStatus> answer) {
        return onGet(url -> answer);
    }

    /** A failed stage, as a peer that refuses answers. */
    public static <T> CompletionStage<T> refused(String reason) {
        return CompletableFuture.failedFuture(new PublishException(reason));
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
        return address;
    }

    @Override
    public URI httpBase() {
        return httpBase;
    }

    @Override
    public CompletionStage<IcetUrl> publish(Path file, String name, InetSocketAddress tracker) {
        calls.add("publish " + file + " " + name);
        PublishAnswer answer = publish;
        return answer == null ? refused("fake peer " + this.name + " has no answer to publish")
                : answer.publish(file, name, tracker);
    }

    @Override
    public CompletionStage<LiveFeed> publishLive(String name, String mediaType, InetSocketAddress tracker,
            long windowMicros) {
        calls.add("publishLive " + name + " " + mediaType);
        PublishLiveAnswer answer = publishLive;
        return answer == null ? refused("fake peer " + this.name + " has no answer to publishLive")
                : answer.publishLive(name, mediaType, tracker, windowMicros);
    }

    @Override
    public CompletionStage<SwarmStatus> get(IcetUrl url) {
        calls.add("get " + url);
        Function<IcetUrl, CompletionStage<SwarmStatus>> answer = get;
        return answer == null ? refused("fake peer " + name + " has no answer to get") : answer.apply(url);
    }

    @Override
    public boolean stop(ContentId content) {
        calls.add("stop " + content.toHex());
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

    @Override
    public List<Endpoint> endpoints() {
        if (!endpoints.isEmpty()) {
            return List.copyOf(endpoints);
        }
        return address == null ? List.of() : List.of(new Endpoint("tcp", address.getPort()));
    }

    @Override
    public List<ConnectionInfo> connections() {
        return List.copyOf(connections);
    }

    @Override
    public String toString() {
        return "FakePeer[" + name + "]";
    }
}
