package org.iceshare.core.internal.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
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
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.SeekPoint;
import org.iceshare.core.internal.storage.LiveWindow;
import org.iceshare.core.internal.storage.PieceStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one player connection: parses each request and routes it. {@code GET /} lists the
 * contents, {@code GET /stats.json} gives the swarms' figures, and {@code GET
 * /content/<id>/<name>} a content: a live stream through a {@link LiveStreamer} (a start burst behind
 * the live edge with {@code ?burst=SECONDS}); a file, a byte
 * range of it, or a time start ({@code ?t=SECONDS}, worked out by {@link TimeStart}, with byte ranges
 * over its own body) through a {@link FileStreamer}. {@code HEAD} answers the same headers without
 * the body.
 *
 * <p><b>Pipelining.</b> One answer is written at a time, in the order of the requests: a request that
 * comes while an answer is in progress (a body being streamed, a time start being worked out) waits in a
 * queue of at most {@value #MAX_QUEUED} and is answered when that answer is complete; with more, the
 * connection is closed with a 400 once the queued ones are answered. After an answer that closes the
 * connection ({@code Connection: close}, HTTP/1.0, an error) the requests that follow are dropped
 * unanswered, as HTTP says, and so are those behind a live stream, which ends only with the connection.
 *
 * <p><b>Threading:</b> the channel's event loop; piece waits complete elsewhere and hop back.
 */
final class PlayerHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(PlayerHandler.class);
    private static final String PREFIX = "/content/";

    /** Pipelined requests waiting for the answer in progress, at most. */
    static final int MAX_QUEUED = 16;

    private final PlayerSource source;
    /** An answer in progress: a time start being worked out, or a file body being streamed. */
    private boolean busy;
    /** Requests that came while an answer was in progress, each retained, in order. */
    private final ArrayDeque<FullHttpRequest> queued = new ArrayDeque<>();
    /** More requests came than the queue holds: close with a 400 once the queued ones are answered. */
    private boolean overflow;
    /** An answer that closes the connection was written: nothing more is answered. */
    private boolean closing;
    private boolean inNext;
    private FileStreamer file;
    private LiveStreamer live;

    PlayerHandler(PlayerSource source) {
        this.source = source;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (closing || live != null) {
            return; // the answer in progress ends with the connection: nothing after it is answered
        }
        if (busy || !queued.isEmpty()) {
            // pipelined: answered in turn (the codec decodes all the requests of a read, auto-read or not)
            if (queued.size() < MAX_QUEUED) {
                queued.add(req.retain());
            } else {
                overflow = true;
            }
            return;
        }
        answer(ctx, req);
    }

    /**
     * Answers the queued requests while no answer is in progress. An answer may complete within
     * {@link #answer} (a body whose pieces are all here) and call this again: the outer call goes on.
     */
    private void next(ChannelHandlerContext ctx) {
        if (inNext) {
            return;
        }
        inNext = true;
        try {
            while (!busy && !closing && live == null && !queued.isEmpty()) {
                FullHttpRequest req = queued.poll();
                try {
                    answer(ctx, req);
                } finally {
                    req.release();
                }
            }
            if (!busy && !closing && live == null && overflow) {
                sendError(ctx, HttpResponseStatus.BAD_REQUEST, "more than " + MAX_QUEUED + " pipelined requests",
                        false);
            }
            if (closing || live != null) {
                releaseQueued();
            }
        } finally {
            inNext = false;
        }
    }

    private void releaseQueued() {
        for (FullHttpRequest r; (r = queued.poll()) != null;) {
            r.release();
        }
    }

    private void answer(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!req.decoderResult().isSuccess()) {
            sendError(ctx, HttpResponseStatus.BAD_REQUEST, "malformed request", false);
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
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        String path = uri.rawPath();
        if (path.equals("/")) {
            finish(ctx, text(HttpResponseStatus.OK, index()), keepAlive);
            return;
        }
        if (path.equals("/stats.json")) {
            finish(ctx, stats(), keepAlive);
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
        LOG.debug("{} {} {}", ctx.channel().remoteAddress(), req.method(), req.uri());
        LiveWindow window = source.liveWindow(id);
        if (isMetadata(rest)) {
            if (window == null) {
                sendError(ctx, HttpResponseStatus.NOT_FOUND, "no live stream " + id + " on this peer: timed metadata "
                        + "is for live streams", keepAlive);
                return;
            }
            DefaultFullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.copiedBuffer(TimedMetadata.json(window), StandardCharsets.UTF_8));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8")
                    .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                    .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
            if (head) {
                r.content().clear();
            }
            finish(ctx, r, keepAlive);
            return;
        }
        if (window != null) {
            long burst = liveBurst(ctx, uri, window, keepAlive);
            if (burst >= 0) {
                live(ctx, id, window, head, burst);
            }
            return;
        }
        PieceStore store = source.store(id);
        if (store == null) {
            sendError(ctx, HttpResponseStatus.NOT_FOUND, "content " + id + " is not on this peer", keepAlive);
            return;
        }
        Request r = new Request(id, store, req.headers().get(HttpHeaderNames.RANGE), keepAlive, head);
        List<String> t;
        try {
            t = uri.parameters().get("t");
        } catch (IllegalArgumentException e) {
            sendError(ctx, HttpResponseStatus.BAD_REQUEST, "malformed query: " + e.getMessage(), keepAlive);
            return;
        }
        if (t != null && !t.isEmpty()) {
            timeStart(ctx, r, t.get(0));
        } else {
            Manifest m = store.manifest();
            serve(ctx, r, new long[] {0, m.length()}, null);
        }
    }

    /**
     * Whether a path after the prefix is a live stream's timed metadata: {@code <id>/<name>/metadata}, beside
     * the player URL {@code <id>/<name>} (a name holds no slash, so a stream named "metadata" still plays).
     */
    static boolean isMetadata(String rest) {
        int first = rest.indexOf('/');
        return first >= 0 && rest.indexOf('/', first + 1) >= 0 && rest.endsWith("/metadata");
    }

    /** What an answer about a file content needs from its request (which is released when channelRead0 returns). */
    private record Request(ContentId id, PieceStore store, String range, boolean keepAlive, boolean head) {
    }

    /**
     * The start burst of a live player (µs): {@code ?burst=SECONDS}, else the peer's default (clamped to
     * what the stream's window allows). A burst beyond the window, or not a time, is answered with a 400
     * here: -1.
     */
    private long liveBurst(ChannelHandlerContext ctx, QueryStringDecoder uri, LiveWindow window, boolean keepAlive) {
        long max = LiveBurst.maxMicros(window.manifest().windowMicros());
        List<String> asked;
        try {
            asked = uri.parameters().get("burst");
        } catch (IllegalArgumentException e) {
            sendError(ctx, HttpResponseStatus.BAD_REQUEST, "malformed query: " + e.getMessage(), keepAlive);
            return -1;
        }
        if (asked == null || asked.isEmpty()) {
            return Math.min(source.defaultLiveBurstMicros(), max);
        }
        long burst = parseSeconds(asked.get(0));
        if (burst < 0) {
            sendError(ctx, HttpResponseStatus.BAD_REQUEST, "burst must be a time in seconds, 0 or more: "
                    + asked.get(0), keepAlive);
            return -1;
        }
        if (burst > max) {
            sendError(ctx, HttpResponseStatus.BAD_REQUEST, "burst " + asked.get(0) + " s is beyond the live window: "
                    + "the peers keep " + window.manifest().windowMicros() / 1_000_000.0 + " s of this stream, "
                    + "so a burst of at most " + max / 1_000_000.0 + " s", keepAlive);
            return -1;
        }
        return burst;
    }

    /** A live stream: chunked, from a start point near the live edge (or a burst behind it), until the player leaves. */
    private void live(ChannelHandlerContext ctx, ContentId id, LiveWindow window, boolean head, long burstMicros) {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, window.manifest().mediaType())
                .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        HttpUtil.setTransferEncodingChunked(response, true);
        if (head) {
            closing = true;
            ctx.write(response);
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.writeAndFlush(response);
        ctx.channel().config().setAutoRead(false);
        releaseQueued();
        live = new LiveStreamer(source, ctx, id, window, burstMicros);
        live.start();
    }

    /**
     * A time start: tells the swarm, waits until the format can say where in the pieces it begins,
     * then serves that body like a file (byte ranges included).
     */
    private void timeStart(ChannelHandlerContext ctx, Request r, String t) {
        long micros = parseSeconds(t);
        if (micros < 0) {
            sendError(ctx, HttpResponseStatus.BAD_REQUEST, "t must be a time in seconds, 0 or more: " + t,
                    r.keepAlive());
            return;
        }
        Optional<SeekPoint> point = source.seek(r.id(), micros);
        if (point.isEmpty()) {
            sendError(ctx, HttpResponseStatus.BAD_REQUEST, "content " + r.id().shortHex()
                    + " has no time index, so it cannot start at a time", r.keepAlive());
            return;
        }
        busy = true;
        ctx.channel().config().setAutoRead(false);
        TimeStart.resolve(source, r.id(), r.store(), point.get(), micros, ctx.executor())
                .whenComplete((body, err) -> ctx.executor().execute(() -> {
                    busy = false;
                    ctx.channel().config().setAutoRead(true);
                    if (!ctx.channel().isActive()) {
                        releaseQueued();
                        return;
                    }
                    if (err != null) {
                        LOG.debug("time start at {} us of {} failed: {}", micros, r.id().shortHex(), err.toString());
                        sendError(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "cannot start " + r.id().shortHex()
                                + " at " + t + " s: " + err.getMessage(), false);
                    } else {
                        LOG.debug("{} time start at {} us of {}: {}", ctx.channel().remoteAddress(), micros,
                                r.id().shortHex(), body.describe(r.store().manifest()));
                        serve(ctx, r, body.ranges(), body.describe(r.store().manifest()));
                    }
                    next(ctx);
                }));
    }

    /**
     * Answers with a body made of the given ranges of the content (the whole file, or a time start),
     * or the part of it the request's {@code Range} asks for.
     *
     * @param seek the {@code X-IceShare-Seek} header of a time start, or null
     */
    private void serve(ChannelHandlerContext ctx, Request r, long[] ranges, String seek) {
        Manifest m = r.store().manifest();
        long length = ByteRange.total(ranges);
        ByteRange.Parsed parsed = ByteRange.parse(r.range(), length);
        HttpResponse response;
        long[] body;
        if (parsed instanceof ByteRange.Unsatisfiable) {
            DefaultFullHttpResponse u = text(HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
                    "range not satisfiable\n");
            u.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + length)
                    .set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES);
            finish(ctx, u, r.keepAlive());
            return;
        } else if (parsed instanceof ByteRange.Partial p) {
            body = ByteRange.slice(ranges, p.range().start(), p.range().end());
            response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.PARTIAL_CONTENT);
            response.headers().set(HttpHeaderNames.CONTENT_RANGE,
                    "bytes " + p.range().start() + "-" + (p.range().end() - 1) + "/" + length);
        } else {
            body = ranges;
            response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        }
        long bodyLength = ByteRange.total(body);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, m.mediaType())
                .set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                .set(HttpHeaderNames.CONTENT_LENGTH, bodyLength)
                .set(HttpHeaderNames.CONNECTION, r.keepAlive() ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        if (seek != null) {
            response.headers().set("X-IceShare-Seek", seek);
        }
        LOG.debug("{} -> {}, {} bytes from {}", ctx.channel().remoteAddress(), response.status().code(), bodyLength,
                body.length > 0 ? body[0] : -1);
        closing |= !r.keepAlive();
        ctx.write(response);
        if (r.head() || bodyLength == 0) {
            var f = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            if (!r.keepAlive()) {
                f.addListener(ChannelFutureListener.CLOSE);
            }
            return;
        }
        busy = true;
        ctx.channel().config().setAutoRead(false);
        file = new FileStreamer(source, ctx, r.id(), r.store(), body, r.keepAlive(), () -> {
            busy = false;
            file = null;
            ctx.channel().config().setAutoRead(true);
            next(ctx);
        });
        file.pump();
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

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            if (live != null) {
                live.pump();
            } else if (file != null) {
                file.pump();
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && !busy && live == null) {
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
        file = null;
        releaseQueued();
        ctx.fireChannelInactive();
    }

    private String index() {
        StringBuilder sb = new StringBuilder("IceShare peer ").append(source.name()).append('\n');
        List<SwarmStatus> swarms = source.swarms();
        for (SwarmStatus s : swarms) {
            sb.append(String.format("%-40s %3.0f%%  %s%n", s.url(), s.progress() * 100, s.playerUrl()));
        }
        if (swarms.isEmpty()) {
            sb.append("(no contents)\n");
        }
        return sb.toString();
    }

    private DefaultFullHttpResponse stats() {
        ByteBuf b = Unpooled.copiedBuffer(StatsJson.of(source.name(), String.valueOf(source.id()), source.swarms()),
                StandardCharsets.UTF_8);
        DefaultFullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, b);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8")
                .set(HttpHeaderNames.CONTENT_LENGTH, b.readableBytes())
                .set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        return r;
    }

    private static DefaultFullHttpResponse text(HttpResponseStatus status, String body) {
        ByteBuf b = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        DefaultFullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, b);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .set(HttpHeaderNames.CONTENT_LENGTH, b.readableBytes());
        return r;
    }

    private void sendError(ChannelHandlerContext ctx, HttpResponseStatus status, String message,
            boolean keepAlive) {
        finish(ctx, text(status, message + "\n"), keepAlive);
    }

    /** Writes a complete answer; one that does not keep the connection is the last one. */
    private void finish(ChannelHandlerContext ctx, FullHttpResponse r, boolean keepAlive) {
        closing |= !keepAlive;
        r.headers().set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        var f = ctx.writeAndFlush(r);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }
}
