package org.iceshare.source.internal;

/**
 * The Ogg page CRC (RFC 3533): CRC-32 with polynomial 0x04C11DB7, initial value 0, not reflected and
 * not inverted (unlike {@code java.util.zip.CRC32}). Computed over the whole page with its CRC field
 * set to zero.
 */
final class OggCrc {
    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int r = i << 24;
            for (int k = 0; k < 8; k++) {
                r = (r & 0x80000000) != 0 ? (r << 1) ^ 0x04C11DB7 : r << 1;
            }
            TABLE[i] = r;
        }
    }

    private OggCrc() {
    }

    static int of(byte[] page) {
        int crc = 0;
        for (byte b : page) {
            crc = (crc << 8) ^ TABLE[((crc >>> 24) ^ b) & 0xff];
        }
        return crc;
    }
}
