package org.iceshare.bench;

import java.util.Arrays;

/**
 * Entry point of the benchmark jar: {@code java -jar bench/target/iceshare-bench.jar swarm ...}
 * runs the file swarm benchmark; {@code jmh ...} hands the rest to JMH.
 */
public final class Bench {
    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        String what = args.length == 0 ? "help" : args[0];
        String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
        switch (what) {
            case "swarm" -> SwarmBench.main(rest);
            case "pair" -> PairBench.main(rest);
            case "live" -> LiveBench.main(rest);
            case "stream" -> StreamBench.main(rest);
            case "seek" -> SeekBench.main(rest);
            case "play" -> PlayBench.main(rest);
            case "clientstart" -> ClientStartBench.main(rest);
            case "slowframes" -> SlowFramesBench.main(rest);
            case "hostile" -> HostileBench.main(rest);
            case "trackerload" -> TrackerLoadBench.main(rest);
            case "trackerload-tracker" -> TrackerLoadBench.trackerMain(rest);
            case "lab" -> org.iceshare.bench.lab.LabBench.main(rest);
            case "peer" -> org.iceshare.bench.lab.PeerProcess.main(rest);
            case "store" -> org.iceshare.tracker.internal.TrackerStoreBench.main(rest);
            case "jmh" -> org.openjdk.jmh.Main.main(rest);
            default -> {
                System.out.println("usage: java -jar iceshare-bench.jar swarm [--peers N] [--size-mib M] "
                        + "[--piece-kib K] [--runs R] [--no-baseline]");
                System.out.println("             [--planner rarest|capacity] [--hetero KIB]   (the tracker's planner; "
                        + "heterogeneous engine upload caps around KIB KiB/s)");
                System.out.println("             [--libtorrent [--baselines DIR]]   (libtorrent 2.0 in the same run; "
                        + "needs bench/baselines/install.sh)");
                System.out.println("       java -jar iceshare-bench.jar pair [--size-mib M] [--piece-kib K] [--runs R] "
                        + "[--warmup W] [--upload-mib-s U]");
                System.out.println("             (1 source + 1 peer, against a socat relay and SHA-256 in the same run; "
                        + "needs socat: bench/baselines/install.sh)");
                System.out.println("       java -jar iceshare-bench.jar live [--peers N] [--join SECONDS] [--seconds S] [--neighbours N]");
                System.out.println("       java -jar iceshare-bench.jar stream [--peers N] [--source-factor F] "
                        + "[--seconds S] [--audio]");
                System.out.println("       java -jar iceshare-bench.jar seek [--seeks N]");
                System.out.println("       java -jar iceshare-bench.jar play [--seconds S] [--runs R]");
                System.out.println("       java -jar iceshare-bench.jar clientstart --client client/target/iceshare-client-*/bin/"
                        + "iceshare [--runs R] [--java-opts OPTS] [--compare-cds] [--no-icecast]   (time to first audio, against icecast2)");
                System.out.println("       java -jar iceshare-bench.jar slowframes --pid PID [--target HOST:PORT] "
                        + "[--connections N] [--sources K] [--prefill BYTES] [--interval S] [--seconds S] [--peer]");
                System.out.println("             (the slow-partial-frame attack on a running container, with its RSS)");
                System.out.println("       java -jar iceshare-bench.jar hostile [--honest N] [--hostile H] [--size-mib M] "
                        + "[--piece-kib K] [--runs R] [--warmup W]");
                System.out.println("             [--kinds claims,flips,reports,impostor,stall]   (hostile peers mixed "
                        + "in, against the same swarm without them)");
                TrackerLoadBench.usage();
                org.iceshare.bench.lab.LabBench.usage();
                org.iceshare.bench.lab.LabStream.usage();
                System.out.println("       java -jar iceshare-bench.jar peer --name N --address IP --tracker HOST:PORT "
                        + "--url ICET_URL --storage DIR   (one lab peer in its own JVM; lab --jvms starts them)");
                System.out.println("       java -jar iceshare-bench.jar store [--publishes N] [--peers N] [--ticks N] "
                        + "[--pieces N] [--dir FOLDER]   (the tracker's durable state: cost per publication, ban, ratio)");
                System.out.println("       java -jar iceshare-bench.jar jmh [JMH options]");
            }
        }
    }
}
