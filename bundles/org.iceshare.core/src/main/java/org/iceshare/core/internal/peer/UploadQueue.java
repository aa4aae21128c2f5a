package org.iceshare.core.internal.peer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.iceshare.api.icet.Cancel;
import org.iceshare.api.icet.ErrorCode;
import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.icet.Piece;
import org.iceshare.api.icet.Reject;
import org.iceshare.api.icet.Request;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.transport.Pacer;
import org.iceshare.core.internal.storage.PieceStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this peer uploads: the requests other peers sent it, queued per connection (served highest
 * {@linkplain Request#priority() priority} first, in arrival order among equals) and served
 * round-robin over the connections that can take more (their socket is below its high-water mark),
 * within the upload cap (a token bucket).
 *
 * <p>A piece of a file goes to the transport as a part of the store's file
 * ({@link Requester#sendPiece}), never read into the heap here; under a cap the transport takes its bytes
 * from the bucket slice by slice, so the upload flows evenly below a piece, and each connection has one
 * such piece on its way at a time, so the queue keeps choosing what goes next. A piece held in memory (a
 * live window) is sent whole once the bucket allows. A request for content or a piece not held
 * here is rejected at once; at most {@value #MAX_QUEUED} requests wait per connection (more are
 * rejected as BUSY), so a greedy peer costs a bounded queue.
 *
 * <p><b>Threading:</b> the peer's engine thread only; the wake-up it schedules runs there too.
 */
final class UploadQueue {
    private static final Logger LOG = LoggerFactory.getLogger(UploadQueue.class);
    /** Requests waiting per connection at most. */
    static final int MAX_QUEUED = 64;

    /** The pieces of one content this peer can serve. */
    interface Held {
        boolean has(int piece);

        /** The piece's bytes. */
        ByteBuffer read(int piece) throws IOException;

        /** True when the pieces lie in a file and go out with {@link #span} rather than {@link #read}. */
        default boolean inFile() {
            return false;
        }

        /** Where a held piece lies in the file ({@link #inFile} only), to send it from there without reading it. */
        default PieceStore.Span span(int piece) {
            throw new UnsupportedOperationException("pieces held in memory");
        }

        /** The piece went out to a peer: count it. */
        void uploaded(PeerId to, int bytes);
    }

    /** One connection that asks for pieces. */
    interface Requester {
        /** Its requests waiting here, in arrival order. */
        ArrayDeque<Request> queued();

        boolean closed();

        /** False while its socket is above the high-water mark. */
        boolean writable();

        void send(IcetMessage m);

        /** Sends a piece from its file ({@link org.iceshare.api.transport.Connection#sendPiece}). */
        CompletionStage<Void> sendPiece(ContentId content, int piece, PieceStore.Span span, Pacer pacer);

        PeerId remote();
    }

    private final String peerName;
    private final Function<ContentId, Held> contents;
    private final ScheduledExecutorService exec;
    private final TokenBucket bucket;
    private final ArrayDeque<Requester> rotation = new ArrayDeque<>();
    /** Pieces sent from files and not written out yet, per connection (only connections with some). */
    private final Map<Requester, Integer> inTransit = new HashMap<>();
    private ScheduledFuture<?> wake;

    /**
     * @param contents what is served of a content here, or null when it is not here (or stopped)
     * @param exec the engine thread, to wake the queue when the cap lets it send again
     * @param bytesPerSecond the upload cap, 0 for none
     */
    UploadQueue(String peerName, Function<ContentId, Held> contents, ScheduledExecutorService exec,
            long bytesPerSecond) {
        this.peerName = peerName;
        this.contents = contents;
        this.exec = exec;
        // a small burst: slices flow evenly, and a sender that stalled catches up by 50 ms at most
        this.bucket = new TokenBucket(bytesPerSecond, System.nanoTime(), TokenBucket.TWENTIETH_SECOND);
    }

    /** The upload cap in bytes per second, 0 for none. */
    long rate() {
        return bucket.rate();
    }

    /** Changes the cap at once; what waits goes out at the new rate. */
    void rate(long bytesPerSecond) {
        bucket.setRate(bytesPerSecond, System.nanoTime());
        pump();
    }

    /** A peer asks for a piece: rejected at once when it cannot be served, else queued. */
    void request(Requester link, Request r) {
        Held held = contents.apply(r.content());
        if (held == null) {
            link.send(new Reject(r.content(), r.piece(), ErrorCode.UNKNOWN_CONTENT, "content not here"));
            return;
        }
        if (!held.has(r.piece())) {
            link.send(new Reject(r.content(), r.piece(), ErrorCode.NOT_HELD, "piece not held"));
            return;
        }
        if (link.queued().size() >= MAX_QUEUED) {
            link.send(new Reject(r.content(), r.piece(), ErrorCode.BUSY, "too many requests queued"));
            return;
        }
        if (link.queued().isEmpty()) {
            rotation.add(link);
        }
        link.queued().add(r);
        pump();
    }

    /** The request to serve next of a connection's queue: the highest priority, the oldest among equals. */
    static Request peekNext(ArrayDeque<Request> queued) {
        Request best = null;
        for (Request r : queued) {
            if (best == null || r.priority() > best.priority()) {
                best = r;
            }
        }
        return best;
    }

    /** Takes {@link #peekNext} out of the queue. */
    static Request next(ArrayDeque<Request> queued) {
        Request best = peekNext(queued);
        if (best != null) {
            queued.removeFirstOccurrence(best);
        }
        return best;
    }

    /** The peer does not want a piece any more. */
    void cancel(Requester link, Cancel c) {
        link.queued().removeIf(r -> r.piece() == c.piece() && r.content().equals(c.content()));
    }

    /** Sends queued pieces, round-robin over writable links, within the upload cap. */
    void pump() {
        int idle = 0;
        while (!rotation.isEmpty() && idle < rotation.size()) {
            Requester link = rotation.poll();
            if (link.closed() || link.queued().isEmpty()) {
                continue;
            }
            Request head = peekNext(link.queued());
            Held next = contents.apply(head.content());
            boolean fromFile = next != null && next.inFile() && next.has(head.piece());
            boolean sliced = fromFile && sliced(next.span(head.piece()).length());
            if (!link.writable() || sliced && inTransit.containsKey(link)) {
                // capped, a file piece waits until the one before it on this connection is out: the pacer
                // spreads each piece's slices, and the queue keeps deciding the order
                rotation.add(link);
                idle++;
                continue;
            }
            long now = System.nanoTime();
            long delay = sliced ? 0 : bucket.delayNanos(now);
            if (delay > 0) {
                rotation.addFirst(link);
                if (wake == null) {
                    wake = exec.schedule(() -> {
                        wake = null;
                        try {
                            pump();
                        } catch (RuntimeException e) {
                            LOG.error("peer {}: uploads failed", peerName, e);
                        }
                    }, delay, TimeUnit.NANOSECONDS);
                }
                return;
            }
            idle = 0;
            send(link, next(link.queued()), now);
            if (!link.queued().isEmpty()) {
                rotation.add(link);
            }
        }
    }

    private void send(Requester link, Request r, long now) {
        Held held = contents.apply(r.content());
        if (held == null || !held.has(r.piece())) {
            link.send(new Reject(r.content(), r.piece(), ErrorCode.NOT_HELD, "piece no longer held"));
            return;
        }
        if (held.inFile()) {
            sendFromFile(link, held, r);
            return;
        }
        try {
            ByteBuffer data = held.read(r.piece());
            int length = data.remaining();
            LOG.trace("peer {}: sending piece {} to {}", peerName, r.piece(), link);
            link.send(new Piece(r.content(), r.piece(), data));
            bucket.consume(length, now);
            held.uploaded(link.remote(), length);
        } catch (IOException | RuntimeException e) {
            LOG.warn("peer {}: cannot read piece {} of {}: {}", peerName, r.piece(), r.content().shortHex(),
                    e.getMessage());
            link.send(new Reject(r.content(), r.piece(), ErrorCode.INTERNAL, "cannot read piece"));
        }
    }

    /**
     * Hands the piece to the transport as a part of its file: no copy here, and under a cap the transport
     * takes the bytes from the bucket slice by slice. Counted as uploaded when handed over, as a piece read
     * into memory is.
     */
    private void sendFromFile(Requester link, Held held, Request r) {
        PieceStore.Span span = held.span(r.piece());
        LOG.trace("peer {}: sending piece {} from its file to {}", peerName, r.piece(), link);
        boolean sliced = sliced(span.length());
        if (!sliced) {
            bucket.consume(span.length(), System.nanoTime()); // whole, as the bucket allowed it in pump
        }
        inTransit.merge(link, 1, Integer::sum);
        link.sendPiece(r.content(), r.piece(), span, sliced ? bucket : Pacer.NONE)
                .whenComplete((done, failed) -> {
                    try {
                        exec.execute(() -> written(link));
                    } catch (RejectedExecutionException e) {
                        // the engine stops: nothing more to send
                    }
                });
        held.uploaded(link.remote(), span.length());
    }

    /**
     * Whether a piece goes out in slices paced by the bucket: under a cap, unless the cap is so low that the
     * piece would take more than {@value #SLICED_WITHIN_SECONDS} s (the receiver closes a connection whose
     * frame stays partial too long, see the transport's slow-frame rules); such a piece goes whole, at wire
     * speed, once the bucket allows.
     */
    private boolean sliced(int length) {
        long rate = bucket.rate();
        return rate > 0 && length <= rate * SLICED_WITHIN_SECONDS;
    }

    /** The longest a paced piece may take; a slower one goes whole. */
    static final int SLICED_WITHIN_SECONDS = 10;

    /** A piece sent from its file is out (or its connection failed): the connection may take the next. */
    private void written(Requester link) {
        inTransit.computeIfPresent(link, (l, n) -> n > 1 ? n - 1 : null);
        try {
            pump();
        } catch (RuntimeException e) {
            LOG.error("peer {}: uploads failed", peerName, e);
        }
    }
}
