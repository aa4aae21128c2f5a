package org.iceshare.core.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.iceshare.core.internal.support.Encoders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Titles from real encoders' comment headers, and malformed header pages as values. */
class OggCommentsTest {
    @TempDir
    Path tmp;

    @Test
    void readsOpusTagsAlsoWhenTheySpanPages() throws Exception {
        // 70 kB of padding: a page holds at most 255 segments of 255 bytes (65,025), so the OpusTags packet
        // must continue on a second page
        byte[] file = Files.readAllBytes(Encoders.opusTagged(tmp, 1, "Nachtmusik – Satz 2", "Orchester", 70_000));
        assertThat(pagesBeforeAudio(file)).as("header pages").isGreaterThan(2);
        assertThat(OggComments.of(ByteBuffer.wrap(file)))
                .isEqualTo(new OggComments.Tags("Nachtmusik – Satz 2", "Orchester"));
    }

    @Test
    void malformedHeaderPagesGiveNoTags() throws Exception {
        byte[] file = Files.readAllBytes(Encoders.opusTagged(tmp, 1, "T", "A", 70_000));
        // cut inside the comment packet: it never completes
        assertThat(OggComments.of(ByteBuffer.wrap(Arrays.copyOf(file, 6_000)))).isEqualTo(OggComments.NONE);
        assertThat(OggComments.of(ByteBuffer.wrap("not an Ogg page at all, just text".getBytes(
                StandardCharsets.US_ASCII)))).isEqualTo(OggComments.NONE);
        assertThat(OggComments.of(ByteBuffer.allocate(0))).isEqualTo(OggComments.NONE);
    }

    @Test
    void commentPacketsWithLengthsBeyondTheirBytesAreNone() {
        assertThat(OggComments.comments(packet("OpusTags", 3, "abc", 1, "TITLE=x"))).isEqualTo(
                new OggComments.Tags("x", ""));
        assertThat(OggComments.comments(packet("OpusTags", 3, "abc", 2, "TITLE=x"))).as("a second comment missing")
                .isNull();
        assertThat(OggComments.comments(packet("OpusTags", 99, "abc", 0))).as("vendor longer than the packet")
                .isNull();
        assertThat(OggComments.comments(packet("\u0003vorbis", 0, "", 2, "artist=B", "title=A"))).as(
                "field names are case-insensitive").isEqualTo(new OggComments.Tags("A", "B"));
        assertThat(OggComments.comments(packet("OpusHead", 0, "", 0))).as("not a comment header").isNull();
    }

    /** A comment packet: magic, vendor length and vendor, comment count, then each comment. */
    private static byte[] packet(String magic, int vendorLength, String vendor, int count, String... comments) {
        ByteBuffer b = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
        b.put(magic.getBytes(StandardCharsets.ISO_8859_1)).putInt(vendorLength).put(vendor.getBytes(
                StandardCharsets.UTF_8)).putInt(count);
        for (String c : comments) {
            byte[] u = c.getBytes(StandardCharsets.UTF_8);
            b.putInt(u.length).put(u);
        }
        return Arrays.copyOf(b.array(), b.position());
    }

    /** How many pages come before the first with a positive granule position. */
    private static int pagesBeforeAudio(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int at = 0;
        int pages = 0;
        while (at + 27 <= file.length && b.getLong(at + 6) <= 0) {
            int segments = file[at + 26] & 0xff;
            int length = 27 + segments;
            for (int i = 0; i < segments; i++) {
                length += file[at + 27 + i] & 0xff;
            }
            at += length;
            pages++;
        }
        return pages;
    }
}
