package org.iceshare.tracker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.iceshare.api.swarm.Bitfield;
import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.swarm.PeerInfo;
import org.junit.jupiter.api.Test;

/** The bounded, symmetric neighbourhoods the tracker plans within. */
class NeighbourhoodsTest {
    private final List<Member> members = new ArrayList<>();
    private long now = 1_000_000_000L;

    private Member member(boolean source, boolean serves) {
        ClientSession s = new ClientSession(null);
        s.id = PeerId.random();
        s.info = serves ? new PeerInfo(s.id, "127.0.0.1", 5000 + members.size(),
                List.of(new Endpoint("tcp", 5000 + members.size()))) : null;
        Member m = new Member(s, Member.Held.of(new Bitfield(8)), Member.Held.of(new Bitfield(8)),
                Member.Held.of(new Bitfield(8)), source);
        members.add(m);
        return m;
    }

    /** Every member joins in turn and is filled as its first plan would. */
    private List<Member> join(Neighbourhoods n, int count) {
        List<Member> joined = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Member m = member(false, true);
            n.fill(m, members, now);
            joined.add(m);
        }
        return joined;
    }

    private static void assertBoundedAndSymmetric(List<Member> all, int max) {
        for (Member m : all) {
            assertThat(m.neighbours).as("bounded").hasSizeLessThanOrEqualTo(max).doesNotContain(m);
            for (Member n : m.neighbours) {
                assertThat(n.neighbours).as("symmetric").contains(m);
                assertThat(n.source).as("the source is outside every neighbourhood").isFalse();
            }
        }
    }

    @Test
    void aFlashCrowdGetsBoundedSymmetricNeighbourhoodsOfAtLeastHalfTheBound() {
        Neighbourhoods n = new Neighbourhoods(6, new Random(1));
        Member source = member(true, true);
        List<Member> peers = join(n, 100);
        assertBoundedAndSymmetric(members, 6);
        // the late joiners found everyone full and took places from members with more than half the bound
        assertThat(peers).allSatisfy(m -> assertThat(m.neighbours).hasSizeGreaterThanOrEqualTo(3));
        assertThat(source.neighbours).isEmpty();
        assertThat(peers).allSatisfy(m -> {
            assertThat(m.mayFetchFrom(source)).as("the source is always allowed").isTrue();
            for (Member other : peers) {
                assertThat(m.mayFetchFrom(other)).isEqualTo(m.neighbours.contains(other));
            }
        });
    }

    @Test
    void aSmallSwarmIsFullyConnectedAndASwarmOfTwoHundredKeepsTheBound() {
        Neighbourhoods small = new Neighbourhoods(32, new Random(2));
        List<Member> few = join(small, 10);
        assertThat(few).allSatisfy(m -> assertThat(m.neighbours).hasSize(9));
        members.clear();
        Neighbourhoods big = new Neighbourhoods(32, new Random(3));
        List<Member> many = join(big, 200);
        assertBoundedAndSymmetric(many, 32);
        assertThat(many).allSatisfy(m -> assertThat(m.neighbours).hasSizeGreaterThanOrEqualTo(16));
    }

    @Test
    void whoLeavesIsForgottenAndItsNeighboursAreFilledAgain() {
        Neighbourhoods n = new Neighbourhoods(4, new Random(4));
        List<Member> peers = join(n, 12);
        Member leaver = peers.get(0);
        List<Member> before = new ArrayList<>(leaver.neighbours);
        assertThat(before).isNotEmpty();
        members.remove(leaver);
        n.forget(leaver);
        assertThat(leaver.neighbours).isEmpty();
        assertThat(members).allSatisfy(m -> assertThat(m.neighbours).doesNotContain(leaver));
        // its ex-neighbours look again at once (not after the fill interval)
        for (Member m : before) {
            n.fill(m, members, now);
        }
        assertBoundedAndSymmetric(members, 4);
        assertThat(before).allSatisfy(m -> assertThat(m.neighbours).hasSizeGreaterThanOrEqualTo(2));
    }

    @Test
    void aNeighbourNeitherSideCanUseIsSwappedUnlessSomethingIsOutstanding() {
        Neighbourhoods n = new Neighbourhoods(4, new Random(5));
        List<Member> peers = join(n, 3);
        Member a = peers.get(0);
        Member b = peers.get(1);
        Member c = peers.get(2);
        assertThat(a.neighbours).containsExactlyInAnyOrder(b, c);
        // a shuns b, and b was demoted: b serves nobody, and a is of no use to b ... unless b fetches from a
        a.shun(b.id);
        b.demoted = true;
        a.assigned.put(0, new Member.Assigned(c.id, now));
        n.refresh(members);
        assertThat(a.neighbours).as("b may still fetch from a: kept").contains(b);
        a.session.info = null;
        c.demoted = true;
        n.refresh(members);
        assertThat(a.neighbours).as("nobody serves anybody between a and b: split").doesNotContain(b)
                .as("an assignment is outstanding between a and c: kept").contains(c);
        assertThat(b.neighbours).doesNotContain(a);
        a.assigned.clear();
        n.refresh(members);
        assertThat(a.neighbours).isEmpty();
    }

    @Test
    void aNewcomerIsGivenMembersThatHoldPiecesFirst() {
        Neighbourhoods n = new Neighbourhoods(4, new Random(7));
        for (int i = 0; i < 6; i++) {
            member(false, true);
        }
        members.get(3).have.add(0);
        members.get(3).have.add(1);
        members.get(5).claimed.add(2);
        Member newcomer = member(false, true);
        n.fill(newcomer, members, now);
        assertThat(newcomer.neighbours).containsExactlyInAnyOrder(members.get(3), members.get(5));
    }

    @Test
    void aMemberIsFilledAtMostOncePerIntervalWhileItsSetIsNotFull() {
        Neighbourhoods n = new Neighbourhoods(8, new Random(6));
        Member first = join(n, 1).get(0);
        assertThat(first.neighbours).isEmpty();
        member(false, true);
        n.fill(first, members, now);
        assertThat(first.neighbours).as("looked a moment ago").isEmpty();
        now += Neighbourhoods.FILL_INTERVAL_NANOS;
        n.fill(first, members, now);
        assertThat(first.neighbours).hasSize(1);
    }
}
