package org.iceshare.media.ogg.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * The CRC-32 of Ogg pages (RFC 3533): generator polynomial {@code 0x04C11DB7}, initial value 0, bits
 * not reflected, no final xor. A page's CRC is computed over the whole page with its own CRC field
 * (bytes 22..25) taken as zero.
 *
 * <p>This is not {@link java.util.zip.CRC32}, whose polynomial is bit-reflected. It is computed
 * eight bytes at a time with slicing-by-8 tables (about three times the speed of the byte-wise
 * loop).
 *
 * <p><b>Threading:</b> stateless; every method is thread-safe.
 */
public final class OggCrc {

    /** The generator polynomial, most significant bit first. */
    public static final int POLYNOMIAL = 0x04C11DB7;

    private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    /** {@code T0[b]} is the CRC of the single byte {@code b}; {@code Tk} advances it by {@code k} more zero bytes. */
    private static final int[] T0 = new int[256];
    private static final int[] T1 = new int[256];
    private static final int[] T2 = new int[256];
    private static final int[] T3 = new int[256];
    private static final int[] T4 = new int[256];
    private static final int[] T5 = new int[256];
    private static final int[] T6 = new int[256];
    private static final int[] T7 = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int c = i << 24;
            for (int bit = 0; bit < 8; bit++) {
                c = (c << 1) ^ ((c >> 31) & POLYNOMIAL);
            }
            T0[i] = c;
        }
        int[][] tables = {T0, T1, T2, T3, T4, T5, T6, T7};
        for (int k = 1; k < tables.length; k++) {
            for (int i = 0; i < 256; i++) {
                int c = tables[k - 1][i];
                tables[k][i] = (c << 8) ^ T0[c >>> 24];
            }
        }
    }

    private OggCrc() {
    }

    /**
     * Continues a CRC over {@code len} bytes of {@code data} from {@code off}. Start with 0.
     *
     * @throws IndexOutOfBoundsException when the range lies outside {@code data}
     */
    public static int update(int crc, byte[] data, int off, int len) {
        Objects.checkFromIndexSize(off, len, data.length);
        int i = off;
        int end = off + len;
        for (int last8 = end - 8; i <= last8; i += 8) {
            int hi = crc ^ (int) INT_BE.get(data, i);
            int lo = (int) INT_BE.get(data, i + 4);
            crc = T7[hi >>> 24] ^ T6[(hi >>> 16) & 0xff] ^ T5[(hi >>> 8) & 0xff] ^ T4[hi & 0xff]
                    ^ T3[lo >>> 24] ^ T2[(lo >>> 16) & 0xff] ^ T1[(lo >>> 8) & 0xff] ^ T0[lo & 0xff];
        }
        for (; i < end; i++) {
            crc = (crc << 8) ^ T0[(crc >>> 24) ^ (data[i] & 0xff)];
        }
        return crc;
    }

    /** The CRC of {@code len} bytes of {@code data} from {@code off}. */
    public static int compute(byte[] data, int off, int len) {
        return update(0, data, off, len);
    }

    /**
     * The CRC of the Ogg page of {@code len} bytes at {@code off}, with its CRC field counted as
     * zero (the page is not modified). Compare it with the CRC stored in the page.
     *
     * @throws IllegalArgumentException when {@code len} is shorter than a page header
     * @throws IndexOutOfBoundsException when the range lies outside {@code data}
     */
    public static int page(byte[] data, int off, int len) {
        if (len < OggPage.MIN_HEADER_LENGTH) {
            throw new IllegalArgumentException("an Ogg page has at least " + OggPage.MIN_HEADER_LENGTH
                    + " bytes, got " + len);
        }
        Objects.checkFromIndexSize(off, len, data.length);
        int crc = update(0, data, off, OggPage.CRC_OFFSET);
        // four zero bytes in place of the CRC field
        crc = T3[crc >>> 24] ^ T2[(crc >>> 16) & 0xff] ^ T1[(crc >>> 8) & 0xff] ^ T0[crc & 0xff];
        int rest = OggPage.CRC_OFFSET + 4;
        return update(crc, data, off + rest, len - rest);
    }
}
