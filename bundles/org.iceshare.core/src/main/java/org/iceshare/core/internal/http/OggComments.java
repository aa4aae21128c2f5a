package org.iceshare.core.internal.http;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the title and artist from a chain link's header pages: the comment header of its Vorbis, Opus
 * ({@code OpusTags}) or Theora stream (the Vorbis comment format, RFC 7845 section 5.2 and the Vorbis I
 * specification section 5). The first stream whose comments name a title or an artist gives both.
 *
 * <p>Malformed input is a value, not an exception: a truncated page, a packet or comment length beyond
 * the bytes there, or no comment header at all give {@link #NONE}. Work and memory are bounded by the
 * header pages' size (a link's headers are at most {@code ChainLink.MAX_HEADER_BYTES}).
 *
 * <p><b>Threading:</b> stateless.
 */
final class OggComments {
    /** A link's title and artist; empty strings when its comments name none. */
    record Tags(String title, String artist) {
    }

    static final Tags NONE = new Tags("", "");

    private static final byte[] VORBIS = {3, 'v', 'o', 'r', 'b', 'i', 's'};
    private static final byte[] OPUS = "OpusTags".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] THEORA = {(byte) 0x81, 't', 'h', 'e', 'o', 'r', 'a'};
    private static final int PAGE_HEADER = 27;

    private OggComments() {
    }

    /** The tags of the header pages' first comment header that has a title or an artist, or {@link #NONE}. */
    static Tags of(ByteBuffer headerPages) {
        ByteBuffer b = headerPages.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        // the packet being assembled, per logical stream (a comment packet may span pages)
        Map<Integer, java.io.ByteArrayOutputStream> open = new HashMap<>();
        while (b.remaining() >= PAGE_HEADER) {
            int at = b.position();
            if (b.get(at) != 'O' || b.get(at + 1) != 'g' || b.get(at + 2) != 'g' || b.get(at + 3) != 'S') {
                return NONE;
            }
            int serial = b.getInt(at + 14);
            int segments = b.get(at + 26) & 0xff;
            if (b.remaining() < PAGE_HEADER + segments) {
                return NONE;
            }
            int body = at + PAGE_HEADER + segments;
            int length = 0;
            for (int i = 0; i < segments; i++) {
                length += b.get(at + PAGE_HEADER + i) & 0xff;
            }
            if (body + length > b.limit()) {
                return NONE;
            }
            int pos = body;
            for (int i = 0; i < segments; i++) {
                int lace = b.get(at + PAGE_HEADER + i) & 0xff;
                java.io.ByteArrayOutputStream packet = open.computeIfAbsent(serial, k -> new java.io.ByteArrayOutputStream());
                for (int k = 0; k < lace; k++) {
                    packet.write(b.get(pos + k));
                }
                pos += lace;
                if (lace < 255) { // the packet ends here
                    open.remove(serial);
                    Tags t = comments(packet.toByteArray());
                    if (t != null && (!t.title().isEmpty() || !t.artist().isEmpty())) {
                        return t;
                    }
                }
            }
            b.position(body + length);
        }
        return NONE;
    }

    /** The tags of a comment header packet, or null when the packet is none (or malformed). */
    static Tags comments(byte[] packet) {
        int from;
        if (startsWith(packet, VORBIS)) {
            from = VORBIS.length;
        } else if (startsWith(packet, OPUS)) {
            from = OPUS.length;
        } else if (startsWith(packet, THEORA)) {
            from = THEORA.length;
        } else {
            return null;
        }
        ByteBuffer c = ByteBuffer.wrap(packet, from, packet.length - from).order(ByteOrder.LITTLE_ENDIAN);
        if (c.remaining() < 4) {
            return null;
        }
        long vendor = c.getInt() & 0xffffffffL;
        if (vendor > c.remaining() - 4) {
            return null;
        }
        c.position(c.position() + (int) vendor);
        long count = c.getInt() & 0xffffffffL;
        Map<String, String> tags = new HashMap<>();
        for (long i = 0; i < count; i++) {
            if (c.remaining() < 4) {
                return null;
            }
            long n = c.getInt() & 0xffffffffL;
            if (n > c.remaining()) {
                return null;
            }
            String comment = new String(packet, c.position(), (int) n, StandardCharsets.UTF_8);
            c.position(c.position() + (int) n);
            int eq = comment.indexOf('=');
            if (eq > 0) {
                // field names are case-insensitive; the first of a repeated field is kept
                tags.putIfAbsent(comment.substring(0, eq).toUpperCase(Locale.ROOT), comment.substring(eq + 1));
            }
        }
        return new Tags(tags.getOrDefault("TITLE", ""), tags.getOrDefault("ARTIST", ""));
    }

    private static boolean startsWith(byte[] packet, byte[] magic) {
        if (packet.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (packet[i] != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
