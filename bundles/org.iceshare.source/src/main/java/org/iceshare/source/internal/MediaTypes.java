package org.iceshare.source.internal;

import java.util.Locale;
import java.util.Set;

/** What players are told a live stream is, from its codecs and what its input declared. */
final class MediaTypes {
    private static final Set<String> VIDEO = Set.of("theora", "vp8", "vp9", "dirac", "daala", "av1");
    private static final Set<String> AUDIO = Set.of("vorbis", "opus", "flac", "speex", "pcm", "celt");

    /** The Ogg media types a push may declare (RFC 5334). */
    static final Set<String> OGG = Set.of("application/ogg", "audio/ogg", "video/ogg");

    private MediaTypes() {
    }

    /**
     * The media type of a stream of {@code format} whose first link has {@code codecs}
     * (comma-separated, maybe empty), declared as {@code declared} by its input (or null).
     */
    static String of(String format, String codecs, String declared) {
        boolean video = false;
        boolean audio = false;
        for (String c : codecs.toLowerCase(Locale.ROOT).split(",")) {
            String codec = c.trim();
            video |= VIDEO.contains(codec);
            audio |= AUDIO.contains(codec);
        }
        boolean ogg = "ogg".equals(format);
        if (ogg && video) {
            return "video/ogg";
        }
        if (ogg && audio) {
            return "audio/ogg";
        }
        String d = declared == null ? "" : base(declared);
        if (OGG.contains(d)) {
            return d;
        }
        return ogg ? "application/ogg" : "application/octet-stream";
    }

    /** The type without parameters, lower case: {@code "Audio/Ogg; codecs=opus"} gives {@code audio/ogg}. */
    static String base(String contentType) {
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }
}
