package org.iceshare.core.internal.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import org.iceshare.api.media.MediaFormat;
import org.iceshare.api.media.PieceStart;
import org.iceshare.api.swarm.ChainLink;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PieceInfo;
import org.iceshare.api.swarm.SeekPoint;
import org.iceshare.core.internal.storage.PieceStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works out the body of a time start ({@code ?t=SECONDS}): the header pages of the chain link that
 * plays at that time, then the content from the latest place at or before the time where a decoder
 * can start, to the end. That body is a resource of its own, with its own length, so byte ranges
 * apply to it as to a file.
 *
 * <p>The manifest's seek index gives the start-point piece at or before the time (piece precision),
 * and the swarm was told of it so those pieces come first. The media format then looks inside the
 * pieces for a finer start ({@link MediaFormat#startInPiece}; page precision for Ogg): first in the
 * piece that plays at the time, and when that one has no start at or before the time, in the pieces
 * before it, back to the seek index's piece, whose first byte is always a start. Each piece looked at
 * is waited for (it is part of the body anyway), and so are the link's header pieces, which the
 * format reads to know the streams. A format that is not installed here, or that fails, leaves the
 * answer at piece precision.
 *
 * <p><b>Cost:</b> the link's header pieces (at most {@value #MAX_HEADER_BYTES} bytes are read; more
 * leave the answer at piece precision) and one piece at a time are read into memory.
 *
 * <p><b>Threading:</b> {@link #resolve} may be called on any thread; the format runs on the given
 * executor (the player connection's event loop).
 */
final class TimeStart {
    private static final Logger LOG = LoggerFactory.getLogger(TimeStart.class);
    /** The most header bytes read for page precision. */
    static final int MAX_HEADER_BYTES = 16 * 1024 * 1024;

    /**
     * A time start's body.
     *
     * @param point the seek index's answer (link and start-point piece)
     * @param piece the piece the data begins in
     * @param offsetInPiece where in that piece
     * @param startMicros the time playback starts at, at or before the time asked for
     * @param ranges the body as {@code [start, end)} byte ranges of the content, in order
     */
    record Body(SeekPoint point, int piece, int offsetInPiece, long startMicros, long[] ranges) {
        /** The body's length: the sum of its ranges. */
        long length() {
            return ByteRange.total(ranges);
        }

        /** What the {@code X-IceShare-Seek} response header says. */
        String describe(Manifest m) {
            return "link=" + point.link().index() + " piece=" + piece + " offset="
                    + (m.piece(piece).offset() + offsetInPiece) + " start=" + startMicros / 1e6;
        }
    }

    private final PlayerSource source;
    private final ContentId content;
    private final PieceStore store;
    private final Manifest manifest;
    private final SeekPoint point;
    private final long micros;
    private final Executor executor;
    private ByteBuffer headers;

    private TimeStart(PlayerSource source, ContentId content, PieceStore store, SeekPoint point, long micros,
            Executor executor) {
        this.source = source;
        this.content = content;
        this.store = store;
        this.manifest = store.manifest();
        this.point = point;
        this.micros = micros;
        this.executor = executor;
    }

    /**
     * The body of a time start at {@code micros}, once the pieces it needs to know are here.
     *
     * @param point what {@link PlayerSource#seek} answered for that time
     * @param executor where the media format runs
     */
    static CompletableFuture<Body> resolve(PlayerSource source, ContentId content, PieceStore store, SeekPoint point,
            long micros, Executor executor) {
        return new TimeStart(source, content, store, point, micros, executor).resolve();
    }

    private CompletableFuture<Body> resolve() {
        Optional<MediaFormat> format = format();
        ChainLink link = point.link();
        long headerBytes = 0;
        for (int i = link.firstPiece(); i < link.firstPiece() + link.headerPieces(); i++) {
            headerBytes += manifest.piece(i).length();
        }
        if (format.isEmpty() || headerBytes > MAX_HEADER_BYTES) {
            return CompletableFuture.completedFuture(atSeekPoint());
        }
        int last = pieceAtTime();
        List<CompletableFuture<Void>> waits = new ArrayList<>();
        for (int i = link.firstPiece(); i < link.firstPiece() + link.headerPieces(); i++) {
            waits.add(source.awaitPiece(content, i));
        }
        waits.add(source.awaitPiece(content, last));
        return CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new))
                .thenComposeAsync(v -> look(format.get(), last), executor);
    }

    /** The format's media format, if installed here. */
    private Optional<MediaFormat> format() {
        for (MediaFormat f : source.mediaFormats()) {
            if (f.name().equals(manifest.format())) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /** The last piece of the link, from the seek index's piece on, that starts at or before the time. */
    private int pieceAtTime() {
        ChainLink link = point.link();
        List<ChainLink> links = manifest.links();
        int end = link.index() + 1 < links.size() ? links.get(link.index() + 1).firstPiece() : manifest.pieceCount();
        int piece = point.piece();
        for (int i = point.piece() + 1; i < end; i++) {
            long start = manifest.piece(i).startMicros();
            if (start < 0 || start > micros) {
                break;
            }
            piece = i;
        }
        return piece;
    }

    /** Asks the format about piece {@code k}; when it has no start by the time, the piece before it. */
    private CompletableFuture<Body> look(MediaFormat format, int k) {
        Optional<PieceStart> found = ask(format, k);
        if (found.isPresent()) {
            PieceStart s = found.get();
            return CompletableFuture.completedFuture(body(k, s.offset(), s.micros() >= 0 ? s.micros()
                    : manifest.piece(k).startMicros()));
        }
        if (k <= point.piece()) {
            return CompletableFuture.completedFuture(atSeekPoint());
        }
        return source.awaitPiece(content, k - 1).thenComposeAsync(v -> look(format, k - 1), executor);
    }

    private Optional<PieceStart> ask(MediaFormat format, int k) {
        PieceInfo info = manifest.piece(k);
        try {
            if (headers == null) {
                headers = readHeaders();
            }
            Optional<PieceStart> s = format.startInPiece(headers.duplicate(), store.read(k), info.startMicros(),
                    info.endMicros(), info.startPoint(), micros);
            if (s.isPresent() && (s.get().offset() >= info.length() || s.get().micros() > micros)) {
                LOG.warn("media format {} answered a start outside piece {} of {} or after {} us: {}; ignored",
                        format.name(), k, content.shortHex(), micros, s.get());
                return Optional.empty();
            }
            return s;
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot look for a time start in piece {} of {} with format {}: {}", k, content.shortHex(),
                    format.name(), e.toString());
            return Optional.empty();
        }
    }

    private ByteBuffer readHeaders() throws IOException {
        ChainLink link = point.link();
        int length = 0;
        for (int i = link.firstPiece(); i < link.firstPiece() + link.headerPieces(); i++) {
            length += manifest.piece(i).length();
        }
        ByteBuffer all = ByteBuffer.allocate(length);
        for (int i = link.firstPiece(); i < link.firstPiece() + link.headerPieces(); i++) {
            all.put(store.read(i));
        }
        return all.flip().asReadOnlyBuffer();
    }

    /** Piece precision: the seek index's piece, from its first byte. */
    private Body atSeekPoint() {
        return body(point.piece(), 0, point.pieceStartMicros());
    }

    private Body body(int piece, int offset, long startMicros) {
        return new Body(point, piece, offset, startMicros,
                ranges(manifest, point.link(), manifest.piece(piece).offset() + offset));
    }

    /** The byte ranges of a time start: the link's header pieces, then everything from {@code dataStart}. */
    static long[] ranges(Manifest m, ChainLink link, long dataStart) {
        if (link.headerPieces() == 0) {
            return new long[] {dataStart, m.length()};
        }
        long headerStart = m.piece(link.firstPiece()).offset();
        long headerEnd = m.piece(link.firstPiece() + link.headerPieces() - 1).end();
        if (headerEnd >= dataStart) {
            return new long[] {headerStart, m.length()};
        }
        return new long[] {headerStart, headerEnd, dataStart, m.length()};
    }
}
