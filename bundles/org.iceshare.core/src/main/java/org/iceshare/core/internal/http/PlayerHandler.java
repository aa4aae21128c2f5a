package org.iceshare.core.internal.http;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.ChainLink;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PieceInfo;
import org.iceshare.api.swarm.SeekPoint;
import org.iceshare.core.internal.peer.PeerEngine;
import org.iceshare.core.internal.storage.LiveWindow;
import org.iceshare.core.internal.storage.PieceStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one player connection. A body is streamed chunk by chunk: each chunk waits until its
 * piece is verified, and the next is written only when the socket can take it, so a slow player
 * costs one chunk of memory.
 *
 * <p><b>Threading:</b> the channel's event loop; piece waits complete elsewhere and hop back.
 */
final class PlayerHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(PlayerHandler.class);
    private static final int CHUNK = 64 * 1024;
    private static final String PREFIX = "/content/";

    private final PeerEngine engine;
    private Stream stream;
    private LiveStreamer live;

    PlayerHandler(PeerEngine engine) {
        this.engine = engine;
    }

    /** A body being written: one or more byte ranges of the content, in order. */
    private static final class Stream {
        final ContentId content;
        final PieceStore store;
        final long[] ranges;
        final boolean keepAlive;
        int range;
        long position;
        int playhead = -1;
        boolean waiting;

        Stream(ContentId content, PieceStore store, long[] ranges, boolean keepAlive) {
            this.content = content;
            this.store = store;
            this.ranges = ranges;
            this.keepAlive = keepAlive;
            this.position = ranges[0];
        }

        long end() {
            return ranges[2 * range + 1];
        }

        /** Moves to the next range when the current one is done; false when all are. */
        boolean advance() {
            while (position >= end()) {
                range++;
                if (2 * range >= ranges.length) {
                    return false;
                }
                position = ranges[2 * range];
            }
            return true;
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!req.decoderResult().isSuccess()) {
            sendError(ctx, HttpResponseStatus.BAD_REQUEST, "malformed request", false);
            return;
        }
        if (stream != null) {
            sendError(ctx, HttpResponseStatus.BAD_REQUEST, "pipelined request during a body", false);
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        boolean head = req.method().equals(HttpMethod.HEAD);
        if (!head && !req.method().equals(HttpMethod.GET)) {
            DefaultFullHttpResponse r = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET and HEAD\n");
            r.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            finish(ctx, r, keepAlive);
            return;
        }
        String path = req.uri();
        int q = path.indexOf('?');
        if (q >= 0) {
            path = path.substring(0, q);
        }
        if (path.equals("/")) {
            finish(ctx, text(HttpResponseStatus.OK, index()), keepAlive);
            return;
        }
        if (path.equals("/stats.json")) {
            ByteBuf b = Unpooled.copiedBuffer(StatsJson.of(engine.name(), String.valueOf(engine.id()), engine.swarms()),
                    StandardCharsets.UTF_8);
            DefaultFullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, b);
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8")
                    .set(HttpHeaderNames.CONTENT_LENGTH, b.readableBytes())
                    .set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
            finish(ctx, r, keepAlive);
            return;
        }
        if (!path.startsWith(PREFIX)) {
            sendError(ctx, HttpResponseStatus.NOT_FOUND, "no such path: " + path, keepAlive);
            return;
        }
        String rest = path.substring(PREFIX.length());
        int slash = rest.indexOf('/');
        ContentId id;
        try {
            id = ContentId.parse(slash < 0 ? rest : rest.substring(0, slash));
        } catch (IllegalArgumentException e) {
            sendError(ctx, HttpResponseStatus.NOT_FOUND, e.getMessage(), keepAlive);
            return;
        }
        LiveWindow window = engine.liveWindow(id);
        if (window != null) {
            if (live != null || stream != null) {
                sendError(ctx, HttpResponseStatus.BAD_REQUEST, "one live stream per connection", false);
                return;
            }
            HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            response.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, window.manifest().mediaType())
                    .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            HttpUtil.setTransferEncodingChunked(response, true);
            LOG.debug("{} {} {} -> live", ctx.channel().remoteAddress(), req.method(), req.uri());
            if (head) {
                ctx.write(response);
                endBody(ctx, false);
                return;
            }
            ctx.writeAndFlush(response);
            ctx.channel().config().setAutoRead(false);
            live = new LiveStreamer(engine, ctx, id, window);
            live.start();
            return;
        }
        PieceStore store = engine.store(id);
        if (store == null) {
            sendError(ctx, HttpResponseStatus.NOT_FOUND, "content " + id + " is not on this peer", keepAlive);
            return;
        }
        Manifest m = store.manifest();
        long length = m.length();
        HttpResponse response;
        long[] ranges;
        List<String> t = new QueryStringDecoder(req.uri()).parameters().get("t");
        if (t != null && !t.isEmpty()) {
            long micros = parseSeconds(t.get(0));
            if (micros < 0) {
                sendError(ctx, HttpResponseStatus.BAD_REQUEST, "t must be a time in seconds, 0 or more: " + t.get(0),
                        keepAlive);
                return;
            }
            Optional<SeekPoint> point = engine.seek(id, micros);
            if (point.isEmpty()) {
                sendError(ctx, HttpResponseStatus.BAD_REQUEST, "content " + id.shortHex()
                        + " has no time index, so it cannot start at a time", keepAlive);
                return;
            }
            ranges = seekRanges(m, point.get());
            response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            response.headers().set("X-IceShare-Seek", "link=" + point.get().link().index() + " piece="
                    + point.get().piece() + " start=" + point.get().pieceStartMicros() / 1e6);
        } else {
            ByteRange.Parsed parsed = ByteRange.parse(req.headers().get(HttpHeaderNames.RANGE), length);
            if (parsed instanceof ByteRange.Unsatisfiable) {
                DefaultFullHttpResponse r = text(HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
                        "range not satisfiable\n");
                r.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + length);
                finish(ctx, r, keepAlive);
                return;
            } else if (parsed instanceof ByteRange.Partial p) {
                ranges = new long[] {p.range().start(), p.range().end()};
                response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.PARTIAL_CONTENT);
                response.headers().set(HttpHeaderNames.CONTENT_RANGE,
                        "bytes " + p.range().start() + "-" + (p.range().end() - 1) + "/" + length);
            } else {
                ranges = new long[] {0, length};
                response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            }
        }
        long bodyLength = 0;
        for (int i = 0; i < ranges.length; i += 2) {
            bodyLength += ranges[i + 1] - ranges[i];
        }
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, m.mediaType())
                .set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                .set(HttpHeaderNames.CONTENT_LENGTH, bodyLength)
                .set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        LOG.debug("{} {} {} -> {}, {} bytes from {}", ctx.channel().remoteAddress(), req.method(), req.uri(),
                response.status().code(), bodyLength, ranges[0]);
        ctx.write(response);
        if (head || bodyLength == 0) {
            endBody(ctx, keepAlive);
            return;
        }
        stream = new Stream(id, store, ranges, keepAlive);
        ctx.channel().config().setAutoRead(false);
        pump(ctx);
    }

    /** The byte ranges a time start serves: the link's header pieces, then everything from the seek point. */
    static long[] seekRanges(Manifest m, SeekPoint point) {
        ChainLink link = point.link();
        long start = m.piece(point.piece()).offset();
        if (link.headerPieces() == 0) {
            return new long[] {start, m.length()};
        }
        long headerStart = m.piece(link.firstPiece()).offset();
        long headerEnd = m.piece(link.firstPiece() + link.headerPieces() - 1).end();
        if (headerEnd >= start) {
            return new long[] {headerStart, m.length()};
        }
        return new long[] {headerStart, headerEnd, start, m.length()};
    }

    /** Seconds as text to microseconds, or -1 when it is not a finite time of 0 or more. */
    static long parseSeconds(String text) {
        try {
            double s = Double.parseDouble(text.trim());
            if (!Double.isFinite(s) || s < 0 || s > 1e9) {
                return -1;
            }
            return (long) (s * 1_000_000);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Writes chunks while the socket takes them and the pieces are here. */
    private void pump(ChannelHandlerContext ctx) {
        Stream s = stream;
        while (s != null && !s.waiting && ctx.channel().isActive()) {
            if (!s.advance()) {
                LOG.debug("{} body of {} done", ctx.channel().remoteAddress(), s.content.shortHex());
                stream = null;
                ctx.channel().config().setAutoRead(true);
                endBody(ctx, s.keepAlive);
                return;
            }
            if (!ctx.channel().isWritable()) {
                ctx.flush();
                return;
            }
            Manifest m = s.store.manifest();
            int piece = m.pieceAt(s.position);
            if (piece != s.playhead) {
                s.playhead = piece;
                engine.playhead(s.content, piece);
            }
            if (!s.store.has(piece)) {
                ctx.flush();
                s.waiting = true;
                engine.awaitPiece(s.content, piece).whenComplete((v, err) -> ctx.executor().execute(() -> {
                    s.waiting = false;
                    if (err != null) {
                        LOG.debug("player stream of {} ends: {}", s.content.shortHex(), err.getMessage());
                        ctx.close();
                    } else {
                        pump(ctx);
                    }
                }));
                return;
            }
            PieceInfo p = m.piece(piece);
            int n = (int) Math.min(CHUNK, Math.min(s.end(), p.end()) - s.position);
            ByteBuf buf = ctx.alloc().heapBuffer(n);
            try {
                s.store.readAt(s.position, buf.internalNioBuffer(buf.writerIndex(), n));
                buf.writerIndex(n);
            } catch (RuntimeException e) {
                buf.release();
                LOG.warn("cannot read {} at {}: {}", s.content.shortHex(), s.position, e.getMessage());
                ctx.close();
                return;
            }
            s.position += n;
            ctx.write(new DefaultHttpContent(buf));
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            if (live != null) {
                live.pump();
            } else {
                pump(ctx);
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && stream == null && live == null) {
            ctx.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("player connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stream = null;
        ctx.fireChannelInactive();
    }

    private String index() {
        StringBuilder sb = new StringBuilder("IceShare peer ").append(engine.name()).append('\n');
        List<SwarmStatus> swarms = engine.swarms();
        for (SwarmStatus s : swarms) {
            sb.append(String.format("%-40s %3.0f%%  %s%n", s.url(), s.progress() * 100, s.playerUrl()));
        }
        if (swarms.isEmpty()) {
            sb.append("(no contents)\n");
        }
        return sb.toString();
    }

    private static void endBody(ChannelHandlerContext ctx, boolean keepAlive) {
        var f = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static DefaultFullHttpResponse text(HttpResponseStatus status, String body) {
        ByteBuf b = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        DefaultFullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, b);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .set(HttpHeaderNames.CONTENT_LENGTH, b.readableBytes());
        return r;
    }

    private static void sendError(ChannelHandlerContext ctx, HttpResponseStatus status, String message,
            boolean keepAlive) {
        finish(ctx, text(status, message + "\n"), keepAlive);
    }

    private static void finish(ChannelHandlerContext ctx, FullHttpResponse r, boolean keepAlive) {
        r.headers().set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        var f = ctx.writeAndFlush(r);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }
}
