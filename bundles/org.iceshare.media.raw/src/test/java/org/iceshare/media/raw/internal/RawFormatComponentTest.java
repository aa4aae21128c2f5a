package org.iceshare.media.raw.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.lang.annotation.Annotation;
import java.nio.ByteBuffer;
import java.util.function.IntSupplier;

import org.iceshare.api.media.MediaLayout;
import org.junit.jupiter.api.Test;

/** The DS wrapper, without OSGi: built with {@code new} and a hand-made configuration. */
class RawFormatComponentTest {

    @Test
    void startsWithTheConfiguredPieceSize() {
        assertThat(new RawFormatComponent(config(65_536)).pieceSize()).isEqualTo(65_536);
        assertThat(new RawFormatComponent(config(RawFormat.DEFAULT_PIECE_SIZE)).pieceSize()).isEqualTo(262_144);
    }

    @Test
    void anInvalidPieceSizeAtActivationFallsBackToTheDefault() {
        assertThat(new RawFormatComponent(config(100)).pieceSize()).isEqualTo(RawFormat.DEFAULT_PIECE_SIZE);
    }

    @Test
    void aModifiedConfigurationSwapsTheFormat() throws Exception {
        RawFormatComponent component = new RawFormatComponent(config(RawFormat.DEFAULT_PIECE_SIZE));
        byte[] content = new byte[1_000_000];
        assertThat(component.layout(new ByteArrayInputStream(content)).pieces()).hasSize(4);

        component.configure(config(16_384));

        assertThat(component.pieceSize()).isEqualTo(16_384);
        assertThat(component.layout(new ByteArrayInputStream(content)).pieces()).hasSize(62);
    }

    @Test
    void invalidValuesAreIgnoredAndThePreviousOneKept() {
        RawFormatComponent component = new RawFormatComponent(config(32_768));

        component.configure(config(RawFormatComponent.MIN_PIECE_SIZE - 1));
        assertThat(component.pieceSize()).isEqualTo(32_768);
        component.configure(config(RawFormatComponent.MAX_PIECE_SIZE + 1));
        assertThat(component.pieceSize()).isEqualTo(32_768);
        component.configure(config(0));
        assertThat(component.pieceSize()).isEqualTo(32_768);
        component.configure(config(-1));
        assertThat(component.pieceSize()).isEqualTo(32_768);
        // SCR throws from the accessor when the value is not a number (for example pieceSize = "big")
        component.configure(config(() -> {
            throw new IllegalArgumentException("cannot coerce 'big' to int");
        }));
        assertThat(component.pieceSize()).isEqualTo(32_768);

        component.configure(config(RawFormatComponent.MIN_PIECE_SIZE));
        assertThat(component.pieceSize()).isEqualTo(16_384);
        component.configure(config(RawFormatComponent.MAX_PIECE_SIZE));
        assertThat(component.pieceSize()).isEqualTo(4_194_304);
    }

    @Test
    void delegatesToTheFormat() throws Exception {
        RawFormatComponent component = new RawFormatComponent(config(RawFormat.DEFAULT_PIECE_SIZE));
        assertThat(component.name()).isEqualTo("raw");
        assertThat(component.probe(ByteBuffer.wrap(new byte[] {42}))).isEqualTo(1);
        MediaLayout layout = component.layout(new ByteArrayInputStream(new byte[300_000]));
        assertThat(layout.mediaType()).isEqualTo("application/octet-stream");
        assertThat(layout.pieces()).hasSize(2);
        assertThat(layout.headerPieces()).isZero();
    }

    private static RawFormatComponent.Config config(int pieceSize) {
        return config(() -> pieceSize);
    }

    private static RawFormatComponent.Config config(IntSupplier pieceSize) {
        return new RawFormatComponent.Config() {
            @Override
            public int pieceSize() {
                return pieceSize.getAsInt();
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return RawFormatComponent.Config.class;
            }
        };
    }
}
