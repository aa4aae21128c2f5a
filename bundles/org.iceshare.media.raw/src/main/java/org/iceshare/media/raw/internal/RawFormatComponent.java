package org.iceshare.media.raw.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

import org.iceshare.api.media.MediaFormat;
import org.iceshare.api.media.MediaFormatException;
import org.iceshare.api.media.MediaLayout;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The raw {@link MediaFormat} service: a thin wrapper around a {@link RawFormat} built from the
 * configuration {@value #PID}. A new configuration swaps in a new {@link RawFormat}; a call already
 * running keeps the one it started with. An invalid piece size is logged and ignored, keeping the
 * previous value (the default at activation), so the service never goes away over a typo.
 *
 * <p><b>Threading:</b> the {@link MediaFormat} methods are thread-safe and follow {@link RawFormat}'s
 * contract ({@link #layout} blocks on its stream). SCR calls the constructor and {@link #configure}
 * one at a time.
 */
@Component(service = MediaFormat.class, configurationPid = RawFormatComponent.PID,
        property = {"media.format=raw", "service.ranking:Integer=0"})
@Designate(ocd = RawFormatComponent.Config.class)
public final class RawFormatComponent implements MediaFormat {
    /** The configuration PID. */
    public static final String PID = "org.iceshare.media.raw";
    /** The smallest piece size accepted from configuration: 16 KiB. */
    public static final int MIN_PIECE_SIZE = 16_384;
    /** The largest piece size accepted from configuration: 4 MiB, the largest piece IceT carries. */
    public static final int MAX_PIECE_SIZE = 4_194_304;

    private static final Logger LOG = LoggerFactory.getLogger(RawFormatComponent.class);

    @ObjectClassDefinition(id = PID, name = "IceShare raw media format",
            description = "How published files that no other media format claims (anything not Ogg) are cut "
                    + "into pieces: opaque bytes in pieces of one fixed size.")
    public @interface Config {
        @AttributeDefinition(name = "Piece size",
                description = "The piece size in bytes, from 16384 (16 KiB) to 4194304 (4 MiB). Every piece has "
                        + "this size except the last, which is shorter. A file may have at most 65536 pieces, so "
                        + "this also sets the largest file that can be published (16 GiB at 256 KiB). Applies to "
                        + "files published from now on. An invalid value is logged and ignored.",
                min = "16384", max = "4194304")
        int pieceSize() default RawFormat.DEFAULT_PIECE_SIZE;
    }

    private volatile RawFormat format = new RawFormat(RawFormat.DEFAULT_PIECE_SIZE);

    @Activate
    public RawFormatComponent(Config config) {
        configure(config);
    }

    /** Applies a configuration: takes its piece size when valid, else logs why and keeps the current one. */
    @Modified
    void configure(Config config) {
        int current = format.pieceSize();
        int size;
        try {
            size = config.pieceSize();
        } catch (RuntimeException e) {
            // SCR throws when the configured value cannot be converted to an int
            LOG.error("Configuration {}: pieceSize is not a whole number ({}); keeping {} bytes", PID, e.getMessage(),
                    current);
            return;
        }
        if (size < MIN_PIECE_SIZE || size > MAX_PIECE_SIZE) {
            LOG.error("Configuration {}: pieceSize {} is outside {}..{} bytes; keeping {} bytes", PID, size,
                    MIN_PIECE_SIZE, MAX_PIECE_SIZE, current);
            return;
        }
        if (size != current) {
            format = new RawFormat(size);
        }
        LOG.info("Raw media format: piece size {} bytes", size);
    }

    /** The piece size in use. */
    int pieceSize() {
        return format.pieceSize();
    }

    @Override
    public String name() {
        return RawFormat.NAME;
    }

    @Override
    public int probe(ByteBuffer head) {
        return format.probe(head);
    }

    @Override
    public MediaLayout layout(InputStream content) throws IOException, MediaFormatException {
        return format.layout(content);
    }
}
