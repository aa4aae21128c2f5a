package org.iceshare.itests.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acceptance (issue 4): a source whose upload is capped at twice the bitrate of a 9 Mbit/s
 * Theora+Vorbis file (about 64 MiB, 60 s), and 25 peers that start playing it together from the
 * start, in-JVM over real loopback sockets. Every peer plays without a stall given the startup delay
 * it needed, and that delay's p95 is at most 2 s.
 */
class FileStreamingTest {
    private static final Logger LOG = LoggerFactory.getLogger(FileStreamingTest.class);

    @TempDir
    Path tmp;

    @Test
    void twentyFivePlayersStreamAFileFromASourceCappedAtTwiceItsBitrate() throws Exception {
        Path media = TestMedia.theoraHeavy(60, 9);
        StreamingRun.Figures f = StreamingRun.run(tmp, media, Integer.getInteger("stream.peers", 25), 2.0,
                256 * 1024);
        LOG.info("file streaming: {}", f);
        assertThat(f.neededP95()).as("startup delay needed, p95 (ms)").isLessThanOrEqualTo(2000);
    }
}
