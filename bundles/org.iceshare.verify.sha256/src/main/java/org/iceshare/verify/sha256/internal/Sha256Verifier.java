package org.iceshare.verify.sha256.internal;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

import org.iceshare.api.verify.PieceVerifier;
import org.osgi.service.component.annotations.Component;

/**
 * SHA-256 piece digests (FIPS 180-4), 32 bytes, with the JDK's own implementation.
 *
 * <p>Each call digests with a clone of a prototype {@link MessageDigest} made once, which skips the
 * provider lookup of {@link MessageDigest#getInstance}; should the platform's SHA-256 not be
 * cloneable, each call gets a fresh instance instead. The input is read through a
 * {@link ByteBuffer#duplicate() duplicate}, so the caller's buffer is never moved, not even for a
 * moment, and several threads may digest the same buffer at once.
 *
 * <p><b>Threading:</b> thread-safe and non-blocking. The prototype is never updated, so cloning it
 * from many threads at once only reads it.
 */
@Component(service = PieceVerifier.class,
        property = {PieceVerifier.ALGORITHM_PROPERTY + "=" + Sha256Verifier.ALGORITHM, "service.ranking:Integer=100"})
public final class Sha256Verifier implements PieceVerifier {

    /** The {@value PieceVerifier#ALGORITHM_PROPERTY} of this verifier, as manifests name it. */
    public static final String ALGORITHM = "sha-256";

    /** Bytes in a SHA-256 digest. */
    public static final int DIGEST_LENGTH = 32;

    private static final String JCA_NAME = "SHA-256";

    /** Never updated; cloned per digest. Null when the platform's SHA-256 cannot be cloned. */
    private final MessageDigest prototype;

    public Sha256Verifier() {
        MessageDigest md = newDigest();
        MessageDigest cloneable;
        try {
            md.clone();
            cloneable = md;
        } catch (CloneNotSupportedException e) {
            cloneable = null;
        }
        this.prototype = cloneable;
    }

    @Override
    public String algorithm() {
        return ALGORITHM;
    }

    @Override
    public int digestLength() {
        return DIGEST_LENGTH;
    }

    @Override
    public byte[] digest(ByteBuffer data) {
        Objects.requireNonNull(data, "data");
        MessageDigest md = digester();
        md.update(data.duplicate());
        return md.digest();
    }

    private MessageDigest digester() {
        if (prototype == null) {
            return newDigest();
        }
        try {
            return (MessageDigest) prototype.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the SHA-256 prototype was cloned once and then refused", e);
        }
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance(JCA_NAME);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
