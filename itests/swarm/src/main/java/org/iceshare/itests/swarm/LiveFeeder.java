package org.iceshare.itests.swarm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.iceshare.api.media.LivePiece;
import org.iceshare.api.media.MediaFormat;
import org.iceshare.api.media.MediaFormatException;
import org.iceshare.api.media.MediaLayout;
import org.iceshare.api.peer.LiveFeed;

/**
 * Plays a real Ogg file into a {@link LiveFeed} at real-time rate, as a live source would: the file
 * is cut by a media format (whole pages, header pieces apart, times and start points), and each data
 * piece is handed over when its media time has come. Looping starts a new chain link each time, with
 * the file's headers again and the time running on. For tests and benchmarks; the real live source
 * bundle does the same from any input.
 */
public final class LiveFeeder implements AutoCloseable {
    private final LiveFeed feed;
    private final ByteBuffer file;
    private final MediaLayout layout;
    private final long durationMicros;
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "live-feeder");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong cut = new AtomicLong();
    private final List<Long> cutTimes = new ArrayList<>();
    private volatile boolean running = true;

    public LiveFeeder(LiveFeed feed, Path media, MediaFormat format) throws IOException {
        this.feed = feed;
        this.file = ByteBuffer.wrap(Files.readAllBytes(media)).asReadOnlyBuffer();
        try (InputStream in = Files.newInputStream(media)) {
            this.layout = format.layout(in);
        } catch (MediaFormatException e) {
            throw new IOException(e.getMessage(), e);
        }
        long end = 0;
        for (MediaLayout.Segment s : layout.pieces()) {
            end = Math.max(end, s.endMicros());
        }
        if (end <= 0) {
            throw new IOException(media + " has no time information; cannot play it out in real time");
        }
        this.durationMicros = end;
    }

    public long durationMicros() {
        return durationMicros;
    }

    /** Starts playing out, {@code loops} times over (a new chain link each time). */
    public LiveFeeder start(int loops) {
        long t0 = System.nanoTime();
        for (int loop = 0; loop < loops; loop++) {
            long offset = loop * durationMicros;
            boolean first = true;
            for (int i = 0; i < layout.pieces().size(); i++) {
                MediaLayout.Segment s = layout.pieces().get(i);
                boolean header = i < layout.headerPieces();
                ByteBuffer data = file.duplicate().position((int) s.offset()).limit((int) (s.offset() + s.length()))
                        .slice();
                long start = s.startMicros() < 0 ? -1 : s.startMicros() + offset;
                long end = s.endMicros() < 0 ? -1 : s.endMicros() + offset;
                LivePiece piece = new LivePiece(data, start, end, s.startPoint(), header, header && first,
                        layout.links().get(0).codecs());
                first = false;
                // a data piece is complete, and can be sent, once its last sample was due
                long at = header ? offset : Math.max(0, end);
                clock.schedule(() -> emit(piece), t0 + at * 1000 - System.nanoTime(), TimeUnit.NANOSECONDS);
            }
        }
        return this;
    }

    private void emit(LivePiece piece) {
        if (running) {
            feed.piece(piece);
            cut.incrementAndGet();
            synchronized (cutTimes) {
                cutTimes.add(System.currentTimeMillis());
            }
        }
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
