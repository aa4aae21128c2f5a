package org.iceshare.source.internal;

import java.util.ArrayList;
import java.util.List;

import org.iceshare.api.media.LivePiece;
import org.iceshare.api.peer.LiveFeed;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.IcetUrl;

/**
 * A test double of the peer's {@link LiveFeed}: records every piece (with when it came) and every
 * on-air change, and checks the contract's one rule (pieces in order, by one thread at a time).
 */
final class RecordingFeed implements LiveFeed {
    /** One piece as received, with the monotonic time it came. */
    record Received(LivePiece piece, long nanos) {
    }

    /** One on-air change as received, with the number of pieces before it. */
    record AirEvent(boolean onAir, String reason, int piecesBefore, long nanos) {
    }

    /** One out-of-band title change as received, with the monotonic time it came. */
    record Title(long micros, String title, String artist, long nanos) {
    }

    final String name;
    final String mediaType;
    final long windowMicros;
    private final IcetUrl url;
    private final ContentId content = ContentId.random();
    private final java.util.concurrent.atomic.AtomicReference<Thread> inside = new java.util.concurrent.atomic.AtomicReference<>();
    private volatile boolean overlapped;
    private final List<Received> pieces = new ArrayList<>();
    private final List<AirEvent> air = new ArrayList<>();
    private final List<Title> titles = new ArrayList<>();
    private long streamed;
    private boolean closed;
    private volatile boolean pieceAfterClose;

    RecordingFeed(String name, String mediaType, long windowMicros) {
        this.name = name;
        this.mediaType = mediaType;
        this.windowMicros = windowMicros;
        this.url = new IcetUrl("127.0.0.1", 7740, name);
    }

    @Override
    public IcetUrl url() {
        return url;
    }

    @Override
    public ContentId content() {
        return content;
    }

    @Override
    public void piece(LivePiece piece) {
        if (!inside.compareAndSet(null, Thread.currentThread())) {
            overlapped = true;
        }
        try {
            synchronized (this) {
                if (closed) {
                    pieceAfterClose = true;
                    return;
                }
                pieces.add(new Received(piece, System.nanoTime()));
                streamed += piece.length();
            }
        } finally {
            inside.compareAndSet(Thread.currentThread(), null);
        }
    }

    /** Whether the contract was broken: two threads at once, or a piece after close. */
    boolean misused() {
        return overlapped || pieceAfterClose;
    }

    @Override
    public synchronized void onAir(boolean onAir, String reason) {
        air.add(new AirEvent(onAir, reason, pieces.size(), System.nanoTime()));
    }

    @Override
    public synchronized void metadata(long micros, String title, String artist) {
        titles.add(new Title(micros, title, artist, System.nanoTime()));
    }

    synchronized List<Title> titles() {
        return List.copyOf(titles);
    }

    @Override
    public synchronized long uploaded() {
        return streamed / 2;
    }

    @Override
    public synchronized long streamed() {
        return streamed;
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    synchronized boolean closed() {
        return closed;
    }

    synchronized List<Received> received() {
        return List.copyOf(pieces);
    }

    synchronized List<LivePiece> pieces() {
        return pieces.stream().map(Received::piece).toList();
    }

    synchronized List<AirEvent> airEvents() {
        return List.copyOf(air);
    }

    /** The on-air state as the feed was told: on air until told otherwise, and again after a piece. */
    synchronized boolean onAirNow() {
        if (air.isEmpty()) {
            return true;
        }
        AirEvent last = air.get(air.size() - 1);
        return last.onAir() || pieces.size() > last.piecesBefore();
    }

    synchronized long linkStarts() {
        return pieces.stream().filter(r -> r.piece().linkStart()).count();
    }

    /** Every piece's bytes, concatenated. */
    synchronized byte[] bytes() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (Received r : pieces) {
            java.nio.ByteBuffer d = r.piece().data();
            byte[] b = new byte[d.remaining()];
            d.get(b);
            out.writeBytes(b);
        }
        return out.toByteArray();
    }
}
