package org.iceshare.media.ogg.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The codecs of Ogg logical streams, told apart by the magic bytes that start the first packet of
 * a stream's BOS page (its identification header).
 *
 * <p><b>Threading:</b> an enum; safe everywhere.
 */
public enum OggCodec {
    VORBIS("vorbis", Media.AUDIO, "\u0001vorbis"),
    OPUS("opus", Media.AUDIO, "OpusHead"),
    FLAC("flac", Media.AUDIO, "\u007fFLAC"),
    SPEEX("speex", Media.AUDIO, "Speex   "),
    CELT("celt", Media.AUDIO, "CELT    "),
    THEORA("theora", Media.VIDEO, "\u0080theora"),
    VP8("vp8", Media.VIDEO, "OVP80"),
    DIRAC("dirac", Media.VIDEO, "BBCD\u0000"),
    KATE("kate", Media.OTHER, "\u0080kate\u0000\u0000\u0000"),
    SKELETON("skeleton", Media.OTHER, "fishead\u0000"),
    /** A stream whose identification header matches none of the others. */
    UNKNOWN("unknown", Media.OTHER, null);

    /** What a logical stream carries, for choosing the content's media type. */
    public enum Media {
        AUDIO, VIDEO, OTHER
    }

    private static final OggCodec[] KNOWN = {VORBIS, OPUS, FLAC, SPEEX, CELT, THEORA, VP8, DIRAC, KATE, SKELETON};
    /** The longest magic. */
    private static final int MAX_MAGIC = 8;

    private final String id;
    private final Media media;
    private final byte[] magic;

    OggCodec(String id, Media media, String magic) {
        this.id = id;
        this.media = media;
        this.magic = magic == null ? new byte[0] : magic.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The lower-case name shown to operators, for example {@code vorbis}. */
    public String id() {
        return id;
    }

    public Media media() {
        return media;
    }

    /** The codec with this {@link #id()}, or null (for an unknown name, or {@code unknown}). */
    public static OggCodec byId(String id) {
        for (OggCodec codec : KNOWN) {
            if (codec.id.equals(id)) {
                return codec;
            }
        }
        return null;
    }

    /**
     * The codec whose magic starts {@code bosBody}, the body of a BOS page, or {@link #UNKNOWN}.
     * Reads from the buffer's position without moving it.
     */
    public static OggCodec identify(ByteBuffer bosBody) {
        int n = Math.min(bosBody.remaining(), MAX_MAGIC);
        byte[] head = new byte[n];
        bosBody.get(bosBody.position(), head);
        return identify(head, 0, n);
    }

    /** The codec whose magic starts the {@code len} bytes of {@code body} from {@code off}, or {@link #UNKNOWN}. */
    public static OggCodec identify(byte[] body, int off, int len) {
        for (OggCodec codec : KNOWN) {
            byte[] m = codec.magic;
            if (len >= m.length && java.util.Arrays.equals(body, off, off + m.length, m, 0, m.length)) {
                return codec;
            }
        }
        return UNKNOWN;
    }
}
