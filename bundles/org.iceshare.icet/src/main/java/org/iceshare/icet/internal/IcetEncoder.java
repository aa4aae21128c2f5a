package org.iceshare.icet.internal;

import java.util.List;

import org.iceshare.api.codec.EncodedFrame;
import org.iceshare.api.codec.IcetCodec;
import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.icet.Piece;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;

/**
 * Turns an {@link IcetMessage} into one complete frame with {@link IcetCodec#encode}, and wraps the
 * frame's buffers in a {@link ByteBuf} without copying them.
 *
 * <p>A {@link Piece} is not copied: its frame is a composite of the {@value IcetCodec#PIECE_HEADER_SIZE}-byte
 * head and a read-only wrapper of the piece's {@code ByteBuffer}. (NIO still copies heap data into a
 * direct buffer when it writes to the socket; a direct or mapped piece buffer goes out as is.)
 *
 * <p><b>Threading:</b> stateless and {@link Sharable}; use {@link #INSTANCE}.
 */
@Sharable
public final class IcetEncoder extends MessageToMessageEncoder<IcetMessage> {

    public static final IcetEncoder INSTANCE = new IcetEncoder();

    private IcetEncoder() {
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, IcetMessage message, List<Object> out) {
        out.add(encode(message));
    }

    /** Encodes one message as a complete frame. The caller owns the returned buffer. */
    public static ByteBuf encode(IcetMessage message) {
        EncodedFrame frame = IcetCodec.encode(message);
        return frame.data().hasRemaining() ? Unpooled.wrappedBuffer(frame.head(), frame.data())
                : Unpooled.wrappedBuffer(frame.head());
    }
}
