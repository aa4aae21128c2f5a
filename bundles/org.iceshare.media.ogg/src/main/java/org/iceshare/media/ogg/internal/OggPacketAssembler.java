package org.iceshare.media.ogg.internal;

/**
 * Reassembles the packets of one logical stream from the lacing values of its pages (RFC 3533,
 * section 5): a lacing value of 255 means the packet goes on in the next segment, a smaller value
 * ends it, so a packet of 255 * k bytes ends with a 0. A packet goes on across pages when a page's
 * last lacing value is 255; the next page of the stream then carries the continuation flag. A packet
 * may span any number of pages; a page on which none ends has granule position -1.
 *
 * <p><b>Memory is bounded by construction</b>, not by the input: the assembler never holds a whole
 * packet unless it is short. It counts every packet's length and keeps only what its
 * {@link Listener} asks for when the packet begins: up to {@link #maxHead()} bytes from its start
 * (all of it when shorter), and, on request, its last {@value #TAIL_LENGTH} bytes. Both buffers are
 * allocated once, at their fixed size, when first needed. A packet that spans a thousand pages costs
 * a counter.
 *
 * <p>The caller checks the continuation flag against {@link #inPacket()} before
 * {@link #walk walking} a page, because what a mismatch means (an error in a file, a gap in a live
 * recording) is its call: {@link #dropPartial()} forgets a packet whose rest will not come, and
 * {@code walk(..., skipContinuation = true)} skips the leading rest of a packet whose start was
 * lost.
 *
 * <p><b>Threading:</b> not thread-safe; one instance follows one stream on one thread.
 */
final class OggPacketAssembler {
    /** How many trailing bytes a packet keeps when its listener asks for its tail. */
    static final int TAIL_LENGTH = 4096;

    /** Told of every packet as it begins and ends. */
    interface Listener {
        /**
         * Packet {@code index} (from 0 in its stream) begins on the current page. The listener may
         * call {@link #keepHead} and {@link #keepTail} now to choose what of it to keep.
         */
        void begin(long index) throws OggFormatException;

        /**
         * Packet {@code index} ends on the current page; {@code length} is its whole length. What it
         * asked to keep is in {@link #head()} and {@link #tail()} until the next packet begins.
         */
        void end(long index, long length) throws OggFormatException;
    }

    private final int maxHead;
    private byte[] head;
    private int headLength;
    private int headWanted;
    private byte[] tail;
    private boolean tailWanted;
    /** Bytes written into the tail ring so far (its write position is {@code tailWritten % TAIL_LENGTH}). */
    private long tailWritten;

    private boolean inPacket;
    private long index;
    private long length;
    private long packets;
    private long dropped;

    /** @param maxHead the most leading bytes a packet may keep, 0..65,536 */
    OggPacketAssembler(int maxHead) {
        if (maxHead < 0 || maxHead > 65_536) {
            throw new IllegalArgumentException("head bytes kept must be 0..65536: " + maxHead);
        }
        this.maxHead = maxHead;
    }

    int maxHead() {
        return maxHead;
    }

    /** True when a packet is unfinished: the stream's last page ended with a lacing value of 255. */
    boolean inPacket() {
        return inPacket;
    }

    /** The index of the packet in progress, or of the next packet to begin. */
    long nextIndex() {
        return index;
    }

    /** Packets completed so far. */
    long packets() {
        return packets;
    }

    /** Unfinished packets dropped so far. */
    long dropped() {
        return dropped;
    }

    /** Keeps up to {@code n} leading bytes of the packet that begins (capped at {@link #maxHead()}). */
    void keepHead(int n) {
        headWanted = Math.max(0, Math.min(n, maxHead));
        if (headWanted > 0 && head == null) {
            head = new byte[maxHead];
        }
    }

    /** Keeps the last {@value #TAIL_LENGTH} bytes of the packet that begins. */
    void keepTail() {
        tailWanted = true;
        if (tail == null) {
            tail = new byte[TAIL_LENGTH];
        }
    }

    /** The kept leading bytes of the last packet: {@code head()[0..headLength())}. */
    byte[] head() {
        return head == null ? new byte[0] : head;
    }

    int headLength() {
        return headLength;
    }

    /** The kept trailing bytes of the last packet that asked for them, in order (a copy). */
    byte[] tail() {
        if (tail == null) {
            return new byte[0];
        }
        int n = (int) Math.min(tailWritten, TAIL_LENGTH);
        byte[] out = new byte[n];
        int from = (int) ((tailWritten - n) % TAIL_LENGTH);
        int first = Math.min(n, TAIL_LENGTH - from);
        System.arraycopy(tail, from, out, 0, first);
        System.arraycopy(tail, 0, out, first, n - first);
        return out;
    }

    /** Forgets the unfinished packet (its rest will not come). It does not count as a packet. */
    void dropPartial() {
        if (inPacket) {
            inPacket = false;
            dropped++;
        }
    }

    /**
     * Walks one page of this stream: its lacing values at {@code buf[table..table+segments)}, its
     * body right after. Calls the listener for each packet that begins or ends on it.
     *
     * @param skipContinuation when the page continues a packet this assembler does not hold, skip
     *        that leading rest instead of treating it as a packet start
     */
    void walk(byte[] buf, int table, int segments, boolean skipContinuation, Listener listener)
            throws OggFormatException {
        int pos = table + segments;
        int i = 0;
        if (skipContinuation && !inPacket) {
            while (i < segments) {
                int v = buf[table + i++] & 0xff;
                pos += v;
                if (v < 255) {
                    break;
                }
            }
        }
        for (; i < segments; i++) {
            int v = buf[table + i] & 0xff;
            if (!inPacket) {
                inPacket = true;
                length = 0;
                headLength = 0;
                headWanted = 0;
                tailWanted = false;
                tailWritten = 0;
                listener.begin(index);
            }
            if (headLength < headWanted) {
                int n = Math.min(v, headWanted - headLength);
                System.arraycopy(buf, pos, head, headLength, n);
                headLength += n;
            }
            if (tailWanted && v > 0) {
                appendTail(buf, pos, v);
            }
            length += v;
            pos += v;
            if (v < 255) {
                inPacket = false;
                packets++;
                listener.end(index++, length);
            }
        }
    }

    private void appendTail(byte[] src, int off, int len) {
        int n = Math.min(len, TAIL_LENGTH);
        int from = off + len - n;
        int at = (int) ((tailWritten + len - n) % TAIL_LENGTH);
        int first = Math.min(n, TAIL_LENGTH - at);
        System.arraycopy(src, from, tail, at, first);
        System.arraycopy(src, from + first, tail, 0, n - first);
        tailWritten += len;
    }

    @Override
    public String toString() {
        return "OggPacketAssembler[" + packets + " packets" + (inPacket ? ", " + length + " bytes of packet " + index
                + " so far" : "") + "]";
    }
}
