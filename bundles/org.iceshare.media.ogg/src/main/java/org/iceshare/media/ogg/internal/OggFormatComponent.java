package org.iceshare.media.ogg.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Optional;

import org.iceshare.api.media.LiveCutter;
import org.iceshare.api.media.MediaFormat;
import org.iceshare.api.media.MediaLayout;
import org.iceshare.api.media.PieceStart;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ogg {@link MediaFormat} service: a thin wrapper around an {@link OggFormat} built from the
 * configuration {@value #PID}. A new configuration swaps in a new {@link OggFormat}; a call already
 * running keeps the one it started with. An invalid piece size or duration is logged and ignored,
 * keeping the previous value (the default at activation), so the service never goes away over a typo.
 *
 * <p><b>Threading:</b> the {@link MediaFormat} methods are thread-safe and follow {@link OggFormat}'s
 * contract ({@link #layout} blocks on its stream; {@link #liveCutter} does not block, and each cutter
 * it returns belongs to one stream). SCR calls the constructor and {@link #configure}
 * one at a time.
 */
@Component(service = MediaFormat.class, configurationPid = OggFormatComponent.PID,
        property = {"media.format=ogg", "service.ranking:Integer=100"})
@Designate(ocd = OggFormatComponent.Config.class)
public final class OggFormatComponent implements MediaFormat {
    /** The configuration PID. */
    public static final String PID = "org.iceshare.media.ogg";
    /** The smallest piece size accepted from configuration: 16 KiB. */
    public static final int MIN_PIECE_SIZE = 16_384;
    /** The largest piece size accepted from configuration: 2 MiB. */
    public static final int MAX_PIECE_SIZE = 2_097_152;
    /** The shortest piece duration accepted from configuration (other than 0, off): 100 ms. */
    public static final int MIN_PIECE_DURATION_MS = 100;

    private static final Logger LOG = LoggerFactory.getLogger(OggFormatComponent.class);

    @ObjectClassDefinition(id = PID, name = "IceShare Ogg media format",
            description = "How published Ogg files (Vorbis, Opus, FLAC, Speex, Theora) are cut into pieces.")
    public @interface Config {
        @AttributeDefinition(name = "Target piece size",
                description = "The target piece size in bytes, from 16384 (16 KiB) to 2097152 (2 MiB). A piece holds "
                        + "whole Ogg pages and stays within this size unless a single page is larger; the "
                        + "header pages form pieces of their own. Applies to files published from now on. An "
                        + "invalid value is logged and ignored.",
                min = "16384", max = "2097152")
        int pieceSize() default OggFormat.DEFAULT_PIECE_SIZE;

        @AttributeDefinition(name = "Target piece duration",
                description = "The target duration of a piece in milliseconds, from 100 to 60000, or 0 (the "
                        + "default) to cut by size only. A piece of at least 16 KiB also ends before a page that "
                        + "would carry it past this much media, so low-bitrate audio gets pieces of a few seconds "
                        + "instead of minutes: a player at a peer that is still downloading waits for a small "
                        + "piece (2000 suits audio played while it downloads from a capped source); high-bitrate "
                        + "video reaches the size first. Applies to files published from now on. An invalid "
                        + "value is logged and ignored.",
                min = "0", max = "60000")
        int pieceDuration() default 0;
    }

    private volatile OggFormat format = new OggFormat(OggFormat.DEFAULT_PIECE_SIZE);

    @Activate
    public OggFormatComponent(Config config) {
        configure(config);
    }

    /**
     * Applies a configuration: takes each value when valid, else logs why and keeps the current one.
     */
    @Modified
    void configure(Config config) {
        OggFormat current = format;
        int size = current.targetPieceSize();
        long micros = current.targetPieceMicros();
        try {
            int wanted = config.pieceSize();
            if (wanted < MIN_PIECE_SIZE || wanted > MAX_PIECE_SIZE) {
                LOG.error("Configuration {}: pieceSize {} is outside {}..{} bytes; keeping {} bytes", PID, wanted,
                        MIN_PIECE_SIZE, MAX_PIECE_SIZE, size);
            } else {
                size = wanted;
            }
        } catch (RuntimeException e) {
            // SCR throws when the configured value cannot be converted to an int
            LOG.error("Configuration {}: pieceSize is not a whole number ({}); keeping {} bytes", PID, e.getMessage(),
                    size);
        }
        try {
            int wanted = config.pieceDuration();
            if (wanted != 0 && (wanted < MIN_PIECE_DURATION_MS || wanted > OggFormat.MAX_PIECE_MICROS / 1000)) {
                LOG.error("Configuration {}: pieceDuration {} is neither 0 nor within {}..{} ms; keeping {} ms", PID,
                        wanted, MIN_PIECE_DURATION_MS, OggFormat.MAX_PIECE_MICROS / 1000, micros / 1000);
            } else {
                micros = wanted * 1000L;
            }
        } catch (RuntimeException e) {
            LOG.error("Configuration {}: pieceDuration is not a whole number ({}); keeping {} ms", PID, e.getMessage(),
                    micros / 1000);
        }
        if (size != current.targetPieceSize() || micros != current.targetPieceMicros()) {
            format = new OggFormat(size, micros);
        }
        LOG.info("Ogg media format: target piece size {} bytes, {}", size,
                micros == 0 ? "by size only" : "at most " + micros / 1000 + " ms of media from 16 KiB");
    }

    /** The target piece size in use. */
    int pieceSize() {
        return format.targetPieceSize();
    }

    /** The target piece duration in use, in microseconds (0: by size only). */
    long pieceMicros() {
        return format.targetPieceMicros();
    }

    @Override
    public String name() {
        return OggFormat.NAME;
    }

    @Override
    public int probe(ByteBuffer head) {
        return format.probe(head);
    }

    @Override
    public MediaLayout layout(InputStream content) throws IOException, OggFormatException {
        return format.layout(content);
    }

    /** A live cutter of {@link OggFormat#liveCutter}: the piece size configured here does not apply to it. */
    @Override
    public Optional<LiveCutter> liveCutter(long targetMicros) {
        return format.liveCutter(targetMicros);
    }

    /** Page-precise time starts ({@link OggFormat#startInPiece}); the configuration does not apply to them. */
    @Override
    public Optional<PieceStart> startInPiece(ByteBuffer linkHeaders, ByteBuffer piece, long pieceStartMicros,
            long pieceEndMicros, boolean pieceStartPoint, long targetMicros) {
        return format.startInPiece(linkHeaders, piece, pieceStartMicros, pieceEndMicros, pieceStartPoint,
                targetMicros);
    }

    @Override
    public boolean handles(String mediaType) {
        return format.handles(mediaType);
    }

    @Override
    public String mediaType(String codecs, String declared) {
        return format.mediaType(codecs, declared);
    }

    @Override
    public InputStream relinked(InputStream content, int round) {
        return format.relinked(content, round);
    }
}
