package org.iceshare.icet.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.codec.Framing;
import org.iceshare.api.codec.IcetCodec;
import org.iceshare.api.icet.MessageType;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.PieceInfo;
import org.iceshare.api.transport.Pacer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.FileRegion;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedInput;
import io.netty.handler.stream.ChunkedWriteHandler;

/**
 * An outbound PIECE whose data lies in a file ({@link NettyConnection#sendPiece}); {@link IcetEncoder} turns
 * it into the same bytes as the frame of a {@link org.iceshare.api.icet.Piece}:
 * <ul>
 * <li>on a plain socket, the frame's head in a pooled direct buffer, then the data as a {@link FileRegion}
 * of the file (the kernel copies it with {@code sendfile}; the bytes never enter the Java heap);</li>
 * <li>under TLS (an {@link SslHandler} encrypts, so the bytes must pass through memory), the data read from
 * the file into pooled direct buffers;</li>
 * <li>paced (a {@link Pacer} other than {@link Pacer#NONE}), the data in slices of {@value #SLICE} bytes,
 * each written once the pacer allows, through a {@link ChunkedWriteHandler} added to the pipeline before
 * the encoder on the first paced piece. That handler writes everything sent meanwhile after the piece, so
 * no message lands inside the frame.</li>
 * </ul>
 * The file is not closed here: it belongs to the piece store.
 */
final class PieceFile {
    /** Bytes per slice of a paced piece: small against a piece, large against a syscall. */
    static final int SLICE = 32 * 1024;
    static final String CHUNKS = "icet-chunks";

    final ContentId content;
    final int piece;
    final FileChannel file;
    final long position;
    final int length;
    final Pacer pacer;

    PieceFile(ContentId content, int piece, FileChannel file, long position, int length, Pacer pacer) {
        if (piece < 0 || length < 0 || length > PieceInfo.MAX_LENGTH || position < 0) {
            throw new IllegalArgumentException("piece " + piece + ", " + length + " bytes at " + position);
        }
        this.content = content;
        this.piece = piece;
        this.file = file;
        this.position = position;
        this.length = length;
        this.pacer = pacer;
    }

    /** The frame's head: length field, type, content id, piece index. */
    ByteBuf head(ByteBufAllocator alloc) {
        ByteBuf head = alloc.directBuffer(IcetCodec.PIECE_HEADER_SIZE);
        head.writeInt(IcetCodec.PIECE_HEADER_SIZE - Framing.LENGTH_FIELD_SIZE + length);
        head.writeByte(MessageType.PIECE.code());
        head.writeBytes(content.toBytes());
        head.writeInt(piece);
        return head;
    }

    /** Adds what the encoder writes for this piece to {@code out}. */
    void encode(ChannelHandlerContext ctx, List<Object> out) throws IOException {
        boolean tls = ctx.pipeline().get(SslHandler.class) != null;
        if (pacer != Pacer.NONE) {
            ChunkedWriteHandler chunks = (ChunkedWriteHandler) ctx.pipeline().get(CHUNKS);
            if (chunks == null) {
                chunks = new ChunkedWriteHandler();
                ctx.pipeline().addBefore(ctx.name(), CHUNKS, chunks);
            }
            out.add(new Paced(ctx, chunks, tls));
            return;
        }
        out.add(head(ctx.alloc()));
        if (length == 0) {
            return;
        }
        if (tls) {
            out.add(read(ctx.alloc(), position, length));
        } else {
            out.add(new Region(file, position, length));
        }
    }

    /** Reads {@code n} bytes at {@code at} into a pooled direct buffer. */
    ByteBuf read(ByteBufAllocator alloc, long at, int n) throws IOException {
        ByteBuf buf = alloc.directBuffer(n);
        try {
            int got = 0;
            while (got < n) {
                int r = buf.writeBytes(file, at + got, n - got);
                if (r < 0) {
                    throw new IOException("the file of piece " + piece + " ends before byte " + (at + got));
                }
                got += r;
            }
            return buf;
        } catch (IOException | RuntimeException e) {
            buf.release();
            throw e;
        }
    }

    /** A region of the store's file that leaves the file open when released: the store owns it. */
    static final class Region extends DefaultFileRegion {
        Region(FileChannel file, long position, long count) {
            super(file, position, count);
        }

        @Override
        protected void deallocate() {
            // the piece store's channel stays open
        }
    }

    /**
     * The piece as chunks for the {@link ChunkedWriteHandler}: the head, then slices of the data, each after
     * the pacer's wait. While it waits it answers null (nothing yet) and resumes the handler when the time
     * has come.
     */
    final class Paced implements ChunkedInput<Object> {
        private final ChannelHandlerContext ctx;
        private final ChunkedWriteHandler chunks;
        private final boolean tls;
        private boolean headSent;
        private int sent;
        /** The slice taken from the pacer and not written yet: its length (0 for none) and when it may go. */
        private int due;
        private long dueAtNanos;

        Paced(ChannelHandlerContext ctx, ChunkedWriteHandler chunks, boolean tls) {
            this.ctx = ctx;
            this.chunks = chunks;
            this.tls = tls;
        }

        @Override
        public boolean isEndOfInput() {
            return headSent && sent == length;
        }

        @Override
        public void close() {
            // nothing held: the file belongs to the store
        }

        @Deprecated
        @Override
        public Object readChunk(ChannelHandlerContext context) throws Exception {
            return readChunk(context.alloc());
        }

        @Override
        public Object readChunk(ByteBufAllocator alloc) throws Exception {
            if (!headSent) {
                headSent = true;
                return head(alloc);
            }
            if (sent == length) {
                return null;
            }
            long now = System.nanoTime();
            if (due == 0) {
                due = Math.min(SLICE, length - sent);
                dueAtNanos = now + pacer.take(due);
            }
            long wait = dueAtNanos - now;
            if (wait > 0) {
                ctx.executor().schedule(chunks::resumeTransfer, wait, TimeUnit.NANOSECONDS);
                return null;
            }
            int n = due;
            long at = position + sent;
            due = 0;
            sent += n;
            return tls ? read(alloc, at, n) : new Region(file, at, n);
        }

        @Override
        public long length() {
            return IcetCodec.PIECE_HEADER_SIZE + (long) length;
        }

        @Override
        public long progress() {
            return headSent ? IcetCodec.PIECE_HEADER_SIZE + (long) sent : 0;
        }
    }

    @Override
    public String toString() {
        return "Piece[" + content.shortHex() + " piece " + piece + ", " + length + " bytes of a file]";
    }
}
