package org.iceshare.icet.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.iceshare.api.icet.ErrorCode;
import org.iceshare.api.icet.ErrorReport;
import org.iceshare.api.transport.Refusals;

import io.netty.channel.Channel;

/**
 * The bytes of partial frames all connections of one transport may buffer together. A frame whose body has
 * not arrived yet holds memory; this bounds the sum.
 *
 * <p>Each connection's {@link IcetFrameDecoder} holds a {@link Share} and tells it, after every read, how
 * many bytes its partial frame takes (the capacity of its buffer; 0 once the frame is whole). When that
 * growth takes the total over the limit, connections are closed, oldest partial frame first, until the
 * total fits again: their frames began longest ago, so they are the slowest, which a slow-partial-frame
 * attacker's are and a healthy transfer's are not. When the growing connection's own frame is the oldest,
 * it is the one closed. Each closed connection is a {@link Refusals#FRAME_BUDGET} refusal.
 *
 * <p>Why close rather than pause reads: a paused connection keeps its buffer, so an attacker's frames
 * would keep the budget while honest connections wait behind them; closing frees the memory at once and
 * tells the sender why, and a peer that was only slow reconnects and asks again.
 *
 * <p>The accounting trails the memory by at most one read per connection (a read's bytes are in the buffer
 * before it is told), so the memory stays below the limit plus one read per I/O thread.
 *
 * <p><b>Threading:</b> thread-safe; shares are updated on their channels' event loops, and closing another
 * connection is thread-safe.
 */
public final class FrameBudget {

    private final AtomicLong used = new AtomicLong();
    private final Set<Share> holding = ConcurrentHashMap.newKeySet();
    private volatile long limit;

    /** @param limit the bytes all partial frames together may take, &gt; 0 */
    public FrameBudget(long limit) {
        limit(limit);
    }

    /** Changes the limit; it applies from the next growth of any partial frame. */
    public void limit(long newLimit) {
        if (newLimit <= 0) {
            throw new IllegalArgumentException("the partial-frame budget must be > 0 bytes: " + newLimit);
        }
        limit = newLimit;
    }

    public long limit() {
        return limit;
    }

    /** The bytes partial frames take now, as their connections last told. */
    public long used() {
        return used.get();
    }

    /**
     * A share for one connection.
     *
     * @param evicted runs when the budget closed the connection to make room for another's frame (on the
     *        thread of that other connection: hand work to the channel's own event loop)
     */
    Share share(Channel channel, Runnable evicted) {
        return new Share(channel, evicted);
    }

    /** One connection's part of the budget. */
    final class Share {
        private static final long GONE = -1;

        private final Channel channel;
        private final Runnable evicted;
        private final AtomicLong held = new AtomicLong();
        private volatile long frameStartNanos;

        private Share(Channel channel, Runnable evicted) {
            this.channel = channel;
            this.evicted = evicted;
        }

        /**
         * Sets the bytes this connection's partial frame takes.
         *
         * @param bytes the bytes held now, 0 when no frame is partial
         * @param startNanos when the partial frame began (its first byte), for choosing whom to close
         * @return false when this connection must close: it was closed for the budget, or its frame is the
         *         oldest and the budget is exceeded (then it has given its share back)
         */
        boolean hold(long bytes, long startNanos) {
            long before = held.get();
            if (before == GONE || !held.compareAndSet(before, bytes)) {
                return false;
            }
            frameStartNanos = startNanos;
            if (bytes > 0) {
                holding.add(this);
            } else {
                holding.remove(this);
            }
            long total = used.addAndGet(bytes - before);
            if (bytes <= before) {
                return true;
            }
            while (total > limit) {
                Share oldest = oldest();
                if (oldest == null || oldest == this) {
                    release();
                    return false;
                }
                long freed = oldest.evict();
                if (freed > 0) {
                    IcetPipeline.refuse(oldest.channel, Refusals.FRAME_BUDGET, "partial frame of " + freed
                            + " bytes closed: the transport's partial frames would take more than "
                            + limit + " bytes (maxBufferedFrameBytes), and this one is the oldest",
                            ErrorReport.of(ErrorCode.BUSY, "partial-frame budget exhausted"));
                    oldest.evicted.run();
                }
                total = used.get();
            }
            return true;
        }

        /** Gives this connection's share back for good (its channel closes). Idempotent. */
        long release() {
            long h = held.getAndSet(GONE);
            holding.remove(this);
            if (h > 0) {
                used.addAndGet(-h);
                return h;
            }
            return 0;
        }

        private long evict() {
            return release();
        }

        long held() {
            return Math.max(0, held.get());
        }
    }

    /** The share whose partial frame began first, or null. */
    private Share oldest() {
        Share oldest = null;
        for (Share s : holding) {
            if (s.held.get() > 0 && (oldest == null || s.frameStartNanos - oldest.frameStartNanos < 0)) {
                oldest = s;
            }
        }
        return oldest;
    }
}
