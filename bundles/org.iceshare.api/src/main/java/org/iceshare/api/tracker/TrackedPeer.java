package org.iceshare.api.tracker;

import org.iceshare.api.swarm.PeerId;

/**
 * A snapshot of one peer in one swarm, as the tracker knows it.
 *
 * @param id the peer's anonymous key
 * @param address host:port of its peer port
 * @param source true for the peer that published the content
 * @param pieces verified pieces it holds
 * @param uploaded bytes it served that others verified (in this swarm)
 * @param downloaded bytes it received and verified (in this swarm)
 * @param ratio its all-time uploaded ÷ downloaded over every swarm, under its key
 * @param banned true once it served a corrupt piece
 * @param uploadCap the upload cap it reported (bytes per second), 0 for none or unknown
 * @param uploadRate the upload it last measured and reported (bytes per second), 0 when unknown
 */
public record TrackedPeer(PeerId id, String address, boolean source, int pieces, long uploaded, long downloaded,
        double ratio, boolean banned, long uploadCap, long uploadRate) {

    /** A peer whose bandwidth the tracker does not know (no RATES received). */
    public TrackedPeer(PeerId id, String address, boolean source, int pieces, long uploaded, long downloaded,
            double ratio, boolean banned) {
        this(id, address, source, pieces, uploaded, downloaded, ratio, banned, 0, 0);
    }
}
