package org.iceshare.icet.internal;

import org.iceshare.api.codec.DecodeResult;
import org.iceshare.api.codec.Framing;
import org.iceshare.api.codec.IcetCodec;
import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.icet.MessageType;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.PieceInfo;

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
 * data out of the frame). Except for a PIECE on a connection whose handler takes pieces lent
 * ({@link IcetPipeline#LEND_PIECES}, once the handshake is done): that frame becomes a {@link LentPiece}
 * holding the frame, so the receiver verifies and stores the data from the buffer it arrived in.
 *
 * <p><b>Threading:</b> stateless and {@link Sharable}; use {@link #INSTANCE}. (It is a plain inbound
 * handler rather than a {@code MessageToMessageDecoder}, which keeps per-instance read flags.)
 */
@Sharable
public final class IcetMessageDecoder extends ChannelInboundHandlerAdapter {

    public static final IcetMessageDecoder INSTANCE = new IcetMessageDecoder();

    private IcetMessageDecoder() {
    }

    /** Decodes a frame and releases it (a lent piece keeps it); passes anything else on. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf frame) {
            LentPiece lent = lend(ctx, frame);
            if (lent != null) {
                ctx.fireChannelRead(lent);
                return;
            }
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

    /**
     * A PIECE frame on a channel whose handler takes lent pieces and whose handshake is done: the content,
     * the index and the frame itself as the data, with no copy. Null for any other frame, and for a PIECE
     * frame the codec would refuse (it then decodes as usual, to its {@link DecodeResult.Invalid}).
     */
    private static LentPiece lend(ChannelHandlerContext ctx, ByteBuf frame) {
        if (ctx.channel().attr(IcetPipeline.VERSION).get() == null
                || !Boolean.TRUE.equals(ctx.channel().attr(IcetPipeline.LEND_PIECES).get())) {
            return null;
        }
        int at = frame.readerIndex();
        int dataLength = frame.readableBytes() - PIECE_BODY_HEAD;
        if (dataLength < 0 || dataLength > PieceInfo.MAX_LENGTH
                || frame.getUnsignedByte(at) != MessageType.PIECE.code() || frame.getInt(at + 1 + ContentId.LENGTH) < 0) {
            return null;
        }
        byte[] id = new byte[ContentId.LENGTH];
        frame.getBytes(at + 1, id);
        int piece = frame.getInt(at + 1 + ContentId.LENGTH);
        return new LentPiece(ContentId.of(id), piece, frame.skipBytes(PIECE_BODY_HEAD));
    }

    /** A PIECE frame's bytes before its data, without the length field: type, content id, index. */
    private static final int PIECE_BODY_HEAD = IcetCodec.PIECE_HEADER_SIZE - Framing.LENGTH_FIELD_SIZE;

    /** Decodes one frame (without its length field), consuming all of it. The caller still owns it. */
    public static DecodeResult decode(ByteBuf frame) {
        DecodeResult result = IcetCodec.decode(frame.nioBuffer());
        frame.skipBytes(frame.readableBytes());
        return result;
    }
}
