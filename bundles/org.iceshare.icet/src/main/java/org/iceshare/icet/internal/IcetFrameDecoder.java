package org.iceshare.icet.internal;

import java.util.List;
import java.util.Optional;

import org.iceshare.api.codec.DecodeResult;
import org.iceshare.api.codec.Framing;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * Splits the inbound byte stream into IceT frames. A frame is a {@code u32} big-endian length followed
 * by that many bytes (the type byte and the payload); this decoder emits those bytes, without the length
 * field, as a retained slice for {@link IcetMessageDecoder}.
 *
 * <p>The length is checked by {@link Framing#check} as soon as it is read (nothing of the frame is
 * buffered): a length of zero or above the maximum frame size emits one {@link DecodeResult.Invalid}, and
 * every byte after it is discarded: the connection is about to be closed. Input is discarded as well
 * once the channel is {@linkplain IcetPipeline#close closing}.
 *
 * <p><b>Threading:</b> stateful, one instance per channel, used on the channel's event loop only.
 */
public final class IcetFrameDecoder extends ByteToMessageDecoder {

    private final int maxFrameSize;
    private boolean failed;

    /** @param maxFrameSize the largest length field value accepted, at least 1 */
    public IcetFrameDecoder(int maxFrameSize) {
        if (maxFrameSize < 1) {
            throw new IllegalArgumentException("maximum frame size must be >= 1: " + maxFrameSize);
        }
        this.maxFrameSize = maxFrameSize;
    }

    public int maxFrameSize() {
        return maxFrameSize;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed || IcetPipeline.isClosing(ctx.channel())) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < Framing.LENGTH_FIELD_SIZE) {
            return;
        }
        long length = in.getUnsignedInt(in.readerIndex());
        Optional<DecodeResult.Invalid> invalid = Framing.check(length, maxFrameSize);
        if (invalid.isPresent()) {
            failed = true;
            in.skipBytes(in.readableBytes());
            out.add(invalid.get());
            return;
        }
        if (in.readableBytes() - Framing.LENGTH_FIELD_SIZE < length) {
            return;
        }
        in.skipBytes(Framing.LENGTH_FIELD_SIZE);
        out.add(in.readRetainedSlice((int) length));
    }
}
