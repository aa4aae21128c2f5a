package org.iceshare.core.internal.peer;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The settings of one peer.
 *
 * @param name unique name in the container
 * @param host address the peer port binds to and advertises
 * @param port peer port (0 picks a free one)
 * @param httpHost address the player endpoint binds to
 * @param httpPort player endpoint port (0 picks a free one, -1 disables it)
 * @param storage the storage folder
 * @param tracker the tracker used by publish when none is given, or null
 * @param slotsPerPeer requests in flight to one peer at a time
 * @param requestTimeout how long a request may stay unanswered before it is given up
 * @param uploadRate upload cap in bytes per second, 0 for none
 * @param keepAlive interval of Pings on idle connections
 * @param resume rejoin the swarms found in storage at start
 */
public record PeerSettings(String name, String host, int port, String httpHost, int httpPort, Path storage,
        InetSocketAddress tracker, int slotsPerPeer, Duration requestTimeout, long uploadRate, Duration keepAlive,
        boolean resume) {

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
    }

    /** Settings for tests and embedded use: loopback, free ports, default limits. */
    public static PeerSettings loopback(String name, Path storage, InetSocketAddress tracker) {
        return new PeerSettings(name, "127.0.0.1", 0, "127.0.0.1", 0, storage, tracker, 4, Duration.ofSeconds(20), 0,
                Duration.ofSeconds(15), true);
    }

    public PeerSettings withUploadRate(long bytesPerSecond) {
        return new PeerSettings(name, host, port, httpHost, httpPort, storage, tracker, slotsPerPeer, requestTimeout,
                bytesPerSecond, keepAlive, resume);
    }

    public PeerSettings withHttpPort(int port) {
        return new PeerSettings(name, host, this.port, httpHost, port, storage, tracker, slotsPerPeer, requestTimeout,
                uploadRate, keepAlive, resume);
    }

    public PeerSettings withRequestTimeout(Duration timeout) {
        return new PeerSettings(name, host, port, httpHost, httpPort, storage, tracker, slotsPerPeer, timeout,
                uploadRate, keepAlive, resume);
    }
}
