package org.iceshare.core.internal.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.iceshare.api.swarm.ChainLink;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PieceInfo;

/**
 * The pieces of a live stream that a peer keeps: a sliding window of the last
 * {@link Manifest#windowMicros()} of the stream, in memory, plus each chain link still referenced by
 * the window with its header pages (which arrive with the link, through the tracker). Older pieces are
 * dropped as new ones are announced, so memory stays bounded however long the stream runs.
 *
 * <p><b>Threading:</b> announcements, writes and eviction on the swarm's executor; reads (the player
 * endpoint, uploads) from any thread.
 */
public final class LiveWindow implements Pieces {

    /** One announced piece and, once verified, its bytes. */
    private static final class Slot {
        final PieceInfo info;
        final long cutMillis;
        volatile ByteBuffer data;

        Slot(PieceInfo info, long cutMillis) {
            this.info = info;
            this.cutMillis = cutMillis;
        }
    }

    /** A chain link and its header pages. */
    public record Link(ChainLink link, ByteBuffer headers) {
        @Override
        public ByteBuffer headers() {
            return headers.duplicate();
        }
    }

    /**
     * A title change sent out of band (an Icecast-style metadata update at the source), at its media time on
     * the stream's timeline.
     */
    public record TitleChange(long micros, String title, String artist) {
    }

    /** Out-of-band title changes kept, the newest. */
    public static final int MAX_TITLE_CHANGES = 32;

    private final Manifest manifest;
    private final ConcurrentSkipListMap<Long, TitleChange> titles = new ConcurrentSkipListMap<>();
    private final ConcurrentSkipListMap<Integer, Slot> pieces = new ConcurrentSkipListMap<>();
    private final ConcurrentSkipListMap<Integer, Link> links = new ConcurrentSkipListMap<>();
    private final AtomicInteger verified = new AtomicInteger();
    private volatile int end;

    public LiveWindow(Manifest manifest) {
        if (!manifest.live()) {
            throw new IllegalArgumentException(manifest + " is not live");
        }
        this.manifest = manifest;
    }

    @Override
    public Manifest manifest() {
        return manifest;
    }

    /**
     * Records an announced piece; false when it is known already or older than the window. A piece
     * below the first one here is taken while its time is within the window: a joiner hears the newest
     * start point's pieces first and the older ones of the window after (a player's start burst).
     */
    public boolean announce(PieceInfo info, long cutMillis) {
        int first = firstPiece();
        if (pieces.containsKey(info.index())) {
            return false;
        }
        if (!pieces.isEmpty() && info.index() < first) {
            long newest = pieces.lastEntry().getValue().info.endMicros();
            if (newest < 0 || info.endMicros() < 0 || info.endMicros() < newest - manifest.windowMicros()) {
                return false;
            }
        }
        pieces.put(info.index(), new Slot(info, cutMillis));
        end = Math.max(end, info.index() + 1);
        return true;
    }

    /** Records a chain link; its headers are kept from the first announcement that carries them. */
    public void link(ChainLink link, ByteBuffer headers) {
        Link known = links.get(link.index());
        if (known == null || !known.headers.hasRemaining() && headers.hasRemaining()) {
            ByteBuffer copy = ByteBuffer.allocate(headers.remaining()).put(headers.duplicate()).flip();
            links.put(link.index(), new Link(link, copy.asReadOnlyBuffer()));
        }
    }

    /**
     * Records an out-of-band title change (a later one at the same time replaces it); the oldest beyond
     * {@value #MAX_TITLE_CHANGES} are dropped.
     */
    public void titleChange(TitleChange t) {
        titles.put(t.micros(), t);
        while (titles.size() > MAX_TITLE_CHANGES) {
            titles.pollFirstEntry();
        }
    }

    /** The out-of-band title changes kept, in time order. */
    public List<TitleChange> titleChanges() {
        return List.copyOf(titles.values());
    }

    /** The links known, in index order. */
    public List<Link> links() {
        return List.copyOf(links.values());
    }

    /** A link, or null when unknown. */
    public Link link(int index) {
        return links.get(index);
    }

    /** True when the link and its header pages are here. */
    public boolean hasHeaders(int link) {
        Link l = links.get(link);
        return l != null && l.headers.hasRemaining();
    }

    /** The newest link, or null before the first. */
    public Link currentLink() {
        Map.Entry<Integer, Link> e = links.lastEntry();
        return e == null ? null : e.getValue();
    }

    @Override
    public PieceInfo info(int piece) {
        Slot s = pieces.get(piece);
        return s == null ? null : s.info;
    }

    /** When the source cut the piece (epoch ms), or -1. */
    public long cutMillis(int piece) {
        Slot s = pieces.get(piece);
        return s == null ? -1 : s.cutMillis;
    }

    /** The lowest piece index still in the window (0 when empty). */
    public int firstPiece() {
        Map.Entry<Integer, Slot> e = pieces.firstEntry();
        return e == null ? end : e.getKey();
    }

    /** One past the highest piece announced. */
    public int end() {
        return end;
    }

    @Override
    public boolean has(int piece) {
        Slot s = pieces.get(piece);
        return s != null && s.data != null;
    }

    @Override
    public ByteBuffer read(int piece) throws IOException {
        Slot s = pieces.get(piece);
        ByteBuffer d = s == null ? null : s.data;
        if (d == null) {
            throw new IOException("live piece " + piece + " is not here (any more)");
        }
        return d.duplicate();
    }

    @Override
    public void write(int piece, ByteBuffer bytes) {
        Slot s = pieces.get(piece);
        if (s == null) {
            throw new IllegalStateException("live piece " + piece + " was not announced or left the window");
        }
        if (bytes.remaining() != s.info.length()) {
            throw new IllegalArgumentException("piece " + piece + " is " + s.info.length() + " bytes, got "
                    + bytes.remaining());
        }
        if (s.data == null) {
            s.data = ByteBuffer.allocate(bytes.remaining()).put(bytes.duplicate()).flip().asReadOnlyBuffer();
            verified.incrementAndGet();
        }
    }

    /**
     * Drops the pieces that ended more than the window before the newest piece's end, and the links no
     * remaining piece belongs to (but never the newest link). Returns the new first piece index.
     */
    public int evict() {
        Map.Entry<Integer, Slot> last = pieces.lastEntry();
        if (last == null) {
            return end;
        }
        long newest = last.getValue().info.endMicros();
        long horizon = newest - manifest.windowMicros();
        while (true) {
            Map.Entry<Integer, Slot> first = pieces.firstEntry();
            if (first == null || first.getKey().equals(last.getKey()) || newest < 0
                    || first.getValue().info.endMicros() >= horizon) {
                break;
            }
            if (pieces.remove(first.getKey()).data != null) {
                verified.decrementAndGet();
            }
        }
        int firstLink = pieces.firstEntry().getValue().info.link();
        Integer newestLink = links.isEmpty() ? null : links.lastKey();
        links.headMap(Math.min(firstLink, newestLink == null ? firstLink : newestLink)).clear();
        return firstPiece();
    }

    /** The newest verified start point, or -1. */
    public int newestStartPoint() {
        for (Map.Entry<Integer, Slot> e : pieces.descendingMap().entrySet()) {
            if (e.getValue().info.startPoint() && e.getValue().data != null) {
                return e.getKey();
            }
        }
        return -1;
    }

    /** Pieces announced and still in the window. */
    public int size() {
        return pieces.size();
    }

    @Override
    public int verifiedCount() {
        return verified.get();
    }

    @Override
    public boolean isComplete() {
        return false;
    }

    @Override
    public void close() {
        pieces.clear();
        links.clear();
    }
}
