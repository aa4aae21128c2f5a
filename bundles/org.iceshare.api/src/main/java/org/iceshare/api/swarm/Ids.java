package org.iceshare.api.swarm;

import java.util.HexFormat;

/** Shared checks for the fixed-length identifiers. Not part of the API surface. */
final class Ids {
    private static final HexFormat HEX = HexFormat.of();

    private Ids() {
    }

    static byte[] checked(byte[] bytes, int length, String what) {
        if (bytes == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        if (bytes.length != length) {
            throw new IllegalArgumentException(what + " must be " + length + " bytes, got " + bytes.length);
        }
        return bytes.clone();
    }

    static byte[] fromHex(String hex, int length, String what) {
        if (hex == null || hex.length() != length * 2) {
            throw new IllegalArgumentException(what + " must be " + (length * 2) + " hex digits: " + hex);
        }
        try {
            return HEX.parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not hexadecimal: " + hex, e);
        }
    }

    static String toHex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }
}
