package org.iceshare.itests.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.iceshare.itests.swarm.TestMedia;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The listener's client against the real distribution: the distribution's default peer publishes an
 * Ogg file through the shell, and the client archive the build made (client/target/*.tar.gz), unpacked
 * and run as a process of its own, {@code iceshare get}s a byte-identical copy.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ClientIT extends IceShareTestSupport {
    private static final Pattern ICET = Pattern.compile("icet://\\S+");

    @Configuration
    @Override
    public Option[] config() {
        Path media;
        try {
            media = TestMedia.vorbis(30, 4);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return new Option[] {composite(super.config()),
            systemProperty("iceshare.itest.client.media").value(media.toAbsolutePath().toString())};
    }

    @Test
    public void theClientGetsAFileTheDistributionPublished() throws Exception {
        Path media = Path.of(System.getProperty("iceshare.itest.client.media"));
        String archive = System.getProperty("iceshare.client.archive");
        assertTrue("-Diceshare.client.archive names the client archive: " + archive,
            archive != null && Files.isRegularFile(Path.of(archive)));

        String published = executeCommand("iceshare:publish " + media);
        Matcher m = ICET.matcher(published);
        assertTrue("publish printed no icet:// URL: " + published, m.find());
        String url = m.group();

        Path work = Files.createTempDirectory("iceshare-client-it");
        Processes.Result untar = Processes.run(new ProcessBuilder("tar", "xzf", archive, "-C", work.toString()),
            Duration.ofSeconds(60));
        assertEquals(untar.output, 0, untar.exit);
        Path launcher;
        try (Stream<Path> s = Files.list(work)) {
            launcher = s.filter(p -> p.getFileName().toString().startsWith("iceshare-client-")).findFirst()
                .orElseThrow(() -> new AssertionError("no iceshare-client-*/ in " + archive)).resolve("bin/iceshare");
        }
        assertTrue(launcher + " is executable", Files.isExecutable(launcher));

        Path copy = work.resolve("copy.ogg");
        ProcessBuilder get = new ProcessBuilder(launcher.toString(), "get", url, "-o", copy.toString())
            .directory(work.toFile());
        Map<String, String> env = get.environment();
        env.put("XDG_DATA_HOME", work.resolve("data").toString());
        env.put("XDG_CONFIG_HOME", work.resolve("config").toString());
        env.put("XDG_CACHE_HOME", work.resolve("cache").toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        Processes.Result r = Processes.run(get, Duration.ofMinutes(2));
        assertEquals("iceshare get: " + r.output, 0, r.exit);
        assertTrue(r.output, r.output.contains("complete: saved " + copy));
        assertEquals("first differing byte of the client's copy", -1L, Files.mismatch(media, copy));
        // unpacked away from where it was built, the first run made the user's own class-data sharing archive
        try (Stream<Path> s = Files.list(work.resolve("cache/iceshare"))) {
            assertTrue("a cds-*.jsa in the cache folder",
                s.anyMatch(p -> p.getFileName().toString().matches("cds-\\d+\\.jsa")));
        }
    }
}
