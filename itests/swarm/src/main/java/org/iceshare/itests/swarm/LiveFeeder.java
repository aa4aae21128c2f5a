package org.iceshare.itests.swarm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.iceshare.api.media.LiveCut;
import org.iceshare.api.media.LiveCutter;
import org.iceshare.api.media.LivePiece;
import org.iceshare.api.media.MediaFormat;
import org.iceshare.api.peer.LiveFeed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays a real Ogg file into a {@link LiveFeed} at real-time rate, as a live source would: the file
 * is read in chunks and fed through the media format's live cutter ({@link MediaFormat#liveCutter}),
 * which cuts whole pages into a header piece per chain link and data pieces of the target duration
 * with their times and start points, and each piece is handed over when its media time has come: a
 * link's header piece at the link's start, a data piece at its end (it is complete only once its last
 * sample was due). Looping feeds the file again, which the cutter sees as a new chain link (the file
 * ended its streams), with the file's headers again and the time running on. The file is cut a little
 * ahead of the clock ({@value #LEAD_MICROS} µs), never all at once. For tests and benchmarks; the real
 * live source bundle does the same from any input.
 */
public final class LiveFeeder implements AutoCloseable {
    /** The target duration of a data piece unless one is given: 500 ms, as the live source's default. */
    public static final long DEFAULT_TARGET_MICROS = 500_000;
    /** How far ahead of the clock the file is cut. */
    static final long LEAD_MICROS = 2_000_000;
    /** Bytes read from the file at a time, as a network read might bring them. */
    static final int CHUNK = 16_384;

    private static final Logger LOG = LoggerFactory.getLogger(LiveFeeder.class);

    /** A piece and when it is due, in microseconds from the start. */
    private record Due(LivePiece piece, long atMicros) {
    }

    private final LiveFeed feed;
    private final Path media;
    private final List<ByteBuffer> files;
    private int nextFile;
    private final MediaFormat format;
    private final long targetMicros;
    private final long durationMicros;
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "live-feeder");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong cut = new AtomicLong();
    private volatile boolean running = true;

    // confined to the clock thread
    private final ArrayDeque<Due> queue = new ArrayDeque<>();
    private LiveCutter cutter;
    private long t0;
    /** {@link #t0} for other threads: when media time 0 was due, or -1 before the start. */
    private volatile long origin = -1;
    private int loopsLeft;
    private ByteBuffer input;
    private long latestDue;

    /** A feeder cutting data pieces of {@value #DEFAULT_TARGET_MICROS} µs. */
    public LiveFeeder(LiveFeed feed, Path media, MediaFormat format) throws IOException {
        this(feed, media, format, DEFAULT_TARGET_MICROS);
    }

    /**
     * @param targetMicros the target duration of a data piece
     * @throws IOException when the file cannot be read, the format cannot cut live streams, or the
     *         file has no time to play it out by
     */
    public LiveFeeder(LiveFeed feed, Path media, MediaFormat format, long targetMicros) throws IOException {
        this(feed, List.of(media), format, targetMicros);
    }

    /**
     * A feeder playing several files one after the other (each a new chain link, as a radio changes
     * tracks), cycling through them when looping: {@link #start} counts files played.
     */
    public LiveFeeder(LiveFeed feed, List<Path> media, MediaFormat format, long targetMicros) throws IOException {
        this.feed = feed;
        this.media = media.get(0);
        this.format = format;
        this.targetMicros = targetMicros;
        List<ByteBuffer> all = new ArrayList<>();
        for (Path m : media) {
            all.add(ByteBuffer.wrap(Files.readAllBytes(m)).asReadOnlyBuffer());
        }
        this.files = List.copyOf(all);
        // one pass through a cutter of its own, for the duration and to find out early what is wrong
        LiveCutter probe = newCutter();
        List<LivePiece> pieces = new ArrayList<>(probe.accept(files.get(0).duplicate()).pieces());
        pieces.addAll(probe.flush().pieces());
        long end = pieces.stream().mapToLong(LivePiece::endMicros).max().orElse(-1);
        if (end <= 0) {
            throw new IOException(media + " has no time information; cannot play it out in real time");
        }
        this.durationMicros = end;
    }

    private LiveCutter newCutter() throws IOException {
        return format.liveCutter(targetMicros).orElseThrow(() -> new IOException("the " + format.name()
                + " media format cannot cut live streams, so " + media + " cannot be played out live"));
    }

    public long durationMicros() {
        return durationMicros;
    }

    /**
     * Starts playing out: {@code loops} files in all (the file again and again, or the files in turn),
     * each a new chain link.
     */
    public LiveFeeder start(int loops) {
        return start(loops, 0);
    }

    /**
     * Starts playing out as if the stream had been on air for {@code headStartMicros} already: that much
     * media is handed over at once, the rest in real time (a stream with a past, without waiting for it).
     */
    public LiveFeeder start(int loops, long headStartMicros) {
        LiveCutter c;
        try {
            c = newCutter();
        } catch (IOException e) {
            // the constructor had one already
            throw new IllegalStateException(e);
        }
        clock.execute(() -> {
            cutter = c;
            t0 = System.nanoTime() - headStartMicros * 1000;
            origin = t0;
            loopsLeft = loops;
            pump();
        });
        return this;
    }

    /**
     * Feeds the file through the cutter until it is cut {@value #LEAD_MICROS} µs ahead of the clock
     * (or to its end), queues the pieces, and comes back when the clock needs more. Clock thread.
     */
    private void pump() {
        try {
            long now = elapsedMicros();
            while (running && latestDue < now + LEAD_MICROS) {
                if (input == null || !input.hasRemaining()) {
                    if (loopsLeft == 0) {
                        queue(cutter.flush());
                        cutter = null;
                        return;
                    }
                    loopsLeft--;
                    input = files.get(nextFile++ % files.size()).duplicate();
                }
                ByteBuffer chunk = input.slice(input.position(), Math.min(CHUNK, input.remaining()));
                input.position(input.position() + chunk.remaining());
                queue(cutter.accept(chunk));
            }
            if (running) {
                schedule(this::pump, latestDue - LEAD_MICROS);
            }
        } catch (RuntimeException e) {
            LOG.error("live feeder of {} failed", media, e);
        }
    }

    private void queue(LiveCut c) {
        if (c.skippedBytes() > 0 || !c.problems().isEmpty()) {
            LOG.warn("live feeder of {}: {} bytes skipped: {}", media, c.skippedBytes(), c.problems());
        }
        for (LivePiece p : c.pieces()) {
            long at = Math.max(0, p.header() ? p.startMicros() : p.endMicros());
            queue.add(new Due(p, at));
            latestDue = Math.max(latestDue, at);
            schedule(this::emitDue, at);
        }
    }

    /** Hands over, in order, every queued piece whose time has come. Clock thread. */
    private void emitDue() {
        long now = elapsedMicros();
        while (running && !queue.isEmpty() && queue.peek().atMicros() <= now) {
            feed.piece(queue.poll().piece());
            cut.incrementAndGet();
        }
    }

    private void schedule(Runnable task, long atMicros) {
        clock.schedule(task, t0 + atMicros * 1000 - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    private long elapsedMicros() {
        return (System.nanoTime() - t0) / 1000;
    }

    /**
     * When the play-out started, on {@link System#nanoTime()}'s clock: media time {@code m} is due at
     * {@code startNanos() + m}, which is where the live edge is. -1 until the feeder's clock ran.
     */
    public long startNanos() {
        return origin;
    }

    /** Pieces handed to the feed so far. */
    public long pieces() {
        return cut.get();
    }

    /** Stops the input; the feed goes off air. */
    public void stopInput(String reason) {
        running = false;
        feed.onAir(false, reason);
    }

    @Override
    public void close() {
        running = false;
        clock.shutdownNow();
    }
}
