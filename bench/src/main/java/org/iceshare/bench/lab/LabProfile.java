package org.iceshare.bench.lab;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Who is in the lab and what each link may carry: the one source of truth for the per-address caps that
 * {@link Shaper} installs, that both systems run under, and that the bounds are computed from.
 *
 * <p>Addresses: the tracker stays on 127.0.0.1 (unshaped, its traffic is a few kilobytes), the source is
 * 127.0.0.2, peer {@code i} is 127.0.{1 + i / 200}.{10 + i % 200}. Every 127.0.0.0/8 address reaches
 * {@code lo} without configuration.
 *
 * @param name the profile's name, as printed
 * @param source the source's link
 * @param peers the peers' links, in join order
 */
public record LabProfile(String name, Link source, List<Link> peers) {

    public static final double MIB = 1024 * 1024;

    /**
     * One address's link.
     *
     * @param name the node's name ({@code source}, {@code peer0}, ...)
     * @param address its own address, for listening and outgoing connections
     * @param upload its upload cap, bytes per second
     * @param download its download cap, bytes per second, or 0 for none
     * @param group the class it belongs to, for per-class figures ("1.5 MiB/s")
     */
    public record Link(String name, InetAddress address, double upload, double download, String group) {
    }

    /**
     * A profile by name.
     *
     * <ul>
     * <li>{@code homogeneous}: every peer 1 MiB/s;</li>
     * <li>{@code heterogeneous}: 20% of the peers at 4 MiB/s, 50% at 1.5, 30% at 0.5 (for 25: 5, 12, 8);</li>
     * <li>{@code smoke}: peers at 1, 2 and 4 MiB/s in turn, for the CI run.</li>
     * </ul>
     * The source uploads {@code sourceFactor} times the mean peer upload (2 gives the 2 MiB/s source of the
     * homogeneous profile), or {@code sourceMiB} MiB/s when that is positive. With {@code downloadMiB}
     * positive every peer's download is capped at that.
     *
     * @param seed orders the peers (the join order) reproducibly
     */
    public static LabProfile of(String name, int peers, double sourceFactor, double sourceMiB, double downloadMiB,
            long seed) {
        if (peers < 1 || peers > 200 * 200) {
            throw new IllegalArgumentException("peers must be in 1..40000, got " + peers);
        }
        List<double[]> rates = new ArrayList<>(); // {upload MiB/s}
        switch (name) {
            case "homogeneous" -> {
                for (int i = 0; i < peers; i++) {
                    rates.add(new double[] {1.0});
                }
            }
            case "heterogeneous" -> {
                int fast = (int) Math.round(0.2 * peers);
                int slow = (int) Math.round(0.3 * peers);
                int middle = peers - fast - slow;
                if (middle < 0) {
                    throw new IllegalArgumentException("too few peers for the heterogeneous profile: " + peers);
                }
                add(rates, fast, 4.0);
                add(rates, middle, 1.5);
                add(rates, slow, 0.5);
            }
            case "smoke" -> {
                double[] cycle = {1.0, 2.0, 4.0};
                for (int i = 0; i < peers; i++) {
                    rates.add(new double[] {cycle[i % cycle.length]});
                }
            }
            default -> throw new IllegalArgumentException("unknown profile " + name
                    + " (homogeneous, heterogeneous, smoke)");
        }
        Collections.shuffle(rates, new Random(seed));
        double mean = rates.stream().mapToDouble(r -> r[0]).average().orElse(0);
        double sourceRate = sourceMiB > 0 ? sourceMiB : sourceFactor * mean;
        if (sourceRate <= 0) {
            throw new IllegalArgumentException("the source needs a positive upload");
        }
        List<Link> links = new ArrayList<>();
        for (int i = 0; i < peers; i++) {
            double up = rates.get(i)[0];
            links.add(new Link("peer" + i, address(127, 0, 1 + i / 200, 10 + i % 200), up * MIB,
                    downloadMiB > 0 ? downloadMiB * MIB : 0, mib(up)));
        }
        Link source = new Link("source", address(127, 0, 0, 2), sourceRate * MIB, 0, "source");
        return new LabProfile(name, source, List.copyOf(links));
    }

    private static void add(List<double[]> rates, int n, double mib) {
        for (int i = 0; i < n; i++) {
            rates.add(new double[] {mib});
        }
    }

    static String mib(double mibPerSecond) {
        return String.format(Locale.ROOT, "%.2f", mibPerSecond).replaceAll("0+$", "").replaceAll("\\.$", "")
                + " MiB/s";
    }

    private static InetAddress address(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The same nodes and addresses with every cap multiplied by {@code factor}, each class named anew by
     * {@code group} from its new upload (bytes per second): how the live scenario fits the profile's
     * shape to a stream of a given bitrate.
     */
    public LabProfile scaled(double factor, java.util.function.DoubleFunction<String> group) {
        if (!(factor > 0)) {
            throw new IllegalArgumentException("scale factor must be positive: " + factor);
        }
        List<Link> links = peers.stream().map(l -> new Link(l.name(), l.address(), l.upload() * factor,
                l.download() * factor, group.apply(l.upload() * factor))).toList();
        Link s = new Link(source.name(), source.address(), source.upload() * factor, source.download() * factor,
                source.group());
        return new LabProfile(name, s, links);
    }

    /** The source and the peers. */
    public List<Link> all() {
        List<Link> all = new ArrayList<>();
        all.add(source);
        all.addAll(peers);
        return all;
    }

    /** The swarm's upload capacity, u_s + Σu_i, bytes per second. */
    public double capacity() {
        return all().stream().mapToDouble(Link::upload).sum();
    }

    /**
     * The fluid lower bound on the time to get {@code bytes} to every peer (Kumar and Ross 2006):
     * max(F/u_s, F/d_min, N·F/(u_s + Σu_i)).
     */
    public double fileBound(long bytes) {
        double t = Math.max(bytes / source.upload(), peers.size() * (double) bytes / capacity());
        double dMin = peers.stream().mapToDouble(Link::download).filter(d -> d > 0).min().orElse(0);
        return dMin > 0 ? Math.max(t, bytes / dMin) : t;
    }

    /** The largest sustainable live rate (Kumar, Liu and Ross 2007): min(u_s, (u_s + Σu_i)/N), bytes per second. */
    public double liveBound() {
        return Math.min(source.upload(), capacity() / peers.size());
    }

    /** The peer classes, fastest first, as "4 MiB/s". */
    public List<String> groups() {
        return peers.stream().sorted((a, b) -> Double.compare(b.upload(), a.upload())).map(Link::group).distinct()
                .toList();
    }

    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(name).append(": source ").append(mib(source.upload() / MIB));
        if (!peers.get(0).group().endsWith(" MiB/s")) {
            sb.append(String.format(Locale.ROOT, " (%.0f kbit/s)", source.upload() * 8 / 1000));
        }
        for (String g : groups()) {
            sb.append(", ").append(peers.stream().filter(l -> l.group().equals(g)).count()).append(" at ").append(g);
        }
        double d = peers.get(0).download();
        if (d > 0) {
            sb.append(", downloads capped at ").append(mib(d / MIB));
        }
        sb.append(String.format(Locale.ROOT, "; capacity u_s+Σu = %.2f MiB/s", capacity() / MIB));
        return sb.toString();
    }
}
