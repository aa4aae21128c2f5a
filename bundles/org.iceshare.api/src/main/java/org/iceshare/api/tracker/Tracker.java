package org.iceshare.api.tracker;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.transport.Refusals;
import org.osgi.annotation.versioning.ProviderType;

/**
 * IceTracker, as seen by operators and tools: what it tracks. Clients talk to it over IceT on
 * {@link #address()}.
 *
 * <p><b>Threading:</b> thread-safe; every method returns a snapshot and never blocks for long.
 */
@ProviderType
public interface Tracker {

    /**
     * The address of its first endpoint (the port an {@code icet://} URL names), or null while not
     * listening.
     */
    InetSocketAddress address();

    /**
     * Where clients reach it: one endpoint per transport it listens on, first the one {@link #address()}
     * names; empty while it listens on none. Clients learn the same list from the tracker's HELLO and
     * reconnect over another of them when one goes away.
     *
     * @since 1.3
     */
    List<Endpoint> endpoints();

    /** The contents registered, by name. */
    List<TrackedContent> contents();

    Optional<TrackedContent> content(String name);

    /** The peers of one content, with what each holds and has moved. */
    List<TrackedPeer> peers(ContentId content);

    /**
     * How many peers hold each piece of a content (for a live stream: each piece of the window, from
     * its oldest), for piece maps. Empty when the content is unknown.
     *
     * @since 1.1
     */
    int[] availability(ContentId content);

    /**
     * What it refused or ignored to protect itself and its swarms since it started, by reason: for example
     * {@code join-rate} and {@code report-rate} (a client over its allowance), {@code unfounded-report} (a
     * report of a corrupt piece its sender was not assigned from the accused), {@code flood} (a client with
     * more messages waiting than the tracker queues), {@code handshake} (a client that did not prove its
     * key) and {@code publish-forbidden} (a name owned by another key, or a publisher the policy does not
     * allow). The reasons are listed in the operator guide.
     *
     * @since 1.4
     */
    default Refusals refusals() {
        return Refusals.NONE;
    }
}
