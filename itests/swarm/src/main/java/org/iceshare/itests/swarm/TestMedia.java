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

    /** An Ogg Opus file (opusenc, fixed serial) of a tone with noise. */
    public static Path opus(int seconds) throws IOException {
        return cached("opus-" + seconds + "s.opus", out -> {
            Path wav = wav("opus-" + seconds, seconds, 48_000, 2, 660);
            run(List.of("opusenc", "--quiet", "--serial", "4444", "--bitrate", "64", wav.toString(), out.toString()));
            Files.delete(wav);
        });
    }

    /** An Ogg Speex file (speexenc, wideband). */
    public static Path speex(int seconds) throws IOException {
        return cached("speex-" + seconds + "s.spx", out -> {
            Path wav = wav("speex-" + seconds, seconds, 16_000, 1, 330);
            run(List.of("speexenc", "--quiet", "-w", wav.toString(), out.toString()));
            Files.delete(wav);
        });
    }

    /** An Ogg FLAC file (flac --ogg, fixed serial) of a tone with noise. */
    public static Path flacTone(int seconds) throws IOException {
        return cached("flac-tone-" + seconds + "s.oga", out -> {
            Path wav = wav("flac-tone-" + seconds, seconds, 44_100, 2, 550);
            run(List.of("flac", "--silent", "--force", "--ogg", "--serial-number=4545", "-o", out.toString(),
                    wav.toString()));
            Files.delete(wav);
        });
    }

    /**
     * Theora video with Vorbis audio, multiplexed by ffmpeg's Ogg muxer: a moving test pattern at
     * 320x240, 25 fps, a keyframe every {@code gop} frames.
     */
    public static Path theoraVorbis(int seconds, int gop) throws IOException {
        return cached("theora-vorbis-" + seconds + "s-g" + gop + ".ogv", out -> run(List.of("ffmpeg", "-nostdin",
                "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=" + seconds, "-f",
                "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=" + seconds, "-c:v", "libtheora",
                "-q:v", "5", "-g", Integer.toString(gop), "-c:a", "libvorbis", "-q:a", "2", "-fflags", "+bitexact",
                "-f", "ogg", out.toString())));
    }

    /**
     * A heavy Theora+Vorbis file of about {@code mbps} Mbit/s: a 640x360 test pattern with moving noise
     * (so it does not compress away), 25 fps, a keyframe a second, and a sine in Vorbis. 60 s at 9 Mbit/s
     * is about 64 MiB and takes ffmpeg about 30 s on two cores.
     */
    public static Path theoraHeavy(int seconds, int mbps) throws IOException {
        return cached("theora-heavy-" + seconds + "s-" + mbps + "M.ogv", out -> run(List.of("ffmpeg", "-nostdin",
                "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25:duration=" + seconds, "-f",
                "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=" + seconds, "-vf",
                "noise=alls=40:allf=t", "-c:v", "libtheora", "-b:v", mbps + "M", "-g", "25", "-c:a", "libvorbis",
                "-q:a", "4", "-fflags", "+bitexact", "-f", "ogg", out.toString())));
    }

    /**
     * A chained Ogg file: the concatenation of the given links (RFC 3533 chaining), each a complete
     * Ogg stream with its own serial numbers.
     */
    public static Path chained(String name, Path... links) throws IOException {
        return cached(name, out -> {
            try (var o = Files.newOutputStream(out)) {
                for (Path l : links) {
                    Files.copy(l, o);
                }
            }
        });
    }

    /** Two Vorbis links with different parameters: 44.1 kHz stereo, then 22.05 kHz mono. */
    public static Path chainedVorbis(int secondsEach) throws IOException {
        return chained("chained-vorbis-" + secondsEach + "s.ogg", vorbis(secondsEach, 3),
                chainedVorbisSecondLink(secondsEach));
    }

    /**
     * Two Vorbis links with the same parameters (44.1 kHz stereo, oggenc -q 3), different sounds and
     * serials: a chain that ffmpeg 5.1 decodes right, so it can be the oracle across the boundary.
     */
    public static Path chainedVorbisSameParameters(int secondsEach) throws IOException {
        return chained("chained-vorbis-same-" + secondsEach + "s.ogg", vorbis(secondsEach, 3),
                vorbisLink(secondsEach, 4848, 523));
    }

    /** A 44.1 kHz stereo Vorbis file (oggenc -q 3) of a tone with noise, with the given serial. */
    public static Path vorbisLink(int seconds, int serial, int frequency) throws IOException {
        return cached("vorbis-" + seconds + "s-" + frequency + "hz-s" + serial + ".ogg", out -> {
            Path wav = wav("vorbis-link-" + serial + "-" + seconds, seconds, 44_100, 2, frequency);
            run(List.of("oggenc", "-Q", "--serial", Integer.toString(serial), "-q", "3", "-o", out.toString(),
                    wav.toString()));
            Files.delete(wav);
        });
    }

    /**
     * A chain of {@code links} Vorbis links of {@code secondsEach} seconds each (44.1 kHz stereo, oggenc -q 3),
     * link {@code i} tagged {@code TITLE=Title i} and {@code ARTIST=Artist i}: a live stream whose title
     * changes every {@code secondsEach} seconds.
     */
    public static Path titledVorbisChain(int links, int secondsEach) throws IOException {
        Path[] parts = new Path[links];
        for (int i = 0; i < links; i++) {
            int serial = 6100 + i;
            int frequency = 330 + 110 * i;
            String title = "Title " + i;
            String artist = "Artist " + i;
            parts[i] = cached("vorbis-" + secondsEach + "s-titled-" + i + ".ogg", out -> {
                Path wav = wav("vorbis-titled-" + serial + "-" + secondsEach, secondsEach, 44_100, 2, frequency);
                run(List.of("oggenc", "-Q", "--serial", Integer.toString(serial), "-q", "3", "-t", title, "-a",
                        artist, "-o", out.toString(), wav.toString()));
                Files.delete(wav);
            });
        }
        return chained("chained-vorbis-titled-" + links + "x" + secondsEach + "s.ogg", parts);
    }

    /** A 22.05 kHz mono Vorbis file: the second link of {@link #chainedVorbis}. */
    public static Path chainedVorbisSecondLink(int seconds) throws IOException {
        return cached("vorbis-" + seconds + "s-22k-mono.ogg", out -> {
            Path wav = wav("vorbis-mono-" + seconds, seconds, 22_050, 1, 880);
            run(List.of("oggenc", "-Q", "--serial", "4646", "-q", "2", "-o", out.toString(), wav.toString()));
            Files.delete(wav);
        });
    }

    /** Audio tracks multiplexed into one Ogg file with ffmpeg (not oggz-merge, see the tool notes). */
    public static Path multiplexed(Path a, Path b, String name) throws IOException {
        return cached(name, out -> run(List.of("ffmpeg", "-nostdin", "-v", "error", "-y", "-i", a.toString(), "-i",
                b.toString(), "-map", "0", "-map", "1", "-c", "copy", "-fflags", "+bitexact", "-f", "ogg",
                out.toString())));
    }

    @FunctionalInterface
    private interface Maker {
        void make(Path out) throws IOException;
    }

    private static Path cached(String name, Maker maker) throws IOException {
        Path out = dir().resolve(name);
        if (Files.isRegularFile(out)) {
            return out;
        }
        Path tmp = dir().resolve(name + ".tmp" + name.substring(name.lastIndexOf('.')));
        Files.deleteIfExists(tmp);
        maker.make(tmp);
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return out;
    }

    /** A WAV of a tone mixed with pink noise. */
    private static Path wav(String name, int seconds, int rate, int channels, int frequency) throws IOException {
        Path wav = dir().resolve(name + ".wav");
        run(List.of("ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=" + frequency
                + ":sample_rate=" + rate + ":duration=" + seconds, "-f", "lavfi", "-i", "anoisesrc=color=pink:"
                + "sample_rate=" + rate + ":amplitude=0.1:seed=3:duration=" + seconds, "-filter_complex",
                "[0][1]amix=inputs=2", "-ac", Integer.toString(channels), "-c:a", "pcm_s16le", wav.toString()));
        return wav;
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
