package org.iceshare.shell.internal;

import java.net.URI;
import java.util.Map;

import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.IcetUrl;

/** Swarm statuses for the unit tests (the Peer and Tracker services: the testkit's FakePeer and FakeTracker). */
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
}
