package org.iceshare.shell.internal.jmx;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.iceshare.api.tracker.TrackedContent;
import org.iceshare.api.tracker.Tracker;

/** {@link TrackerMXBean} over the Tracker service, read on every access. */
final class TrackerStatistics implements TrackerMXBean {
    private final Tracker tracker;

    TrackerStatistics(Tracker tracker) {
        this.tracker = tracker;
    }

    @Override
    public String getAddress() {
        return tracker.address() == null ? "" : IceShareMBeans.hostPort(tracker.address());
    }

    @Override
    public int getContents() {
        return tracker.contents().size();
    }

    @Override
    public String[] getContentNames() {
        return tracker.contents().stream().map(TrackedContent::name).toArray(String[]::new);
    }

    @Override
    public int getPeers() {
        return tracker.contents().stream().mapToInt(TrackedContent::peers).sum();
    }

    @Override
    public Map<String, Double> getSourceUploadFactor() {
        Map<String, Double> out = new TreeMap<>();
        for (TrackedContent c : contents()) {
            out.put(c.name(), c.sourceUploadFactor());
        }
        return out;
    }

    @Override
    public Map<String, Long> getTotalUploaded() {
        Map<String, Long> out = new TreeMap<>();
        for (TrackedContent c : contents()) {
            out.put(c.name(), c.totalUploaded());
        }
        return out;
    }

    private List<TrackedContent> contents() {
        return tracker.contents();
    }
}
