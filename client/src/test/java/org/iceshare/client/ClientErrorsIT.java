package org.iceshare.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.swarm.IcetUrl;
import org.iceshare.core.internal.peer.PeerEngine;
import org.iceshare.itests.swarm.SwarmFixture;
import org.iceshare.itests.swarm.TestMedia;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bad input gets one line on stderr ({@code iceshare: ...}, no stack trace) and its exit code
 * ({@link ExitCodes}), as a process.
 */
class ClientErrorsIT {
    @TempDir
    static Path tmp;
    private static SwarmFixture swarm;
    private static String tracker;

    @BeforeAll
    static void tracker() throws IOException {
        swarm = new SwarmFixture(tmp.resolve("swarm"));
        tracker = "127.0.0.1:" + swarm.trackerAddress().getPort();
    }

    @AfterAll
    static void close() {
        swarm.close();
    }

    @Test
    void malformedUrl() throws Exception {
        assertOneLine(ExitCodes.USAGE, "malformed icet:// URL", "get", "icet://bad host/x.ogg");
        assertOneLine(ExitCodes.USAGE, "not an icet:// URL", "play", "http://example.org/x.ogg", "--stdout");
        assertOneLine(ExitCodes.USAGE, "names one content", "get", "icet://127.0.0.1:7740/a/b.ogg");
    }

    @Test
    void unreachableTracker() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        assertOneLine(ExitCodes.TRACKER_UNREACHABLE, "cannot reach the tracker at 127.0.0.1:" + closed, "get",
                "icet://127.0.0.1:" + closed + "/x.ogg");
        assertOneLine(ExitCodes.TRACKER_UNREACHABLE, "unknown host", "play", "icet://no-such-host.invalid/x.ogg",
                "--stdout");
    }

    @Test
    void unknownContent() throws Exception {
        assertOneLine(ExitCodes.TRACKER_REFUSED, "no content named nothing-here.ogg", "get",
                "icet://" + tracker + "/nothing-here.ogg");
    }

    @Test
    void fileThatIsNotOgg() throws Exception {
        Path text = tmp.resolve("notes.ogg");
        Files.writeString(text, "not media at all\n");
        assertOneLine(ExitCodes.BAD_MEDIA, "is not an Ogg file", "publish", text.toString(), "--tracker", tracker);
        assertOneLine(ExitCodes.BAD_MEDIA, "no such file", "publish", tmp.resolve("missing.ogg").toString(),
                "--tracker", tracker);
    }

    @Test
    void badOptionValues() throws Exception {
        assertOneLine(ExitCodes.USAGE, "--up: bad rate '12q'", "get", "icet://" + tracker + "/x.ogg", "--up", "12q");
        assertOneLine(ExitCodes.USAGE, "--start: bad start time", "play", "icet://" + tracker + "/x.ogg", "--stdout",
                "--start", "soon");
        assertOneLine(ExitCodes.USAGE, "'--seed-ratio'", "get", "icet://" + tracker + "/x.ogg", "--seed-ratio", "lots");
        assertOneLine(ExitCodes.USAGE, "bad tracker 'nowhere'", "publish", "x.ogg", "--tracker", "nowhere");
        assertOneLine(ExitCodes.USAGE, "Unknown option: '--frobnicate'", "get", "--frobnicate",
                "icet://" + tracker + "/x.ogg");
        Path config = tmp.resolve("bad-config").resolve("config").resolve("iceshare");
        Files.createDirectories(config);
        Files.writeString(config.resolve("config.properties"), "up = fast\n");
        assertOneLine(tmp.resolve("bad-config"), ExitCodes.USAGE, "up: bad rate 'fast'", "get",
                "icet://" + tracker + "/x.ogg");
    }

    @Test
    void dataFolderInUseWhileStatusShowsTheRunningClient() throws Exception {
        Path media = TestMedia.vorbis(10, 4);
        PeerEngine source = swarm.addPeer("in-use-source");
        IcetUrl url = source.publish(media, "in-use.ogg", null).toCompletableFuture().get(60, TimeUnit.SECONDS);
        Path home = tmp.resolve("shared-home");
        try (ClientProcess first = ClientProcess.start(home, "get", url.toString(), "-o",
                tmp.resolve("in-use-copy.ogg").toString(), "--seed")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> first.stdout().contains("complete: "));
            // status, beside it, tells what the running client does
            try (ClientProcess status = ClientProcess.start(home, "status")) {
                assertThat(status.waitFor(Duration.ofSeconds(30))).as("stderr: %s", status.stderr()).isZero();
                assertThat(status.stdout()).contains("iceshare pid " + first.process().pid() + ": get " + url)
                        .contains(url + "  COMPLETE  ");
            }
            assertOneLine(home, ExitCodes.LOCAL, "another iceshare client is running with the data folder", "get",
                    url.toString(), "-o", tmp.resolve("other.ogg").toString());
        }
    }

    private static void assertOneLine(int code, String expected, String... args) throws Exception {
        assertOneLine(tmp.resolve("errors-home"), code, expected, args);
    }

    private static void assertOneLine(Path home, int code, String expected, String... args) throws Exception {
        try (ClientProcess c = ClientProcess.start(home, args)) {
            int exit = c.waitFor(Duration.ofSeconds(30));
            String err = c.stderr();
            assertThat(exit).as("exit code of %s; stderr: %s", String.join(" ", args), err).isEqualTo(code);
            assertThat(err.lines().toList()).as("stderr of %s", String.join(" ", args)).hasSize(1);
            assertThat(err).startsWith("iceshare: ").contains(expected).doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(c.stdout()).isEmpty();
        }
    }
}
