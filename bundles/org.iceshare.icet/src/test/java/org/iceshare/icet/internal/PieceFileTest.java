package org.iceshare.icet.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.iceshare.api.icet.Ping;
import org.iceshare.api.icet.Piece;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.transport.Pacer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.netty.buffer.ByteBuf;
import io.netty.channel.FileRegion;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * A piece sent from its file ({@link PieceFile}): the head and a file region, or paced slices, are byte for
 * byte the frame of the same {@link Piece}, decode to it, and leave the store's file open.
 */
class PieceFileTest {
    private static final ContentId CONTENT = ContentId.random();
    private static final int OFFSET = 1000;
    private static final int LENGTH = 100_000;

    @TempDir
    Path tmp;
    private FileChannel file;
    private byte[] data;

    @BeforeEach
    void file() throws IOException {
        ByteBuffer sample = Samples.data(OFFSET + LENGTH + 500, 9);
        byte[] all = new byte[sample.remaining()];
        sample.get(all);
        Path p = tmp.resolve("data");
        Files.write(p, all);
        file = FileChannel.open(p, StandardOpenOption.READ);
        data = java.util.Arrays.copyOfRange(all, OFFSET, OFFSET + LENGTH);
    }

    @AfterEach
    void close() throws IOException {
        file.close();
    }

    /** Everything the channel wrote, buffers and regions alike, as the socket would get it; releases it. */
    private static byte[] drain(EmbeddedChannel ch) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WritableByteChannel sink = Channels.newChannel(out);
        for (Object o = ch.readOutbound(); o != null; o = ch.readOutbound()) {
            if (o instanceof ByteBuf b) {
                b.readBytes(out, b.readableBytes());
                b.release();
            } else if (o instanceof FileRegion r) {
                while (r.transferred() < r.count()) {
                    r.transferTo(sink, r.transferred());
                }
                r.release();
            } else {
                throw new AssertionError("unexpected " + o);
            }
        }
        return out.toByteArray();
    }

    private byte[] pieceFrame() {
        ByteBuf frame = IcetEncoder.encode(new Piece(CONTENT, 3, ByteBuffer.wrap(data)));
        byte[] b = new byte[frame.readableBytes()];
        frame.readBytes(b);
        frame.release();
        return b;
    }

    @Test
    void aPieceFromItsFileIsAHeadAndARegionWithThePiecesBytesAndDecodesToThePiece() throws IOException {
        EmbeddedChannel sender = new EmbeddedChannel(IcetEncoder.INSTANCE);
        sender.writeOutbound(new PieceFile(CONTENT, 3, file, OFFSET, LENGTH, Pacer.NONE));
        assertThat(sender.outboundMessages()).hasSize(2);
        Object head = sender.outboundMessages().peek();
        assertThat(head).isInstanceOf(ByteBuf.class);
        assertThat(((ByteBuf) head).isDirect()).as("the head is in direct memory").isTrue();
        assertThat(new ArrayList<>(sender.outboundMessages()).get(1)).as("the data stays in the file")
                .isInstanceOf(FileRegion.class);

        byte[] wire = drain(sender);
        assertThat(wire).isEqualTo(pieceFrame());
        assertThat(file.isOpen()).as("the store's file outlives the region").isTrue();

        EmbeddedChannel receiver = new EmbeddedChannel(new IcetFrameDecoder(IcetLimits.DEFAULT_MAX_FRAME_SIZE),
                IcetMessageDecoder.INSTANCE);
        receiver.writeInbound(io.netty.buffer.Unpooled.wrappedBuffer(wire));
        assertThat((Object) receiver.readInbound()).isEqualTo(new Piece(CONTENT, 3, ByteBuffer.wrap(data)));
        assertThat(receiver.finishAndReleaseAll()).isFalse();
        assertThat(sender.finishAndReleaseAll()).isFalse();
    }

    @Test
    void theWriteBufferCountsARegionBySize() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setMessageSizeEstimator(IcetPipeline.SIZE_ESTIMATOR);
        FileRegion region = new PieceFile.Region(file, OFFSET, LENGTH);
        assertThat(IcetPipeline.SIZE_ESTIMATOR.newHandle().size(region)).isEqualTo(LENGTH);
        region.release();
        assertThat(file.isOpen()).isTrue();
        ch.finishAndReleaseAll();
    }

    @Test
    void aPacedPieceGoesInSlicesAsThePacerAllowsAndWhatFollowsWaitsBehindIt() throws IOException {
        EmbeddedChannel sender = new EmbeddedChannel(IcetEncoder.INSTANCE);
        List<Integer> taken = new ArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        // the first slice may go at once, every later one after 20 ms
        Pacer pacer = bytes -> {
            taken.add(bytes);
            return calls.getAndIncrement() == 0 ? 0 : 20_000_000L;
        };
        sender.writeOutbound(new PieceFile(CONTENT, 3, file, OFFSET, LENGTH, pacer));
        sender.writeOutbound(new Ping(7));
        int slices = (LENGTH + PieceFile.SLICE - 1) / PieceFile.SLICE;
        assertThat(sender.pipeline().get(PieceFile.CHUNKS)).as("added on the first paced piece").isNotNull();
        assertThat(sender.outboundMessages()).as("the head and the first slice only").hasSize(2);

        await().atMost(Duration.ofSeconds(10)).until(() -> {
            sender.runScheduledPendingTasks();
            return sender.outboundMessages().size() == 1 + slices + 1;
        });
        assertThat(taken).hasSize(slices).allMatch(n -> n <= PieceFile.SLICE);
        assertThat(taken.stream().mapToInt(Integer::intValue).sum()).isEqualTo(LENGTH);
        List<Object> out = new ArrayList<>(sender.outboundMessages());
        assertThat(out.subList(1, 1 + slices)).allMatch(o -> o instanceof FileRegion);

        byte[] wire = drain(sender);
        byte[] ping = new byte[13];
        ByteBuf p = IcetEncoder.encode(new Ping(7));
        p.readBytes(ping);
        p.release();
        byte[] expected = new byte[pieceFrame().length + ping.length];
        System.arraycopy(pieceFrame(), 0, expected, 0, pieceFrame().length);
        System.arraycopy(ping, 0, expected, pieceFrame().length, ping.length);
        assertThat(wire).as("the piece's frame whole, then the Ping").isEqualTo(expected);
        assertThat(sender.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aPieceIsLentOnlyOnceTheHandshakeIsDoneAndItsFrameFreedOnRelease() {
        EmbeddedChannel receiver = new EmbeddedChannel(new IcetFrameDecoder(IcetLimits.DEFAULT_MAX_FRAME_SIZE),
                IcetMessageDecoder.INSTANCE);
        receiver.attr(IcetPipeline.LEND_PIECES).set(Boolean.TRUE);
        Piece piece = new Piece(CONTENT, 3, ByteBuffer.wrap(data));
        receiver.writeInbound(io.netty.buffer.Unpooled.wrappedBuffer(pieceFrame()));
        assertThat((Object) receiver.readInbound()).as("before the Hello: decoded and copied").isEqualTo(piece);

        receiver.attr(IcetPipeline.VERSION).set(5);
        ByteBuf frame = io.netty.buffer.Unpooled.directBuffer().writeBytes(pieceFrame());
        receiver.writeInbound(frame);
        LentPiece lent = receiver.readInbound();
        assertThat(lent.content).isEqualTo(CONTENT);
        assertThat(lent.piece).isEqualTo(3);
        assertThat(lent.data()).isEqualTo(ByteBuffer.wrap(data));
        assertThat(lent.data().isReadOnly()).isTrue();
        assertThat(frame.refCnt()).as("held for the handler").isPositive();
        lent.release();
        assertThat(frame.refCnt()).isZero();
        assertThat(receiver.finishAndReleaseAll()).isFalse();
    }
}
