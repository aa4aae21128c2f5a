package org.iceshare.media.ogg.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.lang.annotation.Annotation;
import java.nio.ByteBuffer;
import java.util.function.IntSupplier;

import org.iceshare.api.media.MediaLayout;
import org.iceshare.media.ogg.internal.OggTestFiles.Fixture;
import org.junit.jupiter.api.Test;

/** The DS wrapper, without OSGi: built with {@code new} and a hand-made configuration. */
class OggFormatComponentTest {

    @Test
    void theServiceAnswersEveryMediaFormatMethodItselfNotWithTheSpisDefaults() throws Exception {
        // a default method the component does not override would answer for Ogg with the SPI's default
        // (handles nothing, piece precision, no relinking) in the container, unnoticed by OggFormat's tests
        for (java.lang.reflect.Method m : org.iceshare.api.media.MediaFormat.class.getMethods()) {
            if (java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            assertThat(OggFormatComponent.class.getMethod(m.getName(), m.getParameterTypes()).getDeclaringClass())
                    .as("OggFormatComponent overrides %s", m.getName()).isEqualTo(OggFormatComponent.class);
        }
        OggFormatComponent component = new OggFormatComponent(config(OggFormat.DEFAULT_PIECE_SIZE));
        assertThat(component.handles("audio/ogg")).isTrue();
        assertThat(component.mediaType("opus", null)).isEqualTo("audio/ogg");
    }

    @Test
    void startsWithTheConfiguredPieceSize() {
        assertThat(new OggFormatComponent(config(65_536)).pieceSize()).isEqualTo(65_536);
        assertThat(new OggFormatComponent(config(OggFormat.DEFAULT_PIECE_SIZE)).pieceSize()).isEqualTo(262_144);
    }

    @Test
    void anInvalidPieceSizeAtActivationFallsBackToTheDefault() {
        assertThat(new OggFormatComponent(config(100)).pieceSize()).isEqualTo(OggFormat.DEFAULT_PIECE_SIZE);
    }

    @Test
    void aModifiedConfigurationSwapsTheFormat() throws Exception {
        OggFormatComponent component = new OggFormatComponent(config(OggFormat.DEFAULT_PIECE_SIZE));
        byte[] vorbis = Fixture.VORBIS.bytes();
        assertThat(component.layout(new ByteArrayInputStream(vorbis)).pieces()).hasSize(2);

        component.configure(config(16_384));

        assertThat(component.pieceSize()).isEqualTo(16_384);
        assertThat(component.layout(new ByteArrayInputStream(vorbis)).pieces()).hasSize(5);
    }

    @Test
    void invalidValuesAreIgnoredAndThePreviousOneKept() {
        OggFormatComponent component = new OggFormatComponent(config(32_768));

        component.configure(config(OggFormatComponent.MIN_PIECE_SIZE - 1));
        assertThat(component.pieceSize()).isEqualTo(32_768);
        component.configure(config(OggFormatComponent.MAX_PIECE_SIZE + 1));
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

        component.configure(config(OggFormatComponent.MIN_PIECE_SIZE));
        assertThat(component.pieceSize()).isEqualTo(16_384);
        component.configure(config(OggFormatComponent.MAX_PIECE_SIZE));
        assertThat(component.pieceSize()).isEqualTo(2_097_152);
    }

    @Test
    void aPieceDurationCutsAudioShorter() throws Exception {
        OggFormatComponent component = new OggFormatComponent(config(() -> OggFormat.DEFAULT_PIECE_SIZE,
                () -> 2_000));
        assertThat(component.pieceSize()).isEqualTo(OggFormat.DEFAULT_PIECE_SIZE);
        assertThat(component.pieceMicros()).isEqualTo(OggFormat.STREAMING_PIECE_MICROS);
        // 5 s of Vorbis: the header piece, then pieces of at most 2 s (0-2, 2-4, 4-5) instead of one piece
        assertThat(component.layout(new ByteArrayInputStream(Fixture.VORBIS.bytes())).pieces()).hasSize(4);

        component.configure(config(() -> OggFormat.DEFAULT_PIECE_SIZE, () -> 0));
        assertThat(component.layout(new ByteArrayInputStream(Fixture.VORBIS.bytes())).pieces()).hasSize(2);
    }

    @Test
    void theDefaultIsBySizeOnly() throws Exception {
        java.lang.reflect.Method m = OggFormatComponent.Config.class.getMethod("pieceDuration");
        assertThat(m.getDefaultValue()).isEqualTo(0);
    }

    @Test
    void thePieceDurationIsValidatedApartFromTheSize() {
        OggFormatComponent component = new OggFormatComponent(config(() -> 32_768, () -> 1_000));
        assertThat(component.pieceMicros()).isEqualTo(1_000_000);

        for (int bad : new int[] {-1, 1, OggFormatComponent.MIN_PIECE_DURATION_MS - 1, 60_001}) {
            component.configure(config(() -> 65_536, () -> bad));
            assertThat(component.pieceMicros()).as("%d ms is refused", bad).isEqualTo(1_000_000);
            assertThat(component.pieceSize()).as("the valid size still applies").isEqualTo(65_536);
        }
        component.configure(config(() -> 65_536, () -> {
            throw new IllegalArgumentException("cannot coerce 'long' to int");
        }));
        assertThat(component.pieceMicros()).isEqualTo(1_000_000);

        component.configure(config(() -> 65_536, () -> 0));
        assertThat(component.pieceMicros()).as("0: by size only").isZero();
        component.configure(config(() -> 65_536, () -> 60_000));
        assertThat(component.pieceMicros()).isEqualTo(60_000_000);
    }

    @Test
    void delegatesToTheFormat() throws Exception {
        OggFormatComponent component = new OggFormatComponent(config(OggFormat.DEFAULT_PIECE_SIZE));
        byte[] file = Fixture.THEORA_VORBIS.bytes();
        assertThat(component.name()).isEqualTo("ogg");
        assertThat(component.probe(ByteBuffer.wrap(file))).isEqualTo(90);
        MediaLayout layout = component.layout(new ByteArrayInputStream(file));
        assertThat(layout.mediaType()).isEqualTo("video/ogg");
        assertThat(layout.headerPieces()).isEqualTo(1);
    }

    private static OggFormatComponent.Config config(int pieceSize) {
        return config(() -> pieceSize);
    }

    /** A piece size, with pieces cut by size only (duration 0). */
    private static OggFormatComponent.Config config(IntSupplier pieceSize) {
        return config(pieceSize, () -> 0);
    }

    private static OggFormatComponent.Config config(IntSupplier pieceSize, IntSupplier pieceDuration) {
        return new OggFormatComponent.Config() {
            @Override
            public int pieceSize() {
                return pieceSize.getAsInt();
            }

            @Override
            public int pieceDuration() {
                return pieceDuration.getAsInt();
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return OggFormatComponent.Config.class;
            }
        };
    }
}
