package org.iceshare.source.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.iceshare.api.media.LiveCut;
import org.iceshare.api.media.LiveCutter;
import org.iceshare.api.media.LivePiece;

/**
 * <b>A test double</b> of the Ogg format's live cutter, for use only while that cutter is not
 * available ({@link TestFormats#ogg}). It is deliberately minimal: it cuts on whole pages, takes a
 * link's leading granule-0 pages as its header piece, groups data pages until the target duration is
 * reached, and times pages by granule position over the sample rate of Vorbis (from its
 * identification header) or Opus (48 kHz, pre-skip ignored). No CRC check, no Theora keyframes, no
 * multiplex subtleties. Garbage before a capture pattern is skipped and reported.
 *
 * <p>Unlike the real cutter, {@link #flush} starts its clock over at 0, which exercises the
 * source's {@link Timeline}.
 */
final class PageCutter implements LiveCutter {
    private final long targetMicros;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final Map<Integer, Long> rates = new HashMap<>();
    private final List<String> codecs = new ArrayList<>();
    private boolean headerPhase;
    private boolean sawData;
    private long linkStart;
    private long linkEnd;
    private ByteArrayOutputStream piece;
    private boolean pieceHeader;
    private boolean pieceLinkStart;
    private boolean pieceStartPoint;
    private long pieceStart;
    private long pieceEnd;
    private long offset;

    PageCutter(long targetMicros) {
        this.targetMicros = targetMicros;
    }

    @Override
    public LiveCut accept(ByteBuffer bytes) {
        byte[] b = new byte[bytes.remaining()];
        bytes.get(b);
        buffer.writeBytes(b);
        List<LivePiece> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        long skipped = 0;
        byte[] all = buffer.toByteArray();
        int pos = 0;
        while (true) {
            int capture = find(all, pos);
            if (capture < 0) {
                int keep = Math.min(3, all.length - pos);
                skipped += all.length - pos - keep;
                pos = all.length - keep;
                break;
            }
            if (capture > pos) {
                skipped += capture - pos;
                problems.add("skipped " + (capture - pos) + " bytes before a page at " + (offset + capture));
                pos = capture;
            }
            if (all.length - pos < 27) {
                break;
            }
            int segments = all[pos + 26] & 0xff;
            if (all.length - pos < 27 + segments) {
                break;
            }
            int body = 0;
            for (int i = 0; i < segments; i++) {
                body += all[pos + 27 + i] & 0xff;
            }
            int length = 27 + segments + body;
            if (all.length - pos < length) {
                break;
            }
            page(all, pos, length, 27 + segments, out);
            pos += length;
        }
        offset += pos;
        buffer.reset();
        buffer.write(all, pos, all.length - pos);
        if (skipped > 0 && problems.isEmpty()) {
            problems.add("skipped " + skipped + " bytes without a page");
        }
        return new LiveCut(out, skipped, problems);
    }

    private void page(byte[] all, int pos, int length, int headerLength, List<LivePiece> out) {
        ByteBuffer h = ByteBuffer.wrap(all, pos, length).order(ByteOrder.LITTLE_ENDIAN);
        int flags = all[pos + 5] & 0xff;
        long granule = h.getLong(pos + 6);
        int serial = h.getInt(pos + 14);
        boolean bos = (flags & 2) != 0;
        boolean continued = (flags & 1) != 0;
        if (bos && (sawData || !headerPhase)) {
            close(out);
            linkStart = linkEnd;
            rates.clear();
            codecs.clear();
            headerPhase = true;
            sawData = false;
        }
        if (bos) {
            int p = pos + headerLength;
            if (length - headerLength >= 16 && all[p] == 1 && all[p + 1] == 'v') {
                rates.put(serial, (long) h.getInt(p + 12));
                codecs.add("vorbis");
            } else if (length - headerLength >= 8 && all[p] == 'O' && all[p + 1] == 'p') {
                rates.put(serial, 48_000L);
                codecs.add("opus");
            } else {
                codecs.add("unknown");
            }
        }
        boolean header = headerPhase && granule == 0;
        if (!header && headerPhase) {
            close(out);
            headerPhase = false;
        }
        if (header) {
            if (piece == null) {
                open(true, true, false, linkStart);
            }
            piece.write(all, pos, length);
            return;
        }
        sawData = true;
        if (piece == null) {
            open(false, false, !continued, linkEnd);
        }
        piece.write(all, pos, length);
        Long rate = rates.get(serial);
        if (granule > 0 && rate != null) {
            long t = linkStart + granule * 1_000_000 / rate;
            linkEnd = Math.max(linkEnd, t);
            pieceEnd = Math.max(pieceEnd, t);
        }
        if (pieceEnd - pieceStart >= targetMicros) {
            close(out);
        }
    }

    private void open(boolean header, boolean linkStartPiece, boolean startPoint, long start) {
        piece = new ByteArrayOutputStream();
        pieceHeader = header;
        pieceLinkStart = linkStartPiece;
        pieceStartPoint = startPoint;
        pieceStart = start;
        pieceEnd = start;
    }

    private void close(List<LivePiece> out) {
        if (piece == null || piece.size() == 0) {
            piece = null;
            return;
        }
        out.add(new LivePiece(ByteBuffer.wrap(piece.toByteArray()), pieceStart, pieceEnd, pieceStartPoint, pieceHeader,
                pieceLinkStart, String.join(",", codecs)));
        piece = null;
    }

    private static int find(byte[] a, int from) {
        for (int i = from; i + 3 < a.length; i++) {
            if (a[i] == 'O' && a[i + 1] == 'g' && a[i + 2] == 'g' && a[i + 3] == 'S') {
                return i;
            }
        }
        return -1;
    }

    @Override
    public LiveCut flush() {
        List<LivePiece> out = new ArrayList<>();
        close(out);
        long skipped = buffer.size();
        buffer.reset();
        rates.clear();
        codecs.clear();
        headerPhase = false;
        sawData = false;
        linkStart = 0;
        linkEnd = 0;
        return new LiveCut(out, skipped, skipped > 0 ? List.of("dropped " + skipped + " bytes of an unfinished page")
                : List.of());
    }
}
