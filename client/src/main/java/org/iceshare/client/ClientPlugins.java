package org.iceshare.client;

import java.util.List;

import org.iceshare.api.media.MediaFormat;
import org.iceshare.api.scheduler.PieceScheduler;
import org.iceshare.api.verify.PieceVerifier;
import org.iceshare.core.internal.peer.Plugins;
import org.iceshare.media.ogg.internal.OggFormat;
import org.iceshare.scheduler.deadline.internal.DeadlineScheduler;
import org.iceshare.scheduler.rarest.internal.RarestFirstScheduler;
import org.iceshare.verify.sha256.internal.Sha256Verifier;

/**
 * The client's fixed plugins, those the distribution boots with for a listener: rarest-first for
 * downloads, the deadline scheduler for live streams and played files, SHA-256 pieces, Ogg media.
 */
final class ClientPlugins implements Plugins {
    private final PieceScheduler files = new RarestFirstScheduler();
    private final PieceScheduler streaming = new DeadlineScheduler();
    private final PieceVerifier verifier = new Sha256Verifier();
    private final List<MediaFormat> formats = List.of(new OggFormat(OggFormat.DEFAULT_PIECE_SIZE));

    @Override
    public PieceScheduler scheduler() {
        return files;
    }

    @Override
    public PieceScheduler streamingScheduler() {
        return streaming;
    }

    @Override
    public PieceVerifier verifier(String algorithm) {
        return verifier.algorithm().equals(algorithm) ? verifier : null;
    }

    @Override
    public PieceVerifier preferredVerifier() {
        return verifier;
    }

    @Override
    public List<MediaFormat> formats() {
        return formats;
    }
}
