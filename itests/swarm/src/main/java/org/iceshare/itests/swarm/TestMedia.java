package org.iceshare.itests.swarm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real Ogg media made by real encoders (ffmpeg makes the raw audio, oggenc or flac encodes it),
 * cached in a folder so each file is made once per build. The encoders come from Debian packages
 * that {@code .ci/install-tools.sh} installs.
 */
public final class TestMedia {
    private TestMedia() {
    }

    /** The cache folder: {@code -Diceshare.media.dir}, else {@code target/media}. */
    public static Path dir() throws IOException {
        Path d = Path.of(System.getProperty("iceshare.media.dir", "target/media"));
        Files.createDirectories(d);
        return d;
    }

    /**
     * An Ogg Vorbis file of {@code seconds} of a stereo tone sweep with noise, encoded by oggenc at
     * {@code quality} (-1..10; 4 is about 128 kbit/s, 10 about 500 kbit/s), with a fixed serial.
     */
    public static Path vorbis(int seconds, int quality) throws IOException {
        Path out = dir().resolve("vorbis-" + seconds + "s-q" + quality + ".ogg");
        if (Files.isRegularFile(out)) {
            return out;
        }
        Path wav = dir().resolve("vorbis-" + seconds + "s.wav");
        run(List.of("ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
                "sine=frequency=440:sample_rate=44100:duration=" + seconds, "-f", "lavfi", "-i",
                "anoisesrc=color=pink:sample_rate=44100:amplitude=0.2:seed=7:duration=" + seconds, "-filter_complex",
                "[0][1]amix=inputs=2,aformat=channel_layouts=stereo", "-c:a", "pcm_s16le", wav.toString()));
        Path tmp = dir().resolve(out.getFileName() + ".tmp");
        run(List.of("oggenc", "-Q", "--serial", "4242", "-q", Integer.toString(quality), "-o", tmp.toString(),
                wav.toString()));
        Files.delete(wav);
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return out;
    }

    /**
     * An Ogg FLAC file of at least {@code mebibytes} MiB (white noise hardly compresses: about
     * 10 MiB a minute), made by ffmpeg and flac. Fast to make at benchmark sizes.
     */
    public static Path flac(int mebibytes) throws IOException {
        Path out = dir().resolve("flac-" + mebibytes + "MiB.ogg");
        if (Files.isRegularFile(out)) {
            return out;
        }
        int seconds = Math.max(5, (int) Math.ceil(mebibytes * 1024.0 * 1024 / (44_100 * 4 * 0.93)));
        Path wav = dir().resolve("flac-" + mebibytes + ".wav");
        run(List.of("ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
                "anoisesrc=color=white:sample_rate=44100:amplitude=0.9:seed=11:duration=" + seconds, "-ac", "2",
                "-c:a", "pcm_s16le", wav.toString()));
        Path tmp = dir().resolve(out.getFileName() + ".tmp");
        run(List.of("flac", "--silent", "--force", "--ogg", "--serial-number=4343", "-0", "-o", tmp.toString(),
                wav.toString()));
        Files.delete(wav);
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return out;
    }

    /** Runs a tool, failing with its output when it fails. */
    public static String run(List<String> command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IOException("cannot run " + command.get(0) + " (install it with .ci/install-tools.sh): "
                    + e.getMessage(), e);
        }
        try {
            byte[] output = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException(command.get(0) + " did not finish in 10 minutes");
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
