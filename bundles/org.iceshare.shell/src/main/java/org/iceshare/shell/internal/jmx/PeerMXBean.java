package org.iceshare.shell.internal.jmx;

/**
 * One IceShare peer, as {@code org.iceshare:type=Peer,name=<peer>}. Every attribute is read from the
 * peer when it is asked for.
 */
public interface PeerMXBean {

    /** The peer's configured name. */
    String getName();

    /** The peer's anonymous key, 32 hex digits. */
    String getId();

    /** host:port where other peers reach it. */
    String getAddress();

    /** How many swarms it takes part in. */
    int getSwarms();

    /** Piece bytes it sent to other peers, over all its swarms. */
    long getUploaded();

    /** Piece bytes it received and verified, over all its swarms. */
    long getDownloaded();
}
