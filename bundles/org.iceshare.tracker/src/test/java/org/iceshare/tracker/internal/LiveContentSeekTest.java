package org.iceshare.tracker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.iceshare.api.icet.Announce;
import org.iceshare.api.icet.Seek;
import org.iceshare.api.swarm.ChainLink;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.swarm.PeerInfo;
import org.iceshare.api.swarm.PieceInfo;
import org.iceshare.engine.internal.Identity;
import org.iceshare.planner.rarest.internal.RarestPlanner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A live member that skipped ahead (issue 11) tells the tracker with a Seek to a start point: the tracker
 * plans it from there and frees what it had assigned before. A member whose player starts a burst behind
 * the live edge (issue 13) moves its start back the same way. Driven directly, without sockets.
 */
class LiveContentSeekTest {
    private TrackerSettings settings;
    private TrackerEngine tracker;
    private LiveContent content;
    private ContentId id;
    private final Identity publisher = Identity.generate();
    private int port = 6100;

    @BeforeEach
    void setUp() {
        settings = new TrackerSettings("127.0.0.1", 0, Duration.ofSeconds(60), 16, 12, Duration.ofSeconds(60));
        tracker = new TrackerEngine(settings, List.of(), RarestPlanner::new);
        id = ContentId.random();
        Manifest live = Manifest.live(id, "radio.ogg", "audio/ogg", "ogg", "sha-256", 60_000_000L);
        content = new LiveContent(tracker, TrackerEngineTest.signed(live, publisher), settings, new Random(1));
    }

    @AfterEach
    void tearDown() {
        tracker.close();
    }

    private ClientSession session() {
        ClientSession s = new ClientSession(null);
        s.id = PeerId.random();
        int p = port++;
        s.info = new PeerInfo(s.id, "127.0.0.1", p, List.of(new Endpoint("tcp", p)));
        return s;
    }

    @Test
    void aSeekMovesALiveMembersStartForwardToAStartPointAndFreesItsOlderAssignments() {
        ClientSession source = session();
        content.publish(source);
        ClientSession listener = session();
        content.join(listener);
        Member m = content.members.get(listener.id);
        // 12 pieces of 0.5 s, a start point every 4th
        List<Announce.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            entries.add(TrackerEngineTest.signed(id, new Announce.Entry(new PieceInfo(i, i * 100L, 100, new byte[32],
                    i * 500_000L, (i + 1) * 500_000L, i % 4 == 0, 0), 1L), publisher));
        }
        Announce.Link link = TrackerEngineTest.signed(id, new Announce.Link(new ChainLink(0, 0, 0, 0, -1, "vorbis"),
                ByteBuffer.wrap(new byte[] {'O', 'g', 'g', 'S'})), publisher);
        content.announce(source, new Announce(id, entries, List.of(link), true));
        assertThat(m.start).isZero();
        assertThat(m.assigned.keySet()).as("assigned from its start").contains(0);

        content.seek(listener, Seek.toPiece(id, 8));

        assertThat(m.start).isEqualTo(8);
        assertThat(m.assigned.keySet()).as("nothing before the new start").isNotEmpty().allMatch(p -> p >= 8);
        assertThat(content.members.get(source.id).serving).as("the source's slots hold only what is still wanted")
                .isEqualTo(m.assigned.size());

        content.seek(listener, Seek.toPiece(id, 9));
        assertThat(m.start).as("only to a start point").isEqualTo(8);

        // a player starts a burst behind the live edge: back to an older start point, planned oldest first
        content.seek(listener, Seek.toPiece(id, 4));
        assertThat(m.start).as("back to the burst's start point").isEqualTo(4);
        assertThat(m.assigned.keySet()).as("the older pieces are planned too").contains(4);
        content.seek(listener, Seek.toPiece(id, 5));
        assertThat(m.start).as("only to a start point").isEqualTo(4);
    }
}
