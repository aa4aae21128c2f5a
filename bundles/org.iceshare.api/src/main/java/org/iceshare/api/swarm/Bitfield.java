package org.iceshare.api.swarm;

import java.util.BitSet;

/**
 * A fixed-size set of piece indices. Not thread-safe: confine an instance to one thread, or hand
 * out {@link #copy() copies}.
 */
public final class Bitfield {
    private final int size;
    private final BitSet bits;

    public Bitfield(int size) {
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0: " + size);
        }
        this.size = size;
        this.bits = new BitSet(size);
    }

    private Bitfield(int size, BitSet bits) {
        this.size = size;
        this.bits = bits;
    }

    /** Reads a bitfield written by {@link #toByteArray()}: bit {@code i} is bit {@code 7 - i % 8} of byte {@code i / 8}. */
    public static Bitfield fromByteArray(int size, byte[] data) {
        if (data.length != (size + 7) / 8) {
            throw new IllegalArgumentException("a bitfield of " + size + " bits takes " + ((size + 7) / 8)
                    + " bytes, got " + data.length);
        }
        Bitfield b = new Bitfield(size);
        for (int i = 0; i < size; i++) {
            if ((data[i >>> 3] & (0x80 >>> (i & 7))) != 0) {
                b.bits.set(i);
            }
        }
        return b;
    }

    public byte[] toByteArray() {
        byte[] out = new byte[(size + 7) / 8];
        for (int i = bits.nextSetBit(0); i >= 0; i = bits.nextSetBit(i + 1)) {
            out[i >>> 3] |= (byte) (0x80 >>> (i & 7));
        }
        return out;
    }

    public int size() {
        return size;
    }

    public boolean get(int index) {
        check(index);
        return bits.get(index);
    }

    /** Sets a bit; returns true when it was clear before. */
    public boolean set(int index) {
        check(index);
        if (bits.get(index)) {
            return false;
        }
        bits.set(index);
        return true;
    }

    public void clear(int index) {
        check(index);
        bits.clear(index);
    }

    public int cardinality() {
        return bits.cardinality();
    }

    public boolean isComplete() {
        return bits.cardinality() == size;
    }

    /** The first set bit at or after {@code from}, or -1. */
    public int nextSet(int from) {
        int i = bits.nextSetBit(Math.max(0, from));
        return i < size ? i : -1;
    }

    /** The first clear bit at or after {@code from}, or -1. */
    public int nextClear(int from) {
        int i = bits.nextClearBit(Math.max(0, from));
        return i < size ? i : -1;
    }

    public Bitfield copy() {
        return new Bitfield(size, (BitSet) bits.clone());
    }

    private void check(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("piece " + index + " outside 0.." + (size - 1));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bitfield b && b.size == size && b.bits.equals(bits);
    }

    @Override
    public int hashCode() {
        return bits.hashCode() * 31 + size;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(size);
        for (int i = 0; i < size; i++) {
            sb.append(bits.get(i) ? '1' : '0');
        }
        return sb.toString();
    }
}
