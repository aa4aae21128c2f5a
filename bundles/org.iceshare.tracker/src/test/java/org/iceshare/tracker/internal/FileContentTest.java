package org.iceshare.tracker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.iceshare.api.planner.ContentView;
import org.iceshare.api.planner.MemberView;
import org.iceshare.api.planner.PieceOrder;
import org.iceshare.api.planner.Planner;
import org.iceshare.api.planner.ServerChoice;
import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.swarm.PeerInfo;
import org.iceshare.api.swarm.PieceInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A file's planning on the tracker, driven directly (no sockets, no tick): the sessions have no connection,
 * so what the tracker would send is read from the members' assignments.
 */
class FileContentTest {
    private static final int PIECES = 4;

    private TrackerSettings settings;
    private TrackerEngine tracker;
    private Manifest manifest;
    private FileContent content;
    private int port = 6000;

    @BeforeEach
    void setUp() throws Exception {
        settings = new TrackerSettings("127.0.0.1", 0, Duration.ofSeconds(60), 16, 12, Duration.ofSeconds(60));
        tracker = new TrackerEngine(settings, List.of(), MembersOnly::new);
        content(PIECES);
    }

    /** A fresh file of {@code pieces} pieces of 1000 bytes. */
    private void content(int pieces) throws Exception {
        List<PieceInfo> list = new ArrayList<>();
        for (int i = 0; i < pieces; i++) {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(ByteBuffer.allocate(4).putInt(i).array());
            list.add(new PieceInfo(i, i * 1000L, 1000, hash));
        }
        manifest = Manifest.derived("f.ogg", "audio/ogg", "ogg", "sha-256", pieces * 1000L, 1, list);
        content = new FileContent(tracker, manifest, settings, new Random(1));
    }

    @AfterEach
    void tearDown() {
        tracker.close();
    }

    /**
     * Rarest first, served by a member whenever one may, never by the source once a member holds the piece:
     * what a member is given then depends on the tracker's order and slots only.
     */
    private static final class MembersOnly implements Planner {
        private final Random random = new Random(2);

        @Override
        public String name() {
            return "members-only";
        }

        @Override
        public int[] order(ContentView content, MemberView member, int[] wanted) {
            return PieceOrder.rarestFirst(content, member, wanted, random);
        }

        @Override
        public MemberView server(ServerChoice choice) {
            MemberView source = null;
            for (MemberView s : choice.free()) {
                if (!s.source()) {
                    return s;
                }
                source = s;
            }
            return choice.piece().holders() > 1 ? null : source;
        }
    }

    private ClientSession session(long uploadCap) {
        ClientSession s = new ClientSession(null);
        s.id = PeerId.random();
        int p = port++;
        s.info = new PeerInfo(s.id, "127.0.0.1", p, List.of(new Endpoint("tcp", p)));
        s.uploadCap = uploadCap;
        return s;
    }

    private Member member(ClientSession s) {
        return content.members.get(s.id);
    }

    private long assignedFrom(ClientSession m, ClientSession server) {
        return member(m).assigned.values().stream().filter(a -> a.from().equals(server.id)).count();
    }

    /**
     * A verification frees a slot of its server: {@code refill} hands the free slots to the members waiting
     * for work at once, each the rarest piece the server holds (here: fetched under an assignment, not yet
     * proven) that it lacks, and no more than the server's slots.
     */
    @Test
    void refillHandsAServersFreeSlotsToWaitingMembers() {
        ClientSession source = session(0);
        content.publish(source);
        // a holder of every piece with a tiny cap: one serving slot (1 B/s over the 2 s horizon)
        ClientSession holder = session(1);
        content.join(holder);
        assertThat(member(holder).assigned).hasSize(PIECES);
        for (int i = 0; i < PIECES; i++) {
            content.verified(holder, i, source.id, manifest.piece(i).hash());
        }
        // it claims them (a candidate server) until a member it serves verifies one
        assertThat(member(holder).claimed.count()).isEqualTo(PIECES);

        // the first to join takes the holder's one slot; the next three wait (this planner never uses the source here)
        ClientSession ahead = session(0);
        content.join(ahead);
        assertThat(assignedFrom(ahead, holder)).isEqualTo(1);
        assertThat(member(ahead).assigned).hasSize(1);
        List<ClientSession> waiting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ClientSession w = session(0);
            content.join(w);
            assertThat(member(w).assigned).isEmpty();
            waiting.add(w);
        }

        // the holder's uplink turns out faster: 3 slots (1500 B/s over 2 s, pieces of 1000 B), one in use: two
        // of the waiting get one each, nobody more than one new piece
        holder.uploadCap = 1500;
        content.refill(member(holder), System.nanoTime());
        assertThat(member(holder).serving).isEqualTo(3);
        long served = waiting.stream().filter(w -> assignedFrom(w, holder) == 1).count();
        long fromAhead = assignedFrom(ahead, holder) - 1;
        assertThat(served + fromAhead).isEqualTo(2);
        assertThat(waiting).allSatisfy(w -> assertThat(assignedFrom(w, holder)).isLessThanOrEqualTo(1));

        // with every slot taken, a refill assigns nothing more
        content.refill(member(holder), System.nanoTime());
        assertThat(member(holder).serving).isEqualTo(3);
    }

    /**
     * The source sends a piece once: a freed source slot is offered a piece it is not already sending to
     * someone (those are as rare as the unsent ones, and a member offered one is refused by the planner).
     */
    @Test
    void refillOffersAFreedSourceSlotAPieceItIsNotSendingAlready() throws Exception {
        content(16);
        ClientSession source = session(0);
        content.publish(source);
        ClientSession a = session(0);
        content.join(a);
        assertThat(assignedFrom(a, source)).as("the source's twelve slots").isEqualTo(12);
        ClientSession b = session(0);
        content.join(b);
        assertThat(member(b).assigned).isEmpty();

        // one of a's assignments ends (revoked): the source has one free slot
        int ended = member(a).assigned.keySet().iterator().next();
        member(a).assigned.remove(ended);
        content.release(ended, source.id);
        java.util.Set<Integer> inFlight = new java.util.HashSet<>(member(a).assigned.keySet());
        content.refill(member(source), System.nanoTime());
        // the slot is used again (by a or b, whichever was looked at first), for a piece not on its way already
        assertThat(member(source).serving).isEqualTo(12);
        java.util.List<Integer> added = new ArrayList<>(member(b).assigned.keySet());
        member(a).assigned.keySet().stream().filter(p -> !inFlight.contains(p)).forEach(added::add);
        assertThat(added).hasSize(1).doesNotContainAnyElementsOf(inFlight);
    }

    /**
     * A piece another member holds is left to the plan: the source's freed slot is not offered it, even where
     * the planner would let the source serve it again (here {@code rarest}: the other holder has not served
     * yet, so nobody counts as busy).
     */
    @Test
    void refillOffersTheSourceNoPieceAnotherMemberHolds() throws Exception {
        tracker.close();
        tracker = new TrackerEngine(settings, List.of(), org.iceshare.planner.rarest.internal.RarestPlanner::new);
        content(2);
        ClientSession source = session(0);
        content.publish(source);
        // a member with one serving slot fetches both pieces from the source
        ClientSession holder = session(1);
        content.join(holder);
        // fetches measured at 400 ms: a verified piece counts as spreading for the longest wait
        // (1 s), so that a loaded machine cannot let the spreading end between these steps
        content.verifyNanos = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(400);
        content.verified(holder, 0, source.id, manifest.piece(0).hash());
        content.verified(holder, 1, source.id, manifest.piece(1).hash());
        content.verifyNanos = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(400);
        assertThat(member(source).serving).isZero();
        ClientSession b = session(0);
        content.join(b);
        // the plan gave b one piece from the holder; the other waits (the holder's slot is taken, and the source
        // does not serve a piece that was verified a moment ago: it is spreading)
        assertThat(assignedFrom(b, holder)).isEqualTo(1);
        assertThat(assignedFrom(b, source)).isZero();
        // later, once the piece no longer counts as spreading, rarest would let the source serve it (the
        // holder has not served yet, so it is not counted busy): refill does not offer it the piece
        content.refill(member(source), System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(2));
        assertThat(assignedFrom(b, source)).isZero();
    }
}
