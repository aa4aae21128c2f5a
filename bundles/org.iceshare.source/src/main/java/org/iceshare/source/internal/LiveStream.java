package org.iceshare.source.internal;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;

import org.iceshare.api.media.MediaFormat;
import org.iceshare.api.media.LiveCut;
import org.iceshare.api.media.LiveCutter;
import org.iceshare.api.media.LivePiece;
import org.iceshare.api.peer.LiveFeed;
import org.iceshare.api.peer.Peer;
import org.iceshare.api.peer.PublishException;
import org.iceshare.api.source.LiveStreamInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One live stream at its source: its input's bytes go through the media format's live cutter, the
 * pieces get their place on the stream's {@link Timeline}, and go to the peer's {@link LiveFeed}.
 *
 * <p><b>Registration.</b> The stream is registered with the tracker ({@code Peer.publishLive}) when
 * its first piece is cut, since the first piece (the first link's headers) tells the codecs and so
 * the media type. Pieces cut before the feed is there wait here, at most {@value #MAX_PENDING} of
 * them.
 *
 * <p><b>On air.</b> A stream is on air while its input delivers. It goes off air ({@code
 * feed.onAir(false, reason)}) when its input stalls (no bytes for the stall timeout; the input stays
 * connected and the cutter keeps its state, so bytes resuming mid-page simply continue), when its
 * input goes away (the cutter is flushed first, so the unfinished piece of whole pages is not lost,
 * and the next input starts a new chain link), or when a file ends. The next piece puts it back on
 * air: it is told {@code onAir(true, ...)} right before that piece.
 *
 * <p><b>Threading:</b> thread-safe; every cutter and feed call happens under this object's lock,
 * so pieces reach the feed in order and an off-air call never overtakes a piece. Nothing here
 * blocks: the cutter and the feed do not.
 */
final class LiveStream {
    private static final Logger LOG = LoggerFactory.getLogger(LiveStream.class);

    /** Most pieces kept while the tracker registration is under way. */
    static final int MAX_PENDING = 512;
    private static final int LOGGED_PROBLEMS = 20;

    /** Where a stream's bytes come from. */
    enum Kind {
        FILE, PULL, PUSH;

        /** Whether a gap in the input is a stall (a file is read at will, so it never stalls). */
        boolean canStall() {
            return this != FILE;
        }
    }

    /** Registers streams with the tracker and hears of those that could not be. */
    interface Registrar {
        /** Starts the stream's registration; completes with its feed. */
        CompletionStage<LiveFeed> publish(LiveStream stream, String mediaType);

        /** The stream failed before it was registered, or its registration failed. */
        void failed(LiveStream stream, String reason);
    }

    final String name;
    final Kind kind;
    final String input;
    private final Registrar registrar;
    private final LongSupplier nanos;
    private final CompletableFuture<LiveStreamInfo> registered = new CompletableFuture<>();

    // guarded by this
    private String format;
    private MediaFormat media;
    private LiveCutter cutter;
    private String declaredType;
    private final Timeline timeline = new Timeline();
    private final ArrayDeque<LivePiece> pending = new ArrayDeque<>();
    private LiveFeed feed;
    private boolean registering;
    private boolean onAir = true;
    private String offAirReason = "";
    private boolean connected;
    private boolean stalled;
    private long lastInputNanos;
    private long goneSinceNanos = -1;
    /** The end (stream time) of the newest data piece handed on, when it was, and its duration; -1 before one. */
    private long edgeMicros = -1;
    private long edgeNanos;
    private long edgeSpanMicros;
    private long pieces;
    private long problems;
    private boolean closed;
    private Runnable inputStopper = () -> {
    };
    private volatile Peer peer;

    LiveStream(String name, Kind kind, String input, Registrar registrar, LongSupplier nanos) {
        this.name = name;
        this.kind = kind;
        this.input = input;
        this.registrar = registrar;
        this.nanos = nanos;
        this.lastInputNanos = nanos.getAsLong();
    }

    /** Completes with the stream's first snapshot once it is registered; fails when it cannot be. */
    CompletionStage<LiveStreamInfo> registered() {
        return registered;
    }

    /** The peer carrying the stream, once registration started. */
    Peer peer() {
        return peer;
    }

    void peer(Peer p) {
        this.peer = p;
    }

    /**
     * Sets the cutter from the first probe of the input; later calls (a reconnect) keep the cutter
     * in place so the stream continues.
     */
    synchronized void useFormat(LiveFormats.Choice choice, String declared) {
        if (cutter == null) {
            format = choice.format();
            media = choice.media();
            cutter = choice.cutter();
            declaredType = declared;
        }
    }

    synchronized String format() {
        return format;
    }

    /** The media format of the stream, once chosen: it names the media type and relinks loop rounds. */
    synchronized MediaFormat media() {
        return media;
    }

    /** How to stop the input when the stream is closed. */
    synchronized void inputStopper(Runnable stopper) {
        this.inputStopper = stopper;
    }

    /** An input is (again) attached: the grace period ends and stall timing starts over. */
    synchronized void connected() {
        connected = true;
        stalled = false;
        goneSinceNanos = -1;
        lastInputNanos = nanos.getAsLong();
    }

    synchronized boolean isConnected() {
        return connected;
    }

    synchronized boolean isClosed() {
        return closed;
    }

    synchronized boolean isOnAir() {
        return onAir;
    }

    synchronized boolean isStalled() {
        return stalled;
    }

    /** Bytes of a live input (pull or push), in order: cut and handed to the feed at once. */
    synchronized void accept(ByteBuffer bytes) {
        lastInputNanos = nanos.getAsLong();
        stalled = false;
        for (LivePiece p : cut(bytes)) {
            emit(p);
        }
    }

    /** Cuts bytes without handing the pieces on (the file player paces them itself). */
    synchronized List<LivePiece> cut(ByteBuffer bytes) {
        if (cutter == null) {
            throw new IllegalStateException("no format chosen for stream " + name);
        }
        if (closed) {
            return List.of();
        }
        return place(cutter.accept(bytes));
    }

    /** Ends the cutter's current run: its unfinished piece, and it starts afresh. */
    synchronized List<LivePiece> flush() {
        if (cutter == null || closed) {
            return List.of();
        }
        return place(cutter.flush());
    }

    private List<LivePiece> place(LiveCut cut) {
        for (String problem : cut.problems()) {
            problem(problem);
        }
        if (cut.pieces().isEmpty()) {
            return List.of();
        }
        List<LivePiece> out = new ArrayList<>(cut.pieces().size());
        for (LivePiece p : cut.pieces()) {
            out.add(timeline.place(p));
        }
        return out;
    }

    /** Counts and logs an input problem (the first ones in full, then every 100th). */
    synchronized void problem(String problem) {
        problems++;
        if (problems <= LOGGED_PROBLEMS || problems % 100 == 0) {
            LOG.warn("live stream '{}' ({}): {}{}", name, input, problem,
                    problems == LOGGED_PROBLEMS ? " (further problems are logged every 100th)" : "");
        }
    }

    /** Hands one piece to the feed (or keeps it until the feed is there). */
    synchronized void emit(LivePiece p) {
        if (closed) {
            return;
        }
        pieces++;
        if (!p.header() && p.endMicros() >= 0) {
            edgeMicros = p.endMicros();
            edgeNanos = nanos.getAsLong();
            edgeSpanMicros = p.startMicros() < 0 ? 0 : Math.max(0, p.endMicros() - p.startMicros());
        }
        if (feed == null) {
            if (pending.size() >= MAX_PENDING) {
                LivePiece dropped = pending.stream().filter(q -> !q.header()).findFirst().orElse(null);
                if (dropped == null) {
                    problem("registration is taking too long; header pieces piled up");
                    return;
                }
                pending.remove(dropped);
                problem("registration is taking too long; dropped a data piece");
            }
            pending.add(p);
            if (!registering) {
                registering = true;
                String mediaType = media.mediaType(p.codecs(), declaredType);
                CompletionStage<LiveFeed> stage;
                try {
                    stage = registrar.publish(this, mediaType);
                } catch (RuntimeException e) {
                    stage = CompletableFuture.failedFuture(e);
                }
                stage.whenComplete(this::registeredWith);
            }
            return;
        }
        if (!onAir) {
            onAir = true;
            LOG.info("live stream '{}' is on air again", name);
            feed.onAir(true, "input is flowing");
        }
        feed.piece(p);
    }

    private void registeredWith(LiveFeed f, Throwable error) {
        String failure = null;
        synchronized (this) {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause()
                        : error;
                failure = cause.getMessage() == null ? cause.toString() : cause.getMessage();
                closed = true;
                pending.clear();
            } else if (closed) {
                f.close();
                return;
            } else {
                feed = f;
                while (!pending.isEmpty()) {
                    f.piece(pending.poll());
                }
                if (!onAir) {
                    f.onAir(false, offAirReason);
                }
                LOG.info("live stream '{}' from {} registered as {}", name, input, f.url());
            }
        }
        if (failure != null) {
            fail("registration failed: " + failure);
            return;
        }
        registered.complete(info());
    }

    /**
     * An out-of-band title change (an Icecast-style metadata update) stamped with the stream's live edge now,
     * and handed to the feed, which sends it to the listeners. The live edge is the end of the newest piece
     * handed on plus the time since it was: an input on air delivers in real time, and a piece goes out as
     * soon as the page that completes it came, so between pieces the input is that far ahead. At most the
     * last piece's duration is added (the next piece is due by then; later, the input is late), and nothing
     * while off air.
     *
     * @return the media time it was stamped with, in microseconds on the stream's timeline
     * @throws IllegalStateException when the stream has no audio yet, is not registered yet, or is closed
     * @throws IllegalArgumentException when a string is too long for the message
     */
    synchronized long metadata(String title, String artist) {
        if (closed) {
            throw new IllegalStateException("live stream '" + name + "' is stopped");
        }
        if (feed == null || edgeMicros < 0) {
            throw new IllegalStateException("live stream '" + name + "' has no audio on air yet");
        }
        long ahead = onAir ? Math.min((nanos.getAsLong() - edgeNanos) / 1_000, edgeSpanMicros) : 0;
        long micros = edgeMicros + Math.max(0, ahead);
        feed.metadata(micros, title, artist);
        return micros;
    }

    /** Marks the stream off air (once; repeated calls keep the first reason). */
    synchronized void offAir(String reason) {
        if (!onAir || closed) {
            return;
        }
        onAir = false;
        offAirReason = reason;
        LOG.info("live stream '{}' is off air: {}", name, reason);
        if (feed != null) {
            feed.onAir(false, reason);
        }
    }

    /**
     * The input went away (a push disconnected, a pull dropped, a file ended): the cutter's
     * unfinished piece goes out, the stream goes off air, and for a push or a file the grace period
     * starts.
     */
    synchronized void inputEnded(String reason, boolean startGrace) {
        if (closed) {
            return;
        }
        connected = false;
        stalled = false;
        for (LivePiece p : flush()) {
            emit(p);
        }
        offAir(reason);
        if (startGrace) {
            goneSinceNanos = nanos.getAsLong();
        }
    }

    /** Marks the stream off air when its connected input gave nothing for {@code stallNanos}. */
    synchronized boolean checkStall(long now, long stallNanos) {
        if (!kind.canStall() || !connected || stalled || closed || now - lastInputNanos < stallNanos) {
            return false;
        }
        stalled = true;
        offAir("no input for " + (now - lastInputNanos) / 1_000_000 + " ms");
        return true;
    }

    /** How long the connected input has given nothing, in nanoseconds. */
    synchronized long silentFor(long now) {
        return connected ? now - lastInputNanos : 0;
    }

    /** Whether the input has been gone for the whole grace period. */
    synchronized boolean graceOver(long now, long graceNanos) {
        return !closed && !connected && goneSinceNanos >= 0 && now - goneSinceNanos >= graceNanos;
    }

    /** Fails a stream that never got registered (an unreachable mount, an unreadable file). */
    void fail(String reason) {
        synchronized (this) {
            closed = true;
            pending.clear();
        }
        registered.completeExceptionally(new PublishException(reason));
        registrar.failed(this, reason);
    }

    /** Stops the input and ends the stream: the tracker and the peers are told. */
    void close() {
        Runnable stopper;
        LiveFeed f;
        synchronized (this) {
            if (closed && feed == null) {
                stopper = inputStopper;
                f = null;
            } else {
                closed = true;
                stopper = inputStopper;
                f = feed;
                feed = null;
            }
            pending.clear();
        }
        try {
            stopper.run();
        } finally {
            if (f != null) {
                f.close();
            }
            registered.completeExceptionally(new PublishException("live stream '" + name + "' was stopped"));
        }
    }

    /** A snapshot, or null before the stream is registered. */
    synchronized LiveStreamInfo info() {
        if (feed == null) {
            return null;
        }
        return new LiveStreamInfo(name, feed.url(), input, onAir, feed.streamed(), feed.uploaded(), pieces, problems);
    }

    synchronized long pieces() {
        return pieces;
    }

    synchronized long problems() {
        return problems;
    }

    @Override
    public String toString() {
        return name + " (" + input + ")";
    }
}
