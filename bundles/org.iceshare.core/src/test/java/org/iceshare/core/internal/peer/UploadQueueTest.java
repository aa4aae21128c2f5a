package org.iceshare.core.internal.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.icet.Cancel;
import org.iceshare.api.icet.ErrorCode;
import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.icet.Piece;
import org.iceshare.api.icet.Reject;
import org.iceshare.api.icet.Request;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.PeerId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The upload queue on its own: refusals, round-robin over writable connections, cancels, the cap. */
class UploadQueueTest {
    private static final ContentId CONTENT = ContentId.random();
    private final ScheduledExecutorService engine = Executors.newSingleThreadScheduledExecutor();
    private final Content content = new Content(8, 1000);
    private final Map<ContentId, UploadQueue.Held> contents = new HashMap<>(Map.of(CONTENT, content));

    @AfterEach
    void stop() {
        engine.shutdownNow();
    }

    /** A content of {@code pieces} pieces of {@code length} bytes, all held, each byte its piece's index. */
    static final class Content implements UploadQueue.Held {
        final int pieces;
        final int length;
        final Map<PeerId, Integer> uploaded = new HashMap<>();

        Content(int pieces, int length) {
            this.pieces = pieces;
            this.length = length;
        }

        @Override
        public boolean has(int piece) {
            return piece >= 0 && piece < pieces;
        }

        @Override
        public ByteBuffer read(int piece) throws IOException {
            if (piece == 7) {
                throw new IOException("disk error");
            }
            byte[] b = new byte[length];
            java.util.Arrays.fill(b, (byte) piece);
            return ByteBuffer.wrap(b);
        }

        @Override
        public void uploaded(PeerId to, int bytes) {
            uploaded.merge(to, bytes, Integer::sum);
        }
    }

    /** A connection that records what it was sent. */
    static final class Link implements UploadQueue.Requester {
        final PeerId id = PeerId.random();
        final ArrayDeque<Request> queue = new ArrayDeque<>();
        final List<IcetMessage> sent = new ArrayList<>();
        boolean writable = true;
        boolean closed;

        @Override
        public ArrayDeque<Request> queued() {
            return queue;
        }

        @Override
        public boolean closed() {
            return closed;
        }

        @Override
        public boolean writable() {
            return writable;
        }

        @Override
        public void send(IcetMessage m) {
            sent.add(m);
        }

        @Override
        public java.util.concurrent.CompletionStage<Void> sendPiece(ContentId content, int piece,
                org.iceshare.core.internal.storage.PieceStore.Span span, org.iceshare.api.transport.Pacer pacer) {
            throw new AssertionError("this content's pieces are in memory");
        }

        @Override
        public PeerId remote() {
            return id;
        }

        List<Integer> pieces() {
            return sent.stream().filter(m -> m instanceof Piece).map(m -> ((Piece) m).piece()).toList();
        }

        List<ErrorCode> rejections() {
            return sent.stream().filter(m -> m instanceof Reject).map(m -> ((Reject) m).code()).toList();
        }
    }

    private <T> T onEngine(Callable<T> task) throws Exception {
        return engine.submit(task).get(30, TimeUnit.SECONDS);
    }

    private UploadQueue queue(long rate) {
        return new UploadQueue("test", contents::get, engine, rate);
    }

    @Test
    void whatCannotBeServedIsRefusedAtOnceAndAGreedyPeerIsBounded() throws Exception {
        UploadQueue q = queue(0);
        Link link = new Link();
        link.writable = false; // nothing leaves, so requests pile up
        onEngine(() -> {
            q.request(link, new Request(ContentId.random(), 0));
            q.request(link, new Request(CONTENT, 99));
            for (int i = 0; i < UploadQueue.MAX_QUEUED + 3; i++) {
                q.request(link, new Request(CONTENT, i % 7));
            }
            return null;
        });
        assertThat(link.rejections()).containsExactly(ErrorCode.UNKNOWN_CONTENT, ErrorCode.NOT_HELD, ErrorCode.BUSY,
                ErrorCode.BUSY, ErrorCode.BUSY);
        assertThat(link.queue).hasSize(UploadQueue.MAX_QUEUED);
        assertThat(link.pieces()).isEmpty();
    }

    @Test
    void servesWritableConnectionsInTurnAndCountsWhatWentOut() throws Exception {
        UploadQueue q = queue(0);
        Link a = new Link();
        Link b = new Link();
        Link slow = new Link();
        slow.writable = false;
        onEngine(() -> {
            a.writable = false;
            b.writable = false;
            for (int i = 0; i < 3; i++) {
                q.request(a, new Request(CONTENT, i));
                q.request(b, new Request(CONTENT, 3 + i));
                q.request(slow, new Request(CONTENT, i));
            }
            a.writable = true;
            b.writable = true;
            q.pump();
            return null;
        });
        assertThat(a.pieces()).containsExactly(0, 1, 2);
        assertThat(b.pieces()).containsExactly(3, 4, 5);
        assertThat(slow.pieces()).as("not writable: it waits").isEmpty();
        assertThat(content.uploaded).containsEntry(a.id, 3000).containsEntry(b.id, 3000);

        onEngine(() -> {
            slow.writable = true;
            q.pump();
            return null;
        });
        assertThat(slow.pieces()).containsExactly(0, 1, 2);
    }

    @Test
    void aCancelledRequestDoesNotGoOutAndAReadFailureIsRejected() throws Exception {
        UploadQueue q = queue(0);
        Link link = new Link();
        link.writable = false;
        onEngine(() -> {
            q.request(link, new Request(CONTENT, 1));
            q.request(link, new Request(CONTENT, 2));
            q.request(link, new Request(CONTENT, 7));
            q.cancel(link, new Cancel(CONTENT, 1));
            link.writable = true;
            q.pump();
            return null;
        });
        assertThat(link.pieces()).containsExactly(2);
        assertThat(link.rejections()).containsExactly(ErrorCode.INTERNAL);
    }

    @Test
    void theCapHoldsPiecesBackAndTheQueueWakesUpToSendThem() throws Exception {
        // 4000 B/s: the bucket holds a twentieth of a second (200 bytes), so one 1000-byte piece goes at
        // once (into debt), and the rest at about one every quarter second
        UploadQueue q = queue(4000);
        Link link = new Link();
        long started = System.nanoTime();
        onEngine(() -> {
            for (int i = 0; i < 4; i++) {
                q.request(link, new Request(CONTENT, i));
            }
            return null;
        });
        assertThat(onEngine(link::pieces)).as("the cap holds the others back").hasSizeLessThan(4);
        await().atMost(Duration.ofSeconds(30)).until(() -> onEngine(link::pieces).size() == 4);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("4000 bytes at 4000 B/s with a 200-byte burst")
                .isGreaterThanOrEqualTo(Duration.ofMillis(500));
        assertThat(onEngine(link::pieces)).containsExactly(0, 1, 2, 3);
    }

    @Test
    void aConnectionsRequestsAreServedHighestPriorityFirstInArrivalOrderAmongEquals() throws Exception {
        UploadQueue q = queue(0);
        Link link = new Link();
        link.writable = false;
        onEngine(() -> {
            q.request(link, new Request(CONTENT, 0));
            q.request(link, new Request(CONTENT, 1));
            q.request(link, new Request(CONTENT, 5, Request.URGENT));
            q.request(link, new Request(CONTENT, 2));
            q.request(link, new Request(CONTENT, 3, 150));
            q.request(link, new Request(CONTENT, 4, Request.URGENT));
            q.cancel(link, new Cancel(CONTENT, 1));
            link.writable = true;
            q.pump();
            return null;
        });
        assertThat(link.pieces()).containsExactly(5, 4, 3, 0, 2);
    }

    @Test
    void theNextRequestIsTheFirstOfTheHighestPriority() {
        ArrayDeque<Request> queued = new ArrayDeque<>(List.of(new Request(CONTENT, 1), new Request(CONTENT, 2, 9),
                new Request(CONTENT, 3, 9), new Request(CONTENT, 4)));
        assertThat(UploadQueue.next(queued).piece()).isEqualTo(2);
        assertThat(UploadQueue.next(queued).piece()).isEqualTo(3);
        assertThat(UploadQueue.next(queued).piece()).isEqualTo(1);
        assertThat(UploadQueue.next(queued).piece()).isEqualTo(4);
        assertThat(UploadQueue.next(queued)).isNull();
    }
}
