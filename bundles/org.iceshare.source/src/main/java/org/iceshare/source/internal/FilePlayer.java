package org.iceshare.source.internal;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.iceshare.api.media.LivePiece;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays a file out as a live stream at real-time rate.
 *
 * <p><b>Pacing rule: a piece is handed to the feed when its end time has come</b>, that is at
 * {@code start + (piece.endMicros - first.startMicros)} on the monotonic clock, where {@code start}
 * is when the first piece was cut. That is when a live encoder would have produced the piece's last
 * sample, so a file-fed stream has the same latency as a real live input and never runs ahead of
 * real time (it trails it by at most one piece, the one being "recorded"). A header piece (start =
 * end = its link's start) goes out at its link's start; a piece without time goes out right after
 * the piece before it.
 *
 * <p>The file is read ahead freely (64 KiB at a time, until a few pieces are waiting), so reading
 * never delays a piece. Memory stays at one read buffer and the waiting pieces.
 *
 * <p><b>Looping.</b> At the end of the file, with looping on, the file is read again into the same
 * cutter: each round is a new chain link, and its header pages come again. For an Ogg file, rounds
 * after the first are read through the format's {@code relinked} (Ogg: new serial numbers), so each link is a proper one. Times
 * keep increasing: the Ogg cutter continues a new link's time from the previous link's end, and
 * {@link Timeline} shifts times that start over anyway.
 *
 * <p>Without looping, the end of the file flushes the cutter, the stream goes off air ("end of
 * file"), and the engine closes it after the grace period.
 *
 * <p><b>Threading:</b> runs as a chain of tasks on the engine's scheduler, one step at a time; file
 * reads block briefly on that scheduler thread (never on an event loop). {@link #stop} may be called
 * from any thread.
 */
final class FilePlayer {
    private static final Logger LOG = LoggerFactory.getLogger(FilePlayer.class);
    static final int READ_SIZE = 65_536;
    /** Read ahead until this many pieces wait. */
    static final int READ_AHEAD_PIECES = 4;

    private final LiveStream stream;
    private final Path file;
    private final boolean loop;
    private final ScheduledExecutorService scheduler;
    private final LongSupplier nanos;
    private final Runnable ended;

    private final ArrayDeque<LivePiece> queue = new ArrayDeque<>();
    private final byte[] buffer = new byte[READ_SIZE];
    private InputStream in;
    private int round;
    private boolean eof;
    private long baseNanos = -1;
    private long originMicros;
    private long lastDueMicros;
    private volatile boolean stopped;
    private volatile Future<?> next;

    /**
     * @param ended run (on the scheduler) once the file has ended without looping and its last piece
     *        went out
     */
    FilePlayer(LiveStream stream, Path file, boolean loop, ScheduledExecutorService scheduler, LongSupplier nanos,
            Runnable ended) {
        this.stream = stream;
        this.file = file;
        this.loop = loop;
        this.scheduler = scheduler;
        this.nanos = nanos;
        this.ended = ended;
    }

    /**
     * Opens the file and starts playing; the first bytes must already have chosen the stream's
     * format.
     */
    void start() throws IOException {
        in = open();
        stream.connected();
        schedule(0);
    }

    /** Stops at the next step; the file is closed. */
    void stop() {
        stopped = true;
        Future<?> f = next;
        if (f != null && f.cancel(false)) {
            // no step runs or will run: close here; a running step closes the file when it ends
            closeQuietly();
        }
    }

    /** How many times the file has started over. */
    int rounds() {
        return round;
    }

    private InputStream open() throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), READ_SIZE);
        return round > 0 ? stream.media().relinked(raw, round) : raw;
    }

    private void schedule(long delayNanos) {
        if (stopped) {
            closeQuietly();
            return;
        }
        try {
            next = scheduler.schedule(this::step, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            stopped = true;
        }
    }

    private void step() {
        if (stopped) {
            closeQuietly();
            return;
        }
        try {
            while (queue.size() < READ_AHEAD_PIECES && !eof) {
                read();
            }
        } catch (IOException e) {
            if (stopped) {
                closeQuietly();
                return;
            }
            LOG.warn("live stream '{}': reading {} failed: {}", stream.name, file, e.getMessage());
            stream.problem("reading " + file + " failed: " + e.getMessage());
            eof = true;
            queue.addAll(stream.flush());
        }
        long now = nanos.getAsLong();
        while (!queue.isEmpty() && due(queue.peek(), now) <= now) {
            stream.emit(queue.poll());
        }
        if (queue.isEmpty() && eof) {
            closeQuietly();
            if (!stopped) {
                LOG.info("live stream '{}': end of {}", stream.name, file);
                ended.run();
            }
            return;
        }
        if (queue.isEmpty()) {
            schedule(0);
        } else {
            schedule(due(queue.peek(), now) - now);
        }
    }

    /** Reads the next chunk into the cutter; at the end of the file, loops or flushes. */
    private void read() throws IOException {
        int n = in.read(buffer);
        if (n > 0) {
            queue.addAll(stream.cut(ByteBuffer.wrap(buffer, 0, n)));
            return;
        }
        in.close();
        if (loop && !stopped) {
            round++;
            LOG.info("live stream '{}': {} from the start again (round {})", stream.name, file, round + 1);
            in = open();
            return;
        }
        eof = true;
        queue.addAll(stream.flush());
    }

    /** When a piece is due, by the pacing rule in the class comment. */
    private long due(LivePiece p, long now) {
        long t = p.endMicros() >= 0 ? p.endMicros() : p.startMicros() >= 0 ? p.startMicros() : -1;
        if (baseNanos < 0) {
            baseNanos = now;
            originMicros = p.startMicros() >= 0 ? p.startMicros() : Math.max(0, t);
            lastDueMicros = originMicros;
        }
        if (t < 0) {
            t = lastDueMicros;
        }
        lastDueMicros = Math.max(lastDueMicros, t);
        return baseNanos + (t - originMicros) * 1000;
    }

    private void closeQuietly() {
        InputStream s = in;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                LOG.debug("closing {}: {}", file, e.getMessage());
            }
        }
    }
}
