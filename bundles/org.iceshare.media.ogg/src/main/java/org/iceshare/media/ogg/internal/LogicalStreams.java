package org.iceshare.media.ogg.internal;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.iceshare.media.ogg.internal.OggFormatException.Kind;
import org.iceshare.media.ogg.internal.StreamCodec.HeaderException;

/**
 * Follows the logical streams of an Ogg content page by page: the rules of RFC 3533 that span
 * pages, the packets inside the pages, the codec headers, and time. For every page it says what a
 * piece cutter needs to know ({@link PageFacts}).
 *
 * <p><b>Structure</b> (each violation is an {@link OggFormatException} with the page's offset):
 * <ul>
 * <li>Every logical stream begins with a BOS page; a page of a stream never begun, or after its EOS,
 * is {@link Kind#NO_BOS}. Serial numbers are unique among open streams
 * ({@link Kind#DUPLICATE_SERIAL}); at most {@value #MAX_OPEN_STREAMS} are open at once.</li>
 * <li>Multiplexing: all BOS pages of a link come before any other page of it
 * ({@link Kind#BOS_MISPLACED}), and the header packets of all its streams come before its first
 * data page ({@link Kind#HEADER_AFTER_DATA}); a page never holds both the end of a stream's headers
 * and the start of its data ({@link Kind#MIXED_HEADER_PAGE}).</li>
 * <li>Chaining: a new link (a new group of BOS pages) begins once every stream of the previous link
 * has ended with its EOS page.</li>
 * <li>Packets: the continuation flag must match the stream's previous page
 * ({@link Kind#BAD_CONTINUATION}). A gap in a stream's page sequence numbers (a recording that
 * joined a live stream late, or a tool that dropped pages, as {@code oggz-chop} does) is
 * tolerated: the packet cut by the gap is dropped, as libogg does, and the gap is counted.</li>
 * <li>Codec headers: a known codec's BOS page holds its identification header alone; header
 * packets must parse ({@link Kind#BAD_HEADER}); a stream may not end before its last header
 * packet.</li>
 * </ul>
 *
 * <p><b>Header pages</b> of a link are the pages on which header packets lie: for a known codec,
 * the codec says which packets are headers; a page with none of its packets begun or ended (a
 * packet spanning pages) goes with the packet it carries. Skeleton streams and opaque codecs (whose
 * headers are unknown here) have their pages counted as header pages while the link's known
 * streams are still in their headers, and as data afterwards; a link without any known codec has
 * only its BOS pages as headers.
 *
 * <p><b>Time</b> is on each link's own clock, in microseconds, as the codecs map granule positions
 * ({@link StreamCodec}); {@link OggPieceCutter} later shifts it so that the content starts at 0 and
 * every link continues after the previous one. A data page's content runs from the end of its
 * stream's previous timed page (or the stream's first sample, for its first page) to its own granule
 * position's time; a page on which no packet ends has no end time of its own (its granule position,
 * which RFC 3533 sets to -1, is ignored). A stream's first sample is its first granule position less
 * the length of the packets up to it, so a stream cut from a longer one starts where it starts.
 *
 * <p><b>Memory</b> is bounded: at most {@value #MAX_OPEN_STREAMS} open streams, each with an
 * {@link OggPacketAssembler} keeping at most {@value StreamCodec#HEADER_HEAD} leading and
 * {@value OggPacketAssembler#TAIL_LENGTH} trailing bytes of a packet. Per link a few numbers are
 * kept (for a {@linkplain #live() live stream} only the current link's); per stream, only when
 * {@link #recordStreams() asked} for (tests).
 *
 * <p><b>Live streams</b> ({@link OggLiveCutter}) tolerate what a file may not have, around this
 * class: the cutter drops pages of streams that are not open ({@link #isOpen}) instead of passing
 * them here, and ends a link whose streams never sent their EOS pages ({@link #abandonOpenStreams})
 * when a new group of BOS pages comes ({@link #bosStartsLink}).
 *
 * <p><b>Threading:</b> not thread-safe; one instance follows one content on one thread.
 */
final class LogicalStreams {
    /** The most logical streams open at once. Real multiplexes hold a handful. */
    static final int MAX_OPEN_STREAMS = 256;
    /** Theora streams per link whose keyframes are followed; more make the link's video opaque. */
    static final int MAX_THEORA_PER_LINK = 64;
    /** No time known. */
    static final long NONE = Long.MIN_VALUE;

    static final String AUDIO_OGG = "audio/ogg";
    static final String VIDEO_OGG = "video/ogg";
    static final String APPLICATION_OGG = "application/ogg";

    /** What a page is, for the piece cutter. One instance, refilled for every page. */
    static final class PageFacts {
        /** The link the page belongs to, from 0. */
        int link;
        /** True for the first page of a link. */
        boolean newLink;
        /** True for a header page of its link. */
        boolean header;
        /** True when the page begins with the rest of a packet. */
        boolean continued;
        /** True for a Theora page whose first packet begins at the page start and is a keyframe. */
        boolean keyframe;
        /** The page's Theora stream's slot in its link (bit in {@link #openTheora}), or -1. */
        int theoraSlot;
        /** The Theora streams of the link open before this page, one bit per slot. */
        long openTheora;
        /** True when the link has video whose keyframes are not followed (VP8, Dirac, too many Theora). */
        boolean opaqueVideo;
        /** Link-clock time of the page's first sample, or {@link #NONE}. */
        long start;
        /** Link-clock time just after the page's last sample, or {@link #NONE}. */
        long end;
        /** The page's stream, for per-piece bookkeeping. */
        Stream stream;
    }

    /** One chain link: its streams' codecs and its clock's span. */
    static final class Link {
        final int index;
        final long firstPage;
        final long offset;
        final List<OggCodec> codecs = new ArrayList<>(2);
        int streams;
        /** Streams with known headers and timing (not Skeleton, not opaque). */
        int knownData;
        boolean inHeaders = true;
        /** A page other than a BOS page has come: no more BOS pages. */
        boolean pastBos;
        long firstDataPage = -1;
        long firstDataOffset = -1;
        int theoraStreams;
        long openTheora;
        boolean opaqueVideo;
        /** Earliest first sample over its timed streams, on the link clock, or {@link #NONE}. */
        long zero = NONE;
        /** Latest end over its timed streams, or {@link #NONE}. */
        long end = NONE;

        Link(int index, long firstPage, long offset) {
            this.index = index;
            this.firstPage = firstPage;
            this.offset = offset;
        }

        /** Its codecs, distinct, in the order of their BOS pages, for example {@code theora,vorbis}. */
        String codecList() {
            StringBuilder b = new StringBuilder();
            for (OggCodec c : codecs) {
                b.append(b.length() == 0 ? "" : ",").append(c.id());
            }
            return b.toString();
        }

        boolean timed() {
            return zero != NONE && end != NONE;
        }
    }

    /** One logical stream. */
    static final class Stream implements OggPacketAssembler.Listener {
        final int serial;
        final Link link;
        final StreamCodec codec;
        final OggPacketAssembler packets = new OggPacketAssembler(StreamCodec.HEADER_HEAD);
        final long bosOffset;
        int theoraSlot = -1;
        int lastSequence;
        long pages;
        long sequenceGaps;
        /** Header packets completed. */
        long headerPackets;
        /** Whether the packet in progress is a header packet. */
        private boolean partialIsHeader;
        /** Offset of the page on which the packet in progress began. */
        private long packetPage;
        private long pageOffset;
        private int headerParts;
        private int dataParts;
        private int ended;
        /** Until the first sample is known: the summed length of data packets so far, or -1 if unknown. */
        private long unitsSoFar;
        /** The first sample's time on the link clock, or NONE while unknown. */
        long startMicros = NONE;
        /** The end of the last timed page, or NONE. */
        long endMicros = NONE;
        /** The last piece in which the cutter saw this stream. */
        long pieceMark = -1;
        boolean eos;

        Stream(int serial, Link link, StreamCodec codec, long bosOffset) {
            this.serial = serial;
            this.link = link;
            this.codec = codec;
            this.bosOffset = bosOffset;
        }

        private boolean opaqueLike() {
            return codec.opaque() || codec.codec == OggCodec.SKELETON;
        }

        @Override
        public void begin(long index) {
            packetPage = pageOffset;
            if (opaqueLike()) {
                return;
            }
            partialIsHeader = codec.isHeader(index);
            if (partialIsHeader) {
                headerParts++;
                packets.keepHead(StreamCodec.HEADER_HEAD);
                if (codec.wantsTail(index)) {
                    packets.keepTail();
                }
            } else {
                dataParts++;
                if (startMicros == NONE && codec.timed()) {
                    packets.keepHead(StreamCodec.DATA_HEAD);
                }
            }
        }

        @Override
        public void end(long index, long length) throws OggFormatException {
            ended++;
            if (opaqueLike()) {
                return;
            }
            if (partialIsHeader) {
                headerPackets++;
                header(index, length);
            } else if (startMicros == NONE && codec.timed() && unitsSoFar >= 0) {
                long d = codec.duration(packets.head(), packets.headLength(), length);
                unitsSoFar = d < 0 ? -1 : unitsSoFar + d;
            }
        }

        private void header(long index, long length) throws OggFormatException {
            try {
                codec.header(index, packets.head(), packets.headLength(), length,
                        codec.wantsTail(index) ? packets.tail() : null);
            } catch (HeaderException e) {
                throw new OggFormatException(Kind.BAD_HEADER, packetPage, -1, "header packet " + index + " of logical "
                        + "stream serial " + Integer.toUnsignedString(serial) + " (" + codec.codec.id()
                        + "), which begins on the page at byte " + packetPage + ": " + e.getMessage());
            }
        }

        /** What its headers said, for example {@code vorbis 44100 Hz 2 ch}. */
        String describe() {
            return codec.describe();
        }

        @Override
        public String toString() {
            return "stream " + Integer.toUnsignedString(serial) + " (" + codec.describe() + ", link " + link.index
                    + ", " + pages + " pages, " + packets.packets() + " packets)";
        }
    }

    private final Stream[] open = new Stream[MAX_OPEN_STREAMS];
    private int openCount;
    /**
     * Serials that ended in the current link, to explain a page that follows its EOS. Only the first
     * {@value #MAX_OPEN_STREAMS} are kept: one-page streams (BOS and EOS at once) beside a stream that
     * stays open could otherwise add without end.
     */
    private final int[] ended = new int[MAX_OPEN_STREAMS];
    private int endedCount;
    private final List<Link> links = new ArrayList<>();
    private final boolean keepLinks;
    private int linkCount;
    private Link link;
    private int streams;
    private long packets;
    private long sequenceGaps;
    private final EnumSet<OggCodec> codecs = EnumSet.noneOf(OggCodec.class);
    private final PageFacts facts = new PageFacts();
    private final boolean record;
    private final List<Stream> recorded = new ArrayList<>();

    LogicalStreams() {
        this(false);
    }

    /** @param record keep every stream for {@link #recordedStreams()} (for tests; memory grows with the streams) */
    LogicalStreams(boolean record) {
        this(record, true);
    }

    private LogicalStreams(boolean record, boolean keepLinks) {
        this.record = record;
        this.keepLinks = keepLinks;
    }

    /**
     * For a live stream, which may go on for ever: keeps only the current link ({@link #links()}
     * stays empty) and no streams.
     */
    static LogicalStreams live() {
        return new LogicalStreams(false, false);
    }

    boolean recordStreams() {
        return record;
    }

    /**
     * Takes the next page of the content.
     *
     * @param page the page
     * @param index its index in the content, from 0
     * @param buf the array holding the page's bytes
     * @param at the index of the page's first byte in {@code buf}
     * @return what the page is; the same instance, refilled, on every call
     * @throws OggFormatException when the page breaks a rule
     */
    PageFacts accept(OggPage page, long index, byte[] buf, int at) throws OggFormatException {
        int serial = page.serialNumber();
        Stream stream;
        boolean gap = false;
        facts.newLink = false;
        if (page.isBos()) {
            stream = begin(page, index, buf, at);
        } else {
            stream = find(serial);
            if (stream == null) {
                throw noBos(page, index);
            }
            link.pastBos = true;
            if (page.sequenceNumber() != stream.lastSequence + 1) {
                gap = true;
                stream.sequenceGaps++;
                sequenceGaps++;
            }
        }
        stream.lastSequence = page.sequenceNumber();
        stream.pages++;
        Link l = stream.link;
        OggPacketAssembler assembler = stream.packets;

        // continuation
        if (page.isContinued() && !assembler.inPacket() && !gap) {
            throw new OggFormatException(Kind.BAD_CONTINUATION, page.offset(), index, "page " + index + " at byte "
                    + page.offset() + " (logical stream serial " + page.serialText() + ") says it continues a packet, "
                    + (page.isBos() ? "but it is the stream's first page" : "but the stream's previous page ended "
                            + "its last packet"));
        }
        if (!page.isContinued() && assembler.inPacket()) {
            if (!gap) {
                throw new OggFormatException(Kind.BAD_CONTINUATION, page.offset(), index, "page " + index + " at byte "
                        + page.offset() + " (logical stream serial " + page.serialText() + ") does not continue the "
                        + "packet its stream's previous page left unfinished");
            }
            assembler.dropPartial();
        }

        int table = at + OggPage.MIN_HEADER_LENGTH;
        int segments = page.segmentCount();
        int bodyStart = table + segments;
        stream.headerParts = 0;
        stream.dataParts = 0;
        stream.ended = 0;
        stream.pageOffset = page.offset();
        boolean continues = page.isContinued() && assembler.inPacket();
        if (continues && !stream.opaqueLike()) {
            if (stream.partialIsHeader) {
                stream.headerParts++;
            } else {
                stream.dataParts++;
            }
        }
        boolean keyframe = stream.theoraSlot >= 0 && !page.isContinued() && segments > 0 && buf[table] != 0
                && !stream.codec.isHeader(assembler.nextIndex()) && stream.codec.isKeyframe(buf[bodyStart]);
        long before = assembler.packets();
        assembler.walk(buf, table, segments, page.isContinued(), stream);
        packets += assembler.packets() - before;

        if (page.isBos() && !stream.opaqueLike() && (stream.ended != 1 || assembler.inPacket())) {
            throw new OggFormatException(Kind.BAD_HEADER, page.offset(), index, "the BOS page " + index + " at byte "
                    + page.offset() + " of logical stream serial " + page.serialText() + " (" + stream.codec.codec.id()
                    + ") must hold its identification header packet alone");
        }

        boolean header = classify(page, index, stream, l);
        facts.link = l.index;
        facts.header = header;
        facts.continued = page.isContinued();
        facts.keyframe = keyframe && !header;
        facts.theoraSlot = stream.theoraSlot;
        facts.openTheora = l.openTheora;
        facts.opaqueVideo = l.opaqueVideo;
        facts.stream = stream;
        facts.start = NONE;
        facts.end = NONE;
        if (!header && stream.codec.timed() && !stream.opaqueLike()) {
            time(page, stream, l);
        }

        if (page.isEos()) {
            end(page, index, stream);
        }
        return facts;
    }

    private Stream begin(OggPage page, long index, byte[] buf, int at) throws OggFormatException {
        int serial = page.serialNumber();
        if (openCount == 0) {
            link = new Link(linkCount++, index, page.offset());
            if (keepLinks) {
                links.add(link);
            }
            endedCount = 0;
            facts.newLink = true;
        } else if (link.pastBos) {
            throw new OggFormatException(Kind.BOS_MISPLACED, page.offset(), index, "BOS page " + index
                    + " at byte " + page.offset() + " (logical stream serial " + page.serialText()
                    + ") comes after pages of its link that are not BOS pages; RFC 3533 puts all BOS pages of a "
                    + "link first");
        }
        if (find(serial) != null) {
            throw new OggFormatException(Kind.DUPLICATE_SERIAL, page.offset(), index, "BOS page " + index
                    + " at byte " + page.offset() + " uses serial " + page.serialText()
                    + ", which an open logical stream already has");
        }
        if (openCount == MAX_OPEN_STREAMS) {
            throw new OggFormatException(Kind.TOO_MANY_STREAMS, page.offset(), index, "BOS page " + index
                    + " at byte " + page.offset() + " would open more than " + MAX_OPEN_STREAMS
                    + " logical streams at once");
        }
        int bodyStart = at + page.headerLength();
        OggCodec codec = OggCodec.identify(buf, bodyStart, page.bodyLength());
        Stream stream = new Stream(serial, link, StreamCodec.of(codec), page.offset());
        stream.lastSequence = page.sequenceNumber() - 1;
        open[openCount++] = stream;
        streams++;
        codecs.add(codec);
        if (!link.codecs.contains(codec)) {
            link.codecs.add(codec);
        }
        link.streams++;
        if (!stream.opaqueLike()) {
            link.knownData++;
        }
        if (codec == OggCodec.THEORA && link.theoraStreams < MAX_THEORA_PER_LINK) {
            stream.theoraSlot = link.theoraStreams++;
            link.openTheora |= 1L << stream.theoraSlot;
        } else if (codec.media() == OggCodec.Media.VIDEO) {
            link.opaqueVideo = true;
        }
        if (record) {
            recorded.add(stream);
        }
        return stream;
    }

    /** Decides whether the page is a header page of its link, and enforces the header rules. */
    private boolean classify(OggPage page, long index, Stream stream, Link l) throws OggFormatException {
        boolean header;
        if (stream.opaqueLike()) {
            header = page.isBos() || (l.inHeaders && l.knownData > 0);
        } else {
            if (stream.headerParts > 0 && stream.dataParts > 0) {
                throw new OggFormatException(Kind.MIXED_HEADER_PAGE, page.offset(), index, "page " + index + " at byte "
                        + page.offset() + " of logical stream serial " + page.serialText() + " ("
                        + stream.codec.codec.id() + ") holds both header packets and data packets; the data must "
                        + "begin on a fresh page");
            }
            header = stream.headerParts > 0 || (stream.dataParts == 0
                    && !stream.codec.headersComplete(stream.packets.packets()));
            if (header && !l.inHeaders) {
                throw new OggFormatException(Kind.HEADER_AFTER_DATA, page.offset(), index, "page " + index + " at byte "
                        + page.offset() + " holds header packets of logical stream serial " + page.serialText() + " ("
                        + stream.codec.codec.id() + "), but the data of its link began before, on page "
                        + l.firstDataPage + " at byte " + l.firstDataOffset + "; the headers of all streams of a "
                        + "link must come before its first data page");
            }
        }
        if (!header && l.inHeaders) {
            l.inHeaders = false;
            l.firstDataPage = index;
            l.firstDataOffset = page.offset();
        }
        return header;
    }

    /** Works out a data page's time span on the link clock. */
    private void time(OggPage page, Stream stream, Link l) {
        StreamCodec codec = stream.codec;
        long units = stream.ended > 0 ? codec.units(page.granulePosition()) : -1;
        if (stream.startMicros == NONE) {
            if (units < 0) {
                return;
            }
            long first = stream.unitsSoFar >= 0 ? Math.max(0, units - stream.unitsSoFar) : units;
            stream.startMicros = Math.max(0, codec.micros(first));
            l.zero = l.zero == NONE ? stream.startMicros : Math.min(l.zero, stream.startMicros);
        }
        long start = stream.endMicros == NONE ? stream.startMicros : stream.endMicros;
        facts.start = start;
        if (units >= 0) {
            long end = Math.max(start, codec.micros(units));
            stream.endMicros = end;
            facts.end = end;
            l.end = l.end == NONE ? end : Math.max(l.end, end);
        }
    }

    private void end(OggPage page, long index, Stream stream) throws OggFormatException {
        if (!stream.opaqueLike() && !stream.codec.headersComplete(stream.packets.packets())) {
            throw incompleteHeaders(stream, page.offset(), index, "its EOS page " + index + " at byte " + page.offset());
        }
        stream.eos = true;
        int i = indexOf(stream.serial);
        open[i] = open[--openCount];
        open[openCount] = null;
        if (stream.theoraSlot >= 0) {
            stream.link.openTheora &= ~(1L << stream.theoraSlot);
        }
        if (endedCount < ended.length) {
            ended[endedCount++] = stream.serial;
        }
    }

    /**
     * Called after the last page: a stream left open (a recording cut short) is accepted, unless its
     * header packets are incomplete.
     *
     * @param length the content length, where such a problem is reported
     */
    void finish(long length, long pages) throws OggFormatException {
        for (int i = 0; i < openCount; i++) {
            Stream s = open[i];
            if (!s.opaqueLike() && !s.codec.headersComplete(s.packets.packets())) {
                throw incompleteHeaders(s, length, pages, "the end of the content");
            }
        }
    }

    private OggFormatException incompleteHeaders(Stream s, long offset, long index, String where) {
        return new OggFormatException(Kind.BAD_HEADER, offset, index, "logical stream serial "
                + Integer.toUnsignedString(s.serial) + " (" + s.codec.codec.id() + ") reaches " + where + " after "
                + s.packets.packets() + " packets, before all of its " + s.codec.headerCount() + " header packets");
    }

    private OggFormatException noBos(OggPage page, long index) {
        String detail;
        if (index == 0) {
            detail = "the first page (logical stream serial " + page.serialText() + ") is not a BOS page; an Ogg "
                    + "stream begins with the first page of a logical stream";
        } else if (contains(ended, endedCount, page.serialNumber())) {
            detail = "page " + index + " at byte " + page.offset() + " continues logical stream serial "
                    + page.serialText() + ", which already ended with an EOS page";
        } else {
            detail = "page " + index + " at byte " + page.offset() + " belongs to logical stream serial "
                    + page.serialText() + ", which has no BOS page before it";
        }
        return new OggFormatException(Kind.NO_BOS, page.offset(), index, detail);
    }

    private Stream find(int serial) {
        int i = indexOf(serial);
        return i < 0 ? null : open[i];
    }

    private int indexOf(int serial) {
        for (int i = 0; i < openCount; i++) {
            if (open[i].serial == serial) {
                return i;
            }
        }
        return -1;
    }

    private static boolean contains(int[] serials, int count, int serial) {
        for (int i = 0; i < count; i++) {
            if (serials[i] == serial) {
                return true;
            }
        }
        return false;
    }

    /** Logical streams begun so far (BOS pages), over all links. */
    int streams() {
        return streams;
    }

    /** Links begun so far: 1 for a plain content, more for a chained one. */
    int linkCount() {
        return linkCount;
    }

    /** The links so far, in order (live objects; read them after the last page); empty for {@link #live()}. */
    List<Link> links() {
        return links;
    }

    /** The link of the latest BOS page, or null before the first. */
    Link currentLink() {
        return link;
    }

    /** Logical streams open now: begun, not ended. */
    int openStreams() {
        return openCount;
    }

    /** Whether a logical stream with this serial number is open now. */
    boolean isOpen(int serial) {
        return indexOf(serial) >= 0;
    }

    /**
     * Whether a BOS page coming now would begin a new link while streams of the current one are
     * still open: they have sent pages other than BOS pages, so the BOS page cannot join their
     * group. A file may not do this ({@link Kind#BOS_MISPLACED}); a live stream whose producer
     * restarted without ending its streams does.
     */
    boolean bosStartsLink() {
        return openCount > 0 && link.pastBos;
    }

    /**
     * Ends every open stream of the current link as if its EOS page had come, without the checks an
     * EOS page gets, so that the next BOS page begins a new link. Returns how many were open.
     */
    int abandonOpenStreams() {
        int n = openCount;
        for (int i = 0; i < openCount; i++) {
            open[i].eos = true;
            open[i] = null;
        }
        openCount = 0;
        if (link != null) {
            link.openTheora = 0;
        }
        return n;
    }

    /** Packets completed so far, over all streams. */
    long packets() {
        return packets;
    }

    /** Gaps in page sequence numbers seen so far. */
    long sequenceGaps() {
        return sequenceGaps;
    }

    /** Every stream seen, in BOS order, when recording (else empty). */
    List<Stream> recordedStreams() {
        return recorded;
    }

    /** The codecs seen, in declaration order (a copy). */
    Set<OggCodec> codecs() {
        return codecs.clone();
    }

    /** {@code video/ogg} when any stream is video, else {@code audio/ogg} when any is audio, else {@code application/ogg}. */
    String mediaType() {
        boolean audio = false;
        for (OggCodec codec : codecs) {
            if (codec.media() == OggCodec.Media.VIDEO) {
                return VIDEO_OGG;
            }
            audio |= codec.media() == OggCodec.Media.AUDIO;
        }
        return audio ? AUDIO_OGG : APPLICATION_OGG;
    }
}
