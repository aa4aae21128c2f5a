package org.iceshare.api.verify;

import java.nio.ByteBuffer;
import java.security.MessageDigest;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Computes piece digests. The manifest names the algorithm; a peer picks the verifier service whose
 * {@value #ALGORITHM_PROPERTY} property matches.
 *
 * <p><b>Threading:</b> implementations are thread-safe; any thread may call them concurrently.
 * {@link #digest} is CPU-bound and must not do I/O.
 */
@ConsumerType
public interface PieceVerifier {

    /** Service property naming the algorithm, for example {@code sha-256}. */
    String ALGORITHM_PROPERTY = "verify.algorithm";

    /** The algorithm's name, equal to its {@value #ALGORITHM_PROPERTY} property. */
    String algorithm();

    /** Length of the digests this verifier makes, in bytes. */
    int digestLength();

    /** Digests the remaining bytes of {@code data}, without moving its position. */
    byte[] digest(ByteBuffer data);

    /** True when the digest of {@code data} equals {@code expected}, compared in constant time. */
    default boolean verify(ByteBuffer data, byte[] expected) {
        return MessageDigest.isEqual(digest(data), expected);
    }
}
