package org.iceshare.core.internal.peer;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import org.iceshare.api.media.MediaFormat;
import org.iceshare.api.media.MediaFormatException;
import org.iceshare.api.media.MediaLayout;
import org.iceshare.api.peer.PublishException;
import org.iceshare.api.swarm.ChainLink;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PieceInfo;
import org.iceshare.api.verify.PieceVerifier;

/**
 * Turns a file into a manifest: picks the media format by probing, lets it cut the file into
 * pieces, and hashes each piece. Blocking file I/O; run it off the engine's executor.
 */
final class Publication {
    /** Bytes read for probing. */
    static final int PROBE_BYTES = 64 * 1024;

    private Publication() {
    }

    /** The chosen format and the manifest it produced. */
    record Prepared(Manifest manifest, String format, MediaLayout layout) {
    }

    static Prepared prepare(Path file, String name, List<MediaFormat> formats, PieceVerifier verifier)
            throws PublishException {
        if (!Files.isRegularFile(file)) {
            throw new PublishException("cannot publish " + file + ": no such file");
        }
        if (!Files.isReadable(file)) {
            throw new PublishException("cannot publish " + file + ": not readable");
        }
        if (formats.isEmpty()) {
            throw new PublishException("cannot publish " + file + ": no media format is installed");
        }
        if (verifier == null) {
            throw new PublishException("cannot publish " + file + ": no piece verifier is installed");
        }
        try {
            long length = Files.size(file);
            if (length == 0) {
                throw new PublishException("cannot publish " + file + ": the file is empty");
            }
            ByteBuffer head = readHead(file);
            MediaFormat best = null;
            int bestScore = 0;
            for (MediaFormat f : formats) {
                int score = f.probe(head.duplicate());
                if (score > bestScore) {
                    best = f;
                    bestScore = score;
                }
            }
            if (best == null) {
                throw new PublishException("cannot publish " + file + ": no installed media format accepts it ("
                        + reasons(file, formats) + ")");
            }
            MediaLayout layout;
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
                layout = best.layout(in);
            } catch (MediaFormatException e) {
                throw new PublishException("cannot publish " + file + ": " + e.getMessage(), e);
            }
            if (layout.length() != length) {
                throw new PublishException("cannot publish " + file + ": it changed while being read");
            }
            List<PieceInfo> pieces = hash(file, layout, verifier);
            List<ChainLink> links = new ArrayList<>(layout.links().size());
            for (MediaLayout.Link l : layout.links()) {
                links.add(new ChainLink(links.size(), l.firstPiece(), l.headerPieces(), l.startMicros(),
                        l.endMicros(), l.codecs()));
            }
            Manifest manifest = Manifest.derived(name, layout.mediaType(), best.name(), verifier.algorithm(), length,
                    pieces, links);
            return new Prepared(manifest, best.name(), layout);
        } catch (IOException e) {
            throw new PublishException("cannot publish " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new PublishException("cannot publish " + file + ": " + e.getMessage(), e);
        }
    }

    private static ByteBuffer readHead(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer head = ByteBuffer.allocate((int) Math.min(PROBE_BYTES, ch.size()));
            while (head.hasRemaining() && ch.read(head) >= 0) {
                // fill
            }
            return head.flip();
        }
    }

    /** Why each format refused the file, for the error message. */
    private static String reasons(Path file, List<MediaFormat> formats) {
        List<String> out = new ArrayList<>();
        for (MediaFormat f : formats) {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
                f.layout(in);
                out.add(f.name() + ": probe refused it");
            } catch (MediaFormatException e) {
                out.add(e.getMessage());
            } catch (IOException | RuntimeException e) {
                out.add(f.name() + ": " + e.getMessage());
            }
        }
        return String.join("; ", out);
    }

    private static List<PieceInfo> hash(Path file, MediaLayout layout, PieceVerifier verifier) throws IOException {
        List<PieceInfo> pieces = new ArrayList<>(layout.pieces().size());
        int max = 0;
        for (MediaLayout.Segment s : layout.pieces()) {
            max = Math.max(max, s.length());
        }
        ByteBuffer buf = ByteBuffer.allocate(max);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            for (MediaLayout.Segment s : layout.pieces()) {
                buf.clear().limit(s.length());
                long pos = s.offset();
                while (buf.hasRemaining()) {
                    int n = ch.read(buf, pos);
                    if (n < 0) {
                        throw new IOException("file ended early while hashing piece " + pieces.size());
                    }
                    pos += n;
                }
                buf.flip();
                pieces.add(new PieceInfo(pieces.size(), s.offset(), s.length(), verifier.digest(buf), s.startMicros(),
                        s.endMicros(), s.startPoint(), s.link()));
            }
        }
        return pieces;
    }
}
