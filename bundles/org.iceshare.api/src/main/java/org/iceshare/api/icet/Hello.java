package org.iceshare.api.icet;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.swarm.PeerId;

/**
 * The first message on every connection, in both directions.
 *
 * <p>From protocol version 3 a HELLO carries the sender's Ed25519 public key, from which its peer id is
 * derived ({@link PeerId#ofPublicKey}), and a fresh random nonce that the other side signs in its
 * {@link Auth}. A HELLO alone proves nothing: nobody is who its HELLO says until its Auth checked out.
 *
 * @param version the highest protocol version the sender speaks
 * @param role what the sender is in this conversation
 * @param peerId the sender's id (a tracker sends its own); from version 3, the id of {@code publicKey}
 * @param host what the sender thinks its host is, for logs only: a tracker tells others the address the
 *        sender connected from, never this
 * @param listenPort the sender's peer port (its first endpoint's), or 0 when it accepts no peer
 *        connections
 * @param agent free text naming the software, for logs
 * @param endpoints every transport and port the sender accepts connections on, in its order of
 *        preference: empty when {@code listenPort} is 0, else starting with {@code listenPort}. A tracker
 *        lists its own, so that clients can reconnect over another transport.
 * @param publicKey the sender's raw 32-byte Ed25519 public key (version 3); empty from older senders
 * @param nonce 32 fresh random bytes for the other side to sign (version 3); empty from older senders
 */
public record Hello(int version, Role role, PeerId peerId, String host, int listenPort, String agent,
        List<Endpoint> endpoints, byte[] publicKey, byte[] nonce) implements IcetMessage {

    /** Length of a raw Ed25519 public key. @since 1.5 */
    public static final int KEY_LENGTH = 32;

    /** Length of a HELLO's nonce. @since 1.5 */
    public static final int NONCE_LENGTH = 32;

    /** Longest host a HELLO may name (a DNS name is at most 253 characters). @since 1.5 */
    public static final int MAX_HOST = 255;

    public Hello {
        if (version < 1 || version > 255) {
            throw new IllegalArgumentException("protocol version out of range 1..255: " + version);
        }
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(peerId, "peerId");
        IcetMessage.text(host, "host");
        if (host.length() > MAX_HOST) {
            throw new IllegalArgumentException("host longer than " + MAX_HOST + " characters");
        }
        IcetMessage.text(agent, "agent");
        if (listenPort < 0 || listenPort > 65535) {
            throw new IllegalArgumentException("listen port out of range 0..65535: " + listenPort);
        }
        endpoints = Endpoint.checkList(endpoints);
        if (listenPort != 0 && (endpoints.isEmpty() || endpoints.get(0).port() != listenPort)) {
            throw new IllegalArgumentException("listen port " + listenPort + " must be the first endpoint's, got "
                    + endpoints);
        }
        publicKey = publicKey == null ? new byte[0] : publicKey.clone();
        nonce = nonce == null ? new byte[0] : nonce.clone();
        if (publicKey.length != 0 && publicKey.length != KEY_LENGTH) {
            throw new IllegalArgumentException("a public key has " + KEY_LENGTH + " bytes, got " + publicKey.length);
        }
        if (nonce.length != 0 && nonce.length != NONCE_LENGTH) {
            throw new IllegalArgumentException("a nonce has " + NONCE_LENGTH + " bytes, got " + nonce.length);
        }
        if (version >= 3 && (publicKey.length == 0 || nonce.length == 0)) {
            throw new IllegalArgumentException("a version " + version + " Hello carries a public key and a nonce");
        }
        if (publicKey.length != 0 && !PeerId.ofPublicKey(publicKey).equals(peerId)) {
            throw new IllegalArgumentException("peer id " + peerId + " is not the id of the public key");
        }
    }

    /** A Hello without identity (protocol version 2 and older), as an older sender's decodes. */
    public Hello(int version, Role role, PeerId peerId, String host, int listenPort, String agent,
            List<Endpoint> endpoints) {
        this(version, role, peerId, host, listenPort, agent, endpoints, null, null);
    }

    /**
     * A Hello whose listen port is its first endpoint's (0 when it lists none).
     *
     * @since 1.4
     */
    public static Hello of(int version, Role role, PeerId peerId, String host, String agent,
            List<Endpoint> endpoints) {
        return new Hello(version, role, peerId, host, endpoints.isEmpty() ? 0 : endpoints.get(0).port(), agent,
                endpoints);
    }

    /**
     * A Hello of the current protocol version (3 or later: with a key and a nonce), from a key: its id is the key's.
     *
     * @since 1.5
     */
    public static Hello of(Role role, byte[] publicKey, byte[] nonce, String agent, List<Endpoint> endpoints) {
        return new Hello(IcetMessage.PROTOCOL_VERSION, role, PeerId.ofPublicKey(publicKey), "",
                endpoints.isEmpty() ? 0 : endpoints.get(0).port(), agent, endpoints, publicKey, nonce);
    }

    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    @Override
    public byte[] nonce() {
        return nonce.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Hello h && h.version == version && h.role == role && h.peerId.equals(peerId)
                && h.host.equals(host) && h.listenPort == listenPort && h.agent.equals(agent)
                && h.endpoints.equals(endpoints) && Arrays.equals(h.publicKey, publicKey)
                && Arrays.equals(h.nonce, nonce);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, role, peerId, host, listenPort, agent, endpoints);
    }

    @Override
    public String toString() {
        return "Hello[v" + version + " " + role + " " + peerId + " " + endpoints + (agent.isEmpty() ? "" : " " + agent)
                + "]";
    }

    @Override
    public MessageType type() {
        return MessageType.HELLO;
    }
}
