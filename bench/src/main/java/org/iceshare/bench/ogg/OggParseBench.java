package org.iceshare.bench.ogg;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import org.iceshare.api.media.MediaLayout;
import org.iceshare.itests.swarm.TestMedia;
import org.iceshare.media.ogg.internal.OggCrc;
import org.iceshare.media.ogg.internal.OggFormat;
import org.iceshare.media.ogg.internal.OggFormatException;
import org.iceshare.media.ogg.internal.OggPage;
import org.iceshare.media.ogg.internal.OggPageReader;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Ogg parsing against two baselines, all over the same bytes: a real Ogg Vorbis file made by oggenc
 * ({@code -q 6}, about 4.5 MB for 180 s, pages of about 4.3 KB; cached by {@link TestMedia} in
 * {@code target/media}). Each benchmark also reports {@code megabytes}, the rate in MB/s (10^6
 * bytes per second) of the file's bytes through it.
 * <ul>
 * <li>{@code pages}: full page parsing with the CRC check, as publishing does it: the strict
 * {@link OggPageReader} reads every page from an {@link java.io.InputStream} into its page buffer,
 * checks capture pattern, version, segment table and the CRC, and makes the {@link OggPage}.</li>
 * <li>{@code layout}: everything {@link OggFormat#layout} does on top: logical streams, packets,
 * codec headers, time, and cutting into 256 KiB pieces.</li>
 * <li>{@code oggCrc}: the Ogg CRC alone ({@link OggCrc}, slicing-by-8) over the whole file.</li>
 * <li>{@code crc32}: {@link CRC32} over the whole file: the JDK's intrinsic (hardware-assisted)
 * CRC-32, a different polynomial, as a yardstick for what a CRC can cost on this machine.</li>
 * </ul>
 * Goal: {@code pages} within 25% of {@code oggCrc} (at least 80% of its rate).
 *
 * <p>Run: {@code java -jar bench/target/iceshare-bench.jar jmh OggParseBench}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class OggParseBench {

    /** The length of the oggenc file in seconds. */
    @Param("180")
    public int seconds;

    private byte[] file;
    private double megabytes;

    /** Counts the megabytes that went through a benchmark, reported by JMH as a rate. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Rate {
        /** Megabytes processed; its rate is MB/s. */
        public double megabytes;
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException, OggFormatException {
        file = Files.readAllBytes(TestMedia.vorbis(seconds, 6));
        megabytes = file.length / 1e6;
        // the benchmarks below must agree on what they read
        if (pages(new Rate()) == 0 || layout(new Rate()) == 0) {
            throw new IllegalStateException("no Ogg pages in the benchmark file");
        }
    }

    @Benchmark
    public long pages(Rate rate) throws IOException, OggFormatException {
        OggPageReader reader = new OggPageReader(new ByteArrayInputStream(file));
        long granules = 0;
        for (OggPage page = reader.next(); page != null; page = reader.next()) {
            granules += page.granulePosition();
        }
        rate.megabytes += megabytes;
        return granules + reader.pageCount();
    }

    @Benchmark
    public int layout(Rate rate) throws IOException, OggFormatException {
        MediaLayout layout = new OggFormat(OggFormat.DEFAULT_PIECE_SIZE).layout(new ByteArrayInputStream(file));
        rate.megabytes += megabytes;
        return layout.pieces().size();
    }

    @Benchmark
    public int oggCrc(Rate rate) {
        rate.megabytes += megabytes;
        return OggCrc.compute(file, 0, file.length);
    }

    @Benchmark
    public long crc32(Rate rate) {
        CRC32 crc = new CRC32();
        crc.update(file, 0, file.length);
        rate.megabytes += megabytes;
        return crc.getValue();
    }
}
