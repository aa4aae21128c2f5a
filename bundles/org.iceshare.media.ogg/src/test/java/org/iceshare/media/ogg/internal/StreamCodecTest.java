package org.iceshare.media.ogg.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.iceshare.media.ogg.internal.OggTestFiles.Fixture;
import org.iceshare.media.ogg.internal.OggTestFiles.Page;
import org.iceshare.media.ogg.internal.StreamCodec.HeaderException;
import org.junit.jupiter.api.Test;

/** Header parsing, granule mapping and packet lengths per codec. */
class StreamCodecTest {

    private static void header(StreamCodec codec, long index, byte[] packet) throws HeaderException {
        byte[] tail = java.util.Arrays.copyOfRange(packet, Math.max(0, packet.length - OggPacketAssembler.TAIL_LENGTH),
                packet.length);
        codec.header(index, packet, Math.min(packet.length, StreamCodec.HEADER_HEAD), packet.length, tail);
    }

    private static long duration(StreamCodec codec, byte... packet) {
        return codec.duration(packet, packet.length, packet.length);
    }

    @Test
    void opusPacketLengthsFromTheTocByte() {
        StreamCodec opus = StreamCodec.of(OggCodec.OPUS);
        // SILK 10/20/40/60 ms, hybrid 10/20 ms, CELT 2.5/5/10/20 ms; one frame (code 0)
        int[] expected = {480, 960, 1920, 2880};
        for (int config = 0; config < 12; config++) {
            assertThat(duration(opus, (byte) (config << 3))).as("config %d", config).isEqualTo(expected[config & 3]);
        }
        assertThat(duration(opus, (byte) (12 << 3))).isEqualTo(480);
        assertThat(duration(opus, (byte) (15 << 3))).isEqualTo(960);
        int[] celt = {120, 240, 480, 960};
        for (int config = 16; config < 32; config++) {
            assertThat(duration(opus, (byte) (config << 3))).as("config %d", config).isEqualTo(celt[config & 3]);
        }
        // two frames (codes 1 and 2), and code 3 with its frame count in the second byte
        assertThat(duration(opus, (byte) (31 << 3 | 1))).isEqualTo(1920);
        assertThat(duration(opus, (byte) (31 << 3 | 2))).isEqualTo(1920);
        assertThat(duration(opus, (byte) (16 << 3 | 3), (byte) 48)).isEqualTo(48 * 120);
        assertThat(duration(opus, (byte) (16 << 3 | 3))).isEqualTo(-1);
        assertThat(duration(opus)).isZero();
    }

    @Test
    void opusTimeSubtractsThePreSkip() throws Exception {
        StreamCodec opus = StreamCodec.of(OggCodec.OPUS);
        header(opus, 0, OggTestFiles.opusHead(2, 312));
        assertThat(opus.micros(312)).isZero();
        assertThat(opus.micros(48_312)).isEqualTo(1_000_000);
        assertThat(opus.micros(0)).isEqualTo(-6_500);
        assertThat(opus.describe()).isEqualTo("opus 2 ch pre-skip 312");
        assertThatThrownBy(() -> header(StreamCodec.of(OggCodec.OPUS), 0, OggTestFiles.opusHead(3, 0)))
                .isInstanceOf(HeaderException.class).hasMessageContaining("family 0 with 3 channels");
        assertThatThrownBy(() -> header(opus, 1, OggTestFiles.packet("OpusTagz", 16)))
                .isInstanceOf(HeaderException.class).hasMessageContaining("OpusTags");
    }

    @Test
    void flacBlockSizesFromTheFrameHeader() {
        StreamCodec flac = StreamCodec.of(OggCodec.FLAC);
        byte ff = (byte) 0xff;
        byte sync = (byte) 0xf8;
        assertThat(duration(flac, ff, sync, (byte) 0x10, (byte) 0, (byte) 0)).isEqualTo(192);
        assertThat(duration(flac, ff, sync, (byte) 0x20, (byte) 0, (byte) 0)).isEqualTo(576);
        assertThat(duration(flac, ff, sync, (byte) 0x50, (byte) 0, (byte) 0)).isEqualTo(4608);
        assertThat(duration(flac, ff, sync, (byte) 0x80, (byte) 0, (byte) 0)).isEqualTo(256);
        assertThat(duration(flac, ff, sync, (byte) 0xc0, (byte) 0, (byte) 0)).isEqualTo(4096);
        assertThat(duration(flac, ff, sync, (byte) 0xf0, (byte) 0, (byte) 0)).isEqualTo(32768);
        // 8-bit and 16-bit block size after a one-byte and a three-byte frame number
        assertThat(duration(flac, ff, sync, (byte) 0x60, (byte) 0, (byte) 0x05, (byte) 99)).isEqualTo(100);
        assertThat(duration(flac, ff, (byte) 0xf9, (byte) 0x70, (byte) 0, (byte) 0xe1, (byte) 0x80, (byte) 0x80,
                (byte) 0x12, (byte) 0x33)).isEqualTo(0x1234);
        assertThat(duration(flac, ff, sync, (byte) 0x00, (byte) 0, (byte) 0)).isEqualTo(-1);
        assertThat(duration(flac, (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 0)).isEqualTo(-1);
    }

    @Test
    void flacHeaders() throws Exception {
        StreamCodec.Flac flac = (StreamCodec.Flac) StreamCodec.of(OggCodec.FLAC);
        header(flac, 0, OggTestFiles.flacHeader(44_100, 2));
        assertThat(flac.rate).isEqualTo(44_100);
        assertThat(flac.isHeader(2)).isTrue();
        assertThat(flac.isHeader(3)).isFalse();
        assertThat(flac.headersComplete(2)).isFalse();
        assertThat(flac.headersComplete(3)).isTrue();

        // header count 0: metadata blocks until the one flagged last
        StreamCodec.Flac open = (StreamCodec.Flac) StreamCodec.of(OggCodec.FLAC);
        header(open, 0, OggTestFiles.flacHeader(8_000, 0));
        assertThat(open.isHeader(1)).isTrue();
        header(open, 1, OggTestFiles.flacMetadata(4, false, 10));
        assertThat(open.isHeader(2)).isTrue();
        header(open, 2, OggTestFiles.flacMetadata(1, true, 10));
        assertThat(open.isHeader(3)).isFalse();
        assertThat(open.headersComplete(3)).isTrue();
        assertThatThrownBy(() -> header(open, 3, OggTestFiles.flacFrame(20))).isInstanceOf(HeaderException.class);

        byte[] version2 = OggTestFiles.flacHeader(8_000, 0);
        version2[5] = 2;
        assertThatThrownBy(() -> header(StreamCodec.of(OggCodec.FLAC), 0, version2))
                .isInstanceOf(HeaderException.class).hasMessageContaining("version 2");
    }

    /** The real setup header of vorbis.ogg gives the packet lengths that add up to its first granule. */
    @Test
    void vorbisModesFromARealSetupHeader() throws Exception {
        byte[] file = Fixture.VORBIS.bytes();
        List<byte[]> packets = OggTestFiles.packets(file, 1234);
        StreamCodec.Vorbis vorbis = (StreamCodec.Vorbis) StreamCodec.of(OggCodec.VORBIS);
        for (int i = 0; i < 3; i++) {
            header(vorbis, i, packets.get(i));
        }
        assertThat(vorbis.rate).isEqualTo(44_100);
        assertThat(vorbis.block0).isEqualTo(256);
        assertThat(vorbis.block1).isEqualTo(2048);
        assertThat(vorbis.modeLong).containsExactly(false, true);

        // the first data page: its packets' lengths (the first gives none) add up to its granule
        Page first = OggTestFiles.scan(file).get(2);
        int onFirstPage = OggTestFiles.packets(OggTestFiles.pages(file, 0, 3), 1234).size() - 3;
        long sum = 0;
        for (int i = 3; i < 3 + onFirstPage; i++) {
            byte[] p = packets.get(i);
            long d = vorbis.duration(p, Math.min(p.length, StreamCodec.DATA_HEAD), p.length);
            assertThat(d).isNotNegative();
            sum += d;
        }
        assertThat(sum).isEqualTo(first.granule());
    }

    @Test
    void vorbisModeParsingNeedsAPlausibleEnd() {
        assertThat(StreamCodec.Vorbis.modeBlockFlags(new byte[100])).isNull();
        assertThat(StreamCodec.Vorbis.modeBlockFlags(new byte[0])).isNull();
        byte[] ones = new byte[200];
        java.util.Arrays.fill(ones, (byte) 0xff);
        assertThat(StreamCodec.Vorbis.modeBlockFlags(ones)).isNull();
    }

    @Test
    void vorbisIdentificationHeaderChecks() {
        byte[] ident = OggTestFiles.packets(Fixture.VORBIS.bytes(), 1234).get(0);
        byte[] zeroRate = ident.clone();
        java.util.Arrays.fill(zeroRate, 12, 16, (byte) 0);
        assertThatThrownBy(() -> header(StreamCodec.of(OggCodec.VORBIS), 0, zeroRate))
                .isInstanceOf(HeaderException.class).hasMessageContaining("sample rate 0");
        byte[] blocks = ident.clone();
        blocks[28] = (byte) 0x8b; // 2048 then 256
        assertThatThrownBy(() -> header(StreamCodec.of(OggCodec.VORBIS), 0, blocks))
                .isInstanceOf(HeaderException.class).hasMessageContaining("block sizes 2048/256");
        assertThatThrownBy(() -> header(StreamCodec.of(OggCodec.VORBIS), 0, java.util.Arrays.copyOf(ident, 29)))
                .isInstanceOf(HeaderException.class).hasMessageContaining("30 bytes");
    }

    @Test
    void theoraGranulesCountFrames() throws Exception {
        StreamCodec.Theora theora = (StreamCodec.Theora) StreamCodec.of(OggCodec.THEORA);
        header(theora, 0, OggTestFiles.theoraIdent(30_000, 1001, 6));
        assertThat(theora.keyframeShift).isEqualTo(6);
        // keyframe 1 (the first frame), then 11 frames after keyframe 3
        assertThat(theora.units(1 << 6)).isEqualTo(1);
        assertThat(theora.units(3L << 6 | 11)).isEqualTo(14);
        assertThat(theora.units(-1)).isEqualTo(-1);
        assertThat(theora.micros(30)).isEqualTo(1_001_000);
        assertThat(theora.isKeyframe((byte) 0x00)).isTrue();
        assertThat(theora.isKeyframe((byte) 0x40)).isFalse();
        assertThat(theora.isKeyframe((byte) 0x80)).isFalse();

        // before 3.2.1 the granule holds the frame's index, one less than the count
        byte[] old = OggTestFiles.theoraIdent(25, 1, 6);
        old[9] = 0;
        StreamCodec.Theora older = (StreamCodec.Theora) StreamCodec.of(OggCodec.THEORA);
        header(older, 0, old);
        assertThat(older.units(0)).isEqualTo(1);

        byte[] noRate = OggTestFiles.theoraIdent(0, 1, 6);
        assertThatThrownBy(() -> header(StreamCodec.of(OggCodec.THEORA), 0, noRate))
                .isInstanceOf(HeaderException.class).hasMessageContaining("frame rate 0/1");
    }

    @Test
    void speexHeaders() throws Exception {
        StreamCodec.Speex speex = (StreamCodec.Speex) StreamCodec.of(OggCodec.SPEEX);
        header(speex, 0, OggTestFiles.speexHeader(16_000, 320, 2, 1));
        assertThat(speex.isHeader(2)).isTrue();
        assertThat(speex.isHeader(3)).isFalse();
        assertThat(duration(speex, (byte) 1)).isEqualTo(640);
        assertThat(speex.micros(16_000)).isEqualTo(1_000_000);
        assertThatThrownBy(() -> header(StreamCodec.of(OggCodec.SPEEX), 0,
                OggTestFiles.speexHeader(16_000, 320, 1, 1_000_000))).isInstanceOf(HeaderException.class)
                .hasMessageContaining("1000000 extra headers");
    }

    @Test
    void timesSaturateInsteadOfOverflowing() throws Exception {
        assertThat(StreamCodec.scale(Long.MAX_VALUE, 1_000_000, 44_100)).isEqualTo(StreamCodec.TIME_LIMIT);
        assertThat(StreamCodec.scale(-Long.MAX_VALUE, 1_000_000, 1)).isEqualTo(-StreamCodec.TIME_LIMIT);
        assertThat(StreamCodec.scale(44_100, 1_000_000, 44_100)).isEqualTo(1_000_000);
        StreamCodec.Theora theora = (StreamCodec.Theora) StreamCodec.of(OggCodec.THEORA);
        header(theora, 0, OggTestFiles.theoraIdent(1, 0x7fff_ffff, 0));
        assertThat(theora.micros(theora.units(Long.MAX_VALUE))).isEqualTo(StreamCodec.TIME_LIMIT);
    }

    @Test
    void opaqueAndSkeletonHaveNoTime() {
        assertThat(StreamCodec.of(OggCodec.SKELETON).timed()).isFalse();
        assertThat(StreamCodec.of(OggCodec.SKELETON).isHeader(1000)).isTrue();
        StreamCodec vp8 = StreamCodec.of(OggCodec.VP8);
        assertThat(vp8.opaque()).isTrue();
        assertThat(vp8.timed()).isFalse();
        assertThat(vp8.describe()).isEqualTo("vp8");
    }
}
