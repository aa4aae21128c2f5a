package org.iceshare.shell.internal.jmx;

import java.util.List;

import org.iceshare.api.peer.Peer;
import org.iceshare.api.peer.SwarmStatus;

/** {@link PeerMXBean} over a Peer service, read on every access. */
final class PeerStatistics implements PeerMXBean {
    private final Peer peer;

    PeerStatistics(Peer peer) {
        this.peer = peer;
    }

    @Override
    public String getName() {
        return peer.name();
    }

    @Override
    public String getId() {
        return peer.id().toHex();
    }

    @Override
    public String getAddress() {
        return IceShareMBeans.hostPort(peer.address());
    }

    @Override
    public int getSwarms() {
        return peer.swarms().size();
    }

    @Override
    public long getUploaded() {
        return sum(peer.swarms(), true);
    }

    @Override
    public long getDownloaded() {
        return sum(peer.swarms(), false);
    }

    private static long sum(List<SwarmStatus> swarms, boolean up) {
        long n = 0;
        for (SwarmStatus s : swarms) {
            n += up ? s.uploaded() : s.downloaded();
        }
        return n;
    }
}
