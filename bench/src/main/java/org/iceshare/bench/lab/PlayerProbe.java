package org.iceshare.bench.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real player on one HTTP URL: ffmpeg decodes what it reads and writes one {@code framecrc} line per
 * decoded frame to a pipe we read as it comes, so every frame is timed where the listener is. From
 * those times it reports the first decoded frame (from the moment ffmpeg was started, which is when a
 * player would send its request; ffmpeg's own start-up is part of it, as it is for a listener) and the
 * stalls of a player that starts playing at its first frame (or once {@code startBuffer} of media is
 * decoded) and then needs each frame at its media time: a frame decoded after that moment stalls
 * playback by the difference, and playback resumes from there.
 *
 * <p>Only the first output stream (index 0) drives the clock. Callers choose what ffmpeg decodes with
 * {@code map} (for example {@code 0:a:0} so that a video file costs the machine an audio decoder only).
 * ffmpeg reads as fast as the server sends unless {@code realtime} is set ({@code -re}); either way a
 * frame that arrives late is a stall.
 *
 * <p>For a live stream, {@link #live} keeps the stream's own timestamps ({@code -copyts}: an Ogg page's
 * granule position is the media time since the stream began, however late the player joined), so that
 * {@link #behind} can tell how far behind the source's live edge each frame was decoded; and its player
 * starts playing a fixed playout delay after its first frame, as a player with a network cache does.
 */
public final class PlayerProbe implements AutoCloseable {

    /** What one player saw. Times in seconds; {@code firstFrame} is -1 when nothing was decoded. */
    public record Result(URI url, double firstFrame, double playbackStart, double mediaSeconds, int frames,
            int stalls, double stallSeconds, int exitCode, List<String> errors) {

        /** Media time played over media time plus time stalled: 1.0 when nothing came late. */
        public double continuity() {
            double total = mediaSeconds + stallSeconds;
            return total <= 0 ? 0 : mediaSeconds / total;
        }

        /** ffmpeg exited normally (or was stopped by us) and printed no error. */
        public boolean clean() {
            return (exitCode == 0 || exitCode == STOPPED) && errors.isEmpty();
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT,
                    "first_frame=%.3fs media=%.1fs frames=%d stalls=%d stalled=%.3fs continuity=%.4f exit=%d%s",
                    firstFrame, mediaSeconds, frames, stalls, stallSeconds, continuity(), exitCode,
                    errors.isEmpty() ? "" : " errors=" + errors);
        }
    }

    /** The exit code a result carries when we stopped ffmpeg ourselves (a live stream has no end). */
    public static final int STOPPED = -15;

    private static final int MAX_ERRORS = 20;

    private final URI url;
    private final double startBuffer;
    /** Live: playback starts this long after the first frame, whatever was decoded by then; -1: by startBuffer. */
    private final double playoutDelay;
    private final Process process;
    private final Process producer;
    private final long startNanos;
    private final Thread reader;
    private final Thread errorReader;
    private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch firstFrame = new CountDownLatch(1);
    private volatile boolean stoppedByUs;

    // Written by the reader thread only; read after it ended (join gives the happens-before).
    private long firstFrameNanos = -1;
    private long playbackStartNanos = -1;
    private long firstPts = Long.MIN_VALUE;
    private long lastPts;
    private long lastDuration;
    private double timeBase = 0;
    private int frames;
    private int stalls;
    private double stallSeconds;
    /** Per frame: when it was decoded (nanoTime) and where its media ends (seconds of stream time). */
    private final List<double[]> frameTimes = new ArrayList<>();

    private PlayerProbe(URI url, double startBuffer, double playoutDelay, ProcessBuilder producerCommand,
            List<String> command) throws IOException {
        this.url = url;
        this.startBuffer = startBuffer;
        this.playoutDelay = playoutDelay;
        this.startNanos = System.nanoTime();
        if (producerCommand == null) {
            this.producer = null;
            this.process = new ProcessBuilder(command).start();
            process.getOutputStream().close();
        } else {
            // the producer's standard output is ffmpeg's standard input (its errors go where the caller set)
            List<Process> pipeline = ProcessBuilder.startPipeline(List.of(
                    producerCommand,
                    new ProcessBuilder(command)));
            this.producer = pipeline.get(0);
            this.process = pipeline.get(1);
            producer.getOutputStream().close();
        }
        reader = new Thread(this::readFrames, "player-probe-frames");
        errorReader = new Thread(this::readErrors, "player-probe-errors");
        reader.setDaemon(true);
        errorReader.setDaemon(true);
        reader.start();
        errorReader.start();
    }

    /**
     * Starts ffmpeg on {@code url}.
     *
     * @param map ffmpeg's {@code -map} argument, or null for every stream
     * @param maxMediaSeconds stop after this much media ({@code -t}), or 0 for the whole input
     * @param realtime read at the media's own pace ({@code -re})
     * @param startBuffer seconds of media decoded before playback starts (0: at the first frame)
     */
    public static PlayerProbe start(URI url, String map, double maxMediaSeconds, boolean realtime,
            double startBuffer) throws IOException {
        return new PlayerProbe(url, startBuffer, -1, null, ffmpeg(url.toString(), map, maxMediaSeconds, realtime));
    }

    /**
     * Starts {@code producer | ffmpeg -i pipe:0 ...}: a player reading what a program writes to its standard
     * output ({@code iceshare play URL --stdout}, say). Times count from the start of the producer. The
     * producer's standard output must stay a pipe (the default); set its error stream and environment as
     * needed. {@code url} only names the result.
     */
    public static PlayerProbe startPiped(ProcessBuilder producer, URI url, String map, double maxMediaSeconds)
            throws IOException {
        return new PlayerProbe(url, 0, -1, producer, ffmpeg("pipe:0", map, maxMediaSeconds, false));
    }

    /** The producer's process in a piped probe (to read its memory, say), or null. */
    public Process producer() {
        return producer;
    }

    private static List<String> ffmpeg(String input, String map, double maxMediaSeconds, boolean realtime) {
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-loglevel", "error"));
        if (!input.equals("pipe:0")) {
            cmd.add("-nostdin");
        }
        if (realtime) {
            cmd.add("-re");
        }
        cmd.addAll(List.of("-i", input));
        if (map != null) {
            cmd.addAll(List.of("-map", map));
        }
        if (maxMediaSeconds > 0) {
            cmd.addAll(List.of("-t", String.format(Locale.ROOT, "%.3f", maxMediaSeconds)));
        }
        cmd.addAll(List.of("-f", "framecrc", "-flush_packets", "1", "pipe:1"));
        return cmd;
    }

    /**
     * Starts ffmpeg on a live stream: its first audio stream, decoded as it arrives, with the stream's own
     * timestamps kept ({@code -copyts}); playback starts {@code playoutDelay} seconds after the first frame.
     * A live stream has no end: {@link #stop} it.
     */
    public static PlayerProbe live(URI url, double playoutDelay) throws IOException {
        if (playoutDelay < 0) {
            throw new IllegalArgumentException("playout delay must be >= 0: " + playoutDelay);
        }
        List<String> cmd = List.of("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-copyts", "-i",
                url.toString(), "-map", "0:a:0", "-f", "framecrc", "-flush_packets", "1", "pipe:1");
        return new PlayerProbe(url, 0, playoutDelay, null, cmd);
    }

    /**
     * How far behind a live edge each decoded frame was, in seconds, in decoding order: the time it was
     * decoded minus the moment the edge passed the frame's end, where the edge is at media time
     * {@code t - originNanos} at time {@code t} (a source playing out in real time from media time 0 at
     * {@code originNanos}). Meaningful for {@link #live} probes, whose timestamps are the stream's own;
     * call it after {@link #stop} or {@link #await}.
     */
    public double[] behind(long originNanos) {
        synchronized (frameTimes) {
            return frameTimes.stream().mapToDouble(f -> (f[0] - originNanos) / 1e9 - f[1]).toArray();
        }
    }

    /** When ffmpeg was started, on {@link System#nanoTime()}'s clock. */
    public long startNanos() {
        return startNanos;
    }

    /** Waits up to {@code timeout} for the first decoded frame; false when none came (or ffmpeg ended). */
    public boolean awaitFirstFrame(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (firstFrame.await(50, TimeUnit.MILLISECONDS)) {
                return true;
            }
            if (!process.isAlive() && !reader.isAlive()) {
                return firstFrame.getCount() == 0;
            }
        }
        return false;
    }

    /** Waits for ffmpeg to end on its own, stopping it after {@code timeout}; then the result. */
    public Result await(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return stop();
        }
        return finish();
    }

    /** Stops ffmpeg now (a live stream has no end) and returns what it saw until then. */
    public Result stop() throws InterruptedException {
        stoppedByUs = true;
        if (producer != null) {
            producer.destroy();
            if (!producer.waitFor(10, TimeUnit.SECONDS)) {
                producer.destroyForcibly();
            }
        }
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        return finish();
    }

    private Result finish() throws InterruptedException {
        reader.join(5_000);
        errorReader.join(5_000);
        int exit = stoppedByUs ? STOPPED : process.exitValue();
        double media = frames == 0 ? 0 : (lastPts + lastDuration - firstPts) * timeBase;
        List<String> errs;
        synchronized (errors) {
            errs = List.copyOf(errors);
        }
        return new Result(url, seconds(firstFrameNanos), seconds(playbackStartNanos), media, frames, stalls,
                stallSeconds, exit, stoppedByUs ? withoutStopNoise(errs) : errs);
    }

    private double seconds(long nanos) {
        return nanos < 0 ? -1 : (nanos - startNanos) / 1e9;
    }

    // Killing ffmpeg mid-stream makes it complain about the input it was reading; that is ours, not a fault.
    private static List<String> withoutStopNoise(List<String> errs) {
        return errs.stream().filter(e -> !e.contains("Exiting normally") && !e.contains("received signal")
                && !e.contains("Immediate exit") && !e.equals("reading ffmpeg's frames: java.io.IOException: Stream closed"))
                .toList();
    }

    private void readFrames() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                long now = System.nanoTime();
                if (line.startsWith("#tb 0:")) {
                    timeBase = parseTimeBase(line.substring(6).trim());
                } else if (line.startsWith("0,")) {
                    frame(line, now);
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!stoppedByUs) { // stopping ffmpeg closes the pipe under the reader
                errors.add("reading ffmpeg's frames: " + e);
            }
        }
    }

    private void frame(String line, long now) {
        String[] f = line.split(",");
        if (f.length < 4 || timeBase <= 0) {
            return;
        }
        long pts = Long.parseLong(f[2].trim());
        long duration = Long.parseLong(f[3].trim());
        frames++;
        if (firstPts == Long.MIN_VALUE) {
            firstPts = pts;
            firstFrameNanos = now;
            firstFrame.countDown();
        }
        lastPts = pts;
        lastDuration = duration;
        synchronized (frameTimes) {
            frameTimes.add(new double[] {now, (pts + duration) * timeBase});
        }
        double mediaFromFirst = (pts - firstPts) * timeBase;
        if (playbackStartNanos < 0 && playoutDelay >= 0) {
            // a fixed playout delay: the first frame plays that long after it was decoded
            playbackStartNanos = now + (long) (playoutDelay * 1e9);
        }
        if (playbackStartNanos < 0) {
            if (mediaFromFirst + duration * timeBase >= startBuffer) {
                // Playback starts now, at the first frame; frames decoded so far were early.
                playbackStartNanos = now;
            }
            return;
        }
        double needed = (playbackStartNanos - startNanos) / 1e9 + mediaFromFirst + stallSeconds;
        double arrived = (now - startNanos) / 1e9;
        if (arrived > needed) {
            stalls++;
            stallSeconds += arrived - needed;
        }
    }

    private void readErrors() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (!line.isBlank() && errors.size() < MAX_ERRORS) {
                    errors.add(line.trim());
                }
            }
        } catch (IOException e) {
            if (!stoppedByUs) {
                errors.add("reading ffmpeg's errors: " + e);
            }
        }
    }

    static double parseTimeBase(String tb) {
        String[] nd = tb.split("/");
        return Double.parseDouble(nd[0].trim()) / Double.parseDouble(nd[1].trim());
    }

    @Override
    public void close() {
        stoppedByUs = true;
        if (producer != null) {
            producer.destroyForcibly();
        }
        process.destroyForcibly();
    }
}
