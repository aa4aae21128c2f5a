package org.iceshare.source.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

import org.iceshare.api.media.LiveCutter;
import org.iceshare.api.media.MediaFormat;

/**
 * Picks the live cutter for an input from its first bytes: every installed media format probes them,
 * and the most confident one that can cut live streams wins. In practice that is the Ogg format.
 *
 * <p><b>Threading:</b> thread-safe if the format supplier is; never blocks.
 */
final class LiveFormats {
    /** How many bytes of an input are gathered before it is probed (fewer when the input ends sooner). */
    static final int PROBE_BYTES = 64;

    /** The chosen format (its name, and the format itself) and a fresh cutter of it. */
    record Choice(String format, MediaFormat media, LiveCutter cutter) {
    }

    /** No installed format can cut the input; the message says why, for the operator. */
    static final class UnsupportedInputException extends Exception {
        private static final long serialVersionUID = 1L;

        UnsupportedInputException(String message) {
            super(message);
        }
    }

    private final Supplier<List<MediaFormat>> formats;

    LiveFormats(Supplier<List<MediaFormat>> formats) {
        this.formats = formats;
    }

    /**
     * The best format for {@code head} that has a live cutter aiming at {@code targetMicros} per
     * piece. Does not move {@code head}.
     *
     * @throws UnsupportedInputException when no format claims the bytes, or those that do cannot cut
     *         live streams
     */
    Choice choose(ByteBuffer head, long targetMicros) throws UnsupportedInputException {
        record Scored(MediaFormat format, int score) {
        }
        List<Scored> claims = new ArrayList<>();
        for (MediaFormat f : formats.get()) {
            int score;
            try {
                score = f.probe(head.duplicate());
            } catch (RuntimeException e) {
                continue;
            }
            if (score > 0) {
                claims.add(new Scored(f, score));
            }
        }
        claims.sort(Comparator.comparingInt(s -> -s.score()));
        List<String> withoutCutter = new ArrayList<>();
        for (Scored s : claims) {
            Optional<LiveCutter> cutter = s.format().liveCutter(targetMicros);
            if (cutter.isPresent()) {
                return new Choice(s.format().name(), s.format(), cutter.get());
            }
            withoutCutter.add(s.format().name());
        }
        if (formats.get().isEmpty()) {
            throw new UnsupportedInputException("no media format is installed (install iceshare-media-ogg)");
        }
        if (claims.isEmpty() || withoutCutter.stream().allMatch("raw"::equals)) {
            throw new UnsupportedInputException("not a live stream of a known format: it starts with "
                    + hex(head) + " (an Ogg stream starts with OggS)");
        }
        throw new UnsupportedInputException("the " + withoutCutter + " media format cannot cut live streams");
    }

    /** True when an installed format {@link MediaFormat#handles handles} this media type. */
    boolean handles(String mediaType) {
        for (MediaFormat f : formats.get()) {
            try {
                if (f.handles(mediaType)) {
                    return true;
                }
            } catch (RuntimeException e) {
                // a broken format plugin does not decide for the others
            }
        }
        return false;
    }

    /** The type without parameters, lower case: {@code "Audio/Ogg; codecs=opus"} gives {@code audio/ogg}. */
    static String baseType(String contentType) {
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    static String hex(ByteBuffer head) {
        int n = Math.min(16, head.remaining());
        byte[] b = new byte[n];
        head.duplicate().get(b);
        return n == 0 ? "nothing" : HexFormat.ofDelimiter(" ").formatHex(b);
    }
}
