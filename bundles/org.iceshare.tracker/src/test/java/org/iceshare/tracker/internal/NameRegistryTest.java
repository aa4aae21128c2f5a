package org.iceshare.tracker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.engine.internal.Identity;
import org.iceshare.tracker.internal.TrackerStore.Owner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NameRegistryTest {
    @TempDir
    Path dir;

    private static final PeerId OWNER = Identity.generate().id();
    private static final PeerId OTHER = Identity.generate().id();
    private static final ContentId CONTENT = ContentId.parse("00112233445566778899aabbccddeeff");

    @Test
    void theOldNamesFileIsReadLineByLineAndUnreadableLinesAreSkipped() throws Exception {
        Path file = dir.resolve("names");
        Files.writeString(file, "a.ogg " + OWNER.toHex() + " " + CONTENT.toHex() + " file\n"
                + "garbage\n"
                + "../etc " + OWNER.toHex() + " " + CONTENT.toHex() + " file\n"
                + "b.ogg nothex " + CONTENT.toHex() + " file\n"
                + "c.ogg " + OWNER.toHex() + " " + CONTENT.toHex() + " maybe\n"
                + "\n"
                + "d.ogg " + OTHER.toHex() + " " + CONTENT.toHex() + " live", StandardCharsets.UTF_8);
        Map<String, Owner> names = NameRegistry.readLegacy(file);
        assertThat(names).containsOnlyKeys("a.ogg", "d.ogg");
        assertThat(names.get("a.ogg")).isEqualTo(new Owner(OWNER, CONTENT, false));
        assertThat(names.get("d.ogg")).isEqualTo(new Owner(OTHER, CONTENT, true));
        assertThat(NameRegistry.readLegacy(dir.resolve("none"))).isEmpty();
    }

    @Test
    void theRegistryAnswersWhatItWasGiven() {
        NameRegistry names = new NameRegistry(Map.of("a.ogg", new Owner(OWNER, CONTENT, false)));
        names.put("b.ogg", new Owner(OTHER, CONTENT, true));
        assertThat(names.get("a.ogg").owner()).isEqualTo(OWNER);
        assertThat(names.get("b.ogg").live()).isTrue();
        assertThat(names.get("c.ogg")).isNull();
        assertThat(names.size()).isEqualTo(2);
    }

    @Test
    void thePublishPolicyReadsItsConfigurationAndRefusesNonsense() {
        InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 40000);
        InetSocketAddress trackerSide = new InetSocketAddress("192.0.2.1", 7740);
        InetSocketAddress sameHost = new InetSocketAddress("192.0.2.1", 40000);
        InetSocketAddress remote = new InetSocketAddress("198.51.100.7", 40000);

        PublishPolicy local = PublishPolicy.parse("local", "");
        assertThat(local.allows(OWNER, loopback, trackerSide)).isTrue();
        assertThat(local.allows(OWNER, sameHost, trackerSide)).isTrue();
        assertThat(local.allows(OWNER, remote, trackerSide)).isFalse();

        PublishPolicy listed = PublishPolicy.parse(" Listed ", OWNER.toHex() + ", ");
        assertThat(listed.allows(OWNER, remote, trackerSide)).isTrue();
        assertThat(listed.allows(OTHER, loopback, trackerSide)).as("listed: not even local").isFalse();

        assertThat(PublishPolicy.parse("anyone", "").allows(OTHER, remote, trackerSide)).isTrue();
        assertThat(PublishPolicy.parse("local", OTHER.toHex()).allows(OTHER, remote, trackerSide)).isTrue();

        assertThatThrownBy(() -> PublishPolicy.parse("everybody", "")).hasMessageContaining("local, listed or anyone");
        assertThatThrownBy(() -> PublishPolicy.parse("listed", "abc")).hasMessageContaining("publisher id 'abc'");
    }
}
