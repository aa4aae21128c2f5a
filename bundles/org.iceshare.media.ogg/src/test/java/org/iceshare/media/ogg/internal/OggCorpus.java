package org.iceshare.media.ogg.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The corpus of real encoder output, made by {@code src/test/media/make-corpus.sh} into
 * {@code target/corpus} once per build: the script runs when the directory lacks a stamp holding the
 * script's SHA-256 (so editing the script remakes the corpus, and {@code mvn clean} does too). The
 * encoders and oggz-tools are required: {@code .ci/install-tools.sh} installs them; without them the
 * corpus tests fail and say so.
 *
 * <p>Use it as {@code @ExtendWith(OggCorpus.class)}, then {@link #dir()}. Also runs the tools for
 * the tests: {@link #run}.
 */
final class OggCorpus implements BeforeAllCallback {
    /** The longest any tool may take. */
    static final long TOOL_TIMEOUT_SECONDS = 120;

    private static Path dir;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir();
    }

    /** The corpus directory, made first if needed. */
    static synchronized Path dir() {
        if (dir != null) {
            return dir;
        }
        try {
            Path module = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
            Path script = module.resolve("src/test/media/make-corpus.sh");
            Path out = module.resolve("target/corpus");
            String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(script)));
            Path stamp = out.resolve(".stamp");
            if (!Files.exists(stamp) || !Files.readString(stamp).equals(hash)) {
                Files.createDirectories(out);
                Result r = run(module, "sh", script.toString(), out.toString());
                if (r.exit() != 0) {
                    throw new IllegalStateException("make-corpus.sh failed (exit " + r.exit() + "); are the tools of "
                            + ".ci/install-tools.sh installed?\n" + r.stdout() + r.stderr());
                }
                Files.writeString(stamp, hash);
            }
            dir = out;
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(dir().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What a tool printed and returned. */
    record Result(int exit, String stdout, String stderr) {
        List<String> lines() {
            List<String> out = new ArrayList<>();
            for (String l : stdout.split("\n")) {
                if (!l.isBlank()) {
                    out.add(l.strip());
                }
            }
            return out;
        }
    }

    /** Runs a tool in {@code workDir} and waits for it (at most {@value #TOOL_TIMEOUT_SECONDS} s). */
    static Result run(Path workDir, String... command) {
        try {
            Path err = Files.createTempFile("ogg-tool", ".err");
            try {
                Process p = new ProcessBuilder(command).directory(workDir.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .redirectError(err.toFile()).start();
                String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(TOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException(String.join(" ", command) + " took more than "
                            + TOOL_TIMEOUT_SECONDS + " s");
                }
                return new Result(p.exitValue(), stdout, Files.readString(err));
            } finally {
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs a tool in the corpus directory. */
    static Result run(String... command) {
        return run(dir(), command);
    }
}
