package org.iceshare.bench.lab;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the kernel's per-address byte counters once a second while a run's clock runs, to tell a swarm
 * that keeps its uplinks busy from one that leaves them idle: how often the source ran near its cap, and
 * how many peers sat near idle for most of the run.
 */
final class Sampler {

    /**
     * @param sourceBusy the share of whole seconds in which the source sent at least 90% of its cap
     * @param idlePeers peers that sent less than 10% of their cap in more than half of the seconds
     * @param seconds whole seconds sampled
     */
    record Summary(double sourceBusy, int idlePeers, int seconds) {
    }

    private final Shaper shaper;
    private final LabProfile profile;
    private final List<Shaper.Counters> samples = new ArrayList<>();
    private volatile boolean running;
    private Thread thread;

    Sampler(Shaper shaper, LabProfile profile) {
        this.shaper = shaper;
        this.profile = profile;
    }

    /** Starts sampling (at most once). */
    synchronized void start() {
        if (thread != null) {
            return;
        }
        running = true;
        thread = new Thread(() -> {
            long next = System.nanoTime();
            while (running) {
                try {
                    Shaper.Counters c = shaper.counters();
                    synchronized (samples) {
                        if (running) {
                            samples.add(c);
                        }
                    }
                    next += 1_000_000_000L;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    System.err.println("lab: sampling the counters failed: " + e.getMessage());
                    return;
                }
            }
        }, "lab-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops taking samples (the clock stopped); {@link #stop} still summarises them. */
    void stopClock() {
        running = false;
    }

    /** Stops sampling and summarises the seconds sampled. */
    Summary stop() throws InterruptedException {
        running = false;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            t.interrupt();
            t.join(5_000);
        }
        List<Shaper.Counters> s;
        synchronized (samples) {
            s = new ArrayList<>(samples);
        }
        int seconds = Math.max(0, s.size() - 1);
        if (seconds == 0) {
            return new Summary(0, 0, 0);
        }
        InetAddress src = profile.source().address();
        int busy = 0;
        for (int i = 1; i < s.size(); i++) {
            busy += s.get(i).sent(src) - s.get(i - 1).sent(src) >= 0.9 * profile.source().upload() ? 1 : 0;
        }
        int idle = 0;
        for (LabProfile.Link l : profile.peers()) {
            int low = 0;
            for (int i = 1; i < s.size(); i++) {
                low += s.get(i).sent(l.address()) - s.get(i - 1).sent(l.address()) < 0.1 * l.upload() ? 1 : 0;
            }
            idle += low * 2 > seconds ? 1 : 0;
        }
        if (Boolean.getBoolean("lab.trace")) {
            trace(s);
        }
        return new Summary((double) busy / seconds, idle, seconds);
    }

    /**
     * With {@code -Dlab.trace=true}: one line per second, the share of its cap the source and each class of
     * peers (their mean) sent in that second, to see where the swarm's upload goes unused.
     */
    private void trace(List<Shaper.Counters> s) {
        List<String> groups = new ArrayList<>(new java.util.LinkedHashSet<>(
                profile.peers().stream().map(LabProfile.Link::group).toList()));
        System.out.println("lab: trace: second, source %, then per class the mean % of the cap: " + groups);
        InetAddress src = profile.source().address();
        for (int i = 1; i < s.size(); i++) {
            StringBuilder line = new StringBuilder(String.format(java.util.Locale.ROOT, "lab: trace %3d src %3.0f",
                    i, 100.0 * (s.get(i).sent(src) - s.get(i - 1).sent(src)) / profile.source().upload()));
            for (String g : groups) {
                double sum = 0;
                int n = 0;
                for (LabProfile.Link l : profile.peers()) {
                    if (l.group().equals(g)) {
                        sum += (s.get(i).sent(l.address()) - s.get(i - 1).sent(l.address())) / l.upload();
                        n++;
                    }
                }
                line.append(String.format(java.util.Locale.ROOT, " | %s %3.0f", g, 100 * sum / n));
            }
            System.out.println(line);
        }
    }
}
