package org.iceshare.media.ogg.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.iceshare.api.media.MediaLayout;
import org.iceshare.api.media.MediaLayout.Segment;
import org.iceshare.media.ogg.internal.OggCorpus.Result;
import org.iceshare.media.ogg.internal.OggFormatException.Kind;
import org.iceshare.media.ogg.internal.OggTestFiles.Page;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file of the generated corpus (real encoders: oggenc, opusenc, flac, speexenc, ffmpeg;
 * chains by cat, multiplexes by {@code ffmpeg -c copy}, a Skeleton by oggz-chop), checked against
 * the real tools run here:
 * <ul>
 * <li>{@code oggz-info}: logical streams, codecs, page counts, packet counts, sample and frame
 * rates. oggz-tools 1.1.1 does not know Opus: it says "Unknown" and counts its packets wrong, so for
 * Opus only the page count is compared, and ffprobe confirms the codec.</li>
 * <li>{@code ffprobe}, per chain link (ffprobe gets chained durations wrong, and ffmpeg 5.1 decodes
 * a link that changes parameters or codec with the first link's setup, so each link is cut out at
 * the boundary our layout found, checked byte for byte against the file the script concatenated, and
 * probed alone): its codecs, and its duration as the span of its audio and video packets, from the
 * earliest packet time to the latest packet's end. That span is right where the format duration is
 * not: ffmpeg 5.1's Opus format duration includes the pre-skip, and for a cut file (oggz-chop) it
 * does not start at the first packet.</li>
 * <li>{@code ffprobe -show_frames}: the Theora keyframes, against our start points.</li>
 * <li>{@code ffmpeg -v error -f null}: the link's header pieces followed by the data from a start
 * point decode without a single error.</li>
 * </ul>
 * Times are compared within {@value #MICROS} microseconds: ffprobe prints rounded microseconds,
 * ours are truncated.
 */
@ExtendWith(OggCorpus.class)
class OggCorpusTest {
    static final long MICROS = 5;

    /** The corpus files, and for chains the files that were concatenated into them, in order. */
    enum Corpus {
        VORBIS("vorbis.ogg"),
        VORBIS_22K_MONO("vorbis-22k-mono.ogg"),
        OPUS("opus.opus"),
        FLAC("flac.oga"),
        SPEEX("speex.spx"),
        THEORA_VORBIS("theora-vorbis.ogv"),
        THEORA("theora.ogv"),
        CHAIN_VORBIS_PARAMS("chain-vorbis-params.ogg", "vorbis.ogg", "vorbis-22k-mono.ogg"),
        CHAIN_VORBIS_OPUS("chain-vorbis-opus.ogg", "vorbis-22k-mono.ogg", "opus.opus"),
        CHAIN_THREE("chain-three.ogg", "speex.spx", "flac.oga", "vorbis-22k-mono.ogg"),
        MUX_THEORA_VORBIS("mux-theora-vorbis.ogv"),
        MUX_VORBIS_OPUS("mux-vorbis-opus.ogg"),
        SKELETON_CHOP("skeleton-chop.ogv");

        final String file;
        final List<String> links;

        Corpus(String file, String... links) {
            this.file = file;
            this.links = links.length == 0 ? List.of(file) : List.of(links);
        }

        byte[] bytes() {
            return OggCorpus.bytes(file);
        }
    }

    private static final int[] TARGETS = {4096, 16_384, OggFormat.DEFAULT_PIECE_SIZE};

    static Stream<Arguments> filesAndTargets() {
        return Arrays.stream(Corpus.values()).flatMap(c -> Arrays.stream(TARGETS).mapToObj(t -> Arguments.of(c, t)));
    }

    private static OggFormat.Analysis analyse(byte[] file, int target) throws Exception {
        return new OggFormat(target).analyse(new ByteArrayInputStream(file), true);
    }

    /** The bytes of link {@code k} as the layout cut it. */
    private static byte[] linkBytes(byte[] file, MediaLayout layout, int k) {
        long from = layout.pieces().get(layout.links().get(k).firstPiece()).offset();
        long to = k + 1 < layout.links().size() ? layout.pieces().get(layout.links().get(k + 1).firstPiece()).offset()
                : file.length;
        return Arrays.copyOfRange(file, (int) from, (int) to);
    }

    // ---- oggz-info: streams, codecs, pages, packets, rates ----

    /** One stream as oggz-info reports it. */
    record OggzStream(int serial, String codec, long packets, long pages, long rate, int channels) {
    }

    private static final Pattern STREAM = Pattern.compile("^(\\w+): serialno (\\d+)$");
    private static final Pattern COUNTS = Pattern.compile("^(\\d+) packets in (\\d+) pages.*");
    private static final Pattern RATE = Pattern.compile("^Audio-Samplerate: (\\d+) Hz$");
    private static final Pattern CHANNELS = Pattern.compile("^Audio-Channels: (\\d+)$");
    private static final Pattern FPS = Pattern.compile("^Video-Framerate: ([\\d.]+) fps$");

    static List<OggzStream> oggzInfo(String file) {
        Result r = OggCorpus.run("oggz-info", file);
        assertThat(r.exit()).as("oggz-info %s: %s", file, r.stderr()).isZero();
        List<OggzStream> out = new ArrayList<>();
        String codec = null;
        int serial = 0;
        long packets = -1;
        long pages = -1;
        long rate = -1;
        int channels = -1;
        for (String line : r.lines()) {
            Matcher m;
            if ((m = STREAM.matcher(line)).matches()) {
                if (codec != null) {
                    out.add(new OggzStream(serial, codec, packets, pages, rate, channels));
                }
                codec = m.group(1).toLowerCase();
                // oggz-info prints the serial sign-extended to 64 bits
                serial = (int) Long.parseUnsignedLong(m.group(2));
                rate = -1;
                channels = -1;
            } else if ((m = COUNTS.matcher(line)).matches()) {
                packets = Long.parseLong(m.group(1));
                pages = Long.parseLong(m.group(2));
            } else if ((m = RATE.matcher(line)).matches()) {
                rate = Long.parseLong(m.group(1));
            } else if ((m = CHANNELS.matcher(line)).matches()) {
                channels = Integer.parseInt(m.group(1));
            } else if ((m = FPS.matcher(line)).matches()) {
                rate = Math.round(Double.parseDouble(m.group(1)) * 1000);
            }
        }
        if (codec != null) {
            out.add(new OggzStream(serial, codec, packets, pages, rate, channels));
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(Corpus.class)
    void streamsCodecsPagesAndPacketsMatchOggzInfo(Corpus corpus) throws Exception {
        byte[] file = corpus.bytes();
        OggFormat.Analysis a = analyse(file, OggFormat.DEFAULT_PIECE_SIZE);
        List<OggzStream> oggz = oggzInfo(corpus.file);

        assertThat(a.streams()).hasSameSizeAs(oggz);
        assertThat(a.layout().properties()).containsEntry("streams", Integer.toString(oggz.size()))
                .containsEntry("pages", Long.toString(oggz.stream().mapToLong(OggzStream::pages).sum()));
        Map<Integer, LogicalStreams.Stream> ours = new HashMap<>();
        a.streams().forEach(s -> ours.put(s.serial, s));
        boolean withOpus = a.streams().stream().anyMatch(s -> s.codec.codec == OggCodec.OPUS);
        for (OggzStream o : oggz) {
            LogicalStreams.Stream s = ours.get(o.serial());
            assertThat(s).as("stream %s of %s", Integer.toUnsignedString(o.serial()), corpus.file).isNotNull();
            assertThat(s.pages).as("pages of %s", s).isEqualTo(o.pages());
            if (o.codec().equals("unknown")) {
                // oggz-tools 1.1.1 does not know Opus; ffprobe names the codec (see the link test)
                assertThat(s.codec.codec).isEqualTo(OggCodec.OPUS);
                continue;
            }
            assertThat(s.codec.codec.id()).isEqualTo(o.codec());
            if (!withOpus) {
                // beside an Opus stream oggz-info miscounts the other streams' packets too (ffprobe counts them)
                assertThat(s.packets.packets()).as("packets of %s", s).isEqualTo(o.packets());
            }
            if (o.rate() > 0) {
                assertThat(s.codec.rate()).as("rate of %s", s).isEqualTo(o.rate());
            }
            if (o.channels() > 0) {
                assertThat(s.codec.channels()).as("channels of %s", s).isEqualTo(o.channels());
            }
        }
    }

    // ---- ffprobe, per link: codecs and duration ----

    /**
     * The codecs of ffprobe's audio and video streams, in order, how many packets it read of each, and
     * the span of their packets in microseconds.
     */
    record Probe(List<String> codecs, List<Long> packets, long firstMicros, long endMicros) {
        long duration() {
            return endMicros - firstMicros;
        }
    }

    static Probe ffprobe(Path file) {
        // csv fields come in ffprobe's order: index, codec_name, codec_type, nb_read_packets
        Result streams = OggCorpus.run("ffprobe", "-v", "error", "-count_packets", "-show_entries",
                "stream=index,codec_name,codec_type,nb_read_packets", "-of", "csv=p=0", file.toString());
        assertThat(streams.exit()).as("ffprobe %s: %s", file, streams.stderr()).isZero();
        List<String> codecs = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        Set<Integer> media = new TreeSet<>();
        for (String line : streams.lines()) {
            String[] f = line.split(",");
            if (f[2].equals("audio") || f[2].equals("video")) {
                codecs.add(f[1]);
                counts.add(Long.parseLong(f[3]));
                media.add(Integer.parseInt(f[0]));
            }
        }
        Result packets = OggCorpus.run("ffprobe", "-v", "error", "-show_entries",
                "packet=stream_index,pts_time,duration_time", "-of", "csv=p=0", file.toString());
        assertThat(packets.exit()).isZero();
        double first = Double.MAX_VALUE;
        double end = -Double.MAX_VALUE;
        for (String line : packets.lines()) {
            String[] f = line.split(",");
            if (!media.contains(Integer.parseInt(f[0])) || f[1].equals("N/A")) {
                continue;
            }
            double pts = Double.parseDouble(f[1]);
            first = Math.min(first, pts);
            end = Math.max(end, pts + (f[2].equals("N/A") ? 0 : Double.parseDouble(f[2])));
        }
        // ffmpeg gives samples that are not presented negative times: Vorbis's priming packet, Opus's
        // pre-skip. Presentation starts at 0 at the earliest.
        return new Probe(codecs, counts, Math.round(Math.max(0, first) * 1e6), Math.round(end * 1e6));
    }

    @ParameterizedTest
    @EnumSource(Corpus.class)
    void everyLinkMatchesFfprobe(Corpus corpus, @TempDir Path tmp) throws Exception {
        byte[] file = corpus.bytes();
        OggFormat.Analysis a = analyse(file, 16_384);
        MediaLayout layout = a.layout();

        assertThat(layout.links()).hasSize(corpus.links.size());
        assertThat(layout.properties()).containsEntry("links", Integer.toString(corpus.links.size()));
        long start = 0;
        for (int k = 0; k < layout.links().size(); k++) {
            MediaLayout.Link link = layout.links().get(k);
            byte[] bytes = linkBytes(file, layout, k);
            // our link boundary is exactly where the script concatenated the files
            assertThat(Arrays.equals(bytes, OggCorpus.bytes(corpus.links.get(k)))).as("link %d of %s is %s", k,
                    corpus.file, corpus.links.get(k)).isTrue();
            Path alone = tmp.resolve("link" + k + ".ogg");
            Files.write(alone, bytes);
            Probe probe = ffprobe(alone);

            List<String> ours = Arrays.stream(link.codecs().split(",")).filter(c -> !c.equals("skeleton")).toList();
            assertThat(probe.codecs()).as("codecs of link %d of %s", k, corpus.file).isEqualTo(ours);
            int linkIndex = k;
            List<Long> dataPackets = a.streams().stream()
                    .filter(s -> s.link.index == linkIndex && s.codec.codec != OggCodec.SKELETON)
                    .map(s -> s.packets.packets() - s.headerPackets).toList();
            assertThat(dataPackets).as("data packets per stream of link %d of %s", k, corpus.file)
                    .isEqualTo(probe.packets());
            assertThat(link.startMicros()).isEqualTo(start);
            assertThat(link.endMicros() - link.startMicros()).as("duration of link %d of %s", k, corpus.file)
                    .isCloseTo(probe.duration(), within(MICROS));
            start = link.endMicros();
        }
        assertThat(Long.parseLong(layout.properties().get("durationMicros"))).isEqualTo(start);
        assertThat(layout.pieces().get(layout.pieces().size() - 1).endMicros()).isEqualTo(start);
    }

    /** Where ffprobe's format duration is right (single links without Opus and not cut), it agrees too. */
    @ParameterizedTest
    @EnumSource(value = Corpus.class, names = {"VORBIS", "VORBIS_22K_MONO", "FLAC", "SPEEX", "THEORA_VORBIS", "THEORA",
            "MUX_THEORA_VORBIS"})
    void formatDurationOfPlainFiles(Corpus corpus) throws Exception {
        Result r = OggCorpus.run("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0",
                corpus.file);
        long ffprobe = Math.round(Double.parseDouble(r.stdout().strip()) * 1e6);
        MediaLayout layout = analyse(corpus.bytes(), 16_384).layout();
        assertThat(Long.parseLong(layout.properties().get("durationMicros"))).isCloseTo(ffprobe, within(MICROS));
    }

    /** ffmpeg 5.1 counts Opus pre-skip in the format duration; ours is the playing time. */
    @Test
    void opusFormatDurationIncludesThePreSkip() throws Exception {
        Result r = OggCorpus.run("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0",
                Corpus.OPUS.file);
        long ffprobe = Math.round(Double.parseDouble(r.stdout().strip()) * 1e6);
        OggFormat.Analysis a = analyse(Corpus.OPUS.bytes(), 16_384);
        StreamCodec.Opus opus = (StreamCodec.Opus) a.streams().get(0).codec;
        assertThat(opus.preSkip).isEqualTo(312);
        assertThat(Long.parseLong(a.layout().properties().get("durationMicros")))
                .isCloseTo(ffprobe - opus.preSkip * 1_000_000L / 48_000, within(MICROS));
    }

    // ---- pieces: page boundaries, reassembly, headers ----

    @ParameterizedTest(name = "{0}, target {1}")
    @MethodSource("filesAndTargets")
    void piecesAreWholePagesAndEachLinksHeadersAreItsHeaderPieces(Corpus corpus, int target) throws Exception {
        byte[] file = corpus.bytes();
        List<Page> pages = OggTestFiles.scan(file);
        MediaLayout layout = analyse(file, target).layout();

        OggFormatTest.assertWholePageTiling(file, pages, layout, target);
        assertThat(new OggFormat(target).probe(ByteBuffer.wrap(file))).isEqualTo(OggFormat.PROBE_BOS_PAGE);
        for (int k = 0; k < layout.links().size(); k++) {
            MediaLayout.Link link = layout.links().get(k);
            byte[] bytes = linkBytes(file, layout, k);
            long linkStart = layout.pieces().get(link.firstPiece()).offset();
            long headerEnd = linkStart + headerLength(bytes);
            Segment lastHeader = layout.pieces().get(link.firstPiece() + link.headerPieces() - 1);
            assertThat(lastHeader.offset() + lastHeader.length()).as("header pieces of link %d", k).isEqualTo(headerEnd);
            int end = k + 1 < layout.links().size() ? layout.links().get(k + 1).firstPiece() : layout.pieces().size();
            for (int i = link.firstPiece(); i < end; i++) {
                Segment s = layout.pieces().get(i);
                assertThat(s.link()).isEqualTo(k);
                assertThat(s.offset()).isBetween(linkStart, linkStart + bytes.length - 1);
                assertThat(s.startMicros()).isBetween(link.startMicros(), link.endMicros());
                assertThat(s.endMicros()).isBetween(s.startMicros(), link.endMicros());
                assertThat(s.startPoint()).isEqualTo(i >= link.firstPiece() + link.headerPieces() && s.startPoint());
            }
            assertThat(layout.pieces().get(link.firstPiece() + link.headerPieces()).startPoint()).isTrue();
        }
    }

    /**
     * The length of a link's header pages, worked out without the code under test: the leading pages
     * on which every packet (or part of one) has an index below its stream's header count (Vorbis and
     * Theora 3, Opus 2, Speex 2 plus its extra headers, FLAC 1 plus the declared count, Skeleton: all).
     */
    static long headerLength(byte[] link) {
        Map<Integer, Long> headers = new HashMap<>();
        Map<Integer, Long> index = new HashMap<>();
        long length = 0;
        for (Page p : OggTestFiles.scan(link)) {
            int o = (int) p.offset();
            int segments = link[o + 26] & 0xff;
            int body = o + 27 + segments;
            if ((p.flags() & OggPage.BOS) != 0) {
                String magic = new String(link, body, Math.min(8, p.length() - 27 - segments),
                        java.nio.charset.StandardCharsets.ISO_8859_1);
                ByteBuffer b = ByteBuffer.wrap(link).order(ByteOrder.LITTLE_ENDIAN);
                long count = magic.startsWith("\u0001vorbis") || magic.startsWith("\u0080theora") ? 3
                        : magic.startsWith("OpusHead") ? 2
                        : magic.startsWith("Speex") ? 2 + b.getInt(body + 68)
                        : magic.startsWith("\u007fFLAC") ? 1 + ((link[body + 7] & 0xff) << 8 | (link[body + 8] & 0xff))
                        : Long.MAX_VALUE;
                headers.put(p.serial(), count);
            }
            long before = index.getOrDefault(p.serial(), 0L);
            int completed = 0;
            for (int s = 0; s < segments; s++) {
                completed += (link[o + 27 + s] & 0xff) < 255 ? 1 : 0;
            }
            boolean endsOpen = segments > 0 && (link[o + 27 + segments - 1] & 0xff) == 255;
            // the index of the last packet with bytes on this page
            long last = segments == 0 ? before : endsOpen ? before + completed : before + completed - 1;
            index.put(p.serial(), before + completed);
            if (last >= headers.get(p.serial())) {
                return length;
            }
            length = p.end();
        }
        return length;
    }

    // ---- Theora start points are keyframes ----

    static Stream<Corpus> withTheora() {
        return Stream.of(Corpus.THEORA_VORBIS, Corpus.THEORA, Corpus.MUX_THEORA_VORBIS, Corpus.SKELETON_CHOP);
    }

    /**
     * With a small target every keyframe starts a piece: the start points while Theora plays are
     * exactly the keyframes, by our own page parsing ({@link OggTestFiles#keyframePages}) and by the
     * frames ffmpeg decodes with {@code key_frame=1}.
     */
    @ParameterizedTest
    @MethodSource("withTheora")
    void theoraStartPointsAreTheKeyframes(Corpus corpus) throws Exception {
        byte[] file = corpus.bytes();
        OggFormat.Analysis a = analyse(file, 4096);
        LogicalStreams.Stream theora = a.streams().stream().filter(s -> s.codec.codec == OggCodec.THEORA).findFirst()
                .orElseThrow();
        StreamCodec.Theora codec = (StreamCodec.Theora) theora.codec;
        Set<Long> keyframePages = OggTestFiles.keyframePages(file);
        Map<Long, Page> byOffset = new HashMap<>();
        OggTestFiles.scan(file).forEach(p -> byOffset.put(p.offset(), p));

        List<Long> ours = new ArrayList<>();
        MediaLayout layout = a.layout();
        for (Segment s : layout.pieces()) {
            Page first = byOffset.get(s.offset());
            if (!s.startPoint() || first.serial() != theora.serial) {
                continue; // audio pieces after the video ended are start points of their own
            }
            assertThat(keyframePages).as("start point at byte %d", s.offset()).contains(s.offset());
            // the keyframe's presentation time: its number from the granule's upper part, counted from 1
            long keyframe = first.granule() >>> codec.keyframeShift;
            ours.add((keyframe - 1) * 1_000_000 * codec.fpsDenominator / codec.fpsNumerator);
        }
        Result frames = OggCorpus.run("ffprobe", "-v", "error", "-select_streams", "v", "-show_entries",
                "frame=key_frame,pts_time", "-of", "csv=p=0", corpus.file);
        List<Long> ffmpeg = new ArrayList<>();
        for (String line : frames.lines()) {
            String[] f = line.split(",");
            if (f[0].equals("1")) {
                ffmpeg.add(Math.round(Double.parseDouble(f[1]) * 1e6));
            }
        }
        assertThat(ours).hasSize(keyframePages.size()).hasSameSizeAs(ffmpeg);
        for (int i = 0; i < ours.size(); i++) {
            assertThat(ours.get(i)).isCloseTo(ffmpeg.get(i), within(MICROS));
        }
    }

    // ---- a late joiner decodes: the link's headers, then the data from a start point ----

    @ParameterizedTest
    @EnumSource(Corpus.class)
    void aDecoderStartsAtStartPoints(Corpus corpus, @TempDir Path tmp) throws Exception {
        byte[] file = corpus.bytes();
        MediaLayout layout = analyse(file, 16_384).layout();
        int tried = 0;
        for (int k = 0; k < layout.links().size(); k++) {
            MediaLayout.Link link = layout.links().get(k);
            int end = k + 1 < layout.links().size() ? layout.links().get(k + 1).firstPiece() : layout.pieces().size();
            Segment lastHeader = layout.pieces().get(link.firstPiece() + link.headerPieces() - 1);
            long headerFrom = layout.pieces().get(link.firstPiece()).offset();
            long headerTo = lastHeader.offset() + lastHeader.length();
            long linkEnd = layout.pieces().get(end - 1).offset() + layout.pieces().get(end - 1).length();
            List<Segment> starts = layout.pieces().subList(link.firstPiece() + link.headerPieces(), end).stream()
                    .filter(Segment::startPoint).toList();
            // the first, the middle and the last start point of each link
            for (Segment s : new java.util.LinkedHashSet<>(List.of(starts.get(0), starts.get(starts.size() / 2),
                    starts.get(starts.size() - 1)))) {
                Path joined = tmp.resolve("join" + k + "-" + s.offset() + ".ogg");
                Files.write(joined, OggTestFiles.concat(Arrays.copyOfRange(file, (int) headerFrom, (int) headerTo),
                        Arrays.copyOfRange(file, (int) s.offset(), (int) linkEnd)));
                Result r = OggCorpus.run("ffmpeg", "-nostdin", "-v", "error", "-i", joined.toString(), "-f", "null", "-");
                assertThat(r.exit()).isZero();
                assertThat(r.stderr()).as("%s link %d from byte %d", corpus.file, k, s.offset()).isEmpty();
                tried++;
            }
        }
        assertThat(tried).isPositive();
    }

    // ---- the negative cases ----

    /**
     * oggz-merge 1.1.1 writes an illegal multiplex of two Vorbis files: the second BOS page after the
     * first stream's header page. oggz-validate accepts it; ffmpeg fails on it; we refuse it.
     */
    @Test
    void oggzMergeOutputWithAMisplacedBosIsRefused() {
        byte[] file = OggCorpus.bytes("bad-oggz-merge.ogg");
        List<Page> pages = OggTestFiles.scan(file);
        Page secondBos = pages.stream().filter(p -> (p.flags() & OggPage.BOS) != 0).skip(1).findFirst().orElseThrow();
        assertThat(pages.indexOf(secondBos)).isEqualTo(2);

        OggFormatException e = refuse(file);
        assertThat(e.kind()).isEqualTo(Kind.BOS_MISPLACED);
        assertThat(e.offset()).isEqualTo(secondBos.offset());
        assertThat(e.page()).isEqualTo(2);

        assertThat(OggCorpus.run("oggz-validate", "bad-oggz-merge.ogg").exit()).isZero();
        assertThat(OggCorpus.run("ffmpeg", "-nostdin", "-v", "error", "-i", "bad-oggz-merge.ogg", "-f", "null", "-")
                .stderr()).isNotEmpty();
    }

    /** oggz-merge of Vorbis and Opus: Opus audio before the Vorbis comment and setup headers. */
    @Test
    void oggzMergeOutputWithHeadersAfterDataIsRefused() {
        byte[] file = OggCorpus.bytes("bad-header-order.ogg");
        List<Page> pages = OggTestFiles.scan(file);
        int vorbis = pages.stream().filter(p -> (p.flags() & OggPage.BOS) != 0 && file[(int) p.offset() + 28] == 1)
                .findFirst().orElseThrow().serial();
        Page vorbisHeaders = pages.stream().filter(p -> p.serial() == vorbis && p.sequence() == 1).findFirst()
                .orElseThrow();
        Page firstData = pages.stream().filter(p -> p.granule() > 0).findFirst().orElseThrow();
        assertThat(firstData.offset()).isLessThan(vorbisHeaders.offset());

        OggFormatException e = refuse(file);
        assertThat(e.kind()).isEqualTo(Kind.HEADER_AFTER_DATA);
        assertThat(e.offset()).isEqualTo(vorbisHeaders.offset());
        assertThat(e.detail()).contains("on page " + pages.indexOf(firstData) + " at byte " + firstData.offset());
        assertThat(OggCorpus.run("oggz-validate", "bad-header-order.ogg").exit()).isZero();
    }

    private static OggFormatException refuse(byte[] file) {
        Throwable thrown = catchThrowable(() -> new OggFormat(OggFormat.DEFAULT_PIECE_SIZE)
                .layout(new ByteArrayInputStream(file)));
        assertThat(thrown).isInstanceOf(OggFormatException.class);
        return (OggFormatException) thrown;
    }

    /** The corpus script's files are all there, and each positive one passed oggz-validate in the script. */
    @Test
    void theCorpusIsComplete() throws IOException {
        for (Corpus c : Corpus.values()) {
            assertThat(OggCorpus.dir().resolve(c.file)).isRegularFile();
        }
        assertThat(Files.readString(OggCorpus.dir().resolve(".stamp"))).hasSize(64);
    }
}
