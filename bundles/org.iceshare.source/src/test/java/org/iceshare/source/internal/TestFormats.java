package org.iceshare.source.internal;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Optional;

import org.iceshare.api.media.LiveCutter;
import org.iceshare.api.media.MediaFormat;
import org.iceshare.api.media.MediaLayout;
import org.iceshare.media.ogg.internal.OggFormat;

/** The media formats the tests use. */
final class TestFormats {
    private TestFormats() {
    }

    /** The real Ogg format, built with {@code new}. */
    static final OggFormat REAL_OGG = new OggFormat(OggFormat.DEFAULT_PIECE_SIZE);

    /** Whether the real Ogg format has its live cutter (else the tests use {@link PageCutter}). */
    static boolean realCutter() {
        return REAL_OGG.liveCutter(500_000).isPresent();
    }

    /**
     * The Ogg format the tests cut with: the real one when it can cut live streams, else the real
     * one's probe with the {@link PageCutter} test double as its live cutter.
     */
    static MediaFormat ogg() {
        if (realCutter()) {
            return REAL_OGG;
        }
        return new MediaFormat() {
            @Override
            public String name() {
                return "ogg";
            }

            @Override
            public int probe(ByteBuffer head) {
                return REAL_OGG.probe(head);
            }

            @Override
            public MediaLayout layout(InputStream content) {
                throw new UnsupportedOperationException("live tests only");
            }

            @Override
            public Optional<LiveCutter> liveCutter(long targetMicros) {
                return Optional.of(new PageCutter(targetMicros));
            }
        };
    }

    /** A format like the raw one: claims anything, weakly, and cannot cut live streams. */
    static MediaFormat raw() {
        return new MediaFormat() {
            @Override
            public String name() {
                return "raw";
            }

            @Override
            public int probe(ByteBuffer head) {
                return head.hasRemaining() ? 1 : 0;
            }

            @Override
            public MediaLayout layout(InputStream content) {
                throw new UnsupportedOperationException("live tests only");
            }
        };
    }
}
