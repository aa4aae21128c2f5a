package org.iceshare.core.internal.support;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

import org.iceshare.api.media.MediaLayout;
import org.iceshare.api.swarm.ChainLink;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PieceInfo;
import org.iceshare.api.verify.PieceVerifier;

/** A plain SHA-256 verifier and manifest helpers for core unit tests. */
public final class Sha256 implements PieceVerifier {
    @Override
    public String algorithm() {
        return "sha-256";
    }

    @Override
    public int digestLength() {
        return 32;
    }

    @Override
    public byte[] digest(ByteBuffer data) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(data.duplicate());
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A manifest cutting {@code data} into pieces of {@code pieceSize} bytes. */
    public static Manifest manifest(String name, byte[] data, int pieceSize) {
        Sha256 v = new Sha256();
        List<PieceInfo> pieces = new ArrayList<>();
        for (int off = 0, i = 0; off < data.length; off += pieceSize, i++) {
            int len = Math.min(pieceSize, data.length - off);
            pieces.add(new PieceInfo(i, off, len, v.digest(ByteBuffer.wrap(data, off, len))));
        }
        return Manifest.derived(name, "application/octet-stream", "raw", "sha-256", data.length, 0, pieces);
    }

    /** A manifest of {@code data} as a media format cut it: timed pieces, start points and chain links. */
    public static Manifest manifest(String name, byte[] data, String format, MediaLayout layout) {
        Sha256 v = new Sha256();
        List<PieceInfo> pieces = new ArrayList<>();
        for (MediaLayout.Segment s : layout.pieces()) {
            pieces.add(new PieceInfo(pieces.size(), s.offset(), s.length(),
                    v.digest(ByteBuffer.wrap(data, (int) s.offset(), s.length())), s.startMicros(), s.endMicros(),
                    s.startPoint(), s.link()));
        }
        List<ChainLink> links = new ArrayList<>();
        for (MediaLayout.Link l : layout.links()) {
            links.add(new ChainLink(links.size(), l.firstPiece(), l.headerPieces(), l.startMicros(), l.endMicros(),
                    l.codecs()));
        }
        return Manifest.derived(name, layout.mediaType(), format, "sha-256", data.length, pieces, links);
    }
}
