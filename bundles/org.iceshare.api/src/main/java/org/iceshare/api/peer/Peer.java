package org.iceshare.api.peer;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.api.swarm.PeerId;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One IceShare peer: an anonymous key, a peer port, a storage folder and a local HTTP endpoint for
 * players. Several peers can run in one container, each from its own factory configuration.
 *
 * <p><b>Threading:</b> thread-safe. Methods returning a stage never block; the work runs on the
 * peer's own threads.
 */
@ProviderType
public interface Peer {

    /** The factory configuration PID of peers: one configuration per peer of a container. @since 1.3 */
    String FACTORY_PID = "org.iceshare.peer";

    /**
     * The property of a peer's configuration holding its transport preference, a comma-separated list of
     * transport names. @since 1.3
     */
    String TRANSPORTS_PROPERTY = "transports";

    /** The transport preference when a peer's configuration gives none. @since 1.3 */
    String DEFAULT_TRANSPORTS = "tcp,tls";

    /** The configured name, unique in the container. */
    String name();

    PeerId id();

    /** Where other peers reach this one over its preferred transport (see {@link #endpoints()}). */
    InetSocketAddress address();

    /** The base of the player endpoint, for example {@code http://127.0.0.1:8190/}. */
    URI httpBase();

    /**
     * Publishes a file: cuts it with the matching media format, stores it, signs its manifest with the
     * peer's key and registers it with the tracker. Completes with the content's {@code icet://} URL,
     * pinned to this peer as its publisher ({@code icet://<peerId>@host:port/name}), or fails with a
     * {@link PublishException} that says why (not a known media format, tracker unreachable, name
     * taken).
     *
     * @param name the name to publish under, or null for the file's name
     * @param tracker the tracker's address, or null for the configured one
     */
    CompletionStage<IcetUrl> publish(Path file, String name, InetSocketAddress tracker);

    /**
     * Starts a live stream with this peer as its source and registers it with the tracker under
     * {@code name}. Completes with the feed to hand its pieces to.
     *
     * @param mediaType what players are told, for example {@code audio/ogg}
     * @param tracker the tracker's address, or null for the configured one
     * @param windowMicros how much of the stream peers keep (for example 30 s)
     * @since 1.1
     */
    CompletionStage<LiveFeed> publishLive(String name, String mediaType, InetSocketAddress tracker, long windowMicros);

    /**
     * Joins the swarm of a URL and starts fetching. Completes once the tracker answered, with the
     * swarm's status (which carries the local player URL); fails when the tracker refuses (for
     * example an unknown content) or cannot be reached.
     */
    CompletionStage<SwarmStatus> get(IcetUrl url);

    /** Leaves a swarm; what is stored stays on disk. Returns false when the content is unknown here. */
    boolean stop(ContentId content);

    /** A snapshot of every swarm this peer takes part in. */
    List<SwarmStatus> swarms();

    Optional<SwarmStatus> swarm(ContentId content);

    /**
     * Where this peer listens: one endpoint per transport, in its order of preference (empty before it
     * started or while it has no transport). Other peers reach it over the first transport in their own
     * preference that is in this list.
     */
    List<Endpoint> endpoints();

    /** The connections open now, to trackers and peers, with the transport each one uses. */
    default List<ConnectionInfo> connections() {
        return List.of();
    }
}
