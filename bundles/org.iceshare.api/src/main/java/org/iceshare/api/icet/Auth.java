package org.iceshare.api.icet;

import java.util.Arrays;

/**
 * The second message on every connection (protocol version 3), in both directions: the sender proves
 * that it holds the private key of the public key in its {@link Hello}, by signing the other side's
 * fresh nonce. Until a side has checked the other's Auth, it sends nothing but its own Hello and Auth,
 * and takes nothing else from the other side.
 *
 * <p>The signature is Ed25519 over the bytes of {@link #SIGNED_PREFIX} (US-ASCII), then the receiver's
 * nonce, then the sender's nonce (32 bytes each, from the two HELLOs), then the sender's role code (one
 * byte). Signing the receiver's nonce makes an old signature useless on a new connection; the role byte
 * keeps a signature made as a peer from being replayed as a tracker.
 *
 * @param signature the 64-byte Ed25519 signature
 * @since 1.5
 */
public record Auth(byte[] signature) implements IcetMessage {

    /** Length of an Ed25519 signature. */
    public static final int SIGNATURE_LENGTH = 64;

    /** What every signed proof starts with. */
    public static final String SIGNED_PREFIX = "IceT auth v3";

    public Auth {
        if (signature == null || signature.length != SIGNATURE_LENGTH) {
            throw new IllegalArgumentException("an Auth signature has " + SIGNATURE_LENGTH + " bytes");
        }
        signature = signature.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /**
     * The bytes the sender of an Auth signs.
     *
     * @param receiverNonce the nonce of the side that will check the signature
     * @param senderNonce the nonce of the signing side
     * @param senderRole the signing side's role
     */
    public static byte[] signedBytes(byte[] receiverNonce, byte[] senderNonce, Role senderRole) {
        byte[] prefix = SIGNED_PREFIX.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] out = new byte[prefix.length + receiverNonce.length + senderNonce.length + 1];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(receiverNonce, 0, out, prefix.length, receiverNonce.length);
        System.arraycopy(senderNonce, 0, out, prefix.length + receiverNonce.length, senderNonce.length);
        out[out.length - 1] = (byte) senderRole.code();
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Auth a && Arrays.equals(a.signature, signature);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(signature);
    }

    @Override
    public String toString() {
        return "Auth[" + signature.length + " bytes]";
    }

    @Override
    public MessageType type() {
        return MessageType.AUTH;
    }
}
