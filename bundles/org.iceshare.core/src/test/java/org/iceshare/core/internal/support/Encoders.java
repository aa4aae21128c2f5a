package org.iceshare.core.internal.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real media for core tests, made by the real encoders ({@code ffmpeg} for the sound, {@code oggenc}
 * for Vorbis), which {@code .ci/install-tools.sh} installs.
 */
public final class Encoders {
    private Encoders() {
    }

    /** An Ogg Vorbis file of {@code seconds} of a tone with pink noise, 44.1 kHz stereo, oggenc -q 2, fixed serial. */
    public static Path vorbis(Path dir, int seconds) throws IOException {
        Path wav = dir.resolve("tone-" + seconds + ".wav");
        Path out = dir.resolve("tone-" + seconds + ".ogg");
        run(List.of("ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
                "sine=frequency=440:sample_rate=44100:duration=" + seconds, "-f", "lavfi", "-i",
                "anoisesrc=color=pink:sample_rate=44100:amplitude=0.2:seed=7:duration=" + seconds, "-filter_complex",
                "[0][1]amix=inputs=2,aformat=channel_layouts=stereo", "-c:a", "pcm_s16le", wav.toString()));
        run(List.of("oggenc", "-Q", "--serial", "777", "-q", "2", "-o", out.toString(), wav.toString()));
        Files.delete(wav);
        return out;
    }

    /**
     * An Ogg Opus file of {@code seconds} of a tone (opusenc), tagged with a title, an artist and a comment
     * {@code PADDING} of {@code paddingBytes} bytes (a large one makes the OpusTags packet span pages).
     */
    public static Path opusTagged(Path dir, int seconds, String title, String artist, int paddingBytes)
            throws IOException {
        Path wav = dir.resolve("opus-tone-" + seconds + ".wav");
        Path out = dir.resolve("opus-tagged-" + seconds + "-" + paddingBytes + ".opus");
        run(List.of("ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
                "sine=frequency=440:sample_rate=48000:duration=" + seconds, "-c:a", "pcm_s16le", wav.toString()));
        run(List.of("opusenc", "--quiet", "--serial", "778", "--title", title, "--artist", artist, "--comment",
                "PADDING=" + "x".repeat(paddingBytes), wav.toString(), out.toString()));
        Files.delete(wav);
        return out;
    }

    private static void run(List<String> command) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot run " + command.get(0) + " (install it with .ci/install-tools.sh)", e);
        }
        try {
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException(command.get(0) + " took more than 2 minutes");
            }
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + out);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
