package org.iceshare.transport.tls.internal;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.Instant;

/**
 * The few DER (ITU-T X.690) encodings an X.509 certificate needs: each method returns one complete
 * element, tag, length and content. Only what {@link SelfSignedCertificate} uses is here; there is no
 * decoder (the JDK's {@code CertificateFactory} parses the result).
 *
 * <p><b>Threading:</b> stateless and thread-safe.
 */
final class Der {

    static final int INTEGER = 0x02;
    static final int BIT_STRING = 0x03;
    static final int OCTET_STRING = 0x04;
    static final int OID = 0x06;
    static final int UTF8_STRING = 0x0c;
    static final int UTC_TIME = 0x17;
    static final int GENERALIZED_TIME = 0x18;
    static final int SEQUENCE = 0x30;
    static final int SET = 0x31;

    private static final DateTimeFormatter UTC_TIME_FORMAT = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'");
    private static final DateTimeFormatter GENERALIZED_TIME_FORMAT = DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'");

    private Der() {
    }

    /** An element with the given tag byte and content. */
    static byte[] element(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        writeLength(out, content.length);
        out.writeBytes(content);
        return out.toByteArray();
    }

    /** Short form below 128, else long form: 0x80 | number of length bytes, then the length big-endian. */
    static void writeLength(ByteArrayOutputStream out, int length) {
        if (length < 0) {
            throw new IllegalArgumentException("negative length " + length);
        }
        if (length < 0x80) {
            out.write(length);
            return;
        }
        int bytes = (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 7) / 8;
        out.write(0x80 | bytes);
        for (int i = bytes - 1; i >= 0; i--) {
            out.write(length >>> (8 * i));
        }
    }

    static byte[] sequence(byte[]... elements) {
        return element(SEQUENCE, concat(elements));
    }

    static byte[] set(byte[]... elements) {
        return element(SET, concat(elements));
    }

    /** An explicitly tagged element: context-specific, constructed, tag number {@code number} (0..30). */
    static byte[] explicit(int number, byte[] element) {
        if (number < 0 || number > 30) {
            throw new IllegalArgumentException("context tag number must be 0..30: " + number);
        }
        return element(0xa0 | number, element);
    }

    /** Two's complement, minimal length, as {@link BigInteger#toByteArray()} gives it. */
    static byte[] integer(BigInteger value) {
        return element(INTEGER, value.toByteArray());
    }

    static byte[] integer(long value) {
        return integer(BigInteger.valueOf(value));
    }

    static byte[] bool(boolean value) {
        return element(0x01, new byte[] {value ? (byte) 0xff : 0});
    }

    static byte[] octetString(byte[] content) {
        return element(OCTET_STRING, content);
    }

    /** A bit string of whole bytes: no unused bits. */
    static byte[] bitString(byte[] content) {
        return bitString(content, 0);
    }

    /** A bit string whose last byte has {@code unusedBits} (0..7) padding bits, which must be zero. */
    static byte[] bitString(byte[] content, int unusedBits) {
        if (unusedBits < 0 || unusedBits > 7 || (unusedBits > 0 && content.length == 0)) {
            throw new IllegalArgumentException("unused bits must be 0..7 (0 when empty): " + unusedBits);
        }
        if (unusedBits > 0 && (content[content.length - 1] & ((1 << unusedBits) - 1)) != 0) {
            throw new IllegalArgumentException("the " + unusedBits + " unused bits must be zero");
        }
        byte[] body = new byte[content.length + 1];
        body[0] = (byte) unusedBits;
        System.arraycopy(content, 0, body, 1, content.length);
        return element(BIT_STRING, body);
    }

    static byte[] utf8String(String value) {
        return element(UTF8_STRING, value.getBytes(StandardCharsets.UTF_8));
    }

    /** An object identifier in dotted form, such as {@code 1.2.840.10045.4.3.2}. */
    static byte[] oid(String dotted) {
        String[] parts = dotted.split("\\.");
        if (parts.length < 2) {
            throw new IllegalArgumentException("an OID has at least two arcs: " + dotted);
        }
        long first = Long.parseLong(parts[0]);
        long second = Long.parseLong(parts[1]);
        if (first > 2 || (first < 2 && second > 39) || second < 0) {
            throw new IllegalArgumentException("invalid first arcs of OID " + dotted);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeBase128(out, first * 40 + second);
        for (int i = 2; i < parts.length; i++) {
            long arc = Long.parseLong(parts[i]);
            if (arc < 0) {
                throw new IllegalArgumentException("negative arc in OID " + dotted);
            }
            writeBase128(out, arc);
        }
        return element(OID, out.toByteArray());
    }

    /** Seven bits a byte, most significant first, the high bit set on every byte but the last. */
    private static void writeBase128(ByteArrayOutputStream out, long value) {
        int groups = Math.max(1, (Long.SIZE - Long.numberOfLeadingZeros(value) + 6) / 7);
        for (int i = groups - 1; i >= 0; i--) {
            int b = (int) (value >>> (7 * i)) & 0x7f;
            out.write(i > 0 ? b | 0x80 : b);
        }
    }

    /**
     * A certificate validity time as RFC 5280 4.1.2.5 wants it: UTCTime up to 2049, GeneralizedTime
     * from 2050, both in UTC to the second.
     */
    static byte[] time(Instant instant) {
        ZonedDateTime utc = instant.atZone(ZoneOffset.UTC);
        if (utc.getYear() < 1950 || utc.getYear() > 9999) {
            throw new IllegalArgumentException("certificate time out of range: " + instant);
        }
        if (utc.getYear() < 2050) {
            return element(UTC_TIME, UTC_TIME_FORMAT.format(utc).getBytes(StandardCharsets.US_ASCII));
        }
        return element(GENERALIZED_TIME, GENERALIZED_TIME_FORMAT.format(utc).getBytes(StandardCharsets.US_ASCII));
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
