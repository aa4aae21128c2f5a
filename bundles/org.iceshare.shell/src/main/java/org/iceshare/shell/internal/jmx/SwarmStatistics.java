package org.iceshare.shell.internal.jmx;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.iceshare.api.peer.Peer;
import org.iceshare.api.peer.SwarmStatus;
import org.iceshare.api.swarm.ContentId;

/** {@link SwarmMXBean} over one swarm of a Peer service, read on every access. */
final class SwarmStatistics implements SwarmMXBean {
    /** The state reported once the peer has left the swarm. */
    static final String LEFT = "LEFT";

    private final Peer peer;
    private final ContentId content;
    private final String name;
    private final String url;

    SwarmStatistics(Peer peer, SwarmStatus first) {
        this.peer = peer;
        this.content = first.content();
        this.name = first.url().name();
        this.url = first.url().toString();
    }

    private <T> T read(Function<SwarmStatus, T> figure, T whenLeft) {
        Optional<SwarmStatus> s = peer.swarm(content);
        return s.isPresent() ? figure.apply(s.get()) : whenLeft;
    }

    @Override
    public String getPeer() {
        return peer.name();
    }

    @Override
    public String getContent() {
        return content.toHex();
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public String getUrl() {
        return url;
    }

    @Override
    public String getState() {
        return read(s -> s.state().name(), LEFT);
    }

    @Override
    public boolean isSource() {
        return read(SwarmStatus::source, false);
    }

    @Override
    public boolean isLive() {
        return read(SwarmStatus::live, false);
    }

    @Override
    public double getProgress() {
        return read(SwarmStatus::progress, 0.0);
    }

    @Override
    public int getVerifiedPieces() {
        return read(SwarmStatus::verified, 0);
    }

    @Override
    public int getPieces() {
        return read(SwarmStatus::pieces, 0);
    }

    @Override
    public int getConnections() {
        return read(SwarmStatus::connections, 0);
    }

    @Override
    public long getUploaded() {
        return read(SwarmStatus::uploaded, 0L);
    }

    @Override
    public long getDownloaded() {
        return read(SwarmStatus::downloaded, 0L);
    }

    @Override
    public String getScheduler() {
        return read(SwarmStatus::scheduler, "");
    }

    @Override
    public Map<String, Long> getRequestsByScheduler() {
        return read(SwarmStatus::requestsByScheduler, Map.of());
    }

    @Override
    public double getContinuity() {
        return read(s -> s.quality().continuity(), 1.0);
    }

    @Override
    public long getPiecesDue() {
        return read(s -> s.quality().piecesDue(), 0L);
    }

    @Override
    public long getPiecesLate() {
        return read(s -> s.quality().piecesLate(), 0L);
    }

    @Override
    public long getStartupMillis() {
        return read(s -> s.quality().startupMillis(), -1L);
    }

    @Override
    public long getLatencyP50Millis() {
        return read(s -> s.quality().latencyP50Millis(), -1L);
    }

    @Override
    public long getLatencyP95Millis() {
        return read(s -> s.quality().latencyP95Millis(), -1L);
    }

    @Override
    public boolean isOnAir() {
        return read(s -> s.quality().onAir(), false);
    }

    @Override
    public String getError() {
        return read(SwarmStatus::error, "");
    }
}
