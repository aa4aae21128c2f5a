package org.iceshare.tracker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.icet.Assign;
import org.iceshare.api.icet.Auth;
import org.iceshare.api.icet.BadPiece;
import org.iceshare.api.icet.ErrorCode;
import org.iceshare.api.icet.ErrorReport;
import org.iceshare.api.icet.FetchFailed;
import org.iceshare.api.icet.Hello;
import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.icet.Join;
import org.iceshare.api.icet.Metadata;
import org.iceshare.api.icet.Joined;
import org.iceshare.api.icet.Peers;
import org.iceshare.api.icet.Ping;
import org.iceshare.api.icet.Pong;
import org.iceshare.api.icet.Publish;
import org.iceshare.api.icet.Seek;
import org.iceshare.api.icet.Published;
import org.iceshare.api.icet.Rates;
import org.iceshare.api.icet.Role;
import org.iceshare.api.icet.Verified;
import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.icet.Leave;
import org.iceshare.api.swarm.Signatures;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.ChainLink;
import org.iceshare.api.icet.Announce;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.swarm.PeerInfo;
import org.iceshare.api.swarm.PieceInfo;
import org.iceshare.api.tracker.TrackedPeer;
import org.iceshare.api.transport.Connection;
import org.iceshare.api.transport.ConnectionHandler;
import org.iceshare.engine.internal.Handshake;
import org.iceshare.engine.internal.Identity;
import org.iceshare.icet.internal.NettyTransport;
import org.iceshare.icet.internal.TransportSettings;
import org.iceshare.planner.rarest.internal.RarestPlanner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tracker's orchestration, driven by scripted clients over real sockets. */
class TrackerEngineTest {
    private NettyTransport transport;
    private TrackerEngine tracker;
    private final List<Client> clients = new ArrayList<>();

    /** A scripted client: sends what the test says and queues what it receives. */
    final class Client implements ConnectionHandler {
        final Identity identity;
        final PeerId id;
        final Handshake handshake;
        final Hello trackers;
        final BlockingQueue<IcetMessage> inbox = new LinkedBlockingQueue<>();
        volatile Connection connection;
        volatile String closedReason;

        Client(int listenPort) throws Exception {
            this(listenPort, transport, tracker.address());
        }

        Client(int listenPort, NettyTransport over, InetSocketAddress to) throws Exception {
            this(Identity.generate(), listenPort, over, to, true);
        }

        /** A client with this identity; with {@code prove} false it only reads the tracker's Hello: the test speaks. */
        Client(Identity identity, int listenPort, NettyTransport over, InetSocketAddress to, boolean prove)
                throws Exception {
            this.identity = identity;
            this.id = identity.id();
            this.handshake = new Handshake(identity, Role.CLIENT, Role.TRACKER);
            connection = over.connect(to, this).toCompletableFuture().get(30, TimeUnit.SECONDS);
            if (prove) {
                connection.send(handshake.hello("test", List.of(new Endpoint("tcp", listenPort))));
            }
            trackers = next(Hello.class);
            if (prove) {
                connection.send(handshake.onHello(trackers));
                handshake.onAuth(next(Auth.class));
            }
            clients.add(this);
        }

        @Override
        public void opened(Connection c) {
        }

        @Override
        public void received(Connection c, IcetMessage m) {
            inbox.add(m);
        }

        @Override
        public void closed(Connection c, String reason) {
            closedReason = reason;
        }

        IcetMessage next() throws InterruptedException {
            IcetMessage m = inbox.poll(30, TimeUnit.SECONDS);
            assertThat(m).as("a message within 30 s").isNotNull();
            return m;
        }

        <T extends IcetMessage> T next(Class<T> type) throws InterruptedException {
            while (true) {
                IcetMessage m = next();
                if (type.isInstance(m)) {
                    return type.cast(m);
                }
            }
        }

        /** Sends; a Publish of an unsigned manifest goes out signed with this client's key, as a peer's does. */
        void send(IcetMessage m) {
            if (m instanceof Publish p && !p.manifest().isSigned()) {
                m = new Publish(signed(p.manifest(), identity));
            }
            connection.send(m);
        }
    }

    static Manifest signed(Manifest m, Identity by) {
        return m.signed(by.publicKey(), by.sign(m.signedBytes(by.publicKey())));
    }

    static Announce.Entry signed(ContentId content, Announce.Entry e, Identity by) {
        return e.signed(by.sign(Signatures.livePiece(content, e.piece())));
    }

    static Announce.Link signed(ContentId content, Announce.Link l, Identity by) {
        return l.signed(by.sign(Signatures.liveLink(content, l.link(), l.headers())));
    }

    private static Manifest manifest(String name, int pieces, int salt) throws Exception {
        List<PieceInfo> list = new ArrayList<>();
        for (int i = 0; i < pieces; i++) {
            list.add(new PieceInfo(i, i * 1000L, 1000, hash(i, salt)));
        }
        return Manifest.derived(name, "audio/ogg", "ogg", "sha-256", pieces * 1000L, 1, list);
    }

    private static byte[] hash(int piece, int salt) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(ByteBuffer.allocate(8).putInt(piece).putInt(salt).array());
    }

    /** The tracker's planner, swapped by a test as the tracker's configuration does in a container. */
    private final java.util.concurrent.atomic.AtomicReference<org.iceshare.api.planner.Planner> planner =
            new java.util.concurrent.atomic.AtomicReference<>(new RarestPlanner());

    @BeforeEach
    void start() throws Exception {
        transport = NettyTransport.tcp(TransportSettings.DEFAULTS);
        // the test clients never ping: a peer timeout far longer than any test, so that a busy machine
        // cannot expire them (silentClientsExpireAndLeaveTheirSwarm uses a tracker of its own)
        startTracker(Duration.ofSeconds(60));
    }

    private void startTracker(Duration peerTimeout) throws Exception {
        tracker = new TrackerEngine(new TrackerSettings("127.0.0.1", 0, peerTimeout, 16, 12, Duration.ofSeconds(60)),
                List.of(transport), planner::get);
        tracker.start();
    }

    @AfterEach
    void stop() {
        for (Client c : clients) {
            c.connection.close("test over");
        }
        tracker.close();
        transport.close();
    }

    /** A planner that answers with the member itself, which is never among the servers offered. */
    private record Rogue(boolean fail) implements org.iceshare.api.planner.Planner {
        @Override
        public String name() {
            return fail ? "failing" : "rogue";
        }

        @Override
        public int[] order(org.iceshare.api.planner.ContentView content, org.iceshare.api.planner.MemberView member,
                int[] wanted) {
            if (fail) {
                throw new IllegalStateException("a planner bug");
            }
            return wanted;
        }

        @Override
        public org.iceshare.api.planner.MemberView server(org.iceshare.api.planner.ServerChoice choice) {
            return choice.member();
        }
    }

    @Test
    void aPlannerChoosesOnlyAmongWhatTrustOffersAndASwapAppliesAtTheNextStep() throws Exception {
        Manifest m = manifest("planned.ogg", 10, 9);
        Client source = new Client(5000);
        source.send(new Publish(m));
        source.next(Published.class);

        // an answer outside the offer assigns nothing
        planner.set(new Rogue(false));
        Client b = new Client(5001);
        b.send(new Join("planned.ogg"));
        b.next(Joined.class);
        assertThat(b.inbox.poll(300, TimeUnit.MILLISECONDS)).isNull();

        // a planner that throws costs its planning steps, not the tracker
        planner.set(new Rogue(true));
        Client c = new Client(5002);
        c.send(new Join("planned.ogg"));
        c.next(Joined.class);
        assertThat(c.inbox.poll(300, TimeUnit.MILLISECONDS)).isNull();

        // the classic planner again: the next step (a tick) assigns every piece, each from the source once
        // (to b or to c, whichever is planned first)
        planner.set(new RarestPlanner());
        Set<Integer> pieces = new HashSet<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (pieces.size() < 10 && System.nanoTime() < deadline) {
            for (Client client : List.of(b, c)) {
                if (client.inbox.poll(50, TimeUnit.MILLISECONDS) instanceof Assign a) {
                    a.entries().forEach(e -> {
                        assertThat(e.source()).isEqualTo(source.id);
                        assertThat(pieces.add(e.piece())).as("piece " + e.piece() + " seeded once").isTrue();
                    });
                }
            }
        }
        assertThat(pieces).hasSize(10);
    }

    /** Plans nothing on its own (only a Seek assigns), and serves from the first holder offered. */
    private record SeekOnly() implements org.iceshare.api.planner.Planner {
        @Override
        public String name() {
            return "seek-only";
        }

        @Override
        public int[] order(org.iceshare.api.planner.ContentView content, org.iceshare.api.planner.MemberView member,
                int[] wanted) {
            return new int[0];
        }

        @Override
        public org.iceshare.api.planner.MemberView server(org.iceshare.api.planner.ServerChoice choice) {
            return choice.free().get(0);
        }
    }

    @Test
    void aSeekToTheStartAssignsTheHeadersTheTailPlayersReadAndTheFirstPieces() throws Exception {
        // 40 pieces of 20,000 bytes: the last 64 KiB lie in pieces 36 to 39
        List<PieceInfo> list = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            list.add(new PieceInfo(i, i * 20_000L, 20_000, hash(i, 7)));
        }
        Manifest m = Manifest.derived("tail.ogg", "audio/ogg", "ogg", "sha-256", 800_000, 1, list);
        planner.set(new SeekOnly());
        Client source = new Client(5000);
        source.send(new Publish(m));
        source.next(Published.class);
        Client player = new Client(5001);
        player.send(new Join("tail.ogg"));
        ContentId id = player.next(Joined.class).manifest().id();
        assertThat(player.inbox.poll(300, TimeUnit.MILLISECONDS)).as("nothing planned before the Seek").isNull();

        player.send(Seek.toPiece(id, 1));
        Assign a = player.next(Assign.class);
        assertThat(a.entries()).extracting(Assign.Entry::piece)
                .as("the header piece, the tail a player reads for the duration, then the first data pieces")
                .containsExactly(0, 36, 37, 38, 39, 1, 2, 3, 4);

        // a seek into the middle is no start: no tail, and no slots beyond the source's 12 (9 taken) but
        // for the header piece
        Client seeker = new Client(5002);
        seeker.send(new Join("tail.ogg"));
        seeker.next(Joined.class);
        seeker.send(Seek.toPiece(id, 20));
        assertThat(seeker.next(Assign.class).entries()).extracting(Assign.Entry::piece)
                .containsExactly(0, 20, 21);
        // the source is full now; a player starting from the start still gets 2 slots beyond (the header and
        // the first tail piece: Content.URGENT_EXTRA_SLOTS), the rest of what it needs first waits
        Client late = new Client(5003);
        late.send(new Join("tail.ogg"));
        late.next(Joined.class);
        late.send(Seek.toPiece(id, 1));
        assertThat(late.next(Assign.class).entries()).extracting(Assign.Entry::piece).containsExactly(0, 36);
        noAssign(late);
    }

    @Test
    void theSourceSeedsEachPieceToOneClientAndVerifiedPiecesSpread() throws Exception {
        Manifest m = manifest("a.ogg", 10, 0);
        Client source = new Client(5000);
        source.send(new Publish(m));
        assertThat(source.next(Published.class).name()).isEqualTo("a.ogg");

        Client b = new Client(5001);
        b.send(new Join("a.ogg"));
        assertThat(b.next(Joined.class).manifest()).as("the publisher's signed manifest, unchanged")
                .isEqualTo(signed(m, source.identity));
        assertThat(b.next(Peers.class).peers()).singleElement().satisfies(p -> assertThat(p.port()).isEqualTo(5000));
        Assign toB = b.next(Assign.class);
        assertThat(toB.entries()).hasSize(10).allSatisfy(e -> assertThat(e.source()).isEqualTo(source.id));

        // every piece is being seeded to b: c gets nothing from the source
        Client c = new Client(5002);
        c.send(new Join("a.ogg"));
        c.next(Joined.class);
        assertThat(c.inbox.poll(300, TimeUnit.MILLISECONDS)).isNull();

        // b verifies piece 3: c is sent to b for it, and b is credited... by the source
        b.send(new Verified(m.id(), 3, source.id, m.piece(3).hash()));
        assertThat(c.next(Peers.class).peers()).singleElement().satisfies(p -> assertThat(p.id()).isEqualTo(b.id));
        Assign toC = c.next(Assign.class);
        assertThat(toC.entries()).singleElement().satisfies(e -> {
            assertThat(e.piece()).isEqualTo(3);
            assertThat(e.source()).isEqualTo(b.id);
            assertThat(e.availability()).isEqualTo(2);
        });
        await().until(() -> tracker.content("a.ogg").orElseThrow().sourceUploaded() == 1000);

        // a wrong digest is not counted
        b.send(new Verified(m.id(), 4, source.id, new byte[32]));
        c.send(new Verified(m.id(), 3, b.id, m.piece(3).hash()));
        await().until(() -> tracker.content("a.ogg").orElseThrow().totalUploaded() == 2000);
        assertThat(tracker.peers(m.id())).filteredOn(p -> p.id().equals(b.id)).singleElement()
                .satisfies(p -> assertThat(p.pieces()).isEqualTo(1));
    }

    @Test
    void aCandidateThatServesACorruptPieceIsDemotedAndItsClientsAreSentElsewhere() throws Exception {
        Manifest m = manifest("b.ogg", 2, 1);
        Client source = new Client(5000);
        source.send(new Publish(m));
        source.next(Published.class);
        Client liar = new Client(5001);
        liar.send(new Join("b.ogg"));
        liar.next(Assign.class);
        // it says it verified both pieces, from a member it was not sent to: the tracker cannot tell, so the
        // liar is only a candidate for them, and the first failure takes every claim
        liar.send(new Verified(m.id(), 0, liar.id, m.piece(0).hash()));
        liar.send(new Verified(m.id(), 1, liar.id, m.piece(1).hash()));
        await().until(() -> tracker.peers(m.id()).stream().anyMatch(p -> p.id().equals(liar.id) && p.pieces() == 2));
        Client victim = new Client(5002);
        victim.send(new Join("b.ogg"));
        Assign first = victim.next(Assign.class);
        Set<PeerId> sources = new HashSet<>();
        first.entries().forEach(e -> sources.add(e.source()));
        assertThat(sources).containsExactly(liar.id);

        // the reporter's every assignment from the liar is dropped with the report (its client stops using
        // the liar at once): both pieces come from the source now
        victim.send(new BadPiece(m.id(), 0, liar.id, "digest mismatch"));
        Assign again = victim.next(Assign.class);
        assertThat(again.entries()).hasSize(2).allSatisfy(e -> assertThat(e.source()).isEqualTo(source.id));
        // one report never bans, but a candidate that failed its first test loses every claim and serves nobody
        assertThat(tracker.peers(m.id())).filteredOn(p -> p.id().equals(liar.id)).singleElement()
                .satisfies(p -> {
                    assertThat(p.banned()).isFalse();
                    assertThat(p.pieces()).isZero();
                });
        victim.send(new Verified(m.id(), 0, source.id, m.piece(0).hash()));
        victim.send(new Verified(m.id(), 1, source.id, m.piece(1).hash()));
        Client late = new Client(5003);
        late.send(new Join("b.ogg"));
        assertThat(late.next(Assign.class).entries()).hasSize(2)
                .allSatisfy(e -> assertThat(e.source()).isEqualTo(victim.id));
    }

    /**
     * A demoted member that neither fetches nor reports used to be planned a full window, from the source
     * too, and held those serving slots and pieces until its assignments timed out (the hostile-swarm
     * benchmark: no honest peer got a piece for 45 s). It gets one assignment at a time, from the swarm.
     */
    @Test
    void aDemotedMemberGetsOneAssignmentAtATimeAndNotFromTheSource() throws Exception {
        Manifest m = manifest("d.ogg", 10, 3);
        Client source = new Client(5000);
        source.send(new Publish(m));
        source.next(Published.class);
        Client liar = new Client(5001);
        liar.send(new Join("d.ogg"));
        liar.next(Assign.class);
        // it claims every piece, from nobody it was sent to: a candidate, and complete in its own words
        for (int i = 0; i < 10; i++) {
            liar.send(new Verified(m.id(), i, liar.id, m.piece(i).hash()));
        }
        Client victim = new Client(5002);
        victim.send(new Join("d.ogg"));
        Assign fromLiar = victim.next(Assign.class);
        assertThat(fromLiar.entries()).allSatisfy(e -> assertThat(e.source()).isEqualTo(liar.id));
        // its first failed fetch takes every claim: the liar is demoted, and wants every piece again
        victim.send(new FetchFailed(m.id(), fromLiar.entries().get(0).piece(), liar.id, "connection refused"));
        Assign fromSource = victim.next(Assign.class);
        assertThat(fromSource.entries()).hasSize(10).allSatisfy(e -> assertThat(e.source()).isEqualTo(source.id));
        noAssign(liar);

        // the victim verifies every piece: the liar is offered one of them, from the victim, and no more
        for (int i = 0; i < 10; i++) {
            victim.send(new Verified(m.id(), i, source.id, m.piece(i).hash()));
        }
        Assign one = liar.next(Assign.class);
        assertThat(one.entries()).singleElement().satisfies(e -> assertThat(e.source()).isEqualTo(victim.id));
        noAssign(liar);
    }

    /**
     * A candidate whose slots are full used to keep the source from seeding the piece (waiting for other
     * holders keeps the source's upload near one copy): a staller claiming every piece froze the hostile-swarm
     * benchmark until its first assignment timed out. Only a candidate that has served someone is waited for.
     */
    @Test
    void aBusyCandidateThatNeverServedDoesNotKeepTheSourceFromSeeding() throws Exception {
        Manifest m = manifest("e.ogg", 1, 4);
        Client source = new Client(5000);
        source.send(new Publish(m));
        source.next(Published.class);
        Client liar = new Client(5001);
        // a tiny upload cap: one serving slot
        liar.send(new Rates(1, 0, 0, 0));
        liar.send(new Join("e.ogg"));
        liar.next(Assign.class);
        liar.send(new Verified(m.id(), 0, liar.id, m.piece(0).hash()));
        await().until(() -> tracker.peers(m.id()).stream().anyMatch(p -> p.id().equals(liar.id) && p.pieces() == 1));
        Client first = new Client(5002);
        first.send(new Join("e.ogg"));
        assertThat(first.next(Assign.class).entries()).singleElement()
                .satisfies(e -> assertThat(e.source()).isEqualTo(liar.id));
        Client second = new Client(5003);
        second.send(new Join("e.ogg"));
        assertThat(second.next(Assign.class).entries()).singleElement()
                .satisfies(e -> assertThat(e.source()).isEqualTo(source.id));
    }

    /** No assignment reaches the client within 300 ms of its last message. */
    private static void noAssign(Client c) throws InterruptedException {
        IcetMessage more;
        while ((more = c.inbox.poll(300, TimeUnit.MILLISECONDS)) != null) {
            assertThat(more).isNotInstanceOf(Assign.class);
        }
    }

    @Test
    void aProvenHolderIsBannedOnlyWhenIndependentMembersReportIt() throws Exception {
        Manifest m = manifest("c.ogg", 1, 2);
        Client source = new Client(5000);
        source.send(new Publish(m));
        source.next(Published.class);
        Client holder = new Client(5001);
        holder.send(new Join("c.ogg"));
        holder.next(Assign.class);
        holder.send(new Verified(m.id(), 0, source.id, m.piece(0).hash()));
        // a member it was assigned to verifies the piece from it: now it holds the piece on evidence
        Client first = new Client(5002);
        first.send(new Join("c.ogg"));
        assertThat(first.next(Assign.class).entries()).singleElement()
                .satisfies(e -> assertThat(e.source()).isEqualTo(holder.id));
        first.send(new Verified(m.id(), 0, holder.id, m.piece(0).hash()));
        await().until(() -> tracker.content("c.ogg").orElseThrow().totalUploaded() == 2000);

        // a report from a member never assigned the piece from it does not count at all
        Client bystander = new Client(5003);
        bystander.send(new BadPiece(m.id(), 0, holder.id, "made up"));

        // proven holders are preferred to the source and to mere candidates: each newcomer is sent to it
        List<Client> reporters = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Client r = new Client(5010 + i);
            r.send(new Join("c.ogg"));
            assertThat(r.next(Assign.class).entries()).singleElement()
                    .satisfies(e -> assertThat(e.source()).isEqualTo(holder.id));
            reporters.add(r);
        }
        for (int i = 0; i < 3; i++) {
            Client r = reporters.get(i);
            r.send(new BadPiece(m.id(), 0, holder.id, "digest mismatch"));
            // the reporter itself stops using it at once
            assertThat(r.next(Assign.class).entries()).singleElement()
                    .satisfies(e -> assertThat(e.source()).isNotEqualTo(holder.id));
            if (i < 2) {
                assertThat(tracker.peers(m.id())).filteredOn(p -> p.id().equals(holder.id)).singleElement()
                        .as("after %d reports", i + 1).satisfies(p -> assertThat(p.banned()).isFalse());
            }
        }
        await().until(() -> tracker.peers(m.id()).stream().anyMatch(p -> p.id().equals(holder.id) && p.banned()));
        holder.send(new Join("c.ogg"));
        assertThat(holder.next(ErrorReport.class).code()).isEqualTo(ErrorCode.BANNED);
    }

    /**
     * Issue #10, attack 5: anyone could publish under a name someone else published. A name belongs to the
     * key that first published it, across a tracker restart too (the tracker's storage folder keeps it).
     */
    @Test
    void aNameBelongsToItsFirstPublisherAcrossATrackerRestart(@TempDir Path state) throws Exception {
        tracker.close();
        TrackerSettings settings = new TrackerSettings("127.0.0.1", 0, Duration.ofSeconds(60), 16, 12,
                Duration.ofSeconds(60));
        Identity trackerKey = Identity.generate();
        RarestPlanner planner = new RarestPlanner();
        tracker = new TrackerEngine(settings, List.of(transport), trackerKey, state, () -> planner);
        tracker.start();
        Identity ownerKey = Identity.generate();
        Manifest m = manifest("owned.ogg", 2, 6);
        Client owner = new Client(ownerKey, 5000, transport, tracker.address(), true);
        owner.send(new Publish(m));
        owner.next(Published.class);
        owner.connection.close("restart");
        tracker.close();

        tracker = new TrackerEngine(settings, List.of(transport), trackerKey, state, () -> planner);
        tracker.start();
        Client squatter = new Client(5001);
        squatter.send(new Publish(m));
        ErrorReport refused = squatter.next(ErrorReport.class);
        assertThat(refused.code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(refused.message()).contains("owned.ogg belongs to another publisher");
        squatter.send(new Publish(manifest("free.ogg", 1, 7)));
        assertThat(squatter.next(Published.class).name()).isEqualTo("free.ogg");

        Client back = new Client(ownerKey, 5000, transport, tracker.address(), true);
        back.send(new Publish(manifest("owned.ogg", 3, 8)));
        assertThat(back.next(Published.class).name()).as("its owner may publish a new version").isEqualTo("owned.ogg");
    }

    /**
     * Issue #14: what the tracker acknowledged or decided survives a restart on the same state store: the
     * published manifests (a live stream's registration too), who owns each name, the ratios per key and the
     * bans.
     */
    @Test
    void manifestsNamesRatiosBansAndLiveStreamsSurviveARestart(@TempDir Path state) throws Exception {
        tracker.close();
        TrackerSettings settings = new TrackerSettings("127.0.0.1", 0, Duration.ofSeconds(60), 16, 12,
                Duration.ofSeconds(60));
        Identity trackerKey = Identity.generate();
        tracker = new TrackerEngine(settings, List.of(transport), trackerKey, state, planner::get);
        tracker.start();

        Manifest m = manifest("kept.ogg", 1, 21);
        Client source = new Client(5000);
        source.send(new Publish(m));
        source.next(Published.class);
        Client holder = new Client(5001);
        holder.send(new Join("kept.ogg"));
        holder.next(Assign.class);
        holder.send(new Verified(m.id(), 0, source.id, m.piece(0).hash()));
        Client first = new Client(5002);
        first.send(new Join("kept.ogg"));
        assertThat(first.next(Assign.class).entries()).singleElement()
                .satisfies(e -> assertThat(e.source()).isEqualTo(holder.id));
        first.send(new Verified(m.id(), 0, holder.id, m.piece(0).hash()));
        await().until(() -> tracker.content("kept.ogg").orElseThrow().totalUploaded() == 2000);
        // three independent members it served report corrupt data: banned from kept.ogg
        for (int i = 0; i < 3; i++) {
            Client r = new Client(5010 + i);
            r.send(new Join("kept.ogg"));
            assertThat(r.next(Assign.class).entries()).singleElement()
                    .satisfies(e -> assertThat(e.source()).isEqualTo(holder.id));
            r.send(new BadPiece(m.id(), 0, holder.id, "digest mismatch"));
        }
        await().until(() -> tracker.peers(m.id()).stream().anyMatch(p -> p.id().equals(holder.id) && p.banned()));
        Client radio = new Client(5020);
        ContentId stream = ContentId.random();
        radio.send(new Publish(Manifest.live(stream, "radio.ogg", "audio/ogg", "ogg", "sha-256", 60_000_000L)));
        radio.next(Published.class);
        assertThat(tracker.inspect("kept.ogg", c -> tracker.ratio(holder.id), -1.0)).isEqualTo(1.0);
        for (Client c : clients) {
            c.connection.close("restart");
        }
        clients.clear();
        tracker.close();

        tracker = new TrackerEngine(settings, List.of(transport), trackerKey, state, planner::get);
        tracker.start();
        assertThat(tracker.contents()).extracting(c -> c.name()).containsExactly("kept.ogg", "radio.ogg");
        assertThat(tracker.content("kept.ogg").orElseThrow().id()).isEqualTo(m.id());
        assertThat(tracker.content("radio.ogg").orElseThrow().id()).isEqualTo(stream);
        assertThat(tracker.inspect("radio.ogg", c -> c.live(), false)).isTrue();
        assertThat(tracker.inspect("kept.ogg", c -> tracker.ratio(holder.id), -1.0)).as("1000 up, 1000 down")
                .isEqualTo(1.0);
        assertThat(tracker.inspect("kept.ogg", c -> tracker.ratio(source.id), -1.0)).as("up only")
                .isEqualTo(Double.POSITIVE_INFINITY);

        Client squatter = new Client(5030);
        squatter.send(new Publish(m));
        assertThat(squatter.next(ErrorReport.class).code()).as("the name is still its publisher's")
                .isEqualTo(ErrorCode.FORBIDDEN);
        Client banned = new Client(holder.identity, 5001, transport, tracker.address(), true);
        banned.send(new Join("kept.ogg"));
        assertThat(banned.next(ErrorReport.class).code()).isEqualTo(ErrorCode.BANNED);
        Client listener = new Client(5031);
        listener.send(new Join("radio.ogg"));
        assertThat(listener.next(Joined.class).manifest().publisher()).as("the stream, with nobody in it yet")
                .isEqualTo(radio.id);
        Client back = new Client(source.identity, 5000, transport, tracker.address(), true);
        back.send(new Publish(m));
        assertThat(back.next(Published.class).name()).isEqualTo("kept.ogg");
    }

    /** Issue #10: a client's joins, publications and reports are rate-limited, and every refusal is counted. */
    @Test
    void joinsBeyondTheAllowanceAreAnsweredBusyInOrder() throws Exception {
        Client greedy = new Client(5000);
        int n = 200;
        for (int i = 0; i < n; i++) {
            greedy.send(new Join("nothing-" + i + ".ogg"));
        }
        int unknown = 0;
        int busy = 0;
        for (int i = 0; i < n; i++) {
            ErrorReport answer = greedy.next(ErrorReport.class);
            if (answer.code() == ErrorCode.BUSY) {
                assertThat(i).as("the allowance starts with a burst").isGreaterThanOrEqualTo(
                        (int) ClientSession.JOINS_BURST);
                busy++;
            } else {
                assertThat(answer.code()).isEqualTo(ErrorCode.UNKNOWN_CONTENT);
                unknown++;
            }
        }
        assertThat(unknown).isGreaterThanOrEqualTo((int) ClientSession.JOINS_BURST);
        assertThat(busy).isPositive();
        assertThat(tracker.refusals().counts()).containsEntry("join-rate", (long) busy);
        assertThat(greedy.closedReason).as("a greedy client is slowed down, not closed").isNull();
    }

    @Test
    void unfoundedAndExcessReportsAreCountedAndChangeNothing() throws Exception {
        Manifest m = manifest("reported.ogg", 4, 9);
        Client source = new Client(5000);
        source.send(new Publish(m));
        source.next(Published.class);
        Client accuser = new Client(5001);
        accuser.send(new Join("reported.ogg"));
        accuser.next(Joined.class);
        // it says it has every piece: nothing is assigned to it, so no report of it can be founded
        for (int i = 0; i < 4; i++) {
            accuser.send(new Verified(m.id(), i, source.id, m.piece(i).hash()));
        }
        int n = 3_000;
        for (int i = 0; i < n; i++) {
            accuser.send(new BadPiece(m.id(), i % 4, source.id, "made up"));
        }
        await().until(() -> tracker.refusals().count("unfounded-report")
                + tracker.refusals().count("report-rate") == n);
        assertThat(tracker.refusals().count("report-rate")).isPositive();
        assertThat(tracker.peers(m.id())).filteredOn(p -> p.id().equals(source.id)).singleElement()
                .satisfies(p -> assertThat(p.banned()).isFalse());
        Client fan = new Client(5002);
        fan.send(new Join("reported.ogg"));
        fan.next(Joined.class);
        assertThat(fan.next(Assign.class).entries()).isNotEmpty();
    }

    @Test
    void aClientThatFloodsFasterThanTheTrackerHandlesIsClosed() throws Exception {
        Client flood = new Client(5000);
        Client calm = new Client(5001);
        CountDownLatch busy = new CountDownLatch(1);
        tracker.execute(() -> {
            try {
                busy.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        for (int i = 0; i <= ClientSession.MAX_PENDING; i++) {
            flood.send(new Ping(i));
        }
        await().until(() -> flood.closedReason != null);
        busy.countDown();
        assertThat(tracker.refusals().counts()).containsEntry("flood", 1L);
        calm.send(new Ping(7));
        assertThat(calm.next(Pong.class).nonce()).isEqualTo(7);
    }

    @Test
    void refusalsAreAnsweredInOrder() throws Exception {
        Client a = new Client(5000);
        a.send(new Join("nothing.ogg"));
        ErrorReport unknown = a.next(ErrorReport.class);
        assertThat(unknown.code()).isEqualTo(ErrorCode.UNKNOWN_CONTENT);
        assertThat(unknown.message()).contains("no content named nothing.ogg");

        a.send(new Publish(manifest("c.ogg", 3, 1)));
        a.next(Published.class);
        a.send(new Publish(manifest("c.ogg", 3, 2)));
        assertThat(a.next(ErrorReport.class).code()).isEqualTo(ErrorCode.CONFLICT);

        Manifest good = manifest("d.ogg", 3, 1);
        Manifest forged = new Manifest(good.id(), "d.ogg", "audio/ogg", "ogg", "sha-256", 3000, 1,
                manifest("d.ogg", 3, 9).pieces());
        a.send(new Publish(forged));
        assertThat(a.next(ErrorReport.class).code()).isEqualTo(ErrorCode.INVALID);
        assertThat(a.connection.isOpen()).isTrue();
    }

    @Test
    void aPublicationWhoseSignatureDoesNotCheckIsRefused() throws Exception {
        Client a = new Client(5000);
        Manifest good = signed(manifest("signed.ogg", 3, 1), a.identity);
        // a piece hash changed after signing, the signature kept (the id is derived again, so only the
        // signature can tell)
        Manifest changed = manifest("signed.ogg", 3, 2).signed(good.publisherKey(), good.signature());
        a.send(new Publish(changed));
        ErrorReport bad = a.next(ErrorReport.class);
        assertThat(bad.code()).isEqualTo(ErrorCode.INVALID);
        assertThat(bad.message()).contains("signed.ogg").contains("not validly signed");
        assertThat(tracker.refusals().count("publish-bad-signature")).isEqualTo(1);
        a.send(new Join("signed.ogg"));
        assertThat(a.next(ErrorReport.class).code()).as("nothing was registered").isEqualTo(ErrorCode.UNKNOWN_CONTENT);
        a.send(new Publish(good));
        assertThat(a.next(Published.class).name()).isEqualTo("signed.ogg");
        assertThat(a.connection.isOpen()).isTrue();
    }

    @Test
    void aMemberThatJoinsAgainIsPlannedAfreshAtOnce() throws Exception {
        // a peer that refused the manifest it was sent (IceT 4) joins again later on the same connection:
        // what was assigned to it before is void, so it is assigned again now, not after the timeout
        Manifest m = manifest("again.ogg", 3, 4);
        Client source = new Client(5000);
        source.send(new Publish(m));
        source.next(Published.class);
        Client b = new Client(5001);
        b.send(new Join("again.ogg"));
        b.next(Joined.class);
        assertThat(b.next(Assign.class).entries()).hasSize(3);
        b.send(new Leave(ContentId.random()));
        b.send(new Join("again.ogg"));
        b.next(Joined.class);
        assertThat(b.next(Assign.class).entries()).extracting(Assign.Entry::piece).containsExactlyInAnyOrder(0, 1, 2);
    }

    @Test
    void aManifestSignedWithAnotherKeyThanTheConnectionsIsRefused() throws Exception {
        Client a = new Client(5000);
        Identity someoneElse = Identity.generate();
        Manifest theirs = signed(manifest("theirs.ogg", 2, 3), someoneElse);
        assertThat(theirs.signatureValid()).as("a valid signature, of someone else").isTrue();
        a.send(new Publish(theirs));
        ErrorReport refused = a.next(ErrorReport.class);
        assertThat(refused.code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(refused.message()).contains(someoneElse.id().toHex()).contains(a.id.toHex());
        assertThat(tracker.refusals().count("publish-bad-signature")).isEqualTo(1);
        a.send(new Join("theirs.ogg"));
        assertThat(a.next(ErrorReport.class).code()).isEqualTo(ErrorCode.UNKNOWN_CONTENT);
    }

    @Test
    void liveAnnouncementsMustBeSignedByTheStreamsPublisherAndArePassedOnSigned() throws Exception {
        Client source = new Client(5000);
        ContentId stream = ContentId.random();
        Manifest live = Manifest.live(stream, "radio.ogg", "audio/ogg", "ogg", "sha-256", 60_000_000L);
        source.send(new Publish(live));
        source.next(Published.class);
        Client listener = new Client(5001);
        listener.send(new Join("radio.ogg"));
        assertThat(listener.next(Joined.class).manifest().publisher()).isEqualTo(source.id);

        ChainLink link = new ChainLink(0, 0, 0, 0, -1, "vorbis");
        Announce.Link headers = new Announce.Link(link, ByteBuffer.wrap(new byte[] {'O', 'g', 'g', 'S'}));
        Announce.Entry piece = new Announce.Entry(new PieceInfo(0, 0, 100, hash(0, 1), 0, 20_000, true, 0), 1L);
        // signed by another key (the tracker's own, say): refused, passed on to nobody
        Identity other = Identity.generate();
        source.send(new Announce(stream, List.of(signed(stream, piece, other)), List.of(signed(stream, headers,
                source.identity)), true));
        ErrorReport refused = source.next(ErrorReport.class);
        assertThat(refused.code()).isEqualTo(ErrorCode.INVALID);
        assertThat(refused.message()).contains("piece 0 is not signed by the stream's publisher");
        assertThat(tracker.refusals().count("announce-bad-signature")).isEqualTo(1);

        source.send(new Announce(stream, List.of(signed(stream, piece, source.identity)), List.of(signed(stream,
                headers, source.identity)), true));
        Announce passed = listener.next(Announce.class);
        assertThat(passed.entries()).singleElement().satisfies(e -> {
            assertThat(e.piece()).isEqualTo(piece.piece());
            assertThat(e.signatureValid(stream, source.identity.publicKey())).isTrue();
        });
        assertThat(passed.links()).singleElement().satisfies(l ->
                assertThat(l.signatureValid(stream, source.identity.publicKey())).isTrue());
        assertThat(tracker.refusals().count("announce-bad-signature")).isEqualTo(1);
    }

    /**
     * IceT 6: a live source's out-of-band title change is passed on unchanged to the members that speak
     * version 6, and to those who join later, but never to a version 5 member (it would take the new type for
     * a malformed frame); one not signed by the stream's publisher is refused and passed on to nobody.
     */
    @Test
    void titleChangesArePassedOnSignedToMembersOnIceT6Only() throws Exception {
        Client source = new Client(5000);
        ContentId stream = ContentId.random();
        source.send(new Publish(Manifest.live(stream, "radio.ogg", "audio/ogg", "ogg", "sha-256", 60_000_000L)));
        source.next(Published.class);
        Client listener = new Client(5001);
        listener.send(new Join("radio.ogg"));
        listener.next(Joined.class);
        Client old = new Client(Identity.generate(), 5002, transport, tracker.address(), false);
        byte[] nonce = new byte[32];
        nonce[0] = 5;
        old.send(new Hello(5, Role.CLIENT, old.id, "", 5002, "old", List.of(new Endpoint("tcp", 5002)),
                old.identity.publicKey(), nonce));
        old.send(new Auth(old.identity.sign(Auth.signedBytes(old.trackers.nonce(), nonce, Role.CLIENT))));
        old.next(Auth.class);
        old.send(new Join("radio.ogg"));
        old.next(Joined.class);

        Metadata title = new Metadata(stream, 12_500_000L, "News", "Radio");
        source.send(title.signed(Identity.generate().sign(title.signable())));
        assertThat(source.next(ErrorReport.class).code()).isEqualTo(ErrorCode.INVALID);
        assertThat(tracker.refusals().count("metadata-bad-signature")).isEqualTo(1);

        Metadata signed = title.signed(source.identity.sign(title.signable()));
        source.send(signed);
        Metadata passed = listener.next(Metadata.class);
        assertThat(passed).isEqualTo(signed);
        assertThat(passed.signatureValid(source.identity.publicKey())).isTrue();

        Client late = new Client(5003);
        late.send(new Join("radio.ogg"));
        assertThat(late.next(Metadata.class)).isEqualTo(signed);

        // the version 5 member: the next announcement comes with no title change before it
        ChainLink link = new ChainLink(0, 0, 0, 0, -1, "vorbis");
        source.send(new Announce(stream, List.of(signed(stream, new Announce.Entry(new PieceInfo(0, 0, 100, hash(0, 1),
                0, 20_000, true, 0), 1L), source.identity)), List.of(signed(stream, new Announce.Link(link,
                        ByteBuffer.wrap(new byte[] {'O', 'g', 'g', 'S'})), source.identity)), true));
        IcetMessage m;
        while (!((m = old.next()) instanceof Announce)) {
            assertThat(m).isNotInstanceOf(Metadata.class);
        }
        assertThat(old.closedReason).isNull();
    }

    /**
     * A live source sends each piece as soon as it is cut, even when every member's window of assignments is
     * full of pieces waiting elsewhere: with a window of 1, two listeners each wait on one piece, and the
     * third piece still goes out from the source to one of them. (It used to wait until a window had room,
     * and a source near the stream's bitrate never caught up with the time it idled.)
     */
    @Test
    void aLiveSourceSendsEachFreshPieceEvenWhenEveryWindowIsFull() throws Exception {
        tracker.close();
        tracker = new TrackerEngine(new TrackerSettings("127.0.0.1", 0, Duration.ofSeconds(60), 1, 12,
                Duration.ofSeconds(60)), List.of(transport), planner::get);
        tracker.start();
        Client source = new Client(5000);
        ContentId stream = ContentId.random();
        source.send(new Publish(Manifest.live(stream, "radio.ogg", "audio/ogg", "ogg", "sha-256", 60_000_000L)));
        source.next(Published.class);
        List<Client> listeners = List.of(new Client(5001), new Client(5002));
        for (Client c : listeners) {
            c.send(new Join("radio.ogg"));
            c.next(Joined.class);
        }
        Announce.Link headers = signed(stream, new Announce.Link(new ChainLink(0, 0, 0, 0, -1, "vorbis"),
                ByteBuffer.wrap(new byte[] {'O', 'g', 'g', 'S'})), source.identity);
        java.util.Map<Integer, PeerId> assigned = new java.util.concurrent.ConcurrentHashMap<>();
        for (int i = 0; i < 3; i++) {
            Announce.Entry piece = signed(stream, new Announce.Entry(new PieceInfo(i, i * 100L, 100, hash(i, 7),
                    i * 500_000L, (i + 1) * 500_000L, true, 0), 1L), source.identity);
            source.send(new Announce(stream, List.of(piece), i == 0 ? List.of(headers) : List.of(), true));
            int expected = i + 1;
            // nobody verifies anything: the windows stay full of what was assigned
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                for (Client c : listeners) {
                    for (IcetMessage msg; (msg = c.inbox.poll()) != null;) {
                        if (msg instanceof Assign a) {
                            a.entries().forEach(e -> assigned.put(e.piece(), e.source()));
                        }
                    }
                }
                return assigned.size() >= expected;
            });
        }
        assertThat(assigned).as("every piece assigned once, from the source").containsOnlyKeys(0, 1, 2)
                .allSatisfy((piece, from) -> assertThat(from).isEqualTo(source.id));
    }

    /**
     * With a bound of 2, six members fetch a file: each is sent only to the source and its neighbours, the
     * neighbourhoods stay bounded and symmetric, and a member that leaves is nobody's neighbour any more while
     * its ex-neighbours find others.
     */
    @Test
    void membersAreSentOnlyToTheSourceAndTheirBoundedSymmetricNeighbourhood() throws Exception {
        tracker.close();
        tracker = new TrackerEngine(new TrackerSettings("127.0.0.1", 0, Duration.ofSeconds(60), 16, 12,
                Duration.ofSeconds(60)).withMaxNeighbours(2), List.of(transport), planner::get);
        tracker.start();
        Manifest m = manifest("n.ogg", 6, 3);
        Client source = new Client(5000);
        source.send(new Publish(m));
        source.next(Published.class);
        List<Client> peers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Client c = new Client(5001 + i);
            c.send(new Join("n.ogg"));
            c.next(Joined.class);
            peers.add(c);
        }
        // every member verifies what it is assigned, from the member it was sent to, until all hold the file
        java.util.Map<PeerId, Set<PeerId>> servedBy = new java.util.HashMap<>();
        java.util.Map<PeerId, Set<Integer>> held = new java.util.HashMap<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (Client c : peers) {
                for (IcetMessage msg; (msg = c.inbox.poll()) != null;) {
                    if (msg instanceof Assign a) {
                        for (Assign.Entry e : a.entries()) {
                            servedBy.computeIfAbsent(c.id, k -> new HashSet<>()).add(e.source());
                            held.computeIfAbsent(c.id, k -> new HashSet<>()).add(e.piece());
                            c.send(new Verified(m.id(), e.piece(), e.source(), m.piece(e.piece()).hash()));
                        }
                    }
                }
            }
            return peers.stream().allMatch(c -> held.getOrDefault(c.id, Set.of()).size() == 6);
        });
        java.util.Map<PeerId, Set<PeerId>> neighbours = tracker.inspect("n.ogg", NeighbourhoodsTestSupport::sets,
                java.util.Map.of());
        assertThat(neighbours).hasSize(7);
        assertThat(neighbours.get(source.id)).as("the source is outside every neighbourhood").isEmpty();
        for (Client c : peers) {
            Set<PeerId> mine = neighbours.get(c.id);
            assertThat(mine).hasSizeBetween(1, 2).doesNotContain(source.id);
            mine.forEach(n -> assertThat(neighbours.get(n)).as("symmetric").contains(c.id));
            Set<PeerId> allowed = new HashSet<>(mine);
            allowed.add(source.id);
            assertThat(allowed).as("servers of " + c.id.shortHex()).containsAll(servedBy.get(c.id));
        }
        assertThat(servedBy.values().stream().flatMap(Set::stream).filter(p -> !p.equals(source.id)))
                .as("the swarm served most of the file, not the source").hasSizeGreaterThan(0);

        Client leaver = peers.get(0);
        Set<PeerId> before = neighbours.get(leaver.id);
        leaver.send(new Leave(m.id()));
        await().until(() -> tracker.inspect("n.ogg", c -> !c.members.containsKey(leaver.id), false));
        java.util.Map<PeerId, Set<PeerId>> after = tracker.inspect("n.ogg", NeighbourhoodsTestSupport::sets,
                java.util.Map.of());
        assertThat(after).doesNotContainKey(leaver.id);
        after.values().forEach(set -> assertThat(set).doesNotContain(leaver.id).hasSizeLessThanOrEqualTo(2));
        assertThat(before).isNotEmpty();
    }

    @Test
    void silentClientsExpireAndLeaveTheirSwarm() throws Exception {
        tracker.close();
        startTracker(Duration.ofMillis(800));
        Manifest m = manifest("e.ogg", 2, 1);
        Client source = new Client(5000);
        source.send(new Publish(m));
        source.next(Published.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> source.closedReason != null);
        assertThat(source.closedReason).contains("closed by peer");
        await().until(() -> tracker.content("e.ogg").orElseThrow().peers() == 0);
    }

    @Test
    void theTrackerPlansWithTheUploadCapAPeerReports() throws Exception {
        Manifest m = manifest("capped.ogg", 10, 2);
        Client source = new Client(5000);
        // 500 B/s moves one 1000-byte piece in the 2 s planning horizon: one assignment at a time
        source.send(new Rates(500, 0, 0, 0));
        source.send(new Publish(m));
        source.next(Published.class);
        Client b = new Client(5001);
        b.send(new Join("capped.ogg"));
        b.next(Joined.class);
        Assign first = b.next(Assign.class);
        assertThat(first.entries()).as("a capped source serves one piece at a time").hasSize(1);
        TrackedPeer tracked = tracker.peers(m.id()).stream().filter(p -> p.id().equals(source.id)).findFirst()
                .orElseThrow();
        assertThat(tracked.uploadCap()).isEqualTo(500);

        // the same with no cap: the source gets the whole window at once
        Manifest free = manifest("free.ogg", 10, 3);
        Client other = new Client(5002);
        other.send(new Publish(free));
        other.next(Published.class);
        Client c = new Client(5003);
        c.send(new Join("free.ogg"));
        c.next(Joined.class);
        assertThat(c.next(Assign.class).entries()).hasSize(10);
    }

    @Test
    void servingSlotsFollowTheCap() {
        ClientSession s = new ClientSession(tracker);
        assertThat(s.servingSlots(256 * 1024, 12)).as("no cap").isEqualTo(12);
        s.uploadCap = 256 * 1024;
        assertThat(s.servingSlots(256 * 1024, 12)).as("two pieces in 2 s").isEqualTo(2);
        s.uploadCap = 1;
        assertThat(s.servingSlots(256 * 1024, 12)).as("at least one").isEqualTo(1);
        s.uploadCap = 100L * 1024 * 1024;
        assertThat(s.servingSlots(256 * 1024, 12)).as("never above maxServing").isEqualTo(12);
    }

    @Test
    void aLaterHelloUpdatesTheClientsEndpointsForThoseWhoKnowIt() throws Exception {
        Manifest m = manifest("h.ogg", 2, 1);
        Client a = new Client(5000);
        a.send(new Publish(m));
        a.next(Published.class);
        Client b = new Client(5001);
        b.send(new Join("h.ogg"));
        b.next(Joined.class);
        assertThat(b.next(Peers.class).peers()).singleElement()
                .satisfies(p -> assertThat(p.endpoints()).containsExactly(new Endpoint("tcp", 5000)));
        // a's transports changed: it now prefers tls on 6000 and keeps tcp on 5000
        List<Endpoint> now = List.of(new Endpoint("tls", 6000), new Endpoint("tcp", 5000));
        a.send(a.handshake.hello("test", now));
        PeerInfo updated = b.next(Peers.class).peers().get(0);
        assertThat(updated.id()).isEqualTo(a.id);
        assertThat(updated.endpoints()).isEqualTo(now);
        assertThat(updated.port()).isEqualTo(6000);
    }

    @Test
    void theTrackerTellsItsEndpointsAndAddsATransportAtRunTime() throws Exception {
        Client a = new Client(5000);
        assertThat(tracker.endpoints()).extracting(Endpoint::transport).containsExactly("tcp");
        try (NettyTransport second = new NettyTransport("alt", TransportSettings.DEFAULTS, null)) {
            tracker.addTransport(second);
            Hello again = a.next(Hello.class);
            assertThat(again.endpoints()).extracting(Endpoint::transport).containsExactly("tcp", "alt");
            int altPort = again.endpoints().get(1).port();
            // a client over the second transport is served like any other
            Client overAlt = new Client(5001, second, new InetSocketAddress("127.0.0.1", altPort));
            assertThat(overAlt.connection.transport()).isEqualTo("alt");
            tracker.removeTransport(second);
            await().atMost(Duration.ofSeconds(30)).until(() -> overAlt.closedReason != null);
            assertThat(overAlt.closedReason).contains("closed by peer");
            assertThat(a.next(Hello.class).endpoints()).extracting(Endpoint::transport).containsExactly("tcp");
        }
    }

    @Test
    void aSecondHelloFromAnotherClientIsAProtocolError() throws Exception {
        Client a = new Client(5000);
        a.send(new Handshake(Identity.generate(), Role.CLIENT, Role.TRACKER).hello("someone else",
                List.of(new Endpoint("tcp", 5000))));
        assertThat(a.next(ErrorReport.class).code()).isEqualTo(ErrorCode.PROTOCOL);
        await().until(() -> a.closedReason != null);
        assertThat(tracker.address()).isNotNull();
        InetSocketAddress still = tracker.address();
        Client b = new Client(5001);
        assertThat(b.connection.remoteAddress().getPort()).isEqualTo(still.getPort());
    }

    /**
     * Issue #10, attack 4: a HELLO carrying another client's id (here even its public key, which anyone
     * who talked to it has seen) took the victim's session over. Now the impostor cannot prove the key, is
     * refused, and the victim keeps its session.
     */
    @Test
    void anImpostorWithAnothersKeyCannotTakeItsSessionOver() throws Exception {
        Manifest m = manifest("victim.ogg", 3, 4);
        Client victim = new Client(5000);
        victim.send(new Publish(m));
        victim.next(Published.class);

        // 1. its key in a Hello, then a made-up proof
        Identity stolenKeyOnly = victim.identity;
        Client impostor = new Client(Identity.generate(), 5001, transport, tracker.address(), false);
        impostor.send(Hello.of(Role.CLIENT, stolenKeyOnly.publicKey(), new byte[32], "impostor",
                List.of(new Endpoint("tcp", 5001))));
        impostor.send(new Auth(new byte[64]));
        ErrorReport refused = impostor.next(ErrorReport.class);
        assertThat(refused.code()).isEqualTo(ErrorCode.PROTOCOL);
        await().atMost(Duration.ofSeconds(30)).until(() -> impostor.closedReason != null);

        // 2. its key in a Hello, then straight to business without a proof
        Client rude = new Client(Identity.generate(), 5002, transport, tracker.address(), false);
        rude.send(Hello.of(Role.CLIENT, stolenKeyOnly.publicKey(), new byte[32], "rude", List.of()));
        rude.send(new Join("victim.ogg"));
        assertThat(rude.next(ErrorReport.class).message()).contains("before the handshake");
        await().atMost(Duration.ofSeconds(30)).until(() -> rude.closedReason != null);

        // the victim was never kicked: it still has its session and its content
        assertThat(victim.closedReason).isNull();
        assertThat(tracker.peers(m.id())).extracting(TrackedPeer::id).containsExactly(victim.id);
        Client fan = new Client(5003);
        fan.send(new Join("victim.ogg"));
        fan.next(Joined.class);
        assertThat(fan.next(Peers.class).peers()).extracting(PeerInfo::id).containsExactly(victim.id);
    }

    /**
     * Issue #10, attack 1: a liar's Hello named a host and port of someone else's, and honest peers were
     * sent there. Now the tracker sends others the address a client connected from, whatever its Hello says.
     */
    @Test
    void theAddressOthersAreSentIsWhereTheClientConnectedFromNeverItsClaim() throws Exception {
        Manifest m = manifest("where.ogg", 2, 5);
        Identity liar = Identity.generate();
        Client source = new Client(liar, 5000, transport, tracker.address(), false);
        byte[] nonce = new byte[32];
        nonce[0] = 42;
        source.send(new Hello(IcetMessage.PROTOCOL_VERSION, Role.CLIENT, liar.id(), "victim.example.org", 5000, "test",
                List.of(new Endpoint("tcp", 5000)), liar.publicKey(), nonce));
        source.send(new Auth(liar.sign(Auth.signedBytes(source.trackers.nonce(), nonce, Role.CLIENT))));
        source.next(Auth.class);
        source.send(new Publish(m));
        source.next(Published.class);
        Client b = new Client(5001);
        b.send(new Join("where.ogg"));
        b.next(Joined.class);
        PeerInfo told = b.next(Peers.class).peers().get(0);
        assertThat(told.id()).isEqualTo(liar.id());
        assertThat(told.host()).as("not the host its Hello named").isEqualTo("127.0.0.1");
    }

    /** The neighbour sets of a content's members, by id. */
    static final class NeighbourhoodsTestSupport {
        static java.util.Map<PeerId, Set<PeerId>> sets(Content c) {
            java.util.Map<PeerId, Set<PeerId>> out = new java.util.HashMap<>();
            c.members.values().forEach(mm -> {
                Set<PeerId> ids = new HashSet<>();
                mm.neighbours.forEach(n -> ids.add(n.id));
                out.put(mm.id, ids);
            });
            return out;
        }
    }
}
