package org.iceshare.bench.lab;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kernel's half of the lab: one HTB class per address on {@code lo}, matched by source address, caps
 * each node's upload; with download caps, {@code lo}'s ingress is redirected to an IFB device whose HTB
 * classes, matched by destination address, cap each node's download. The byte counters of those classes
 * are what the lab reports as bytes sent (and received): measured by the kernel, not by the applications.
 *
 * <p>Traffic from an address without a class (the tracker on 127.0.0.1) is not shaped; the root qdisc's
 * counter minus the classes' shows how much there was.
 *
 * <p>It changes {@code lo}'s queueing, so it refuses to run outside a private network namespace
 * ({@code bench/lab.sh} makes one with {@code unshare -n}). The machine has no {@code netem}: no delay or
 * loss is emulated, only rates.
 */
public final class Shaper {

    /** The IFB device that carries {@code lo}'s ingress for the download caps. */
    static final String IFB = "labifb0";
    private static final int FIRST_CLASS = 0x10;
    private static final Pattern CLASS = Pattern.compile("class htb (\\d+):([0-9a-f]+) [^\\n]*\\n\\s*Sent (\\d+) bytes");
    private static final Pattern ROOT = Pattern.compile("qdisc htb (\\d+): root[^\\n]*\\n\\s*Sent (\\d+) bytes");

    private final LabProfile profile;
    private final Map<Integer, InetAddress> byClass = new HashMap<>();
    private final boolean downloads;

    /**
     * The bytes each address sent and received since the shaping was installed.
     *
     * @param sent bytes sent by each shaped address (its upload class)
     * @param received bytes received by each address with a download cap (its download class)
     * @param rootSent all bytes that left through {@code lo}'s root qdisc, shaped or not
     */
    public record Counters(Map<InetAddress, Long> sent, Map<InetAddress, Long> received, long rootSent) {
        public long sent(InetAddress a) {
            return sent.getOrDefault(a, 0L);
        }

        public long received(InetAddress a) {
            return received.getOrDefault(a, 0L);
        }

        /** What this counted beyond {@code before}. */
        public Counters since(Counters before) {
            Map<InetAddress, Long> s = new HashMap<>();
            sent.forEach((a, v) -> s.put(a, v - before.sent(a)));
            Map<InetAddress, Long> r = new HashMap<>();
            received.forEach((a, v) -> r.put(a, v - before.received(a)));
            return new Counters(s, r, rootSent - before.rootSent);
        }

        /** Bytes that left {@code lo} from no shaped address. */
        public long unshaped() {
            return rootSent - sent.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    public Shaper(LabProfile profile) {
        this.profile = profile;
        this.downloads = profile.peers().stream().anyMatch(l -> l.download() > 0);
    }

    /**
     * Refuses to go on unless this process has a network namespace of its own: the shaping replaces
     * {@code lo}'s root qdisc, which must not happen to the host's loopback.
     */
    public static void requirePrivateNamespace() throws IOException {
        Path mine = Path.of("/proc/self/ns/net");
        Path init = Path.of("/proc/1/ns/net");
        String a = Files.readSymbolicLink(mine).toString();
        String b;
        try {
            b = Files.readSymbolicLink(init).toString();
        } catch (IOException e) {
            b = "?"; // not readable: not the init process's namespace either way
        }
        if (a.equals(b)) {
            throw new IllegalStateException("the lab shapes lo and must run in a private network namespace ("
                    + a + " is PID 1's); start it with bench/lab.sh, which runs it under unshare -n");
        }
    }

    /** Installs the shaping: the root HTB, and a class and a filter per address (and the download side). */
    public void install() throws IOException, InterruptedException {
        requirePrivateNamespace();
        run(false, "ip", "link", "set", "lo", "up");
        run(false, "tc", "qdisc", "del", "dev", "lo", "root");
        run(false, "tc", "qdisc", "del", "dev", "lo", "ingress");
        // default 0: traffic matching no filter (the tracker's) leaves unshaped
        run(true, "tc", "qdisc", "add", "dev", "lo", "root", "handle", "1:", "htb");
        if (downloads) {
            run(false, "ip", "link", "del", IFB);
            run(true, "ip", "link", "add", IFB, "type", "ifb");
            run(true, "ip", "link", "set", IFB, "up");
            run(true, "tc", "qdisc", "add", "dev", "lo", "handle", "ffff:", "ingress");
            run(true, "tc", "filter", "add", "dev", "lo", "parent", "ffff:", "protocol", "ip", "u32", "match", "u32",
                    "0", "0", "action", "mirred", "egress", "redirect", "dev", IFB);
            run(true, "tc", "qdisc", "add", "dev", IFB, "root", "handle", "2:", "htb");
        }
        List<LabProfile.Link> all = profile.all();
        for (int k = 0; k < all.size(); k++) {
            LabProfile.Link l = all.get(k);
            int id = FIRST_CLASS + k;
            byClass.put(id, l.address());
            String classid = Integer.toHexString(id);
            addClass("lo", "1", classid, l.upload(), "src", l.address());
            if (l.download() > 0) {
                addClass(IFB, "2", classid, l.download(), "dst", l.address());
            }
        }
    }

    private static void addClass(String dev, String handle, String classid, double bytesPerSecond, String match,
            InetAddress address) throws IOException, InterruptedException {
        String rate = Math.round(bytesPerSecond * 8) + "bit";
        // quantum: lo's MTU is 65536, and HTB wants a quantum of at least one packet
        run(true, "tc", "class", "add", "dev", dev, "parent", handle + ":", "classid", handle + ":" + classid, "htb",
                "rate", rate, "ceil", rate, "quantum", "65536");
        run(true, "tc", "filter", "add", "dev", dev, "parent", handle + ":", "protocol", "ip", "prio", "1", "u32",
                "match", "ip", match, address.getHostAddress() + "/32", "flowid", handle + ":" + classid);
    }

    /** Removes the shaping from {@code lo} (and the IFB device). */
    public void remove() throws IOException, InterruptedException {
        run(false, "tc", "qdisc", "del", "dev", "lo", "root");
        if (downloads) {
            run(false, "tc", "qdisc", "del", "dev", "lo", "ingress");
            run(false, "ip", "link", "del", IFB);
        }
    }

    /** The kernel's byte counters now. */
    public Counters counters() throws IOException, InterruptedException {
        Map<InetAddress, Long> sent = new HashMap<>();
        String classes = run(true, "tc", "-s", "class", "show", "dev", "lo");
        Matcher m = CLASS.matcher(classes);
        while (m.find()) {
            InetAddress a = byClass.get(Integer.parseInt(m.group(2), 16));
            if (a != null && m.group(1).equals("1")) {
                sent.put(a, Long.parseLong(m.group(3)));
            }
        }
        Map<InetAddress, Long> received = new HashMap<>();
        if (downloads) {
            Matcher d = CLASS.matcher(run(true, "tc", "-s", "class", "show", "dev", IFB));
            while (d.find()) {
                InetAddress a = byClass.get(Integer.parseInt(d.group(2), 16));
                if (a != null) {
                    received.put(a, Long.parseLong(d.group(3)));
                }
            }
        }
        Matcher r = ROOT.matcher(run(true, "tc", "-s", "qdisc", "show", "dev", "lo"));
        long root = r.find() ? Long.parseLong(r.group(2)) : 0;
        return new Counters(sent, received, root);
    }

    /** Runs a command; with {@code check}, a non-zero exit is an error naming the command and its output. */
    static String run(boolean check, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish in 30 s");
        }
        if (check && p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): " + out.strip());
        }
        return out;
    }
}
