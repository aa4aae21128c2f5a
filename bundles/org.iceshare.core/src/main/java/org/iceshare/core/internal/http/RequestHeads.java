package org.iceshare.core.internal.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;

/**
 * Hands each request to the {@link PlayerHandler} as a {@link FullHttpRequest} without a body, as soon
 * as its head is decoded, and drops request bodies as they come: the player endpoint answers {@code GET}
 * and {@code HEAD}, whose bodies mean nothing. Netty's {@code HttpObjectAggregator} is not used because
 * it writes answers of its own ({@code 100 Continue}, {@code 413}, {@code 417}) whenever a request
 * asks, also in the middle of an answer in progress to an earlier, pipelined request; this handler
 * writes nothing, so every answer comes from the {@link PlayerHandler}, in order. A body costs no
 * memory (it is not buffered), and a client that expects {@code 100 Continue} gets its final answer.
 *
 * <p>A body that breaks the HTTP framing (a malformed chunk) is passed on as a failed request, which
 * the handler answers with 400 and a close after the answers before it: the codec reads nothing more.
 *
 * <p><b>Threading:</b> one instance per connection, on its event loop.
 */
final class RequestHeads extends ChannelInboundHandlerAdapter {

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest req) {
                FullHttpRequest head = new DefaultFullHttpRequest(req.protocolVersion(), req.method(), req.uri(),
                        Unpooled.EMPTY_BUFFER, req.headers(), EmptyHttpHeaders.INSTANCE);
                head.setDecoderResult(req.decoderResult());
                ctx.fireChannelRead(head);
            } else if (msg instanceof HttpContent content && content.decoderResult().isFailure()) {
                FullHttpRequest broken = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1,
                        io.netty.handler.codec.http.HttpMethod.GET, "/", Unpooled.EMPTY_BUFFER);
                broken.setDecoderResult(DecoderResult.failure(content.decoderResult().cause()));
                ctx.fireChannelRead(broken);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }
}
