package org.iceshare.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.iceshare.shell.internal.Fakes.id;

import java.util.List;

import org.iceshare.api.peer.Peer;
import org.iceshare.api.peer.SwarmStatus.State;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.testkit.FakePeer;
import org.junit.jupiter.api.Test;

class PeerLookupTest {
    private static final ContentId SHOW = id("3f");
    private static final ContentId NEWS = id("a1");

    private final FakePeer seed = new FakePeer("default", Fakes.swarm(SHOW, "icet://t:7740/show.ogg",
            State.COMPLETE, 4, 4, 4000, 0));
    private final FakePeer leech = new FakePeer("leech", Fakes.swarm(SHOW, "icet://t:7740/show.ogg",
            State.DOWNLOADING, 1, 4, 0, 1000), Fakes.swarm(NEWS, "icet://t:7740/news.ogg", State.COMPLETE, 2, 2, 0,
                    2000));
    private final List<Peer> peers = List.of(seed, leech);

    @Test
    void withoutANameTheOnlyPeerInTheSwarm() {
        assertThat(PeerLookup.holder(peers, NEWS, "news.ogg", null)).isSameAs(leech);
    }

    @Test
    void severalPeersInTheSwarmNeedAName() {
        assertThatThrownBy(() -> PeerLookup.holder(peers, SHOW, "show.ogg", null))
                .hasMessage("several peers are in the swarm of show.ogg; choose one with --peer: [default, leech]");
        assertThat(PeerLookup.holder(peers, SHOW, "show.ogg", "default")).isSameAs(seed);
    }

    @Test
    void aNamedPeerMustBeInTheSwarm() {
        assertThatThrownBy(() -> PeerLookup.holder(peers, NEWS, "news.ogg", "default"))
                .hasMessage("peer default is not in the swarm of news.ogg; its swarms: [show.ogg]");
        assertThatThrownBy(() -> PeerLookup.holder(peers, NEWS, "news.ogg", "nobody"))
                .hasMessage("no peer named 'nobody'; peers: [default, leech]");
    }

    @Test
    void noPeerInTheSwarmOrNoPeerAtAll() {
        assertThatThrownBy(() -> PeerLookup.holder(peers, id("77"), "x.ogg", null))
                .hasMessage("no peer here is in the swarm of x.ogg");
        assertThatThrownBy(() -> PeerLookup.holder(List.of(), SHOW, "show.ogg", null))
                .hasMessage("no IceShare peer is running");
    }
}
