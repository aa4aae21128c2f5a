package org.iceshare.core.internal.http;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletionException;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.PieceInfo;
import org.iceshare.core.internal.storage.LiveWindow;
import org.iceshare.core.internal.storage.PieceGoneException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams a live stream to one player: the header pages of the link it joins, then every piece from
 * a start point on, as pieces are verified here: near the live edge, or a start burst behind it
 * ({@link LiveBurst}), whose older pieces the peer fetches first. At a chain change the new link's
 * header pages come first, so the player sees the stream exactly as the source sent it. If the player
 * falls so far behind that a piece leaves the window before it arrived, the stream skips ahead to the
 * next start point (the only place a decoder can pick up again).
 *
 * <p><b>Threading:</b> the channel's event loop; piece waits complete elsewhere and hop back.
 */
final class LiveStreamer {
    private static final Logger LOG = LoggerFactory.getLogger(LiveStreamer.class);

    private final PlayerSource source;
    private final ChannelHandlerContext ctx;
    private final ContentId content;
    private final LiveWindow window;
    /** How far behind the live edge the player starts (µs), 0 for the newest start point. */
    private final long burstMicros;
    private int next = -1;
    private int link = -1;
    private boolean waiting;
    private boolean done;

    LiveStreamer(PlayerSource source, ChannelHandlerContext ctx, ContentId content, LiveWindow window,
            long burstMicros) {
        this.source = source;
        this.burstMicros = burstMicros;
        this.ctx = ctx;
        this.content = content;
        this.window = window;
    }

    /** Finds a start point (waiting for one if needed), then streams. */
    void start() {
        start(burstMicros);
    }

    private void start(long burst) {
        waiting = true;
        source.awaitLiveStart(content, burst).whenComplete((piece, err) -> ctx.executor().execute(() -> {
            waiting = false;
            if (err != null) {
                end("no start point: " + err.getMessage());
                return;
            }
            next = piece;
            LOG.debug("{} plays {} live from piece {} (burst {} ms)", ctx.channel().remoteAddress(),
                    content.shortHex(), next, burst / 1000);
            pump();
        }));
    }

    /** Writes what is here while the socket takes it. */
    void pump() {
        while (!done && !waiting && next >= 0 && ctx.channel().isActive()) {
            if (!ctx.channel().isWritable()) {
                ctx.flush();
                return;
            }
            if (next < window.firstPiece()) {
                skipAhead();
                return;
            }
            if (!window.has(next)) {
                ctx.flush();
                waiting = true;
                int piece = next;
                source.playhead(content, piece);
                source.awaitPiece(content, piece).whenComplete((v, err) -> ctx.executor().execute(() -> {
                    waiting = false;
                    Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause()
                            : err;
                    if (cause instanceof PieceGoneException) {
                        skipAhead();
                    } else if (cause != null) {
                        end(cause.getMessage());
                    } else {
                        pump();
                    }
                }));
                return;
            }
            PieceInfo info = window.info(next);
            if (info == null) {
                skipAhead();
                return;
            }
            if (info.link() != link) {
                LiveWindow.Link l = window.link(info.link());
                if (l == null) {
                    end("the headers of chain link " + info.link() + " are not here");
                    return;
                }
                ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(l.headers())));
                link = info.link();
            }
            ByteBuffer data;
            try {
                data = window.read(next);
            } catch (java.io.IOException e) {
                skipAhead();
                return;
            }
            ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(data)));
            next++;
        }
        if (!done) {
            ctx.flush();
        }
    }

    /**
     * The piece we wanted left the window, or the peer skipped ahead past it (it fell too far behind the
     * live edge): resume at the next start point from there. The player sees a gap in the pages, which a
     * decoder takes (same headers, a clean page boundary).
     */
    private void skipAhead() {
        LOG.debug("{} fell behind on {} at piece {}; skipping to the next start point",
                ctx.channel().remoteAddress(), content.shortHex(), next);
        int floor = source.liveFloor(content);
        int from = Math.max(Math.max(next, window.firstPiece()), floor);
        for (int p = from; p < window.end(); p++) {
            PieceInfo info = window.info(p);
            if (info != null && info.startPoint() && window.has(p)) {
                next = p;
                if (info.link() != link) {
                    link = -1;
                }
                pump();
                return;
            }
        }
        // the peer skipped to a start point that is not here yet: wait for it there
        PieceInfo at = floor >= from ? window.info(floor) : null;
        if (at != null && at.startPoint()) {
            next = floor;
            if (at.link() != link) {
                link = -1;
            }
            pump();
            return;
        }
        start(0);
    }

    private void end(String why) {
        if (done) {
            return;
        }
        done = true;
        LOG.debug("live stream of {} to {} ends: {}", content.shortHex(), ctx.channel().remoteAddress(), why);
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
    }
}
