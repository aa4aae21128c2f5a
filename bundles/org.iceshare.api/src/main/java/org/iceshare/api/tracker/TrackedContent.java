package org.iceshare.api.tracker;

import org.iceshare.api.swarm.ContentId;

/**
 * A snapshot of one content on the tracker.
 *
 * @param id the content id
 * @param name the name it is published under
 * @param length total bytes
 * @param pieces number of pieces
 * @param peers peers in the swarm now, the source included
 * @param complete peers holding every piece, the source included
 * @param sourceUploaded bytes the source uploaded, as credited by verification reports
 * @param totalUploaded bytes all peers uploaded, as credited by verification reports
 */
public record TrackedContent(ContentId id, String name, long length, int pieces, int peers, int complete,
        long sourceUploaded, long totalUploaded) {

    /** The source upload factor: source bytes ÷ content bytes. */
    public double sourceUploadFactor() {
        return length == 0 ? 0 : (double) sourceUploaded / length;
    }
}
