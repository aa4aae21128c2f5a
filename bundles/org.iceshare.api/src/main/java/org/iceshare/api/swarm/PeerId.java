package org.iceshare.api.swarm;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The anonymous key of a peer: 16 random bytes the client generates once and keeps, so the
 * tracker can keep its send/receive ratio across sessions without knowing who it is.
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

    /** A fresh random key. */
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
