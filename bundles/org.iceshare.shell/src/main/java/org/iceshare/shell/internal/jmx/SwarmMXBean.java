package org.iceshare.shell.internal.jmx;

import java.util.Map;

/**
 * One swarm at one peer, as {@code org.iceshare:type=Swarm,peer=<peer>,content=<id>}. Every attribute
 * is read from the peer when it is asked for; once the peer has left the swarm, State is
 * {@code LEFT} and the figures are zero (until the MBean is unregistered).
 */
public interface SwarmMXBean {

    String getPeer();

    /** The content id, 32 hex digits. */
    String getContent();

    /** The name the content is published under. */
    String getName();

    /** The content's icet:// URL. */
    String getUrl();

    /** JOINING, DOWNLOADING, COMPLETE, LIVE, STOPPED, FAILED, or LEFT. */
    String getState();

    /** True when this peer published the content. */
    boolean isSource();

    /** True for a live stream. */
    boolean isLive();

    /** Share of the pieces verified here, 0..1 (for a live stream: of the window). */
    double getProgress();

    int getVerifiedPieces();

    int getPieces();

    /** Open connections to other peers of this swarm. */
    int getConnections();

    /** Piece bytes sent to other peers. */
    long getUploaded();

    /** Piece bytes received and verified. */
    long getDownloaded();

    /** The scheduler in use. */
    String getScheduler();

    /** How many piece requests each scheduler placed in this swarm (the piece log). */
    Map<String, Long> getRequestsByScheduler();

    /** Share of the pieces that were here by their playback deadline, 0..1 (1 when none was due). */
    double getContinuity();

    /** Pieces whose playback deadline has passed. */
    long getPiecesDue();

    /** Of those, the ones that were late. */
    long getPiecesLate();

    /** From joining to the first decodable byte, or -1. */
    long getStartupMillis();

    /** Median time from the source cutting a piece to it being here, or -1. */
    long getLatencyP50Millis();

    /** 95th percentile of that, or -1. */
    long getLatencyP95Millis();

    /** False while a live source is off air. */
    boolean isOnAir();

    /** The failure's reason, or empty. */
    String getError();
}
