package org.iceshare.itests.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acceptance (issue 3), functional part: a time start on a peer that holds none of the target pieces
 * serves the link's headers and then its start point. Each of 5 seeks is made by a fresh peer that has
 * just joined and holds nothing ({@link SeekRun} checks both and fails otherwise).
 *
 * <p>How fast (the target: first decodable byte within 1 s, p95 over 20 seeks) depends on how
 * busy the machine is: {@code iceshare-bench.jar seek} measures it (docs/benchmarks.md).
 */
class SeekLatencyTest {
    private static final Logger LOG = LoggerFactory.getLogger(SeekLatencyTest.class);

    @TempDir
    Path tmp;

    @Test
    void aTimeStartOnAPeerHoldingNothingServesItsFirstDecodableByte() throws Exception {
        SeekRun.Figures f = SeekRun.run(tmp, TestMedia.vorbis(300, 6), 5, 3);
        LOG.info("{}", f);
        assertThat(f.seeks()).isEqualTo(5);
    }
}
