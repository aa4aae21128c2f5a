package org.iceshare.itests.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.iceshare.api.icet.Announce;
import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.icet.Joined;
import org.iceshare.api.peer.ConnectionInfo;
import org.iceshare.api.peer.LiveFeed;
import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PieceInfo;
import org.iceshare.api.swarm.Signatures;
import org.iceshare.core.internal.peer.PeerEngine;
import org.iceshare.core.internal.storage.LiveWindow;
import org.iceshare.engine.internal.Identity;
import org.iceshare.media.ogg.internal.OggFormat;
import org.iceshare.tracker.internal.TrackerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue "Trust nobody": a compromised tracker (its process is the attacker's, the publisher's key is
 * not) cannot swap content unnoticed. It hands out a manifest with a changed piece hash under the
 * publisher's signature, or one re-signed with its own key; it slips forged pieces into a live stream's
 * announcements. Peers refuse all of it, fetch and play nothing of it, and the honest content still
 * arrives byte-identical.
 */
class CompromisedTrackerTest {
    @TempDir
    Path tmp;

    @Test
    void aSwappedManifestIsRefusedAndNothingOfItIsFetchedWhileTheHonestOneStillArrives() throws Exception {
        Path media = TestMedia.vorbis(20, 2);
        List<CompromisedTransport> rogue = new ArrayList<>();
        try (SwarmFixture swarm = new SwarmFixture(tmp, TrackerSettings.loopback(), List.of(new OggFormat(32 * 1024)),
                SwarmFixture.LOOPBACK_SWARM, t -> add(rogue, new CompromisedTransport(t)))) {
            CompromisedTransport tracker = rogue.get(0);
            PeerEngine source = swarm.addPeer("source");
            IcetUrl pinned = source.publish(media, "song.ogg", null).toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertThat(pinned.publisher()).as("publishing gives the pinned URL").contains(source.id());
            IcetUrl plain = pinned.withPublisher(null);
            Identity mallory = Identity.generate();
            PeerEngine victim = swarm.addPeer("victim");

            // a piece hash changed, the publisher's signature kept (the id is derived again, so only the
            // signature can tell)
            tracker.rewrite(m -> m instanceof Joined j ? new Joined(changedHash(j.manifest())) : m);
            assertThatThrownBy(() -> victim.get(plain).toCompletableFuture().get(30, TimeUnit.SECONDS))
                    .hasMessageContaining("song.ogg").hasMessageContaining("signature does not check");

            // changed and re-signed with the tracker's own key: the pinned URL names the real publisher
            tracker.rewrite(m -> m instanceof Joined j ? new Joined(signed(changedHash(j.manifest()), mallory)) : m);
            assertThatThrownBy(() -> victim.get(pinned).toCompletableFuture().get(30, TimeUnit.SECONDS))
                    .hasMessageContaining("signed by publisher " + mallory.id().toHex())
                    .hasMessageContaining("the URL pins publisher " + source.id().toHex());

            // nothing of the refused manifests was used: no swarm, no store, no peer asked for a piece
            assertThat(victim.swarms()).isEmpty();
            assertThat(contents(tmp.resolve("victim"))).isEmpty();
            assertThat(victim.connections()).noneMatch(c -> c.kind() == ConnectionInfo.Kind.PEER);

            // the tracker honest again: the same peer gets the real content, byte-identical
            tracker.rewrite(UnaryOperator.identity());
            ContentId id = victim.get(plain).toCompletableFuture().get(30, TimeUnit.SECONDS).content();
            await().atMost(Duration.ofSeconds(60)).until(() -> victim.swarm(id).orElseThrow().state()
                    == SwarmStatus.State.COMPLETE);
            assertThat(SwarmFixture.sameBytes(media, swarm.dataFile(victim, id))).isTrue();

            // trust on first use: that join pinned the source for song.ogg on this tracker; a later manifest
            // re-signed by anyone else is refused, naming both
            assertThat(victim.stop(id)).isTrue();
            tracker.rewrite(m -> m instanceof Joined j ? new Joined(signed(j.manifest(), mallory)) : m);
            assertThatThrownBy(() -> victim.get(plain).toCompletableFuture().get(30, TimeUnit.SECONDS))
                    .hasMessageContaining("signed by publisher " + mallory.id().toHex())
                    .hasMessageContaining("first saw it published by " + source.id().toHex());
            assertThat(victim.swarms()).isEmpty();
        }
    }

    @Test
    void forgedLiveAnnouncementsAreDroppedWhileTheRealStreamKeepsPlaying() throws Exception {
        Path media = TestMedia.vorbis(50, 4);
        OggFormat format = new OggFormat(8 * 1024);
        List<CompromisedTransport> rogue = new ArrayList<>();
        Identity mallory = Identity.generate();
        AtomicInteger forged = new AtomicInteger();
        try (SwarmFixture swarm = new SwarmFixture(tmp, TrackerSettings.loopback(), List.of(format),
                SwarmFixture.LOOPBACK_SWARM, t -> add(rogue, new CompromisedTransport(t)))) {
            PeerEngine source = swarm.addPeer("source");
            LiveFeed feed = source.publishLive("radio.ogg", "audio/ogg", null, 30_000_000L).toCompletableFuture()
                    .get(60, TimeUnit.SECONDS);
            // after every real piece it passes on, the tracker announces the next one itself, with a hash of
            // its own: if a peer took it, the real piece of that index would be refused as known already
            // and fail its check, and the stream would stop
            rogue.get(0).rewrite(m -> {
                if (m instanceof Announce a && !a.entries().isEmpty()) {
                    forged.incrementAndGet();
                    return withForgedNext(a, mallory);
                }
                return m;
            });
            try (LiveFeeder feeder = new LiveFeeder(feed, media, format)) {
                feeder.start(1);
                PeerEngine listener = swarm.addPeer("listener");
                SwarmStatus joined = listener.get(feed.url()).toCompletableFuture().get(60, TimeUnit.SECONDS);
                ContentId id = joined.content();
                // 20 pieces, about 20 s of this stream (8 KiB pieces of Vorbis come about once a second)
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    SwarmStatus s = listener.swarm(id).orElseThrow();
                    assertThat(s.verified()).as("%s", s).isGreaterThanOrEqualTo(20);
                    assertThat(s.quality().piecesDue()).as("%s", s).isGreaterThanOrEqualTo(10);
                });
                SwarmStatus s = listener.swarm(id).orElseThrow();
                assertThat(forged.get()).as("the tracker forged announcements").isPositive();
                assertThat(s.quality().piecesDue()).as("pieces fell due and most came in time")
                        .isGreaterThan(s.quality().piecesLate());
                // every piece the listener knows is the source's own
                LiveWindow mine = listener.liveWindow(id);
                LiveWindow real = source.liveWindow(id);
                int checked = 0;
                for (int i = mine.firstPiece(); i < mine.end(); i++) {
                    PieceInfo p = mine.info(i);
                    if (p != null && real.info(i) != null) {
                        assertThat(p).as("piece %d", i).isEqualTo(real.info(i));
                        checked++;
                    }
                }
                assertThat(checked).isPositive();
                assertThat(swarm.tracker().peers(id)).noneMatch(p -> p.banned());
            }
        }
    }

    private static CompromisedTransport add(List<CompromisedTransport> into, CompromisedTransport t) {
        into.add(t);
        return t;
    }

    /** The manifest with piece 1's hash changed, its id derived again, and the original key and signature. */
    private static Manifest changedHash(Manifest m) {
        List<PieceInfo> pieces = new ArrayList<>(m.pieces());
        PieceInfo p = pieces.get(1);
        byte[] hash = p.hash();
        hash[0] ^= 1;
        pieces.set(1, new PieceInfo(p.index(), p.offset(), p.length(), hash, p.startMicros(), p.endMicros(),
                p.startPoint(), p.link()));
        Manifest changed = Manifest.derived(m.name(), m.mediaType(), m.format(), m.verifier(), m.length(), pieces,
                m.links());
        return changed.signed(m.publisherKey(), m.signature());
    }

    private static Manifest signed(Manifest m, Identity by) {
        return m.signed(by.publicKey(), by.sign(m.signedBytes(by.publicKey())));
    }

    /** The announcement plus a made-up next piece, signed by a key that is not the publisher's. */
    private static Announce withForgedNext(Announce a, Identity by) {
        PieceInfo last = a.entries().get(a.entries().size() - 1).piece();
        byte[] hash = new byte[last.hash().length];
        java.util.Arrays.fill(hash, (byte) 0x5a);
        PieceInfo fake = new PieceInfo(last.index() + 1, last.offset() + last.length(), last.length(), hash,
                last.endMicros(), last.endMicros() < 0 ? -1 : last.endMicros() + 1, true, last.link());
        Announce.Entry entry = new Announce.Entry(fake, System.currentTimeMillis())
                .signed(by.sign(Signatures.livePiece(a.content(), fake)));
        List<Announce.Entry> entries = new ArrayList<>(a.entries());
        entries.add(entry);
        return new Announce(a.content(), entries, a.links(), a.onAir());
    }

    private static List<Path> contents(Path peerRoot) throws Exception {
        Path dir = peerRoot.resolve("contents");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }
}
