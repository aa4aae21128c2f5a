package org.iceshare.core.internal.peer;

import java.io.IOException;

/** A live piece left the window before it arrived: a player skips ahead to the next start point. */
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
