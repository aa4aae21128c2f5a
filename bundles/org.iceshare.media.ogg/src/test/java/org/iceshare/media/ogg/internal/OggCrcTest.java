package org.iceshare.media.ogg.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import org.iceshare.media.ogg.internal.OggTestFiles.Fixture;
import org.iceshare.media.ogg.internal.OggTestFiles.Page;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class OggCrcTest {

    @Test
    void checkValue() {
        // CRC-32/CKSUM (same polynomial, init 0, unreflected) has check 0x765E7680 after its final xor
        // with 0xFFFFFFFF; Ogg has no final xor, so its check value is 0x765E7680 ^ 0xFFFFFFFF.
        byte[] nine = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertThat(OggCrc.compute(nine, 0, 9)).isEqualTo(0x765E7680 ^ 0xFFFFFFFF).isEqualTo(0x89A1897F);
    }

    @Test
    void emptyInputLeavesTheCrcAlone() {
        assertThat(OggCrc.compute(new byte[0], 0, 0)).isZero();
        assertThat(OggCrc.update(0x12345678, new byte[4], 2, 0)).isEqualTo(0x12345678);
    }

    @Test
    void matchesTheBitwiseReferenceForEveryLengthAndAlignment() {
        Random random = new Random(20240601);
        byte[] data = new byte[600];
        random.nextBytes(data);
        for (int off = 0; off < 9; off++) {
            for (int len = 0; off + len <= 300; len++) {
                assertThat(OggCrc.compute(data, off, len)).as("off %d len %d", off, len)
                        .isEqualTo(OggTestFiles.referenceCrc(data, off, len));
            }
        }
        byte[] big = new byte[1 << 20];
        random.nextBytes(big);
        assertThat(OggCrc.compute(big, 0, big.length)).isEqualTo(OggTestFiles.referenceCrc(big, 0, big.length));
    }

    @Test
    void updatingInPartsEqualsComputingAtOnce() {
        Random random = new Random(7);
        byte[] data = new byte[10_000];
        random.nextBytes(data);
        int whole = OggCrc.compute(data, 0, data.length);
        for (int split : new int[] {0, 1, 7, 8, 9, 4095, 9999, 10_000}) {
            int crc = OggCrc.update(OggCrc.update(0, data, 0, split), data, split, data.length - split);
            assertThat(crc).as("split at %d", split).isEqualTo(whole);
        }
    }

    @ParameterizedTest
    @EnumSource(Fixture.class)
    void theCrcStoredInRealEncoderOutputValidates(Fixture fixture) {
        byte[] file = fixture.bytes();
        for (Page page : OggTestFiles.scan(file)) {
            byte[] zeroed = OggTestFiles.bytes(file, page);
            Arrays.fill(zeroed, 22, 26, (byte) 0);
            assertThat(OggCrc.page(file, (int) page.offset(), page.length()))
                    .as("%s page at byte %d", fixture.file, page.offset())
                    .isEqualTo(page.crc())
                    .isEqualTo(OggTestFiles.referenceCrc(zeroed, 0, zeroed.length));
        }
    }

    @Test
    void pageCrcDoesNotModifyThePage() {
        byte[] file = Fixture.SPEEX.bytes();
        byte[] copy = file.clone();
        OggCrc.page(file, 0, OggTestFiles.scan(file).get(0).length());
        assertThat(file).isEqualTo(copy);
    }

    @Test
    void rejectsRangesOutsideTheArrayAndPagesShorterThanAHeader() {
        assertThatThrownBy(() -> OggCrc.compute(new byte[8], 4, 5)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> OggCrc.page(new byte[26], 0, 26)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OggCrc.page(new byte[27], 1, 27)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
