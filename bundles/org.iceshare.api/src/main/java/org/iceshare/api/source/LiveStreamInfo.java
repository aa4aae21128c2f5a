package org.iceshare.api.source;

import org.iceshare.api.swarm.IcetUrl;

/**
 * A snapshot of one live stream at its source.
 *
 * @param name the stream's name
 * @param url its {@code icet://} URL
 * @param input where it comes from: {@code file:...}, an {@code http://} mount, or {@code push}
 * @param onAir whether input is flowing now
 * @param streamed stream bytes cut so far
 * @param uploaded bytes the source uploaded to peers
 * @param pieces pieces cut so far
 * @param problems input problems seen (corrupt data skipped), for the operator
 * @since 1.0
 */
public record LiveStreamInfo(String name, IcetUrl url, String input, boolean onAir, long streamed, long uploaded,
        long pieces, long problems) {

    /** The source upload factor: uploaded ÷ streamed. */
    public double sourceUploadFactor() {
        return streamed == 0 ? 0 : (double) uploaded / streamed;
    }
}
