package org.iceshare.tracker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.engine.internal.Identity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NameRegistryTest {
    @TempDir
    Path dir;

    private static final PeerId OWNER = Identity.generate().id();
    private static final PeerId OTHER = Identity.generate().id();
    private static final ContentId CONTENT = ContentId.parse("00112233445566778899aabbccddeeff");

    @Test
    void aRegistrationSurvivesAReopen() throws Exception {
        Path file = dir.resolve("state/names");
        NameRegistry names = new NameRegistry(file);
        names.register("a.ogg", OWNER, CONTENT, false);
        names.register("radio.ogg", OTHER, CONTENT, true);
        names.register("a.ogg", OWNER, CONTENT, false);

        assertThat(Files.readAllLines(file)).as("an unchanged registration is not written again").hasSize(2);
        NameRegistry reopened = new NameRegistry(file);
        assertThat(reopened.size()).isEqualTo(2);
        assertThat(reopened.get("a.ogg")).isEqualTo(new NameRegistry.Owner(OWNER, CONTENT, false));
        assertThat(reopened.get("radio.ogg").live()).isTrue();
        assertThat(reopened.get("b.ogg")).isNull();
    }

    @Test
    void unreadableLinesAreSkippedNotFatal() throws Exception {
        Path file = dir.resolve("names");
        Files.writeString(file, "a.ogg " + OWNER.toHex() + " " + CONTENT.toHex() + " file\n"
                + "garbage\n"
                + "../etc " + OWNER.toHex() + " " + CONTENT.toHex() + " file\n"
                + "b.ogg nothex " + CONTENT.toHex() + " file\n"
                + "c.ogg " + OWNER.toHex() + " " + CONTENT.toHex() + " maybe\n"
                + "\n"
                + "d.ogg " + OTHER.toHex() + " " + CONTENT.toHex() + " live", StandardCharsets.UTF_8);
        NameRegistry names = new NameRegistry(file);
        assertThat(names.size()).isEqualTo(2);
        assertThat(names.get("a.ogg").owner()).isEqualTo(OWNER);
        assertThat(names.get("d.ogg").owner()).isEqualTo(OTHER);
    }

    @Test
    void inMemoryWithoutAFile() throws Exception {
        NameRegistry names = new NameRegistry(null);
        names.register("a.ogg", OWNER, CONTENT, false);
        assertThat(names.get("a.ogg").owner()).isEqualTo(OWNER);
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
