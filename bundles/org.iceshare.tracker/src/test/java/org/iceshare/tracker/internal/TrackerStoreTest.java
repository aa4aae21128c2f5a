package org.iceshare.tracker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.swarm.PieceInfo;
import org.iceshare.engine.internal.Identity;
import org.iceshare.tracker.internal.TrackerStore.Owner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tracker's durable state store: what it keeps, when, and what it does with a file it cannot read. */
class TrackerStoreTest {
    @TempDir
    Path dir;

    private static final Identity PUBLISHER = Identity.generate();
    private static final PeerId PEER = Identity.generate().id();

    private static Manifest manifest(String name, int salt) throws Exception {
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(new byte[] {(byte) salt});
        return TrackerEngineTest.signed(Manifest.derived(name, "audio/ogg", "ogg", "sha-256", 1000, 1,
                List.of(new PieceInfo(0, 0, 1000, hash))), PUBLISHER);
    }

    @Test
    void everythingWrittenIsReadBackAfterAReopen() throws Exception {
        Manifest file = manifest("a.ogg", 1);
        Manifest live = TrackerEngineTest.signed(Manifest.live(ContentId.random(), "radio.ogg", "audio/ogg", "ogg",
                "sha-256", 30_000_000L), PUBLISHER);
        try (MvTrackerStore store = MvTrackerStore.open(dir)) {
            store.publish("a.ogg", new Owner(PUBLISHER.id(), file.id(), false), file);
            store.publish("radio.ogg", new Owner(PUBLISHER.id(), live.id(), true), live);
            store.publish("claimed.ogg", new Owner(PEER, file.id(), false), null);
            store.ban(file.id(), PEER);
            store.ratio(PEER, 5_000, 2_000);
            store.ratio(PEER, 7_000, 2_000);
        }
        try (MvTrackerStore store = MvTrackerStore.open(dir)) {
            TrackerStore.Snapshot s = store.load();
            assertThat(s.names()).containsOnlyKeys("a.ogg", "radio.ogg", "claimed.ogg");
            assertThat(s.names().get("claimed.ogg")).isEqualTo(new Owner(PEER, file.id(), false));
            assertThat(s.manifests()).containsOnlyKeys("a.ogg", "radio.ogg");
            assertThat(s.manifests().get("a.ogg")).isEqualTo(file);
            assertThat(s.manifests().get("a.ogg").signatureValid()).isTrue();
            assertThat(s.manifests().get("radio.ogg").live()).isTrue();
            assertThat(s.manifests().get("radio.ogg").windowMicros()).isEqualTo(30_000_000L);
            assertThat(s.bans()).containsOnlyKeys(file.id());
            assertThat(s.bans().get(file.id())).containsExactly(PEER);
            assertThat(s.ratios().get(PEER)).containsExactly(7_000, 2_000);

            // a name that carries another content: the old content's bans go
            Manifest next = manifest("a.ogg", 2);
            store.publish("a.ogg", new Owner(PUBLISHER.id(), next.id(), false), next);
            assertThat(store.load().bans()).isEmpty();
            assertThat(store.load().manifests().get("a.ogg").id()).isEqualTo(next.id());
        }
    }

    @Test
    void aCorruptFileIsAClearErrorEveryTimeNotACrash() throws Exception {
        Files.write(dir.resolve(MvTrackerStore.FILE), "not a store at all, just some bytes".repeat(200)
                .getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> MvTrackerStore.open(dir)).isInstanceOf(TrackerStore.Unreadable.class)
                    .hasMessageContaining(dir.resolve(MvTrackerStore.FILE).toString())
                    .hasMessageContaining("MVStoreTool -repair")
                    .hasMessageContaining("move it aside");
        }
        Files.move(dir.resolve(MvTrackerStore.FILE), dir.resolve("tracker.mv.bad"));
        try (MvTrackerStore store = MvTrackerStore.open(dir)) {
            assertThat(store.load().names()).as("moved aside: a fresh store").isEmpty();
        }
    }

    @Test
    void aStoreInUseIsRefusedToASecondTracker() throws Exception {
        try (MvTrackerStore first = MvTrackerStore.open(dir)) {
            assertThatThrownBy(() -> MvTrackerStore.open(dir)).isInstanceOf(TrackerStore.Unreadable.class)
                    .hasMessageContaining("another tracker uses this folder");
        }
    }

    /**
     * Nothing acknowledged is lost on {@code kill -9}: a tracker in another JVM answers PUBLISHED and is killed
     * at once (SIGKILL: no shutdown hook, no close); the store then holds the publication.
     */
    @Test
    void anAcknowledgedPublicationSurvivesKill9() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Xmx128m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), PublishThenHang.class.getName(), dir.toString(),
                "killed.ogg").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String ack = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null;) {
                if (line.startsWith("PUBLISHED ")) {
                    ack = line;
                    break;
                }
            }
        } finally {
            p.destroyForcibly();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(ack).as("the child tracker acknowledged the publication").isNotNull();
        assertThat(p.exitValue()).as("killed by SIGKILL").isEqualTo(137);
        try (MvTrackerStore store = MvTrackerStore.open(dir)) {
            TrackerStore.Snapshot s = store.load();
            assertThat(s.manifests()).containsKey("killed.ogg");
            assertThat(s.manifests().get("killed.ogg").id().toHex()).isEqualTo(ack.substring("PUBLISHED ".length()));
            assertThat(s.names()).containsKey("killed.ogg");
        }
    }
}
