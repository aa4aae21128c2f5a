package org.iceshare.source.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real Ogg media made by real encoders (ffmpeg, from Debian packages that .ci/install-tools.sh
 * installs), cached in {@code -Diceshare.media.dir} (else {@code target/media}) so each file is made
 * once per build.
 */
final class TestMedia {
    private TestMedia() {
    }

    static Path dir() throws IOException {
        Path d = Path.of(System.getProperty("iceshare.media.dir", "target/media"));
        Files.createDirectories(d);
        return d;
    }

    /** Ogg Vorbis, 44.1 kHz stereo, a tone with noise, {@code seconds} long (ffmpeg's libvorbis). */
    static Path vorbis(int seconds) throws IOException {
        return cached("vorbis-" + seconds + "s.ogg", out -> run(List.of("ffmpeg", "-nostdin", "-v", "error", "-y",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=" + seconds, "-f", "lavfi", "-i",
                "anoisesrc=color=pink:sample_rate=44100:amplitude=0.1:seed=5:duration=" + seconds, "-filter_complex",
                "[0][1]amix=inputs=2,aformat=channel_layouts=stereo", "-c:a", "libvorbis", "-q:a", "3", "-fflags",
                "+bitexact", "-f", "ogg", out.toString())));
    }

    /** Ogg Opus, 48 kHz stereo, {@code seconds} long (ffmpeg's libopus). */
    static Path opus(int seconds) throws IOException {
        return cached("opus-" + seconds + "s.opus", out -> run(List.of("ffmpeg", "-nostdin", "-v", "error", "-y", "-f",
                "lavfi", "-i", "sine=frequency=660:sample_rate=48000:duration=" + seconds, "-ac", "2", "-c:a",
                "libopus", "-b:a", "64k", "-fflags", "+bitexact", "-f", "ogg", out.toString())));
    }

    @FunctionalInterface
    interface Maker {
        void make(Path out) throws IOException;
    }

    private static synchronized Path cached(String name, Maker maker) throws IOException {
        Path out = dir().resolve(name);
        if (Files.isRegularFile(out)) {
            return out;
        }
        Path tmp = dir().resolve("tmp-" + name);
        Files.deleteIfExists(tmp);
        maker.make(tmp);
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return out;
    }

    /** Runs a tool to its end, failing with its output when it fails. */
    static String run(List<String> command) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot run " + command.get(0) + " (install it with .ci/install-tools.sh): "
                    + e.getMessage(), e);
        }
        try {
            byte[] output = p.getInputStream().readAllBytes();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException(command.get(0) + " did not finish in 5 minutes");
            }
            String text = new String(output, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + text);
            }
            return text;
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
