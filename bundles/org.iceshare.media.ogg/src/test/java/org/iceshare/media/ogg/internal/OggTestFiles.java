package org.iceshare.media.ogg.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Test fixtures and an independent view of Ogg files: a naive page scanner and page builder that
 * share no code with the classes under test (their CRC is a plain bit-by-bit loop).
 */
final class OggTestFiles {

    /**
     * The fixtures made by {@code src/test/media/make-fixtures.sh}, with facts checked with the real
     * tools. {@code pages} is the total of the per-stream page counts printed by
     * {@code oggz-info FILE} (oggz-tools 1.1.1; it calls Opus "Unknown" but counts its pages). The
     * header pages were counted by hand from the granule positions of each page: the leading pages
     * with granule position 0 (and, in vorbis-bigcomment.ogg, the granule -1 page inside the
     * comment header, which ends on the granule-0 page after it).
     */
    enum Fixture {
        /** {@code oggz-info vorbis.ogg}: "222 packets in 13 pages". */
        VORBIS("vorbis.ogg", 13, 1, "vorbis", "audio/ogg", 2),
        /** {@code oggz-info opus.opus}: "2 packets in 8 pages" (packets wrong, pages right). */
        OPUS("opus.opus", 8, 1, "opus", "audio/ogg", 2),
        /** {@code oggz-info flac.oga}: "12 packets in 6 pages"; BOS + comment + seek table + padding are headers. */
        FLAC("flac.oga", 6, 1, "flac", "audio/ogg", 4),
        /** {@code oggz-info speex.spx}: "103 packets in 5 pages". */
        SPEEX("speex.spx", 5, 1, "speex", "audio/ogg", 2),
        /** {@code oggz-info theora-vorbis.ogv}: Theora "33 packets in 6 pages", Vorbis "91 packets in 4 pages". */
        THEORA_VORBIS("theora-vorbis.ogv", 10, 2, "theora,vorbis", "video/ogg", 4),
        /** {@code oggz-info vorbis-bigcomment.ogg}: "48 packets in 4 pages"; page 1 is 65,307 bytes, granule -1. */
        VORBIS_BIG_COMMENT("vorbis-bigcomment.ogg", 4, 1, "vorbis", "audio/ogg", 3);

        final String file;
        final int pages;
        final int streams;
        final String codecs;
        final String mediaType;
        final int headerPages;

        Fixture(String file, int pages, int streams, String codecs, String mediaType, int headerPages) {
            this.file = file;
            this.pages = pages;
            this.streams = streams;
            this.codecs = codecs;
            this.mediaType = mediaType;
            this.headerPages = headerPages;
        }

        byte[] bytes() {
            return resource(file);
        }
    }

    /** One page as the naive scanner sees it. */
    record Page(long offset, int length, int flags, long granule, int serial, int sequence, int crc) {
        long end() {
            return offset + length;
        }
    }

    private OggTestFiles() {
    }

    static byte[] resource(String name) {
        try (InputStream in = OggTestFiles.class.getResourceAsStream("/media/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource media/" + name
                        + "; run src/test/media/make-fixtures.sh");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lists the pages of a well-formed file by walking the headers; checks nothing but the capture pattern. */
    static List<Page> scan(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        List<Page> pages = new ArrayList<>();
        int o = 0;
        while (o < file.length) {
            if (file[o] != 'O' || file[o + 1] != 'g' || file[o + 2] != 'g' || file[o + 3] != 'S') {
                throw new IllegalArgumentException("no capture pattern at " + o);
            }
            int segments = file[o + 26] & 0xff;
            int length = 27 + segments;
            for (int i = 0; i < segments; i++) {
                length += file[o + 27 + i] & 0xff;
            }
            pages.add(new Page(o, length, file[o + 5] & 0xff, b.getLong(o + 6), b.getInt(o + 14), b.getInt(o + 18),
                    b.getInt(o + 22)));
            o += length;
        }
        return pages;
    }

    /** The bytes of one page of a file. */
    static byte[] bytes(byte[] file, Page page) {
        return Arrays.copyOfRange(file, (int) page.offset(), (int) page.end());
    }

    /** The bytes of pages {@code from} (inclusive) to {@code to} (exclusive) of a file. */
    static byte[] pages(byte[] file, int from, int to) {
        List<Page> pages = scan(file);
        int start = from < pages.size() ? (int) pages.get(from).offset() : file.length;
        int end = to < pages.size() ? (int) pages.get(to).offset() : file.length;
        return Arrays.copyOfRange(file, start, end);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /**
     * Builds a page holding whole packets (each shorter than 255 * 255 bytes in all), with a correct
     * CRC from the reference implementation.
     */
    static byte[] page(int flags, long granule, int serial, int sequence, byte[]... packets) {
        ByteArrayOutputStream lacing = new ByteArrayOutputStream();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] p : packets) {
            int n = p.length;
            while (n >= 255) {
                lacing.write(255);
                n -= 255;
            }
            lacing.write(n);
            body.writeBytes(p);
        }
        return page(flags, granule, serial, sequence, lacing.toByteArray(), body.toByteArray());
    }

    /** Builds a page from a raw segment table and body, with a correct CRC from the reference implementation. */
    static byte[] page(int flags, long granule, int serial, int sequence, byte[] lacing, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(27 + lacing.length + body.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {'O', 'g', 'g', 'S', 0, (byte) flags}).putLong(granule).putInt(serial).putInt(sequence)
                .putInt(0).put((byte) lacing.length).put(lacing).put(body);
        byte[] page = b.array();
        return withCrc(page);
    }

    /** Rewrites the CRC field of a single page after the test changed it. */
    static byte[] withCrc(byte[] page) {
        byte[] p = page.clone();
        Arrays.fill(p, 22, 26, (byte) 0);
        ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN).putInt(22, referenceCrc(p, 0, p.length));
        return p;
    }

    /** The Ogg CRC, one bit at a time: polynomial 0x04C11DB7, initial 0, not reflected, no final xor. */
    static int referenceCrc(byte[] data, int off, int len) {
        int crc = 0;
        for (int i = off; i < off + len; i++) {
            crc ^= (data[i] & 0xff) << 24;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x80000000) != 0 ? (crc << 1) ^ 0x04C11DB7 : crc << 1;
            }
        }
        return crc;
    }

    /** A packet of {@code length} bytes starting with {@code magic}, the rest zero. */
    static byte[] packet(String magic, int length) {
        byte[] p = new byte[length];
        byte[] m = magic.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        System.arraycopy(m, 0, p, 0, m.length);
        return p;
    }
}
