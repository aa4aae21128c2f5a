package org.iceshare.core.internal.storage;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PieceInfo;

/**
 * Where a swarm keeps its verified pieces: a {@link PieceStore} on disk for a file, a
 * {@link LiveWindow} in memory for a live stream.
 *
 * <p><b>Threading:</b> {@link #write} on the swarm's executor only; the rest from any thread.
 */
public interface Pieces extends AutoCloseable {

    Manifest manifest();

    /** What is known of a piece, or null (a live piece not announced yet, or gone from the window). */
    PieceInfo info(int piece);

    /** True when the piece is here and verified. */
    boolean has(int piece);

    /** A verified piece's bytes. */
    ByteBuffer read(int piece) throws IOException;

    /** Stores a piece the caller verified. */
    void write(int piece, ByteBuffer bytes) throws IOException;

    int verifiedCount();

    /** True when every piece is here (never for a live stream). */
    boolean isComplete();

    @Override
    void close();
}
