package org.iceshare.api.swarm;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The id of a peer (or a tracker): the first 16 bytes of the SHA-256 of its Ed25519 public key
 * ({@link #of(byte[]) of} any 16 bytes for tests and tools). The key pair is the anonymous key the client
 * generates once and keeps: the tracker keeps its send/receive ratio under it across sessions without
 * knowing who it is, and nobody can claim the id without the private key (the IceT HELLO proves it).
 */
public final class PeerId implements Comparable<PeerId> {
    public static final int LENGTH = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] bytes;
    private final int hash;

    private PeerId(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    public static PeerId of(byte[] bytes) {
        return new PeerId(Ids.checked(bytes, LENGTH, "peer id"));
    }

    public static PeerId parse(String hex) {
        return new PeerId(Ids.fromHex(hex, LENGTH, "peer id"));
    }

    /**
     * The id of a public key: the first {@value #LENGTH} bytes of its SHA-256.
     *
     * @param publicKey the raw 32-byte Ed25519 public key
     * @since 1.5
     */
    public static PeerId ofPublicKey(byte[] publicKey) {
        if (publicKey == null || publicKey.length == 0) {
            throw new IllegalArgumentException("a public key is needed");
        }
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(publicKey);
            return new PeerId(Arrays.copyOf(digest, LENGTH));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** A fresh random id (tests, tools; a real peer's id comes from its key). */
    public static PeerId random() {
        byte[] b = new byte[LENGTH];
        RANDOM.nextBytes(b);
        return new PeerId(b);
    }

    public byte[] toBytes() {
        return bytes.clone();
    }

    public String toHex() {
        return Ids.toHex(bytes);
    }

    /** The first 8 hex digits, for logs and tables. */
    public String shortHex() {
        return toHex().substring(0, 8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerId other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public int compareTo(PeerId o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public String toString() {
        return shortHex();
    }
}
