package org.iceshare.icet.internal;

import org.iceshare.api.codec.DecodeResult;
import org.iceshare.api.codec.IcetCodec;
import org.iceshare.api.icet.IcetMessage;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Turns each frame from {@link IcetFrameDecoder} (the type byte and the payload) into an
 * {@link IcetMessage} with {@link IcetCodec#decode}, reading the frame through an NIO view of the
 * {@link ByteBuf} (no copy). A frame that does not decode becomes a {@link DecodeResult.Invalid}, passed
 * on like a message for the last handler to report and close; nothing is thrown for bad input.
 *
 * <p>The frame is released once decoded: the message never refers to it (the codec copies a Piece's
 * data out of the frame).
 *
 * <p><b>Threading:</b> stateless and {@link Sharable}; use {@link #INSTANCE}. (It is a plain inbound
 * handler rather than a {@code MessageToMessageDecoder}, which keeps per-instance read flags.)
 */
@Sharable
public final class IcetMessageDecoder extends ChannelInboundHandlerAdapter {

    public static final IcetMessageDecoder INSTANCE = new IcetMessageDecoder();

    private IcetMessageDecoder() {
    }

    /** Decodes a frame and releases it; passes anything else on. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf frame) {
            DecodeResult decoded;
            try {
                decoded = decode(frame);
            } finally {
                frame.release();
            }
            ctx.fireChannelRead(decoded instanceof DecodeResult.Decoded d ? d.message() : decoded);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    /** Decodes one frame (without its length field), consuming all of it. The caller still owns it. */
    public static DecodeResult decode(ByteBuf frame) {
        DecodeResult result = IcetCodec.decode(frame.nioBuffer());
        frame.skipBytes(frame.readableBytes());
        return result;
    }
}
