package org.iceshare.media.ogg.internal;

/**
 * What IceShare knows of one logical stream's codec: which of its packets are headers, what its
 * identification header says, how its granule positions map to time, and how long a data packet
 * lasts. One instance per logical stream, made by {@link #of} from the codec of its BOS page.
 *
 * <p>Time is handled in two steps. {@link #units} turns a granule position into a linear count
 * (PCM samples for audio, frames for Theora); {@link #micros} turns a count into microseconds of
 * the stream's own clock. {@link #duration} gives a data packet's length in the same units, so the
 * first sample of a stream whose granule positions do not start at 0 (a recording cut from a longer
 * one) can be found from its first granule position.
 *
 * <p>Codecs (all numbers from their Ogg mapping specifications):
 * <ul>
 * <li><b>Vorbis</b>: 3 header packets (identification, comment, setup). The identification header
 * gives the sample rate and the two block sizes; the mode block flags are read backwards from the
 * end of the setup header (as ffmpeg's vorbis parser does), which gives every audio packet's length:
 * {@code (previous block + current block) / 4} samples, and none for the first one. Granule = PCM
 * samples.</li>
 * <li><b>Opus</b>: OpusHead and OpusTags. Always 48 kHz; time = (granule - pre-skip) / 48000. A
 * packet's length comes from its TOC byte (RFC 6716, section 3.1).</li>
 * <li><b>Theora</b>: 3 header packets. The identification header gives the frame rate and the
 * keyframe granule shift KFGSHIFT; granule = keyframe number &lt;&lt; KFGSHIFT | frames since it, and
 * since Theora 3.2.1 it counts frames (the first frame has granule 1 &lt;&lt; KFGSHIFT | 0), so a
 * granule's time is the end of its frame. A data packet is one frame; its first bit is 0 and its
 * second bit is 0 for a keyframe (intra frame).</li>
 * <li><b>FLAC</b>: the 0x7F "FLAC" mapping header says how many header packets follow (0 for
 * "unknown": then metadata blocks until the one flagged last). STREAMINFO, inside it, gives the
 * sample rate. A frame's block size is in its frame header. Granule = PCM samples.</li>
 * <li><b>Speex</b>: the header packet, the comment, then as many extra headers as the header
 * says. It gives the rate, the frame size and the frames per packet. Granule = PCM samples.</li>
 * <li><b>Skeleton</b>: every packet is a header (fishead, fisbones, the empty EOS packet). It is
 * tolerated and ignored for timing.</li>
 * <li>Anything else (Kate, VP8, Dirac, CELT, unknown) is <b>opaque</b>: carried as it is, with no
 * timing of its own; {@link LogicalStreams} decides which of its pages are headers.</li>
 * </ul>
 *
 * <p><b>Threading:</b> not thread-safe; confined to the thread that reads the content.
 */
abstract class StreamCodec {
    /** Leading bytes kept of a header packet: enough for every identification header parsed here. */
    static final int HEADER_HEAD = 512;
    /** Leading bytes kept of a data packet whose length is needed (FLAC's frame header is the longest). */
    static final int DATA_HEAD = 16;
    /** Times are kept within +-2^62 microseconds, so sums of two never overflow. */
    static final long TIME_LIMIT = 1L << 62;

    /** A header packet that cannot be what its codec requires; the message says why. */
    static final class HeaderException extends Exception {
        private static final long serialVersionUID = 1L;

        HeaderException(String message) {
            super(message);
        }
    }

    final OggCodec codec;

    StreamCodec(OggCodec codec) {
        this.codec = codec;
    }

    /** A fresh instance for a stream whose BOS page identifies {@code codec}. */
    static StreamCodec of(OggCodec codec) {
        return switch (codec) {
            case VORBIS -> new Vorbis();
            case OPUS -> new Opus();
            case THEORA -> new Theora();
            case FLAC -> new Flac();
            case SPEEX -> new Speex();
            case SKELETON -> new Skeleton();
            default -> new Opaque(codec);
        };
    }

    /** True for codecs whose header packets and timing are unknown here. */
    boolean opaque() {
        return false;
    }

    /** True when the stream's granule positions map to time. */
    boolean timed() {
        return true;
    }

    /**
     * Whether packet {@code index}, which begins now, is a header packet. Called for every packet in
     * order, after the previous header packets were {@linkplain #header parsed}.
     */
    abstract boolean isHeader(long index);

    /** True once every header packet has been seen, given that {@code packets} packets have ended. */
    abstract boolean headersComplete(long packets);

    /** The number of header packets, as far as known (for messages). */
    abstract String headerCount();

    /** Whether to keep the last bytes of header packet {@code index} (Vorbis setup). */
    boolean wantsTail(long index) {
        return false;
    }

    /**
     * Checks and reads header packet {@code index}: its first {@code headLength} bytes are in
     * {@code head} (at most {@value #HEADER_HEAD}), its whole length is {@code length}, and
     * {@code tail} holds its last bytes when {@link #wantsTail} asked for them.
     */
    abstract void header(long index, byte[] head, int headLength, long length, byte[] tail) throws HeaderException;

    /** The granule position as a linear count (samples or frames), or -1 when it holds no time. */
    long units(long granule) {
        return granule < 0 ? -1 : granule;
    }

    /** A count of {@link #units} as microseconds on the stream's clock; may be negative (Opus pre-skip). */
    abstract long micros(long units);

    /**
     * The length of a data packet in {@link #units}, from its first {@code headLength} bytes (at
     * least {@value #DATA_HEAD} when it is that long) and its length; -1 when unknown.
     */
    abstract long duration(byte[] head, int headLength, long length);

    /** True when {@code first}, the first byte of a data packet, starts a keyframe (Theora only). */
    boolean isKeyframe(byte first) {
        return false;
    }

    /** A short description of what the headers said, for example {@code vorbis 44100 Hz 2 ch}. */
    abstract String describe();

    /** The sample rate in Hz for audio, the frame rate in frames per 1000 s for video, or -1 when unknown. */
    long rate() {
        return -1;
    }

    /** Audio channels, or -1 when unknown or not audio. */
    int channels() {
        return -1;
    }

    /** {@code value * num / den}, saturated to {@code +-TIME_LIMIT}. */
    static long scale(long value, long num, long den) {
        long hi = Math.multiplyHigh(value, num);
        long lo = value * num;
        long r;
        if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
            r = lo / den;
        } else {
            double d = (double) value * (double) num / (double) den;
            r = d >= TIME_LIMIT ? TIME_LIMIT : d <= -TIME_LIMIT ? -TIME_LIMIT : (long) d;
        }
        return Math.max(-TIME_LIMIT, Math.min(TIME_LIMIT, r));
    }

    static boolean startsWith(byte[] head, int headLength, String magic) {
        if (headLength < magic.length()) {
            return false;
        }
        for (int i = 0; i < magic.length(); i++) {
            if ((head[i] & 0xff) != magic.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    static int u8(byte[] b, int at) {
        return b[at] & 0xff;
    }

    static int u16le(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }

    static long u32le(byte[] b, int at) {
        return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24;
    }

    static long u32be(byte[] b, int at) {
        return (b[at] & 0xffL) << 24 | (b[at + 1] & 0xffL) << 16 | (b[at + 2] & 0xffL) << 8 | (b[at + 3] & 0xffL);
    }

    static void require(boolean ok, String message) throws HeaderException {
        if (!ok) {
            throw new HeaderException(message);
        }
    }

    /** Codecs with a fixed number of header packets. */
    abstract static class Fixed extends StreamCodec {
        final int headers;

        Fixed(OggCodec codec, int headers) {
            super(codec);
            this.headers = headers;
        }

        @Override
        boolean isHeader(long index) {
            return index < headers;
        }

        @Override
        boolean headersComplete(long packets) {
            return packets >= headers;
        }

        @Override
        String headerCount() {
            return Integer.toString(headers);
        }
    }

    /** Vorbis I. */
    static final class Vorbis extends Fixed {
        long rate;
        int channels;
        int block0;
        int block1;
        /** Block flag per mode, from the setup header; null when it could not be read. */
        boolean[] modeLong;
        private int modeBits;
        private int previousBlock;

        Vorbis() {
            super(OggCodec.VORBIS, 3);
        }

        @Override
        boolean wantsTail(long index) {
            return index == 2;
        }

        @Override
        void header(long index, byte[] h, int n, long length, byte[] tail) throws HeaderException {
            if (index == 0) {
                require(n >= 30 && startsWith(h, n, "\u0001vorbis"), "a Vorbis identification header has 30 bytes "
                        + "and starts with 0x01 \"vorbis\"; this one has " + length + " bytes");
                require(u32le(h, 7) == 0, "Vorbis version " + u32le(h, 7) + " (only version 0 exists)");
                channels = u8(h, 11);
                rate = u32le(h, 12);
                block0 = 1 << (u8(h, 28) & 0x0f);
                block1 = 1 << (u8(h, 28) >> 4);
                require(channels > 0, "Vorbis identification header with 0 channels");
                require(rate > 0, "Vorbis identification header with sample rate 0");
                require(block0 >= 64 && block1 <= 8192 && block0 <= block1, "Vorbis block sizes " + block0 + "/"
                        + block1 + " (each a power of two in 64..8192, the first not larger)");
                require((u8(h, 29) & 1) == 1, "Vorbis identification header without its framing bit");
            } else if (index == 1) {
                require(startsWith(h, n, "\u0003vorbis"), "the second Vorbis header packet is not a comment header "
                        + "(0x03 \"vorbis\")");
            } else {
                require(startsWith(h, n, "\u0005vorbis"), "the third Vorbis header packet is not a setup header "
                        + "(0x05 \"vorbis\")");
                modeLong = modeBlockFlags(tail);
                if (modeLong != null) {
                    modeBits = 32 - Integer.numberOfLeadingZeros(modeLong.length - 1);
                }
            }
        }

        /**
         * The block flag of every mode, read backwards from the end of the setup header (the modes
         * are its last field; each is a block flag, two 16-bit zeros and an 8-bit mapping number, then
         * comes the framing bit). Null when no plausible mode list is found.
         */
        static boolean[] modeBlockFlags(byte[] tail) {
            BackwardBits bits = new BackwardBits(tail);
            int framing = -1;
            while (bits.left() > 97) {
                if (bits.bit() == 1) {
                    framing = bits.position();
                    break;
                }
            }
            if (framing < 0) {
                return null;
            }
            int count = 0;
            int found = 0;
            while (bits.left() >= 97) {
                if (bits.read(8) > 63 || bits.read(16) != 0 || bits.read(16) != 0) {
                    break;
                }
                bits.read(1);
                count++;
                if (count > 64) {
                    break;
                }
                BackwardBits peek = bits.copy();
                if (peek.read(6) + 1 == count) {
                    found = count;
                }
            }
            if (found == 0) {
                return null;
            }
            boolean[] flags = new boolean[found];
            BackwardBits again = new BackwardBits(tail);
            again.skip(framing);
            for (int i = found - 1; i >= 0; i--) {
                again.skip(40);
                flags[i] = again.bit() == 1;
            }
            return flags;
        }

        @Override
        long micros(long units) {
            return scale(units, 1_000_000, rate);
        }

        @Override
        long duration(byte[] h, int n, long length) {
            if (modeLong == null || n < 1) {
                return length == 0 ? 0 : -1;
            }
            int b = h[0] & 0xff;
            if ((b & 1) != 0) {
                return 0;
            }
            int mode = modeLong.length == 1 ? 0 : (b >> 1) & ((1 << modeBits) - 1);
            if (mode >= modeLong.length) {
                return -1;
            }
            int current = modeLong[mode] ? block1 : block0;
            int previous = previousBlock;
            if (modeLong[mode] && previous != 0) {
                previous = (b & (1 << (1 + modeBits))) != 0 ? block1 : block0;
            }
            previousBlock = current;
            // the first audio packet only primes the decoder: no samples
            return previous == 0 ? 0 : (previous + current) / 4;
        }

        @Override
        String describe() {
            return "vorbis " + rate + " Hz " + channels + " ch";
        }

        @Override
        long rate() {
            return rate;
        }

        @Override
        int channels() {
            return channels;
        }
    }

    /** Reads bits from the end of a packet towards its start, as a Vorbis packer wrote them forwards. */
    static final class BackwardBits {
        private final byte[] data;
        private int pos;

        BackwardBits(byte[] data) {
            this.data = data;
        }

        private BackwardBits(byte[] data, int pos) {
            this.data = data;
            this.pos = pos;
        }

        BackwardBits copy() {
            return new BackwardBits(data, pos);
        }

        int left() {
            return data.length * 8 - pos;
        }

        int position() {
            return pos;
        }

        void skip(int n) {
            pos += n;
        }

        int bit() {
            if (pos >= data.length * 8) {
                pos++;
                return 0;
            }
            int b = data[data.length - 1 - (pos >> 3)] & 0xff;
            int bit = (b >> (7 - (pos & 7))) & 1;
            pos++;
            return bit;
        }

        /** {@code n} bits, most significant first (which is how a forward LSB-first value reads backwards). */
        int read(int n) {
            int v = 0;
            for (int i = 0; i < n; i++) {
                v = v << 1 | bit();
            }
            return v;
        }
    }

    /** Opus (RFC 7845). */
    static final class Opus extends Fixed {
        static final int RATE = 48_000;
        int channels;
        int preSkip;
        long inputRate;

        Opus() {
            super(OggCodec.OPUS, 2);
        }

        @Override
        void header(long index, byte[] h, int n, long length, byte[] tail) throws HeaderException {
            if (index == 0) {
                require(n >= 19 && startsWith(h, n, "OpusHead"), "an OpusHead packet has at least 19 bytes; this "
                        + "one has " + length);
                int version = u8(h, 8);
                require(version >> 4 == 0, "OpusHead version " + version + " (only major version 0 is known)");
                channels = u8(h, 9);
                preSkip = u16le(h, 10);
                inputRate = u32le(h, 12);
                int family = u8(h, 18);
                require(channels > 0, "OpusHead with 0 channels");
                require(family != 0 || channels <= 2, "OpusHead mapping family 0 with " + channels + " channels");
                require(family == 0 || length >= 21 + channels, "OpusHead of " + length + " bytes is too short for "
                        + "its channel mapping table");
            } else {
                require(startsWith(h, n, "OpusTags"), "the second Opus header packet is not OpusTags");
            }
        }

        @Override
        long micros(long units) {
            return scale(units - preSkip, 1_000_000, RATE);
        }

        @Override
        long duration(byte[] h, int n, long length) {
            return samples(h, n, length);
        }

        /** Samples at 48 kHz in an Opus packet, from its TOC byte; 0 for an empty packet, -1 when malformed. */
        static long samples(byte[] h, int n, long length) {
            if (length == 0 || n < 1) {
                return 0;
            }
            int toc = h[0] & 0xff;
            int config = toc >> 3;
            int frame;
            if (config < 12) {
                frame = 480 << (config & 3);
                frame = (config & 3) == 3 ? 2880 : frame;
            } else if (config < 16) {
                frame = (config & 1) == 0 ? 480 : 960;
            } else {
                frame = 120 << (config & 3);
            }
            int frames;
            switch (toc & 3) {
                case 0 -> frames = 1;
                case 1, 2 -> frames = 2;
                default -> {
                    if (n < 2) {
                        return -1;
                    }
                    frames = h[1] & 0x3f;
                }
            }
            return (long) frames * frame;
        }

        @Override
        String describe() {
            return "opus " + channels + " ch pre-skip " + preSkip;
        }

        @Override
        long rate() {
            return RATE;
        }

        @Override
        int channels() {
            return channels;
        }
    }

    /** Theora I. */
    static final class Theora extends Fixed {
        long fpsNumerator;
        long fpsDenominator;
        int keyframeShift;
        int version;

        Theora() {
            super(OggCodec.THEORA, 3);
        }

        @Override
        void header(long index, byte[] h, int n, long length, byte[] tail) throws HeaderException {
            if (index == 0) {
                require(n >= 42 && startsWith(h, n, "\u0080theora"), "a Theora identification header has 42 bytes "
                        + "and starts with 0x80 \"theora\"; this one has " + length + " bytes");
                version = u8(h, 7) << 16 | u8(h, 8) << 8 | u8(h, 9);
                require(u8(h, 7) == 3 && u8(h, 8) <= 2, "Theora version " + u8(h, 7) + "." + u8(h, 8) + "."
                        + u8(h, 9) + " (only 3.2.x and older 3.x are known)");
                fpsNumerator = u32be(h, 22);
                fpsDenominator = u32be(h, 26);
                keyframeShift = (u8(h, 40) & 0x03) << 3 | u8(h, 41) >> 5;
                require(fpsNumerator > 0 && fpsDenominator > 0, "Theora frame rate " + fpsNumerator + "/"
                        + fpsDenominator);
            } else if (index == 1) {
                require(startsWith(h, n, "\u0081theora"), "the second Theora header packet is not a comment header "
                        + "(0x81 \"theora\")");
            } else {
                require(startsWith(h, n, "\u0082theora"), "the third Theora header packet is not a setup header "
                        + "(0x82 \"theora\")");
            }
        }

        /** The frame count up to and including the frame whose granule this is. */
        @Override
        long units(long granule) {
            if (granule < 0) {
                return -1;
            }
            long keyframe = granule >>> keyframeShift;
            long delta = granule - (keyframe << keyframeShift);
            // 3.2.1 and later count frames; older streams store the frame's index
            return keyframe + delta + (version < 0x030201 ? 1 : 0);
        }

        @Override
        long micros(long units) {
            long num = 1_000_000L * fpsDenominator;
            return scale(units, num, fpsNumerator);
        }

        @Override
        long duration(byte[] h, int n, long length) {
            return 1;
        }

        @Override
        boolean isKeyframe(byte first) {
            return (first & 0xc0) == 0;
        }

        @Override
        String describe() {
            return "theora " + fpsNumerator + "/" + fpsDenominator + " fps kfgshift " + keyframeShift;
        }

        @Override
        long rate() {
            return fpsNumerator * 1000 / fpsDenominator;
        }
    }

    /** FLAC in Ogg. */
    static final class Flac extends StreamCodec {
        long rate;
        int channels;
        /** Header packets after the mapping header, or 0 for "until the last metadata block". */
        int declared;
        private boolean lastSeen;
        private long headerPackets;

        Flac() {
            super(OggCodec.FLAC);
        }

        @Override
        boolean isHeader(long index) {
            return index == 0 || (declared > 0 ? index <= declared : !lastSeen);
        }

        @Override
        boolean headersComplete(long packets) {
            return packets >= 1 && (declared > 0 ? packets > declared : lastSeen);
        }

        @Override
        String headerCount() {
            return declared > 0 ? Integer.toString(1 + declared) : headerPackets + " so far";
        }

        @Override
        void header(long index, byte[] h, int n, long length, byte[] tail) throws HeaderException {
            headerPackets++;
            if (index == 0) {
                require(n >= 51 && startsWith(h, n, "\u007fFLAC"), "a FLAC mapping header has 51 bytes and starts "
                        + "with 0x7F \"FLAC\"; this one has " + length + " bytes");
                require(u8(h, 5) == 1, "FLAC mapping version " + u8(h, 5) + "." + u8(h, 6) + " (only 1.x is known)");
                declared = u8(h, 7) << 8 | u8(h, 8);
                require(startsWith(java.util.Arrays.copyOfRange(h, 9, 13), 4, "fLaC"), "FLAC mapping header without "
                        + "the \"fLaC\" signature");
                require((u8(h, 13) & 0x7f) == 0, "the FLAC mapping header does not hold STREAMINFO");
                rate = (long) u8(h, 27) << 12 | u8(h, 28) << 4 | u8(h, 29) >> 4;
                channels = (u8(h, 29) >> 1 & 0x07) + 1;
                require(rate > 0, "FLAC STREAMINFO with sample rate 0");
                lastSeen = (u8(h, 13) & 0x80) != 0;
            } else {
                require(n >= 1 && u8(h, 0) != 0xff, "FLAC header packet " + index + " is an audio frame, not a "
                        + "metadata block");
                lastSeen |= (u8(h, 0) & 0x80) != 0;
            }
        }

        @Override
        long micros(long units) {
            return scale(units, 1_000_000, rate);
        }

        @Override
        long duration(byte[] h, int n, long length) {
            if (n < 5 || u8(h, 0) != 0xff || (u8(h, 1) & 0xfe) != 0xf8) {
                return -1;
            }
            int code = u8(h, 2) >> 4;
            if (code == 1) {
                return 192;
            }
            if (code >= 2 && code <= 5) {
                return 576L << (code - 2);
            }
            if (code >= 8) {
                return 256L << (code - 8);
            }
            if (code == 0) {
                return -1;
            }
            int first = u8(h, 4);
            int extra = Integer.numberOfLeadingZeros(~first << 24);
            extra = extra == 0 ? 0 : extra - 1;
            int at = 5 + extra;
            if (code == 6) {
                return at < n ? u8(h, at) + 1 : -1;
            }
            return at + 1 < n ? (u8(h, at) << 8 | u8(h, at + 1)) + 1 : -1;
        }

        @Override
        String describe() {
            return "flac " + rate + " Hz " + channels + " ch";
        }

        @Override
        long rate() {
            return rate;
        }

        @Override
        int channels() {
            return channels;
        }
    }

    /** Speex. */
    static final class Speex extends StreamCodec {
        /** Extra headers beyond this are refused: real encoders write none. */
        static final int MAX_EXTRA_HEADERS = 255;
        long rate;
        int channels;
        long frameSize;
        long framesPerPacket;
        long extraHeaders;

        Speex() {
            super(OggCodec.SPEEX);
        }

        @Override
        boolean isHeader(long index) {
            return index < 2 + extraHeaders;
        }

        @Override
        boolean headersComplete(long packets) {
            return packets >= 2 + extraHeaders;
        }

        @Override
        String headerCount() {
            return Long.toString(2 + extraHeaders);
        }

        @Override
        void header(long index, byte[] h, int n, long length, byte[] tail) throws HeaderException {
            if (index != 0) {
                return;
            }
            require(n >= 80 && startsWith(h, n, "Speex   "), "a Speex header has 80 bytes and starts with \"Speex   \"; "
                    + "this one has " + length + " bytes");
            rate = u32le(h, 36);
            channels = (int) u32le(h, 48);
            frameSize = u32le(h, 56);
            framesPerPacket = Math.max(1, u32le(h, 64));
            extraHeaders = u32le(h, 68);
            require(rate > 0, "Speex header with sample rate 0");
            require(frameSize > 0 && frameSize <= 65_536, "Speex frame size " + frameSize);
            require(framesPerPacket <= 65_536, "Speex frames per packet " + framesPerPacket);
            require(extraHeaders <= MAX_EXTRA_HEADERS, "Speex header declares " + extraHeaders + " extra headers (at "
                    + "most " + MAX_EXTRA_HEADERS + " are accepted)");
        }

        @Override
        long micros(long units) {
            return scale(units, 1_000_000, rate);
        }

        @Override
        long duration(byte[] h, int n, long length) {
            return frameSize * framesPerPacket;
        }

        @Override
        String describe() {
            return "speex " + rate + " Hz " + channels + " ch";
        }

        @Override
        long rate() {
            return rate;
        }

        @Override
        int channels() {
            return channels;
        }
    }

    /** Ogg Skeleton: every packet is a header; no time. */
    static final class Skeleton extends StreamCodec {
        Skeleton() {
            super(OggCodec.SKELETON);
        }

        @Override
        boolean timed() {
            return false;
        }

        @Override
        boolean isHeader(long index) {
            return true;
        }

        @Override
        boolean headersComplete(long packets) {
            return true;
        }

        @Override
        String headerCount() {
            return "all";
        }

        @Override
        void header(long index, byte[] head, int headLength, long length, byte[] tail) {
            // tolerated, not interpreted
        }

        @Override
        long micros(long units) {
            return -1;
        }

        @Override
        long duration(byte[] head, int headLength, long length) {
            return -1;
        }

        @Override
        String describe() {
            return "skeleton";
        }
    }

    /** A codec carried as it is: no header knowledge, no time. */
    static final class Opaque extends StreamCodec {
        Opaque(OggCodec codec) {
            super(codec);
        }

        @Override
        boolean opaque() {
            return true;
        }

        @Override
        boolean timed() {
            return false;
        }

        @Override
        boolean isHeader(long index) {
            return index == 0;
        }

        @Override
        boolean headersComplete(long packets) {
            return true;
        }

        @Override
        String headerCount() {
            return "unknown";
        }

        @Override
        void header(long index, byte[] head, int headLength, long length, byte[] tail) {
            // not interpreted
        }

        @Override
        long micros(long units) {
            return -1;
        }

        @Override
        long duration(byte[] head, int headLength, long length) {
            return -1;
        }

        @Override
        String describe() {
            return codec.id();
        }
    }
}
