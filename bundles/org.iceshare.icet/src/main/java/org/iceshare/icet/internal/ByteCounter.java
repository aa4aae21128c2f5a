package org.iceshare.icet.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FileRegion;

/**
 * Counts the bytes read from and written to a channel. Put it first in the pipeline, so it counts what
 * crosses the socket (framing and, under TLS, encryption included). A write is counted when it
 * completed.
 *
 * <p><b>Threading:</b> one instance per channel. The counters are updated on the channel's event loop
 * only (a single writer) and are volatile, so any thread may read them.
 */
public final class ByteCounter extends ChannelDuplexHandler {

    private volatile long read;
    private volatile long written;

    public long bytesRead() {
        return read;
    }

    public long bytesWritten() {
        return written;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            read += buf.readableBytes();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        long n = msg instanceof ByteBuf buf ? buf.readableBytes() : msg instanceof FileRegion region ? region.count() : 0;
        if (n == 0) {
            ctx.write(msg, promise);
            return;
        }
        ChannelPromise p = promise.unvoid();
        p.addListener(f -> {
            if (f.isSuccess()) {
                written += n;
            }
        });
        ctx.write(msg, p);
    }
}
