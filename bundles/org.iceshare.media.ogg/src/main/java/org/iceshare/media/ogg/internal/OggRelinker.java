package org.iceshare.media.ogg.internal;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads an Ogg file page by page and gives every logical stream a new serial number, so that a file
 * played again right after itself forms a proper new chain link (RFC 3533: each link's streams have
 * their own serial numbers) instead of repeating the serials of the link before. Each page's CRC is
 * computed again. Used by live sources playing a file in a loop, for its second and later rounds
 * ({@link OggFormat#relinked}).
 *
 * <p>A page that does not start with the capture pattern, or that ends early, stops the rewriting:
 * from there the bytes pass through unchanged, so the live cutter sees (and skips and reports) the
 * damage just as it would without looping.
 *
 * <p><b>Threading:</b> not thread-safe; one reader per file round.
 */
final class OggRelinker extends InputStream {
    private static final int HEADER = OggPage.MIN_HEADER_LENGTH;

    private final InputStream in;
    private final int serialDelta;
    private byte[] page = new byte[0];
    private int pos;
    private boolean passThrough;

    /** @param serialDelta added to every serial number (mod 2^32); must not be 0 */
    OggRelinker(InputStream in, int serialDelta) {
        this.in = in;
        this.serialDelta = serialDelta;
    }

    /** Whether damage stopped the rewriting. */
    boolean passingThrough() {
        return passThrough;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (pos == page.length) {
            if (passThrough) {
                return in.read(b, off, len);
            }
            if (!nextPage()) {
                if (pos == page.length) {
                    return passThrough ? in.read(b, off, len) : -1;
                }
            }
        }
        int n = Math.min(len, page.length - pos);
        System.arraycopy(page, pos, b, off, n);
        pos += n;
        return n;
    }

    /** Reads and rewrites the next page; false at the end of the input or on damage. */
    private boolean nextPage() throws IOException {
        byte[] header = in.readNBytes(HEADER);
        if (header.length == 0) {
            return false;
        }
        if (header.length < HEADER || header[0] != 'O' || header[1] != 'g' || header[2] != 'g' || header[3] != 'S') {
            passThrough(header);
            return false;
        }
        int segments = header[26] & 0xff;
        byte[] lacing = in.readNBytes(segments);
        if (lacing.length < segments) {
            passThrough(concat(header, lacing, new byte[0]));
            return false;
        }
        int bodyLength = 0;
        for (byte l : lacing) {
            bodyLength += l & 0xff;
        }
        byte[] body = in.readNBytes(bodyLength);
        byte[] whole = concat(header, lacing, body);
        if (body.length < bodyLength) {
            passThrough(whole);
            return false;
        }
        int serial = (whole[14] & 0xff) | (whole[15] & 0xff) << 8 | (whole[16] & 0xff) << 16 | (whole[17] & 0xff) << 24;
        int relinked = serial + serialDelta;
        whole[14] = (byte) relinked;
        whole[15] = (byte) (relinked >>> 8);
        whole[16] = (byte) (relinked >>> 16);
        whole[17] = (byte) (relinked >>> 24);
        int crc = OggCrc.page(whole, 0, whole.length);
        whole[22] = (byte) crc;
        whole[23] = (byte) (crc >>> 8);
        whole[24] = (byte) (crc >>> 16);
        whole[25] = (byte) (crc >>> 24);
        page = whole;
        pos = 0;
        return true;
    }

    private void passThrough(byte[] already) {
        passThrough = true;
        page = already;
        pos = 0;
    }

    private static byte[] concat(byte[] a, byte[] b, byte[] c) {
        byte[] out = new byte[a.length + b.length + c.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        System.arraycopy(c, 0, out, a.length + b.length, c.length);
        return out;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
