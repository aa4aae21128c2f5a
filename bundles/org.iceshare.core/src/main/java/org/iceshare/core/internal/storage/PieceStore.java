package org.iceshare.core.internal.storage;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLongArray;

import org.iceshare.api.swarm.Bitfield;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PieceInfo;
import org.iceshare.api.verify.PieceVerifier;

/**
 * The pieces of one content on disk, in one folder:
 * <ul>
 * <li>{@code manifest}: the manifest (see {@link ManifestCodec});</li>
 * <li>{@code data}: the content bytes at their offsets (a sparse file while incomplete);</li>
 * <li>{@code verified}: one bit per verified piece, updated after the piece's bytes are written.</li>
 * </ul>
 * Pieces are written only after they were verified. On {@link #open} every piece marked verified is
 * hashed again, so a crash between writing data and marking it loses at most that piece.
 *
 * <p><b>Threading:</b> {@link #write} is called by one thread at a time (the swarm's executor).
 * {@link #has}, {@link #read} and {@link #readAt} may be called from any thread concurrently.
 */
public final class PieceStore implements Pieces {
    static final String MANIFEST = "manifest";
    static final String DATA = "data";
    static final String VERIFIED = "verified";

    private final Path dir;
    private final Manifest manifest;
    private final FileChannel data;
    private final FileChannel verifiedFile;
    private final AtomicLongArray verified;
    private final Bitfield persisted;

    private PieceStore(Path dir, Manifest manifest, FileChannel data, FileChannel verifiedFile, Bitfield initial) {
        this.dir = dir;
        this.manifest = manifest;
        this.data = data;
        this.verifiedFile = verifiedFile;
        this.verified = new AtomicLongArray((manifest.pieceCount() + 63) / 64);
        this.persisted = initial.copy();
        for (int i = initial.nextSet(0); i >= 0; i = initial.nextSet(i + 1)) {
            setBit(i);
        }
    }

    /** Creates an empty store for a content about to be downloaded. Fails if the folder holds one already. */
    public static PieceStore create(Path dir, Manifest manifest) throws IOException {
        Files.createDirectories(dir);
        writeManifest(dir, manifest);
        FileChannel data = FileChannel.open(dir.resolve(DATA), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileChannel bits = FileChannel.open(dir.resolve(VERIFIED), StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.READ, StandardOpenOption.WRITE);
        Bitfield none = new Bitfield(manifest.pieceCount());
        bits.write(ByteBuffer.wrap(none.toByteArray()), 0);
        return new PieceStore(dir, manifest, data, bits, none);
    }

    /**
     * Creates a complete store from a whole file, as a publisher does: copies the file into the
     * folder and marks every piece verified. The caller has hashed the pieces into the manifest.
     */
    public static PieceStore createComplete(Path dir, Manifest manifest, Path file) throws IOException {
        Files.createDirectories(dir);
        Path tmp = dir.resolve(DATA + ".tmp");
        Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
        if (Files.size(tmp) != manifest.length()) {
            Files.delete(tmp);
            throw new IOException(file + " changed while it was being published");
        }
        Files.move(tmp, dir.resolve(DATA), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        writeManifest(dir, manifest);
        Bitfield all = new Bitfield(manifest.pieceCount());
        for (int i = 0; i < all.size(); i++) {
            all.set(i);
        }
        Files.write(dir.resolve(VERIFIED), all.toByteArray());
        FileChannel data = FileChannel.open(dir.resolve(DATA), StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileChannel bits = FileChannel.open(dir.resolve(VERIFIED), StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new PieceStore(dir, manifest, data, bits, all);
    }

    /** True when the folder holds a store. */
    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(MANIFEST)) && Files.isRegularFile(dir.resolve(DATA));
    }

    /** Reads a store's manifest without opening it. */
    public static Manifest readManifest(Path dir) throws IOException {
        try (Reader r = Files.newBufferedReader(dir.resolve(MANIFEST), StandardCharsets.UTF_8)) {
            return ManifestCodec.read(r);
        }
    }

    /**
     * Opens an existing store. Every piece marked verified is hashed again with {@code verifier};
     * pieces that no longer match are unmarked.
     */
    public static PieceStore open(Path dir, PieceVerifier verifier) throws IOException {
        Manifest manifest = readManifest(dir);
        if (!verifier.algorithm().equals(manifest.verifier())) {
            throw new IOException("store " + dir + " needs verifier " + manifest.verifier() + ", got "
                    + verifier.algorithm());
        }
        FileChannel data = FileChannel.open(dir.resolve(DATA), StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileChannel bits = FileChannel.open(dir.resolve(VERIFIED), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        Bitfield marked = readBits(bits, manifest.pieceCount());
        Bitfield good = new Bitfield(manifest.pieceCount());
        ByteBuffer buf = ByteBuffer.allocate(maxPieceLength(manifest));
        for (int i = marked.nextSet(0); i >= 0; i = marked.nextSet(i + 1)) {
            PieceInfo p = manifest.piece(i);
            buf.clear().limit(p.length());
            if (readFully(data, buf, p.offset()) && verifier.verify(buf.flip(), p.hash())) {
                good.set(i);
            }
        }
        bits.write(ByteBuffer.wrap(good.toByteArray()), 0);
        return new PieceStore(dir, manifest, data, bits, good);
    }

    private static void writeManifest(Path dir, Manifest manifest) throws IOException {
        Path tmp = dir.resolve(MANIFEST + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            ManifestCodec.write(manifest, w);
        }
        Files.move(tmp, dir.resolve(MANIFEST), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static Bitfield readBits(FileChannel bits, int pieces) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((pieces + 7) / 8);
        if (!readFully(bits, b, 0)) {
            return new Bitfield(pieces);
        }
        return Bitfield.fromByteArray(pieces, b.array());
    }

    private static int maxPieceLength(Manifest m) {
        int max = 0;
        for (PieceInfo p : m.pieces()) {
            max = Math.max(max, p.length());
        }
        return max;
    }

    private static boolean readFully(FileChannel ch, ByteBuffer dst, long position) throws IOException {
        long pos = position;
        while (dst.hasRemaining()) {
            int n = ch.read(dst, pos);
            if (n < 0) {
                return false;
            }
            pos += n;
        }
        return true;
    }

    public Path directory() {
        return dir;
    }

    @Override
    public Manifest manifest() {
        return manifest;
    }

    @Override
    public PieceInfo info(int piece) {
        return piece >= 0 && piece < manifest.pieceCount() ? manifest.piece(piece) : null;
    }

    /** True when the piece is stored and verified. Any thread. */
    @Override
    public boolean has(int piece) {
        return piece >= 0 && piece < manifest.pieceCount() && (verified.get(piece >>> 6) & (1L << (piece & 63))) != 0;
    }

    /** A copy of the verified set. Any thread. */
    public Bitfield verified() {
        Bitfield b = new Bitfield(manifest.pieceCount());
        for (int i = 0; i < b.size(); i++) {
            if (has(i)) {
                b.set(i);
            }
        }
        return b;
    }

    @Override
    public int verifiedCount() {
        int n = 0;
        for (int i = 0; i < verified.length(); i++) {
            n += Long.bitCount(verified.get(i));
        }
        return n;
    }

    @Override
    public boolean isComplete() {
        return verifiedCount() == manifest.pieceCount();
    }

    /**
     * Stores a piece that the caller verified, then marks it. Called on the swarm's executor only.
     */
    @Override
    public void write(int piece, ByteBuffer bytes) throws IOException {
        PieceInfo p = manifest.piece(piece);
        if (bytes.remaining() != p.length()) {
            throw new IllegalArgumentException("piece " + piece + " is " + p.length() + " bytes, got "
                    + bytes.remaining());
        }
        ByteBuffer src = bytes.duplicate();
        long pos = p.offset();
        while (src.hasRemaining()) {
            pos += data.write(src, pos);
        }
        setBit(piece);
        if (persisted.set(piece)) {
            int byteIndex = piece >>> 3;
            int bits = 0;
            for (int k = 0, i = byteIndex << 3; k < 8 && i < persisted.size(); k++, i++) {
                if (persisted.get(i)) {
                    bits |= 0x80 >>> k;
                }
            }
            verifiedFile.write(ByteBuffer.wrap(new byte[] {(byte) bits}), byteIndex);
        }
    }

    /** Reads a whole verified piece into a new buffer. Any thread. */
    @Override
    public ByteBuffer read(int piece) throws IOException {
        if (!has(piece)) {
            throw new IllegalStateException("piece " + piece + " is not stored");
        }
        PieceInfo p = manifest.piece(piece);
        ByteBuffer b = ByteBuffer.allocate(p.length());
        if (!readFully(data, b, p.offset())) {
            throw new IOException("data file of " + manifest.name() + " is shorter than piece " + piece);
        }
        return b.flip();
    }

    /** Where a verified piece lies in the data file, to send it from there. */
    public record Span(FileChannel file, long position, int length) {
    }

    /**
     * Where a verified piece lies in the data file: for sending it straight from the file. The channel
     * stays this store's: the caller neither closes it nor writes to it. Any thread.
     */
    public Span span(int piece) {
        if (!has(piece)) {
            throw new IllegalStateException("piece " + piece + " is not stored");
        }
        PieceInfo p = manifest.piece(piece);
        return new Span(data, p.offset(), p.length());
    }

    /**
     * Reads up to {@code dst.remaining()} bytes at {@code offset}; the caller checked that the range
     * lies in verified pieces. Any thread.
     */
    public void readAt(long offset, ByteBuffer dst) {
        try {
            if (!readFully(data, dst, offset)) {
                throw new IOException("data file of " + manifest.name() + " ends before " + offset);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void setBit(int piece) {
        int word = piece >>> 6;
        long bit = 1L << (piece & 63);
        long cur;
        do {
            cur = verified.get(word);
        } while ((cur & bit) == 0 && !verified.compareAndSet(word, cur, cur | bit));
    }

    @Override
    public void close() {
        try {
            data.close();
        } catch (IOException ignored) {
            // closing a read/write channel loses nothing: every write already went to the OS
        }
        try {
            verifiedFile.close();
        } catch (IOException ignored) {
            // as above
        }
    }
}
