package org.iceshare.itests.swarm;

import java.util.List;

import org.iceshare.api.media.MediaFormat;
import org.iceshare.api.scheduler.PieceScheduler;
import org.iceshare.api.verify.PieceVerifier;
import org.iceshare.core.internal.peer.Plugins;

/**
 * Plugins for an in-JVM swarm whose scheduler can be switched at run time, as ConfigAdmin does in
 * a container. Thread-safe.
 */
public final class SwitchablePlugins implements Plugins {
    private volatile PieceScheduler scheduler;
    private volatile PieceScheduler streaming;
    private final PieceVerifier verifier;
    private final List<MediaFormat> formats;

    public SwitchablePlugins(PieceScheduler scheduler, PieceVerifier verifier, List<MediaFormat> formats) {
        this.scheduler = scheduler;
        this.verifier = verifier;
        this.formats = List.copyOf(formats);
    }

    public void scheduler(PieceScheduler s) {
        this.scheduler = s;
    }

    /** The scheduler for live streams and played files; null means the file scheduler. */
    public void streamingScheduler(PieceScheduler s) {
        this.streaming = s;
    }

    @Override
    public PieceScheduler streamingScheduler() {
        PieceScheduler s = streaming;
        return s == null ? scheduler : s;
    }

    @Override
    public PieceScheduler scheduler() {
        return scheduler;
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
