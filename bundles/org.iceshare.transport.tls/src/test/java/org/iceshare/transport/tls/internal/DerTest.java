package org.iceshare.transport.tls.internal;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.time.Instant;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

/** Known encodings from X.690 and RFC 5280 / RFC 5758 examples. */
class DerTest {

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    @Test
    void lengthsUseTheShortFormBelow128AndTheMinimalLongFormAbove() {
        assertThat(hex(Der.octetString(new byte[0]))).isEqualTo("0400");
        assertThat(hex(Der.octetString(new byte[127]))).startsWith("047f").hasSize(2 * (2 + 127));
        assertThat(hex(Der.octetString(new byte[128]))).startsWith("048180").hasSize(2 * (3 + 128));
        assertThat(hex(Der.octetString(new byte[255]))).startsWith("0481ff");
        assertThat(hex(Der.octetString(new byte[256]))).startsWith("04820100").hasSize(2 * (4 + 256));
        assertThat(hex(Der.octetString(new byte[65536]))).startsWith("0483010000");
    }

    @Test
    void integersAreMinimalTwosComplement() {
        assertThat(hex(Der.integer(0))).isEqualTo("020100");
        assertThat(hex(Der.integer(2))).isEqualTo("020102");
        assertThat(hex(Der.integer(127))).isEqualTo("02017f");
        assertThat(hex(Der.integer(128))).isEqualTo("02020080");
        assertThat(hex(Der.integer(256))).isEqualTo("02020100");
        assertThat(hex(Der.integer(-1))).isEqualTo("0201ff");
        assertThat(hex(Der.integer(-129))).isEqualTo("0202ff7f");
        assertThat(hex(Der.integer(BigInteger.ONE.shiftLeft(127)))).isEqualTo("021100" + "80" + "00".repeat(15));
    }

    @Test
    void objectIdentifiers() {
        assertThat(hex(Der.oid("2.5.4.3"))).isEqualTo("0603550403");
        assertThat(hex(Der.oid("1.2.840.10045.2.1"))).isEqualTo("06072a8648ce3d0201");
        assertThat(hex(Der.oid("1.2.840.10045.4.3.2"))).isEqualTo("06082a8648ce3d040302");
        assertThat(hex(Der.oid("1.3.6.1.5.5.7.3.1"))).isEqualTo("06082b06010505070301");
        assertThat(hex(Der.oid("2.5.29.19"))).isEqualTo("0603551d13");
        assertThat(hex(Der.oid("2.999.0"))).isEqualTo("0603883700"); // 2*40+999 = 1079 = 0x88 0x37
        assertThat(hex(Der.oid("1.2.16384"))).isEqualTo("06042a818000"); // 2^14: three base-128 digits
        assertThat(hex(Der.oid("1.2.0"))).isEqualTo("06022a00");
        assertThatThrownBy(() -> Der.oid("3.1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Der.oid("1.40")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Der.oid("1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void stringsBooleansAndConstructedElements() {
        assertThat(hex(Der.utf8String("ab"))).isEqualTo("0c026162");
        assertThat(hex(Der.bool(true))).isEqualTo("0101ff");
        assertThat(hex(Der.bool(false))).isEqualTo("010100");
        assertThat(hex(Der.sequence())).isEqualTo("3000");
        assertThat(hex(Der.sequence(Der.integer(1), Der.integer(2)))).isEqualTo("3006020101020102");
        assertThat(hex(Der.set(Der.integer(1)))).isEqualTo("3103020101");
        assertThat(hex(Der.explicit(0, Der.integer(2)))).isEqualTo("a003020102");
        assertThat(hex(Der.explicit(3, Der.sequence()))).isEqualTo("a3023000");
        assertThatThrownBy(() -> Der.explicit(31, Der.sequence())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bitStringsCarryTheirUnusedBitCount() {
        assertThat(hex(Der.bitString(new byte[] {(byte) 0x80}, 7))).isEqualTo("03020780"); // digitalSignature
        assertThat(hex(Der.bitString(new byte[] {1, 2}))).isEqualTo("0303000102");
        assertThat(hex(Der.bitString(new byte[0]))).isEqualTo("030100");
        assertThatThrownBy(() -> Der.bitString(new byte[] {1}, 1)).hasMessageContaining("must be zero");
        assertThatThrownBy(() -> Der.bitString(new byte[] {0}, 8)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void timesAreUtcTimeBefore2050AndGeneralizedTimeFrom2050() {
        assertThat(new String(Der.time(Instant.parse("2036-01-02T03:04:05Z")), 2, 13, US_ASCII))
                .isEqualTo("360102030405Z");
        assertThat(hex(Der.time(Instant.parse("2036-01-02T03:04:05Z"))).substring(0, 4)).isEqualTo("170d");
        assertThat(hex(Der.time(Instant.parse("2049-12-31T23:59:59Z")))).startsWith("170d");
        byte[] generalized = Der.time(Instant.parse("2050-01-01T00:00:00Z"));
        assertThat(hex(generalized).substring(0, 4)).isEqualTo("180f");
        assertThat(new String(generalized, 2, 15, US_ASCII)).isEqualTo("20500101000000Z");
        assertThat(hex(Der.time(Instant.parse("1999-12-31T23:59:59.750Z")))).isEqualTo(
                hex(Der.element(Der.UTC_TIME, "991231235959Z".getBytes(US_ASCII))));
        assertThatThrownBy(() -> Der.time(Instant.parse("1949-12-31T00:00:00Z")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
