package org.iceshare.core.internal.storage;

import java.io.IOException;

/**
 * A live piece left the window ({@link LiveWindow}) before it arrived: a player skips ahead to the
 * next start point. The swarm fails a wait for such a piece with it; the player endpoint reads it.
 */
public final class PieceGoneException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int piece;

    public PieceGoneException(int piece) {
        super("live piece " + piece + " left the window before it arrived");
        this.piece = piece;
    }

    public int piece() {
        return piece;
    }
}
