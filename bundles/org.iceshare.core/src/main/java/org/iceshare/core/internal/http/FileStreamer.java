package org.iceshare.core.internal.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PieceInfo;
import org.iceshare.core.internal.storage.PieceStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams the body of one answer about a file content: one or more byte ranges of the content, in
 * order (a whole file, a byte range of it, or a time start's header pages and data, or a range of
 * those). Each chunk waits until its piece is verified here, and the next is written only when the
 * socket can take it, so a slow player costs one chunk of memory. The player's position is handed to
 * the swarm as its playhead.
 *
 * <p><b>Threading:</b> the channel's event loop; piece waits complete elsewhere and hop back.
 */
final class FileStreamer {
    private static final Logger LOG = LoggerFactory.getLogger(FileStreamer.class);
    /** The most bytes written at once. */
    static final int CHUNK = 64 * 1024;

    private final PlayerSource source;
    private final ChannelHandlerContext ctx;
    private final ContentId content;
    private final PieceStore store;
    private final long[] ranges;
    private final boolean keepAlive;
    private final Runnable onDone;
    private int range;
    private long position;
    private int playhead = -1;
    private boolean waiting;
    private boolean done;

    /**
     * @param ranges the byte ranges of the content to send, as {@code [start, end)} pairs, in order
     *        and not empty
     * @param keepAlive whether the connection stays open after the body
     * @param onDone called on the event loop once the body is complete (not when the connection
     *        closes first)
     */
    FileStreamer(PlayerSource source, ChannelHandlerContext ctx, ContentId content, PieceStore store, long[] ranges,
            boolean keepAlive, Runnable onDone) {
        if (ranges.length == 0 || ranges.length % 2 != 0) {
            throw new IllegalArgumentException("ranges must be [start, end) pairs: " + ranges.length + " values");
        }
        this.source = source;
        this.ctx = ctx;
        this.content = content;
        this.store = store;
        this.ranges = ranges.clone();
        this.keepAlive = keepAlive;
        this.onDone = onDone;
        this.position = ranges[0];
    }

    private long end() {
        return ranges[2 * range + 1];
    }

    /** Moves to the next range when the current one is done; false when all are. */
    private boolean advance() {
        while (position >= end()) {
            range++;
            if (2 * range >= ranges.length) {
                return false;
            }
            position = ranges[2 * range];
        }
        return true;
    }

    /** Writes chunks while the socket takes them and the pieces are here. */
    void pump() {
        while (!done && !waiting && ctx.channel().isActive()) {
            if (!advance()) {
                LOG.debug("{} body of {} done", ctx.channel().remoteAddress(), content.shortHex());
                done = true;
                var f = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                if (!keepAlive) {
                    f.addListener(ChannelFutureListener.CLOSE);
                }
                onDone.run();
                return;
            }
            if (!ctx.channel().isWritable()) {
                ctx.flush();
                return;
            }
            Manifest m = store.manifest();
            int piece = m.pieceAt(position);
            if (piece != playhead) {
                playhead = piece;
                source.playhead(content, piece);
            }
            if (!store.has(piece)) {
                ctx.flush();
                waiting = true;
                source.awaitPiece(content, piece).whenComplete((v, err) -> ctx.executor().execute(() -> {
                    waiting = false;
                    if (err != null) {
                        LOG.debug("player stream of {} ends: {}", content.shortHex(), err.getMessage());
                        done = true;
                        ctx.close();
                    } else {
                        pump();
                    }
                }));
                return;
            }
            PieceInfo p = m.piece(piece);
            int n = (int) Math.min(CHUNK, Math.min(end(), p.end()) - position);
            ByteBuf buf = ctx.alloc().heapBuffer(n);
            try {
                store.readAt(position, buf.internalNioBuffer(buf.writerIndex(), n));
                buf.writerIndex(n);
            } catch (RuntimeException e) {
                buf.release();
                LOG.warn("cannot read {} at {}: {}", content.shortHex(), position, e.getMessage());
                done = true;
                ctx.close();
                return;
            }
            position += n;
            ctx.write(new DefaultHttpContent(buf));
        }
    }
}
