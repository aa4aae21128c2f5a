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
import java.util.Random;

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
     * comment header, which ends on the granule-0 page after it). Durations are ffprobe's (format
     * duration), corrected for Opus pre-skip.
     */
    enum Fixture {
        /** {@code oggz-info vorbis.ogg}: "222 packets in 13 pages"; ffprobe: 5.000000 s. */
        VORBIS("vorbis.ogg", 13, 1, "vorbis", "audio/ogg", 2, 222, 5_000_000),
        /**
         * {@code oggz-info opus.opus}: "2 packets in 8 pages" (packets wrong: it does not know Opus);
         * {@code ffprobe -count_packets}: 251 audio packets, plus the 2 header packets; ffprobe:
         * 5.006500 s, which includes the 312-sample pre-skip that ffmpeg 5.1 does not subtract.
         */
        OPUS("opus.opus", 8, 1, "opus", "audio/ogg", 2, 253, 5_000_000),
        /** {@code oggz-info flac.oga}: "12 packets in 6 pages"; BOS + comment + seek table + padding are headers; 2 s. */
        FLAC("flac.oga", 6, 1, "flac", "audio/ogg", 4, 12, 2_000_000),
        /** {@code oggz-info speex.spx}: "103 packets in 5 pages"; ffprobe: 2.020000 s. */
        SPEEX("speex.spx", 5, 1, "speex", "audio/ogg", 2, 103, 2_020_000),
        /** {@code oggz-info theora-vorbis.ogv}: Theora "33 packets in 6 pages", Vorbis "91 packets in 4 pages"; 2 s. */
        THEORA_VORBIS("theora-vorbis.ogv", 10, 2, "theora,vorbis", "video/ogg", 4, 124, 2_000_000),
        /** {@code oggz-info vorbis-bigcomment.ogg}: "48 packets in 4 pages"; page 1 is 65,307 bytes, granule -1; 1 s. */
        VORBIS_BIG_COMMENT("vorbis-bigcomment.ogg", 4, 1, "vorbis", "audio/ogg", 3, 48, 1_000_000);

        final String file;
        final int pages;
        final int streams;
        final String codecs;
        final String mediaType;
        final int headerPages;
        final int packets;
        final long durationMicros;

        Fixture(String file, int pages, int streams, String codecs, String mediaType, int headerPages, int packets,
                long durationMicros) {
            this.file = file;
            this.pages = pages;
            this.streams = streams;
            this.codecs = codecs;
            this.mediaType = mediaType;
            this.headerPages = headerPages;
            this.packets = packets;
            this.durationMicros = durationMicros;
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

    /** One packet to paginate: its bytes, the granule position after it, and whether a page must end after it. */
    record Packet(byte[] data, long granule, boolean flush) {
        Packet(byte[] data, long granule) {
            this(data, granule, false);
        }
    }

    /**
     * Lays packets out in pages the way libogg does, independently of the code under test: a page
     * takes segments until it holds {@code maxBody} body bytes or 255 lacing values (or a packet asks
     * for a flush after it); a packet that does not fit goes on in the next page, which then has the
     * continuation flag. A page's granule position is that of the last packet ending on it, or -1.
     * The first page has the BOS flag when {@code bos}, the last the EOS flag when {@code eos}.
     */
    static List<byte[]> paginate(int serial, int firstSequence, boolean bos, boolean eos, int maxBody,
            List<Packet> packets) {
        List<byte[]> pages = new ArrayList<>();
        ByteArrayOutputStream lacing = new ByteArrayOutputStream();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        long[] granule = {-1};
        int[] sequence = {firstSequence};
        for (int k = 0; k < packets.size(); k++) {
            Packet packet = packets.get(k);
            byte[] data = packet.data();
            int at = 0;
            int n;
            do {
                if (lacing.size() == 255 || body.size() >= maxBody) {
                    emit(pages, serial, sequence, bos, 0, granule, lacing, body);
                }
                n = Math.min(255, data.length - at);
                lacing.write(n);
                body.write(data, at, n);
                at += n;
            } while (n == 255);
            granule[0] = packet.granule();
            boolean last = k == packets.size() - 1;
            if (packet.flush() || last) {
                emit(pages, serial, sequence, bos, last && eos ? OggPage.EOS : 0, granule, lacing, body);
            }
        }
        return pages;
    }

    private static void emit(List<byte[]> pages, int serial, int[] sequence, boolean bos, int flags, long[] granule,
            ByteArrayOutputStream lacing, ByteArrayOutputStream body) {
        int all = flags | (pages.isEmpty() && bos ? OggPage.BOS : 0) | (pageContinues(pages) ? OggPage.CONTINUED : 0);
        pages.add(page(all, granule[0], serial, sequence[0]++, lacing.toByteArray(), body.toByteArray()));
        lacing.reset();
        body.reset();
        granule[0] = -1;
    }

    private static boolean pageContinues(List<byte[]> pages) {
        if (pages.isEmpty()) {
            return false;
        }
        byte[] prev = pages.get(pages.size() - 1);
        int segments = prev[26] & 0xff;
        return segments > 0 && (prev[27 + segments - 1] & 0xff) == 255;
    }
    /** The packets of one logical stream of a well-formed file, reassembled naively from the scanned pages. */
    static List<byte[]> packets(byte[] file, int serial) {
        List<byte[]> out = new ArrayList<>();
        ByteArrayOutputStream current = new ByteArrayOutputStream();
        for (Page p : scan(file)) {
            if (p.serial() != serial) {
                continue;
            }
            int o = (int) p.offset();
            int segments = file[o + 26] & 0xff;
            int pos = o + 27 + segments;
            for (int i = 0; i < segments; i++) {
                int v = file[o + 27 + i] & 0xff;
                current.write(file, pos, v);
                pos += v;
                if (v < 255) {
                    out.add(current.toByteArray());
                    current.reset();
                }
            }
        }
        return out;
    }

    static byte[] cat(List<byte[]> pages) {
        return concat(pages.toArray(new byte[0][]));
    }

    /** A Theora identification header: version 3.2.1, 16x16, the given frame rate and keyframe granule shift. */
    static byte[] theoraIdent(int fpsNumerator, int fpsDenominator, int shift) {
        ByteBuffer b = ByteBuffer.allocate(42);
        b.put((byte) 0x80).put("theora".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).put((byte) 3)
                .put((byte) 2).put((byte) 1).putShort((short) 1).putShort((short) 1);
        b.put(new byte[] {0, 0, 16, 0, 0, 16, 0, 0}).putInt(fpsNumerator).putInt(fpsDenominator);
        b.put(new byte[] {0, 0, 1, 0, 0, 1, 0, 0, 0, 0});
        b.put((byte) (32 << 2 | shift >> 3)).put((byte) ((shift & 7) << 5));
        return b.array();
    }

    static byte[] theoraComment() {
        return concat(packet("\u0081theora", 7), new byte[] {0, 0, 0, 0, 0, 0, 0, 0});
    }

    static byte[] theoraSetup() {
        return packet("\u0082theora", 200);
    }

    /** A Theora data packet: a keyframe or an inter frame, {@code length} bytes. */
    static byte[] theoraFrame(boolean keyframe, int length) {
        byte[] p = new byte[length];
        if (length > 0) {
            p[0] = (byte) (keyframe ? 0x00 : 0x40);
        }
        return p;
    }

    /** An OpusHead of {@code channels} channels (mapping family 0) and the given pre-skip. */
    static byte[] opusHead(int channels, int preSkip) {
        return ByteBuffer.allocate(19).order(ByteOrder.LITTLE_ENDIAN).put("OpusHead".getBytes(
                java.nio.charset.StandardCharsets.US_ASCII)).put((byte) 1).put((byte) channels).putShort((short) preSkip)
                .putInt(48_000).putShort((short) 0).put((byte) 0).array();
    }

    static byte[] opusTags() {
        return concat(packet("OpusTags", 8), new byte[] {0, 0, 0, 0, 0, 0, 0, 0});
    }

    /** An Opus packet of one 20 ms CELT frame (960 samples). */
    static byte[] opus20ms(int length) {
        byte[] p = new byte[length];
        p[0] = (byte) (31 << 3);
        return p;
    }

    /** A Speex header: the rate, frame size, frames per packet and extra headers given. */
    static byte[] speexHeader(int rate, int frameSize, int framesPerPacket, int extraHeaders) {
        ByteBuffer b = ByteBuffer.allocate(80).order(ByteOrder.LITTLE_ENDIAN);
        b.put("Speex   1.2.1".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        b.position(28);
        b.putInt(1).putInt(80).putInt(rate).putInt(1).putInt(4).putInt(1).putInt(-1).putInt(frameSize).putInt(0)
                .putInt(framesPerPacket).putInt(extraHeaders).putInt(0).putInt(0);
        return b.array();
    }

    /** A FLAC mapping header (with STREAMINFO) declaring {@code headers} more header packets. */
    static byte[] flacHeader(int rate, int headers) {
        ByteBuffer b = ByteBuffer.allocate(51);
        b.put((byte) 0x7f).put("FLAC".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).put((byte) 1)
                .put((byte) 0).putShort((short) headers).put("fLaC".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        b.put((byte) 0).put(new byte[] {0, 0, 34}).putShort((short) 4096).putShort((short) 4096);
        b.put(new byte[6]);
        b.put((byte) (rate >> 12)).put((byte) (rate >> 4)).put((byte) ((rate & 0x0f) << 4 | 0x00 | 0x00));
        return b.array();
    }

    /** A FLAC metadata block packet of the given type, flagged last or not. */
    static byte[] flacMetadata(int type, boolean last, int length) {
        byte[] p = new byte[4 + length];
        p[0] = (byte) (type | (last ? 0x80 : 0));
        p[3] = (byte) length;
        return p;
    }

    /** A FLAC frame of 4096 samples (block size code 12). */
    static byte[] flacFrame(int length) {
        byte[] p = new byte[length];
        p[0] = (byte) 0xff;
        p[1] = (byte) 0xf8;
        p[2] = (byte) 0xc9;
        return p;
    }

    /**
     * The offsets of the pages on which a Theora keyframe begins, found without the code under test:
     * a page of a stream whose BOS packet starts with 0x80 "theora", not continued, whose first packet
     * is a data packet (the stream's fourth or later) of at least one byte with its two top bits 0.
     */
    static java.util.Set<Long> keyframePages(byte[] file) {
        java.util.Set<Long> out = new java.util.HashSet<>();
        java.util.Map<Integer, Integer> ended = new java.util.HashMap<>();
        java.util.Set<Integer> theora = new java.util.HashSet<>();
        for (Page p : scan(file)) {
            int o = (int) p.offset();
            int segments = file[o + 26] & 0xff;
            int body = o + 27 + segments;
            if ((p.flags() & OggPage.BOS) != 0 && (file[body] & 0xff) == 0x80 && file[body + 1] == 't') {
                theora.add(p.serial());
            }
            int before = ended.getOrDefault(p.serial(), 0);
            if (theora.contains(p.serial()) && (p.flags() & OggPage.CONTINUED) == 0 && segments > 0
                    && file[o + 27] != 0 && before >= 3 && (file[body] & 0xc0) == 0) {
                out.add(p.offset());
            }
            int n = 0;
            for (int i = 0; i < segments; i++) {
                n += (file[o + 27 + i] & 0xff) < 255 ? 1 : 0;
            }
            ended.put(p.serial(), before + n);
        }
        return out;
    }

    /** Bytes allocated so far by the calling thread (HotSpot's per-thread counter). */
    static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    /**
     * One seeded mutation of a well-formed file: a bit flip, a byte change, a header byte change, a
     * cut, a deletion, an insertion of junk (sometimes with a capture pattern), a page dropped, a page
     * moved, a header field rewritten with its CRC fixed up (so the structure checks are reached), or
     * a byte of a header page's body changed with its CRC fixed up (so the codec header checks are).
     */
    static byte[] mutate(byte[] original, List<Page> pages, Random random) {
        byte[] m = original.clone();
        Page page = pages.get(random.nextInt(pages.size()));
        int at = random.nextInt(m.length);
        switch (random.nextInt(10)) {
            case 0 -> m[at] ^= (byte) (1 << random.nextInt(8));
            case 1 -> m[at] = (byte) random.nextInt(256);
            case 2 -> m[(int) page.offset() + random.nextInt(27)] = (byte) random.nextInt(256);
            case 3 -> m = Arrays.copyOf(m, at);
            case 4 -> {
                int n = Math.min(1 + random.nextInt(5000), m.length - at);
                byte[] cut = new byte[m.length - n];
                System.arraycopy(m, 0, cut, 0, at);
                System.arraycopy(m, at + n, cut, at, m.length - at - n);
                m = cut;
            }
            case 5 -> {
                byte[] junk = new byte[1 + random.nextInt(100)];
                random.nextBytes(junk);
                if (random.nextBoolean()) {
                    junk[0] = 'O';
                    if (junk.length > 3) {
                        junk[1] = 'g';
                        junk[2] = 'g';
                        junk[3] = 'S';
                    }
                }
                m = concat(Arrays.copyOf(m, at), junk, Arrays.copyOfRange(m, at, m.length));
            }
            case 6 -> { // drop one page
                m = concat(Arrays.copyOf(m, (int) page.offset()),
                        Arrays.copyOfRange(m, (int) page.end(), m.length));
            }
            case 7 -> { // move one page to another page boundary
                Page other = pages.get(random.nextInt(pages.size()));
                byte[] moved = bytes(m, page);
                byte[] without = concat(Arrays.copyOf(m, (int) page.offset()),
                        Arrays.copyOfRange(m, (int) page.end(), m.length));
                int to = (int) Math.min(other.offset(), without.length);
                m = concat(Arrays.copyOf(without, to), moved, Arrays.copyOfRange(without, to,
                        without.length));
            }
            case 8 -> { // change a body byte of one of the first pages (codec headers) and fix its CRC
                Page first = pages.get(random.nextInt(Math.min(6, pages.size())));
                byte[] p = bytes(m, first);
                int segments = p[26] & 0xff;
                if (p.length > 27 + segments) {
                    p[27 + segments + random.nextInt(Math.min(64, p.length - 27 - segments))] = (byte) random.nextInt(256);
                    p = withCrc(p);
                    System.arraycopy(p, 0, m, (int) first.offset(), p.length);
                }
            }
            default -> { // rewrite a header field of one page and fix its CRC, so the structure checks are hit
                byte[] p = bytes(m, page);
                int field = 5 + random.nextInt(22 - 5 + 1); // type flags, granule, serial, sequence, segment count
                p[Math.min(field, 26)] = (byte) random.nextInt(256);
                if (field >= 22) {
                    p[26] = (byte) random.nextInt(256);
                }
                p = withCrc(p);
                System.arraycopy(p, 0, m, (int) page.offset(), p.length);
            }
        }
        return m;
    }

}
