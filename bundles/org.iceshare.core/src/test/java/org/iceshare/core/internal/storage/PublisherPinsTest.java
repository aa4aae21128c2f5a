package org.iceshare.core.internal.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.api.swarm.PeerId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PublisherPinsTest {
    private static final PeerId ALICE = PeerId.parse("a11ce000000000000000000000000001");
    private static final PeerId MALLORY = PeerId.parse("3a11013700000000000000000000000f");

    @Test
    void theFirstPublisherSeenIsKeptAcrossRestarts(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(PublisherPins.FILE);
        PublisherPins pins = new PublisherPins(file);
        IcetUrl song = IcetUrl.parse("icet://Tracker.example.org:7740/song.ogg");
        assertThat(pins.pinned(song)).isNull();
        assertThat(pins.pinIfAbsent(song, ALICE)).isEqualTo(ALICE);
        assertThat(pins.pinIfAbsent(song, MALLORY)).as("a later publisher does not replace the first").isEqualTo(ALICE);

        PublisherPins again = new PublisherPins(file);
        assertThat(again.pinned(song)).isEqualTo(ALICE);
        // the host is matched without case and a pinned URL form names the same entry
        assertThat(again.pinned(IcetUrl.parse("icet://" + MALLORY.toHex() + "@tracker.EXAMPLE.org/song.ogg")))
                .isEqualTo(ALICE);
        assertThat(Files.readString(file)).contains("tracker.example.org\\:7740/song.ogg=" + ALICE.toHex());
    }

    @Test
    void pinsArePerTrackerAndName(@TempDir Path dir) throws Exception {
        PublisherPins pins = new PublisherPins(dir.resolve(PublisherPins.FILE));
        pins.pinIfAbsent(IcetUrl.parse("icet://a.example.org/song.ogg"), ALICE);
        assertThat(pins.pinned(IcetUrl.parse("icet://b.example.org/song.ogg"))).isNull();
        assertThat(pins.pinned(IcetUrl.parse("icet://a.example.org:7741/song.ogg"))).isNull();
        assertThat(pins.pinned(IcetUrl.parse("icet://a.example.org/other.ogg"))).isNull();
        assertThat(pins.pinIfAbsent(IcetUrl.parse("icet://b.example.org/song.ogg"), MALLORY)).isEqualTo(MALLORY);
    }

    @Test
    void aDamagedLinePinsNothing(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(PublisherPins.FILE);
        Files.writeString(file, "a.example.org\\:7740/song.ogg=not-an-id\n");
        PublisherPins pins = new PublisherPins(file);
        IcetUrl song = IcetUrl.parse("icet://a.example.org/song.ogg");
        assertThat(pins.pinned(song)).isNull();
    }
}
