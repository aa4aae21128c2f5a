package org.iceshare.core.internal.peer;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.iceshare.api.swarm.Endpoint;

/**
 * The settings of one peer.
 *
 * @param name unique name in the container
 * @param host address the peer port binds to and advertises
 * @param port peer port of the {@code tcp} transport (0 picks a free one)
 * @param httpHost address the player endpoint binds to
 * @param httpPort player endpoint port (0 picks a free one, -1 disables it)
 * @param storage the storage folder
 * @param tracker the tracker used by publish when none is given, or null
 * @param slotsPerPeer requests in flight to one peer at a time
 * @param requestTimeout how long a request may stay unanswered before it is given up
 * @param uploadRate upload cap in bytes per second, 0 for none
 * @param keepAlive interval of Pings on idle connections
 * @param resume rejoin the swarms found in storage at start
 * @param transports the transport preference: new connections use the first of these that both sides
 *        have; a transport not named here is still listened on and used last
 * @param transportPorts ports of the transports other than {@code tcp}; a transport not in here listens
 *        on a free port
 * @param downloadRate download cap in bytes per second, 0 for none
 * @param maxLinks connections to other peers this peer keeps open; beyond it the longest-idle ones with
 *        nothing in flight either way are closed (one with a piece in flight never is), 0 for no cap.
 *        The tracker's neighbourhoods bound how many peers one peer talks to; this is the peer's own guard.
 * @param liveBurst live: how far behind the live edge the player endpoint starts a player that asks for no
 *        burst of its own ({@code ?burst=SECONDS}); zero starts at the newest start point here (the lowest
 *        delay). At most {@link org.iceshare.core.internal.http.LiveBurst#MAX_MICROS}; a stream whose window
 *        is shorter clamps it (see {@link org.iceshare.core.internal.http.LiveBurst#maxMicros})
 * @param liveMaxLag live: how far (media time) a peer may fall behind the live edge beyond the burst its
 *        players play with before it skips ahead to the newest start point; zero turns skipping off. A
 *        listener playing a 20 s burst is so skipped only once 20 s + this behind, never at this alone
 */
public record PeerSettings(String name, String host, int port, String httpHost, int httpPort, Path storage,
        InetSocketAddress tracker, int slotsPerPeer, Duration requestTimeout, long uploadRate, Duration keepAlive,
        boolean resume, List<String> transports, Map<String, Integer> transportPorts, long downloadRate, int maxLinks,
        Duration liveBurst, Duration liveMaxLag) {

    /** The transport preference when none is configured: plain TCP first, then TLS. */
    public static final List<String> DEFAULT_TRANSPORTS = List.of("tcp", "tls");
    /** Default {@link #maxLinks}: room for the tracker's default neighbourhood (32) several times over. */
    public static final int DEFAULT_MAX_LINKS = 256;
    /** Default {@link #liveBurst}: none, players start at the newest start point, as before bursts existed. */
    public static final Duration DEFAULT_LIVE_BURST = Duration.ZERO;
    /** Default {@link #liveMaxLag}: 8 s, what the catch-up was measured with in the live lab. */
    public static final Duration DEFAULT_LIVE_MAX_LAG = Duration.ofSeconds(8);

    public PeerSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(httpHost, "httpHost");
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(keepAlive, "keepAlive");
        if (name.isBlank()) {
            throw new IllegalArgumentException("peer name must not be blank");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("peer port out of range 0..65535: " + port);
        }
        if (httpPort < -1 || httpPort > 65535) {
            throw new IllegalArgumentException("http port out of range -1..65535: " + httpPort);
        }
        if (slotsPerPeer < 1 || slotsPerPeer > 64) {
            throw new IllegalArgumentException("slots per peer out of range 1..64: " + slotsPerPeer);
        }
        if (uploadRate < 0) {
            throw new IllegalArgumentException("upload rate must be >= 0: " + uploadRate);
        }
        if (downloadRate < 0) {
            throw new IllegalArgumentException("download rate must be >= 0: " + downloadRate);
        }
        if (maxLinks < 0) {
            throw new IllegalArgumentException("max links must be >= 0: " + maxLinks);
        }
        Objects.requireNonNull(liveBurst, "liveBurst");
        Objects.requireNonNull(liveMaxLag, "liveMaxLag");
        if (liveBurst.isNegative()
                || liveBurst.toNanos() / 1000 > org.iceshare.core.internal.http.LiveBurst.MAX_MICROS) {
            throw new IllegalArgumentException("live burst out of range 0.."
                    + org.iceshare.core.internal.http.LiveBurst.MAX_MICROS / 1_000_000 + " s: " + liveBurst);
        }
        if (liveMaxLag.isNegative()) {
            throw new IllegalArgumentException("live max lag must be >= 0: " + liveMaxLag);
        }
        transports = List.copyOf(transports);
        if (transports.isEmpty()) {
            throw new IllegalArgumentException("the transport preference must name at least one transport");
        }
        for (String t : transports) {
            Endpoint.checkName(t);
        }
        if (new HashSet<>(transports).size() != transports.size()) {
            throw new IllegalArgumentException("a transport is named twice in the preference " + transports);
        }
        transportPorts = Map.copyOf(transportPorts);
        transportPorts.forEach((t, p) -> {
            Endpoint.checkName(t);
            if (p < 0 || p > 65535) {
                throw new IllegalArgumentException("port of transport " + t + " out of range 0..65535: " + p);
            }
        });
    }

    /** The settings with the default live burst and max lag. */
    public PeerSettings(String name, String host, int port, String httpHost, int httpPort, Path storage,
            InetSocketAddress tracker, int slotsPerPeer, Duration requestTimeout, long uploadRate, Duration keepAlive,
            boolean resume, List<String> transports, Map<String, Integer> transportPorts, long downloadRate,
            int maxLinks) {
        this(name, host, port, httpHost, httpPort, storage, tracker, slotsPerPeer, requestTimeout, uploadRate,
                keepAlive, resume, transports, transportPorts, downloadRate, maxLinks, DEFAULT_LIVE_BURST,
                DEFAULT_LIVE_MAX_LAG);
    }

    /** The settings with the default {@link #maxLinks}. */
    public PeerSettings(String name, String host, int port, String httpHost, int httpPort, Path storage,
            InetSocketAddress tracker, int slotsPerPeer, Duration requestTimeout, long uploadRate, Duration keepAlive,
            boolean resume, List<String> transports, Map<String, Integer> transportPorts, long downloadRate) {
        this(name, host, port, httpHost, httpPort, storage, tracker, slotsPerPeer, requestTimeout, uploadRate,
                keepAlive, resume, transports, transportPorts, downloadRate, DEFAULT_MAX_LINKS);
    }

    /** Settings for tests and embedded use: loopback, free ports, default limits. */
    public static PeerSettings loopback(String name, Path storage, InetSocketAddress tracker) {
        return new PeerSettings(name, "127.0.0.1", 0, "127.0.0.1", 0, storage, tracker, 4, Duration.ofSeconds(20), 0,
                Duration.ofSeconds(15), true, DEFAULT_TRANSPORTS, Map.of(), 0);
    }

    /**
     * The port to listen on with {@code transport}: {@link #port()} for {@code tcp}, the configured one
     * for others, else 0 (a free one).
     */
    public int portFor(String transport) {
        if (transport.equals("tcp")) {
            return port;
        }
        return transportPorts.getOrDefault(transport, 0);
    }

    public PeerSettings withUploadRate(long bytesPerSecond) {
        return new PeerSettings(name, host, port, httpHost, httpPort, storage, tracker, slotsPerPeer, requestTimeout,
                bytesPerSecond, keepAlive, resume, transports, transportPorts, downloadRate, maxLinks,
                liveBurst, liveMaxLag);
    }

    public PeerSettings withDownloadRate(long bytesPerSecond) {
        return new PeerSettings(name, host, port, httpHost, httpPort, storage, tracker, slotsPerPeer, requestTimeout,
                uploadRate, keepAlive, resume, transports, transportPorts, bytesPerSecond, maxLinks,
                liveBurst, liveMaxLag);
    }

    public PeerSettings withTransports(List<String> preference) {
        return new PeerSettings(name, host, port, httpHost, httpPort, storage, tracker, slotsPerPeer, requestTimeout,
                uploadRate, keepAlive, resume, preference, transportPorts, downloadRate, maxLinks,
                liveBurst, liveMaxLag);
    }

    public PeerSettings withHttpPort(int port) {
        return new PeerSettings(name, host, this.port, httpHost, port, storage, tracker, slotsPerPeer, requestTimeout,
                uploadRate, keepAlive, resume, transports, transportPorts, downloadRate, maxLinks,
                liveBurst, liveMaxLag);
    }

    public PeerSettings withRequestTimeout(Duration timeout) {
        return new PeerSettings(name, host, port, httpHost, httpPort, storage, tracker, slotsPerPeer, timeout,
                uploadRate, keepAlive, resume, transports, transportPorts, downloadRate, maxLinks,
                liveBurst, liveMaxLag);
    }

    public PeerSettings withMaxLinks(int links) {
        return new PeerSettings(name, host, port, httpHost, httpPort, storage, tracker, slotsPerPeer, requestTimeout,
                uploadRate, keepAlive, resume, transports, transportPorts, downloadRate, links,
                liveBurst, liveMaxLag);
    }

    public PeerSettings withLiveBurst(Duration burst) {
        return new PeerSettings(name, host, port, httpHost, httpPort, storage, tracker, slotsPerPeer, requestTimeout,
                uploadRate, keepAlive, resume, transports, transportPorts, downloadRate, maxLinks, burst, liveMaxLag);
    }

    public PeerSettings withLiveMaxLag(Duration maxLag) {
        return new PeerSettings(name, host, port, httpHost, httpPort, storage, tracker, slotsPerPeer, requestTimeout,
                uploadRate, keepAlive, resume, transports, transportPorts, downloadRate, maxLinks, liveBurst, maxLag);
    }

    /** The settings with the rate caps and the transport preference of {@code other}: what changes without a restart. */
    public PeerSettings withLiveSettingsOf(PeerSettings other) {
        return withUploadRate(other.uploadRate).withDownloadRate(other.downloadRate).withTransports(other.transports);
    }
}
