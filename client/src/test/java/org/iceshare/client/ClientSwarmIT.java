package org.iceshare.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.iceshare.itests.swarm.SwarmFixture;
import org.iceshare.itests.swarm.TestMedia;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One source ({@code iceshare publish}) and five listeners ({@code iceshare get --seed}), six processes: the
 * listeners upload to each other, so the source sends about one copy of the file (SUF, its uploaded bytes
 * over the file's length, at most 1.2), and every listener has a byte-identical copy.
 */
class ClientSwarmIT {
    private static final int CLIENTS = 5;

    @TempDir
    Path tmp;

    @Test
    void fiveClientsShareSoTheSourceSendsAboutOneCopy() throws Exception {
        Path media = TestMedia.vorbis(60, 10);
        long length = Files.size(media);
        List<ClientProcess> all = new ArrayList<>();
        try (SwarmFixture swarm = new SwarmFixture(tmp.resolve("swarm"))) {
            String tracker = "127.0.0.1:" + swarm.trackerAddress().getPort();
            // the source's upload is capped (1 MiB/s) as a home connection's would be: the listeners, uncapped,
            // have to serve each other
            ClientProcess source = ClientProcess.start(tmp.resolve("source"), "publish", media.toString(), "--tracker",
                    tracker, "--up", "1M");
            all.add(source);
            await().atMost(Duration.ofSeconds(30)).until(() -> source.stdout().contains("icet://"));
            String url = source.stdout().lines().filter(l -> l.startsWith("icet://")).findFirst().orElseThrow();
            List<ClientProcess> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                ClientProcess c = ClientProcess.start(tmp.resolve("client" + i), "get", url, "-o",
                        tmp.resolve("copy" + i + ".ogg").toString(), "--seed");
                clients.add(c);
                all.add(c);
            }
            await().atMost(Duration.ofSeconds(90)).until(() -> {
                for (ClientProcess c : clients) {
                    if (!c.stdout().contains("complete: ")) {
                        assertThat(c.process().isAlive()).as("client alive; stderr: %s", c.stderr()).isTrue();
                        return false;
                    }
                }
                return true;
            });
            long sourceUp = source.firstSwarm("uploaded");
            long clientsUp = 0;
            for (ClientProcess c : clients) {
                clientsUp += c.firstSwarm("uploaded");
            }
            double suf = (double) sourceUp / length;
            System.out.printf("client swarm: file %d bytes, source uploaded %d (SUF %.3f), listeners uploaded %d%n",
                    length, sourceUp, suf, clientsUp);
            assertThat(clientsUp).as("bytes the listeners uploaded to each other").isPositive();
            assertThat(suf).as("source upload factor").isLessThanOrEqualTo(1.2);
            for (int i = 0; i < CLIENTS; i++) {
                assertThat(Files.mismatch(tmp.resolve("copy" + i + ".ogg"), media)).isEqualTo(-1L);
            }
            for (ClientProcess c : all) {
                c.interrupt();
            }
            for (ClientProcess c : all) {
                assertThat(c.waitFor(Duration.ofSeconds(20))).isEqualTo(ExitCodes.INTERRUPTED);
            }
        } finally {
            all.forEach(ClientProcess::close);
        }
    }
}
