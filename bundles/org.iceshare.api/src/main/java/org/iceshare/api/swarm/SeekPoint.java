package org.iceshare.api.swarm;

/**
 * Where playback for a time starts: the chain link whose headers must come first, and the piece (a
 * start point at or before the time) whose bytes follow them.
 *
 * @param link the link that plays at the time asked for
 * @param piece the start-point piece to continue from
 * @param pieceStartMicros that piece's start time, at or before the time asked for
 * @since 1.1
 */
public record SeekPoint(ChainLink link, int piece, long pieceStartMicros) {
}
