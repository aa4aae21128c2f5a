package org.iceshare.media.ogg.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.iceshare.media.ogg.internal.OggTestFiles.Fixture;
import org.iceshare.media.ogg.internal.OggTestFiles.Packet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Lacing and packet reassembly: packets laid out in pages by the independent paginator of
 * {@link OggTestFiles} come back whole (when short enough to keep) with their exact lengths, however
 * they are split.
 */
class OggPacketAssemblerTest {

    /** A packet as the assembler gave it back: its length and what it kept. */
    record Got(long index, long length, byte[] head, byte[] tail) {
    }

    /** Runs the pages of one stream through an assembler that keeps {@code keep} head bytes (and tails). */
    static List<Got> reassemble(byte[] file, int keep, boolean tails) throws Exception {
        OggPageReader reader = new OggPageReader(new ByteArrayInputStream(file));
        OggPacketAssembler assembler = new OggPacketAssembler(keep);
        List<Got> out = new ArrayList<>();
        OggPacketAssembler.Listener listener = new OggPacketAssembler.Listener() {
            @Override
            public void begin(long index) {
                assembler.keepHead(keep);
                if (tails) {
                    assembler.keepTail();
                }
            }

            @Override
            public void end(long index, long length) {
                out.add(new Got(index, length, java.util.Arrays.copyOf(assembler.head(), assembler.headLength()), tails ? assembler.tail() : null));
            }
        };
        for (OggPage page = reader.next(); page != null; page = reader.next()) {
            assertThat(page.isContinued()).as("continuation flag of %s", page).isEqualTo(assembler.inPacket());
            assembler.walk(reader.array(), reader.pageStart() + OggPage.MIN_HEADER_LENGTH, page.segmentCount(), false,
                    listener);
        }
        return out;
    }

    private static List<Packet> packets(int... lengths) {
        Random random = new Random(lengths.length);
        List<Packet> out = new ArrayList<>();
        for (int i = 0; i < lengths.length; i++) {
            byte[] p = new byte[lengths[i]];
            random.nextBytes(p);
            out.add(new Packet(p, i + 1));
        }
        return out;
    }

    private static void assertRoundTrip(List<Packet> packets, int maxBody, int keep) throws Exception {
        byte[] file = OggTestFiles.cat(OggTestFiles.paginate(9, 0, true, true, maxBody, packets));
        List<Got> got = reassemble(file, keep, true);
        assertThat(got).hasSize(packets.size());
        for (int i = 0; i < packets.size(); i++) {
            byte[] want = packets.get(i).data();
            Got g = got.get(i);
            assertThat(g.index()).isEqualTo(i);
            assertThat(g.length()).as("length of packet %d", i).isEqualTo(want.length);
            assertThat(g.head()).as("head of packet %d", i).isEqualTo(Arrays.copyOf(want, Math.min(keep, want.length)));
            int t = Math.min(want.length, OggPacketAssembler.TAIL_LENGTH);
            assertThat(g.tail()).as("tail of packet %d", i).isEqualTo(Arrays.copyOfRange(want, want.length - t,
                    want.length));
        }
    }

    @Test
    void lacingEdgeCases() throws Exception {
        // 0 bytes (one lacing value 0), 255 (255 then 0), 256, 510 (255, 255, 0), 254
        assertRoundTrip(packets(0, 1, 254, 255, 256, 509, 510, 511, 0, 0, 65_025, 65_026), 65_025, 65_536);
    }

    @Test
    void packetsSplitAcrossSmallPages() throws Exception {
        // pages of about 1 KiB: most packets continue on the next page, some end exactly at a page end
        assertRoundTrip(packets(100, 1020, 1021, 2040, 2041, 255, 765, 3000, 5), 1020, 65_536);
    }

    @Test
    void aPacketSpanningManyPagesKeepsOnlyItsHeadAndTail() throws Exception {
        List<Packet> list = packets(10, 1_000_000, 10);
        byte[] file = OggTestFiles.cat(OggTestFiles.paginate(9, 0, true, true, 65_025, list));
        assertThat(OggTestFiles.scan(file).size()).isGreaterThan(15);
        List<Got> got = reassemble(file, 512, true);
        assertThat(got).extracting(Got::length).containsExactly(10L, 1_000_000L, 10L);
        byte[] big = list.get(1).data();
        assertThat(got.get(1).head()).isEqualTo(Arrays.copyOf(big, 512));
        assertThat(got.get(1).tail()).isEqualTo(Arrays.copyOfRange(big, big.length - 4096, big.length));
    }

    @Test
    void randomPacketsAndPageSizes() throws Exception {
        Random random = new Random(7);
        for (int round = 0; round < 40; round++) {
            int[] lengths = new int[1 + random.nextInt(60)];
            for (int i = 0; i < lengths.length; i++) {
                lengths[i] = switch (random.nextInt(4)) {
                    case 0 -> random.nextInt(3) * 255;
                    case 1 -> random.nextInt(300);
                    case 2 -> random.nextInt(5000);
                    default -> random.nextInt(70_000);
                };
            }
            assertRoundTrip(packets(lengths), 1 + random.nextInt(65_025), 65_536);
        }
    }

    /** On real files the packets come back as the naive reassembly of the test finds them. */
    @ParameterizedTest
    @EnumSource(Fixture.class)
    void realFiles(Fixture fixture) throws Exception {
        byte[] file = fixture.bytes();
        List<OggTestFiles.Page> pages = OggTestFiles.scan(file);
        int serial = pages.get(0).serial();
        List<byte[]> expected = OggTestFiles.packets(file, serial);
        byte[] oneStream = OggTestFiles.concat(pages.stream().filter(p -> p.serial() == serial)
                .map(p -> OggTestFiles.bytes(file, p)).toArray(byte[][]::new));
        List<Got> got = reassemble(oneStream, 65_536, false);
        assertThat(got).hasSize(expected.size());
        for (int i = 0; i < got.size(); i++) {
            byte[] want = expected.get(i);
            assertThat(got.get(i).length()).isEqualTo(want.length);
            assertThat(Arrays.equals(got.get(i).head(), Arrays.copyOf(want, Math.min(want.length, 65_536))))
                    .as("packet %d kept its first bytes", i).isTrue();
        }
    }

    @Test
    void aContinuationWhoseStartWasLostIsSkipped() throws Exception {
        List<Packet> list = packets(100, 3000, 100, 100);
        List<byte[]> pages = OggTestFiles.paginate(9, 0, true, true, 1000, list);
        // drop the page where the 3000-byte packet begins: the next pages continue it
        byte[] file = OggTestFiles.cat(pages);
        OggPageReader reader = new OggPageReader(new ByteArrayInputStream(file));
        OggPacketAssembler assembler = new OggPacketAssembler(16);
        List<Long> lengths = new ArrayList<>();
        OggPacketAssembler.Listener listener = new OggPacketAssembler.Listener() {
            @Override
            public void begin(long index) {
            }

            @Override
            public void end(long index, long length) {
                lengths.add(length);
            }
        };
        reader.next(); // page 0: the first packet and the start of the second; never walked
        for (OggPage page = reader.next(); page != null; page = reader.next()) {
            assembler.walk(reader.array(), reader.pageStart() + 27, page.segmentCount(), page.isContinued(), listener);
        }
        assertThat(lengths).containsExactly(100L, 100L);

        OggPacketAssembler partial = new OggPacketAssembler(0);
        byte[] lacing = {(byte) 255};
        partial.walk(lacing, 0, 1, false, listener);
        assertThat(partial.inPacket()).isTrue();
        partial.dropPartial();
        assertThat(partial.inPacket()).isFalse();
        assertThat(partial.dropped()).isEqualTo(1);
        assertThat(partial.packets()).isZero();
    }
}
