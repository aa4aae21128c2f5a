package org.iceshare.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * API discipline: every package of this bundle is exported with a version, from a
 * package-info.java carrying {@code @Export} and {@code @Version}, and nothing else is exported.
 */
class ExportsTest {
    @Test
    void everyPackageIsVersionedAndExported() throws IOException {
        Path src = Path.of("src/main/java/org/iceshare/api");
        List<Path> packages;
        try (Stream<Path> s = Files.list(src)) {
            packages = s.filter(Files::isDirectory).sorted().toList();
        }
        assertThat(packages).hasSizeGreaterThanOrEqualTo(8);
        for (Path p : packages) {
            Path info = p.resolve("package-info.java");
            assertThat(info).as("package-info of %s", p).exists();
            String text = Files.readString(info);
            assertThat(text).as(info.toString()).contains("@Export").containsPattern("@Version\\(\"\\d+\\.\\d+\\.\\d+\"\\)");
            try (Stream<Path> sub = Files.list(p)) {
                assertThat(sub.filter(Files::isDirectory)).as("nested packages in %s", p).isEmpty();
            }
        }
        assertThat(new File("src/main/java/org/iceshare/api").list((d, n) -> n.endsWith(".java")))
                .as("no classes outside the area packages").isEmpty();
    }
}
