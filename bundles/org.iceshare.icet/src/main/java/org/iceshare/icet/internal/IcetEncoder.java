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
 * Turns an {@link IcetMessage} into one complete frame with {@link IcetCodec#encode}, and a {@link PieceFile}
 * (a piece sent from its file) into the same bytes without reading the file into the heap.
 *
 * <p>In a pipeline, a {@link Piece}'s frame goes out in direct memory, which is what the socket writes
 * from: a direct (or mapped) piece buffer is wrapped behind a pooled direct head, a heap one copied once
 * into a pooled direct buffer with its head. (A composite of a heap head and the data would be merged by
 * Netty into a new heap array, then copied again into direct memory.) {@link #encode(IcetMessage)} keeps
 * the allocation-free form for callers outside a pipeline: the head and a read-only wrapper of the data.
 *
 * <p><b>Threading:</b> stateless and {@link Sharable}; use {@link #INSTANCE}.
 */
@Sharable
public final class IcetEncoder extends MessageToMessageEncoder<Object> {

    public static final IcetEncoder INSTANCE = new IcetEncoder();

    private IcetEncoder() {
    }

    @Override
    public boolean acceptOutboundMessage(Object msg) {
        return msg instanceof IcetMessage || msg instanceof PieceFile;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Object message, List<Object> out) throws Exception {
        if (message instanceof PieceFile file) {
            file.encode(ctx, out);
        } else if (message instanceof Piece piece) {
            EncodedFrame frame = IcetCodec.encode(piece);
            if (frame.data().isDirect()) {
                ByteBuf head = ctx.alloc().directBuffer(frame.head().remaining()).writeBytes(frame.head());
                out.add(Unpooled.wrappedUnmodifiableBuffer(head, Unpooled.wrappedBuffer(frame.data())));
            } else {
                ByteBuf all = ctx.alloc().directBuffer(frame.remaining());
                out.add(all.writeBytes(frame.head()).writeBytes(frame.data()));
            }
        } else {
            out.add(encode((IcetMessage) message));
        }
    }

    /** Encodes one message as a complete frame. The caller owns the returned buffer. */
    public static ByteBuf encode(IcetMessage message) {
        EncodedFrame frame = IcetCodec.encode(message);
        return frame.data().hasRemaining() ? Unpooled.wrappedBuffer(frame.head(), frame.data())
                : Unpooled.wrappedBuffer(frame.head());
    }
}
