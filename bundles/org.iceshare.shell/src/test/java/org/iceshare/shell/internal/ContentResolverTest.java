package org.iceshare.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.iceshare.shell.internal.Fakes.id;

import java.net.InetSocketAddress;
import java.util.List;

import org.iceshare.api.peer.SwarmStatus.State;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.api.tracker.TrackedContent;
import org.iceshare.testkit.FakePeer;
import org.iceshare.testkit.FakeTracker;
import org.junit.jupiter.api.Test;

class ContentResolverTest {
    private static final ContentId SHOW = id("3f");
    private static final ContentId NEWS = id("a1");
    private static final ContentId OTHER_SHOW = id("ca");

    private static ContentRef ref(ContentId id, String name, String url) {
        return new ContentRef(id, name, url == null ? null : IcetUrl.parse(url));
    }

    private final List<ContentRef> known = List.of(
            ref(SHOW, "show.ogg", "icet://127.0.0.1:7740/show.ogg"),
            ref(NEWS, "news.ogg", "icet://127.0.0.1:7740/news.ogg"),
            ref(SHOW, "show.ogg", "icet://localhost:7740/show.ogg"));

    @Test
    void anIcetUrlNamesItsContent() {
        assertThat(ContentResolver.resolve("icet://127.0.0.1:7740/news.ogg", known).id()).isEqualTo(NEWS);
        assertThat(ContentResolver.resolve("  icet://localhost:7740/show.ogg ", known).id()).isEqualTo(SHOW);
    }

    @Test
    void aPinnedUrlAndThePlainOneNameTheSameContent() {
        // two trackers on the same port: only the host tells them apart, with or without the publisher
        List<ContentRef> pinned = List.of(ref(SHOW, "show.ogg",
                "icet://0123456789abcdef0123456789abcdef@127.0.0.1:7740/show.ogg"), ref(OTHER_SHOW, "show.ogg",
                "icet://10.0.0.1:7740/show.ogg"));
        assertThat(ContentResolver.resolve("icet://127.0.0.1:7740/show.ogg", pinned).id()).isEqualTo(SHOW);
        assertThat(ContentResolver.resolve("icet://0123456789abcdef0123456789abcdef@10.0.0.1:7740/show.ogg", pinned)
                .id()).isEqualTo(OTHER_SHOW);
    }

    @Test
    void anotherSpellingOfTheTrackerHostMatchesByNameAndPort() {
        assertThat(ContentResolver.resolve("ICET://tracker.local:7740/news.ogg", known).id()).isEqualTo(NEWS);
        assertThatThrownBy(() -> ContentResolver.resolve("icet://127.0.0.1:9999/news.ogg", known))
                .hasMessageContaining("no content at icet://127.0.0.1:9999/news.ogg is known here")
                .hasMessageContaining("known: show.ogg (3f3f3f3f), news.ogg (a1a1a1a1)");
    }

    @Test
    void aMalformedUrlIsRefusedWithItsReason() {
        assertThatThrownBy(() -> ContentResolver.resolve("icet://host/a/b", known))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("names one content");
    }

    @Test
    void anIdOrAUniquePrefixOfAtLeastFourDigits() {
        assertThat(ContentResolver.resolve(NEWS.toHex(), known).id()).isEqualTo(NEWS);
        assertThat(ContentResolver.resolve(NEWS.toHex().toUpperCase(), known).id()).isEqualTo(NEWS);
        assertThat(ContentResolver.resolve("3f3f", known).id()).isEqualTo(SHOW);
        assertThatThrownBy(() -> ContentResolver.resolve("3f3", known))
                .hasMessageContaining("no content named '3f3'");
        assertThatThrownBy(() -> ContentResolver.resolve(id("77").toHex(), known))
                .hasMessageContaining("no content with id 7777");
    }

    @Test
    void aName() {
        ContentRef show = ContentResolver.resolve("show.ogg", known);
        assertThat(show.id()).isEqualTo(SHOW);
        assertThat(show.url()).isNotNull();
        assertThat(show.label()).isEqualTo("show.ogg (3f3f3f3f)");
    }

    @Test
    void aNameBeatsAnIdPrefix() {
        List<ContentRef> hexNamed = List.of(ref(id("be"), "beef", null), ref(id("be"), "beef", null),
                ref(NEWS, "a2a2", null), ref(id("a2"), "other", null));
        // "a2a2" is NEWS's name and also a prefix of the other id: the name wins
        assertThat(ContentResolver.resolve("a2a2", hexNamed).id()).isEqualTo(NEWS);
        assertThat(ContentResolver.resolve("bebe", hexNamed).id()).isEqualTo(id("be"));
    }

    @Test
    void theSameNameOnTwoTrackersIsAmbiguous() {
        List<ContentRef> two = List.of(ref(SHOW, "show.ogg", "icet://a:7740/show.ogg"),
                ref(OTHER_SHOW, "show.ogg", "icet://b:7740/show.ogg"));
        assertThatThrownBy(() -> ContentResolver.resolve("show.ogg", two))
                .hasMessage("'show.ogg' names 2 contents: icet://a:7740/show.ogg (3f3f3f3f), "
                        + "icet://b:7740/show.ogg (cacacaca); give the icet:// URL or the content id");
        assertThat(ContentResolver.resolve("icet://b:7740/show.ogg", two).id()).isEqualTo(OTHER_SHOW);
    }

    @Test
    void nothingKnownOrNothingTyped() {
        assertThatThrownBy(() -> ContentResolver.resolve("x.ogg", List.of()))
                .hasMessage("no content named 'x.ogg' or with an id starting so; none is (publish or get one "
                        + "first)");
        assertThatThrownBy(() -> ContentResolver.resolve("  ", known))
                .hasMessageContaining("its icet:// URL, its name or its id");
        assertThatThrownBy(() -> ContentResolver.resolve(null, known)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theKnownListIsCut() {
        List<ContentRef> many = new java.util.ArrayList<>();
        for (int i = 0; i < 13; i++) {
            many.add(ref(id(String.format("%02x", i)), "c" + i, null));
        }
        assertThatThrownBy(() -> ContentResolver.resolve("nope", many)).hasMessageEndingWith(", c9 (09090909) "
                + "and 3 more");
    }

    @Test
    void knownGathersTheTrackerThenThePeers() {
        FakeTracker tracker = new FakeTracker(new InetSocketAddress("127.0.0.1", 7740),
                new TrackedContent(NEWS, "news.ogg", 1000, 4, 2, 1, 100, 200));
        FakePeer peer = new FakePeer("leech", Fakes.swarm(SHOW, "icet://10.0.0.1:7740/show.ogg", State.DOWNLOADING,
                1, 4, 0, 1000));
        List<ContentRef> refs = ContentResolver.known(tracker, List.of(peer));
        assertThat(refs).containsExactly(ref(NEWS, "news.ogg", "icet://127.0.0.1:7740/news.ogg"),
                ref(SHOW, "show.ogg", "icet://10.0.0.1:7740/show.ogg"));
        assertThat(ContentResolver.known(new FakeTracker(null, new TrackedContent(NEWS, "news.ogg", 1, 1, 1, 1, 0, 0)),
                List.of())).containsExactly(ref(NEWS, "news.ogg", null));
        assertThat(ContentResolver.known(null, List.of())).isEmpty();
    }
}
