package org.iceshare.api.icet;

import java.util.Objects;

import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.PeerId;

/**
 * Client to tracker: "I received this piece from {@code source} and its digest is this." The
 * tracker checks the digest against its authoritative hash; when it matches, the client becomes a
 * source for the piece and {@code source} is credited with the upload. A client that restarts with
 * pieces on disk reports them with itself as the source.
 */
public record Verified(ContentId content, int piece, PeerId source, byte[] digest) implements IcetMessage {
    public Verified {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(source, "source");
        if (piece < 0) {
            throw new IllegalArgumentException("piece must be >= 0");
        }
        if (digest == null || digest.length == 0 || digest.length > 64) {
            throw new IllegalArgumentException("digest must be 1..64 bytes");
        }
        digest = digest.clone();
    }

    @Override
    public byte[] digest() {
        return digest.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Verified v && v.content.equals(content) && v.piece == piece && v.source.equals(source)
                && java.util.Arrays.equals(v.digest, digest);
    }

    @Override
    public int hashCode() {
        return content.hashCode() * 31 + piece;
    }

    @Override
    public String toString() {
        return "Verified[" + content.shortHex() + " piece " + piece + " from " + source + "]";
    }

    @Override
    public MessageType type() {
        return MessageType.VERIFIED;
    }
}
