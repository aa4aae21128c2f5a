package org.iceshare.source.internal;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One source client's connection: checks its request head through the {@link PushGate}, answers,
 * probes the body's first bytes and then streams the body into the mount's {@link LiveStream}.
 *
 * <p><b>When the answer goes out.</b> The request head is checked at once, and a refusal (401, 403,
 * 405, 415 for a declared type that is not Ogg, 503, ...) is answered before any body is read.
 * A push that passes is answered {@code 200 OK} only once its body's first bytes have been probed,
 * so that a body that is not Ogg gets {@code 415 Unsupported Media Type}, the status for a payload
 * in a format the server does not take (400 would claim the HTTP message itself is malformed, and
 * it is not). With {@code Expect: 100-continue} (ffmpeg's PUT) the client first gets
 * {@code 100 Continue}. A client that sends nothing until it has an answer (libshout) gets
 * {@code 200 OK} after {@value #ANSWER_SILENT_MILLIS} ms of silence; if its body then turns out not
 * to be Ogg the connection is closed (the 200 is already out), which is logged.
 *
 * <p>After a refusal the output is shut down and the input read and dropped for up to
 * {@value #LINGER_MILLIS} ms before closing, so the client reads the answer instead of a reset.
 *
 * <p><b>Threading:</b> one instance per connection, on its event loop.
 */
final class PushHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(PushHandler.class);

    static final long ANSWER_SILENT_MILLIS = 1000;
    static final long LINGER_MILLIS = 2000;
    /** A connection must send its request head within this time (or the stall timeout, if longer). */
    static final long HEAD_TIMEOUT_MILLIS = 10_000;

    private enum State { HEAD, PROBING, STREAMING, DONE }

    private final PushGate gate;
    private State state = State.HEAD;
    private SourceRequest request;
    private PushClaim claim;
    private BodyFraming framing;
    private boolean answered;
    private final ByteArrayOutputStream probe = new ByteArrayOutputStream();
    private LiveStream stream;
    private ScheduledFuture<?> answerTimer;
    private ScheduledFuture<?> timeout;
    private String remote = "?";

    PushHandler(PushGate gate) {
        this.gate = gate;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        remote = String.valueOf(ctx.channel().remoteAddress());
        long headTimeout = Math.max(HEAD_TIMEOUT_MILLIS, gate.stallTimeoutMillis());
        timeout = ctx.executor().schedule(() -> {
            if (state == State.HEAD) {
                refuse(ctx, 408, "no request head within " + headTimeout + " ms", Map.of());
            }
        }, headTimeout, TimeUnit.MILLISECONDS);
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof SourceRequest r) {
            onHead(ctx, r);
        } else if (msg instanceof ByteBuf b) {
            try {
                onBody(ctx, b);
            } finally {
                b.release();
            }
        } else {
            io.netty.util.ReferenceCountUtil.release(msg);
        }
    }

    private void onHead(ChannelHandlerContext ctx, SourceRequest r) {
        cancelTimers();
        request = r;
        if (!r.isValid()) {
            refuse(ctx, r.status(), r.problem(), Map.of());
            return;
        }
        InetAddress address = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
        if (isMetadataUpdate(r.target())) {
            metadata(ctx, r, address);
            return;
        }
        try {
            claim = gate.admit(r, address, () -> ctx.channel().close());
        } catch (PushRefusal e) {
            refuse(ctx, e.status(), e.getMessage(), e.headers());
            return;
        }
        String te = r.header("transfer-encoding");
        String cl = r.header("content-length");
        if (te != null && te.equalsIgnoreCase("chunked")) {
            framing = BodyFraming.chunked();
        } else if (te != null && !te.equalsIgnoreCase("identity")) {
            refuse(ctx, 501, "unsupported transfer coding: " + te, Map.of());
            return;
        } else if (cl != null) {
            // Content-Length = 1*DIGIT: Long.parseLong alone would take a sign ("+5")
            String digits = cl.trim();
            long length = -1;
            if (!digits.isEmpty() && digits.length() <= 18 && BodyFraming.digits(digits, 10)) {
                length = Long.parseLong(digits);
            }
            if (length < 0) {
                refuse(ctx, 400, "malformed Content-Length: " + cl, Map.of());
                return;
            }
            framing = BodyFraming.length(length);
        } else {
            framing = BodyFraming.untilClose();
        }
        state = State.PROBING;
        if ("100-continue".equalsIgnoreCase(r.header("expect"))) {
            ctx.writeAndFlush(Unpooled.copiedBuffer("HTTP/1.1 100 Continue\r\n\r\n", StandardCharsets.ISO_8859_1));
        } else {
            answerTimer = ctx.executor().schedule(() -> {
                if (state == State.PROBING && probe.size() == 0 && !answered) {
                    answered = true;
                    ctx.writeAndFlush(ok(r));
                }
            }, ANSWER_SILENT_MILLIS, TimeUnit.MILLISECONDS);
        }
        long stall = gate.stallTimeoutMillis();
        timeout = ctx.executor().schedule(() -> {
            if (state == State.PROBING) {
                refuse(ctx, 408, "no stream data within " + stall + " ms", Map.of());
            }
        }, stall, TimeUnit.MILLISECONDS);
        if (framing.complete()) {
            refuse(ctx, 400, "empty request body", Map.of());
        }
    }

    private void onBody(ChannelHandlerContext ctx, ByteBuf b) {
        if (state != State.PROBING && state != State.STREAMING) {
            return;
        }
        byte[] bytes;
        try {
            byte[] raw = ByteBufUtil.getBytes(b);
            bytes = framing.unframe(raw, 0, raw.length);
        } catch (BodyFraming.MalformedBodyException e) {
            refuse(ctx, 400, e.getMessage(), Map.of());
            return;
        }
        if (state == State.PROBING) {
            probe.write(bytes, 0, bytes.length);
            if (probe.size() >= LiveFormats.PROBE_BYTES || framing.complete() && probe.size() > 0) {
                decide(ctx);
            } else if (framing.complete()) {
                refuse(ctx, 400, "empty request body", Map.of());
                return;
            }
        } else if (bytes.length > 0) {
            stream.accept(ByteBuffer.wrap(bytes));
        }
        if (state == State.STREAMING && framing.complete()) {
            end(ctx, "the source's request body ended");
        }
    }

    /** Whether a request is Icecast's metadata update rather than a push. */
    static boolean isMetadataUpdate(String target) {
        return target.equals(LiveSourceEngine.METADATA_PATH) || target.startsWith(LiveSourceEngine.METADATA_PATH + "?");
    }

    /**
     * Icecast's metadata update: answered at once (200 with Icecast's XML answer, or a refusal), then the
     * connection is closed as after a refusal; no body is read.
     */
    private void metadata(ChannelHandlerContext ctx, SourceRequest r, InetAddress address) {
        String message;
        try {
            message = gate.metadata(r, address);
        } catch (PushRefusal e) {
            refuse(ctx, e.status(), e.getMessage(), e.headers());
            return;
        }
        String xml = "<?xml version=\"1.0\"?>\n<iceresponse><message>" + message
                + "</message><return>1</return></iceresponse>\n";
        answer(ctx, 200, "text/xml; charset=utf-8", xml, Map.of());
    }

    private void decide(ChannelHandlerContext ctx) {
        ByteBuffer head = ByteBuffer.wrap(probe.toByteArray());
        probe.reset();
        try {
            stream = gate.attach(claim, head);
        } catch (PushRefusal e) {
            refuse(ctx, e.status(), e.getMessage(), e.headers());
            return;
        }
        cancelTimers();
        state = State.STREAMING;
        if (!answered) {
            answered = true;
            ctx.writeAndFlush(ok(request));
        }
        LOG.info("push to {} from {} ({} {}) is streaming into live stream '{}'", request.target(), remote,
                request.method(), request.version(), stream.name);
        stream.accept(head);
    }

    private void end(ChannelHandlerContext ctx, String reason) {
        state = State.DONE;
        PushClaim c = claim;
        claim = null;
        if (c != null) {
            gate.ended(c, reason);
        }
        ctx.close();
    }

    private void refuse(ChannelHandlerContext ctx, int status, String reason, Map<String, String> headers) {
        cancelTimers();
        PushClaim c = claim;
        claim = null;
        if (c != null) {
            gate.ended(c, "refused: " + reason);
        }
        String target = request == null ? "(no request)" : request.method() + " " + request.target();
        state = State.DONE;
        if (answered) {
            LOG.warn("closing push {} from {}: {} (200 OK was already sent)", target, remote, reason);
            ctx.close();
            return;
        }
        answered = true;
        if (status == 401 || status == 429) {
            // counted, and each lockout logged at INFO by the gate: a guessing attack costs no log line each
            LOG.debug("refusing push {} from {}: {} {}", target, remote, status, reason);
        } else {
            LOG.info("refusing push {} from {}: {} {}", target, remote, status, reason);
        }
        answer(ctx, status, "text/plain; charset=utf-8", reason + "\n", headers);
    }

    /** Writes a complete answer, then lingers reading and dropping input before closing (see the class comment). */
    private void answer(ChannelHandlerContext ctx, int status, String type, String text, Map<String, String> headers) {
        cancelTimers();
        state = State.DONE;
        answered = true;
        String version = request == null ? "HTTP/1.1" : request.answerVersion();
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder().append(version).append(' ').append(status).append(' ')
                .append(phrase(status)).append("\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append("Server: IceShare\r\nContent-Type: ").append(type).append("\r\nContent-Length: ")
                .append(body.length).append("\r\nConnection: close\r\n\r\n");
        ByteBuf out = Unpooled.buffer(head.length() + body.length);
        out.writeCharSequence(head, StandardCharsets.ISO_8859_1);
        out.writeBytes(body);
        ctx.writeAndFlush(out).addListener((ChannelFutureListener) f -> {
            if (f.channel() instanceof DuplexChannel d && f.isSuccess()) {
                d.shutdownOutput();
                ctx.executor().schedule(() -> ctx.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
            } else {
                ctx.close();
            }
        });
    }

    private static ByteBuf ok(SourceRequest r) {
        return Unpooled.copiedBuffer(r.answerVersion() + " 200 OK\r\nServer: IceShare\r\n\r\n",
                StandardCharsets.ISO_8859_1);
    }

    static String phrase(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 415 -> "Unsupported Media Type";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 501 -> "Not Implemented";
            case 503 -> "Service Unavailable";
            case 505 -> "HTTP Version Not Supported";
            default -> "Error";
        };
    }

    private void cancelTimers() {
        if (answerTimer != null) {
            answerTimer.cancel(false);
            answerTimer = null;
        }
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelTimers();
        PushClaim c = claim;
        claim = null;
        if (c != null) {
            gate.ended(c, state == State.STREAMING ? "the source disconnected"
                    : "the source disconnected before sending a stream");
        }
        state = State.DONE;
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("push connection from {}: {}", remote, cause.toString());
        ctx.close();
    }
}
