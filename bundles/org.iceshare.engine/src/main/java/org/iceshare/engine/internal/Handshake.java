package org.iceshare.engine.internal;

import java.security.SecureRandom;
import java.util.List;

import org.iceshare.api.icet.Auth;
import org.iceshare.api.icet.Hello;
import org.iceshare.api.icet.Role;
import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.swarm.PeerId;

/**
 * One side of the IceT version 3 handshake on one connection: send a {@link Hello} with this side's
 * public key and a fresh nonce; on the other side's Hello, check it and answer with an {@link Auth} that
 * signs its nonce; on the other side's Auth, check the signature against the key of its Hello. Only then
 * is the other side {@linkplain #authenticated() authenticated}: nobody can take another's id on any
 * transport without its private key, and a signature recorded on one connection is useless on the next
 * (it signs that connection's nonce).
 *
 * <p><b>Threading:</b> not thread-safe; one connection's events come one at a time.
 */
public final class Handshake {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The other side broke the handshake: the reason, for the PROTOCOL error and the log. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        public Refused(String reason) {
            super(reason);
        }
    }

    private final Identity me;
    private final Role role;
    private final Role expected;
    private final byte[] nonce = new byte[Hello.NONCE_LENGTH];
    private Hello theirs;
    private boolean authenticated;

    /**
     * @param me this side's identity
     * @param role this side's role in the conversation
     * @param expected the role the other side must have
     */
    public Handshake(Identity me, Role role, Role expected) {
        this.me = me;
        this.role = role;
        this.expected = expected;
        RANDOM.nextBytes(nonce);
    }

    /** This side's Hello: its key, this connection's nonce, where it listens. */
    public Hello hello(String agent, List<Endpoint> endpoints) {
        return Hello.of(role, me.publicKey(), nonce, agent, endpoints);
    }

    /**
     * The other side's Hello: checked (its role, a key whose id it claims, a nonce), and answered with
     * this side's Auth.
     *
     * @throws Refused when it is not acceptable, or is a second one
     */
    public Auth onHello(Hello h) throws Refused {
        if (theirs != null) {
            throw new Refused("second Hello during the handshake");
        }
        if (h.role() != expected) {
            throw new Refused("expected a " + expected.name().toLowerCase() + ", got " + h.role());
        }
        if (h.publicKey().length != Hello.KEY_LENGTH || h.nonce().length != Hello.NONCE_LENGTH) {
            throw new Refused("a Hello without a public key and a nonce (protocol version 3 needs both)");
        }
        theirs = h;
        return new Auth(me.sign(Auth.signedBytes(h.nonce(), nonce, role)));
    }

    /**
     * The other side's Auth: its signature of this side's nonce must check out against the key of its
     * Hello.
     *
     * @throws Refused when it does not, or comes before the Hello, or twice
     */
    public void onAuth(Auth a) throws Refused {
        if (theirs == null) {
            throw new Refused("Auth before Hello");
        }
        if (authenticated) {
            throw new Refused("second Auth");
        }
        if (!Identity.verify(theirs.publicKey(), Auth.signedBytes(nonce, theirs.nonce(), theirs.role()),
                a.signature())) {
            throw new Refused("the Auth signature does not match the key of " + theirs.peerId()
                    + ": it does not hold that id's private key");
        }
        authenticated = true;
    }

    /** True once the other side proved its key. */
    public boolean authenticated() {
        return authenticated;
    }

    /** The other side's Hello, once received (its claims hold only once {@link #authenticated()}). */
    public Hello theirs() {
        return theirs;
    }

    /** The other side's id, proven once {@link #authenticated()}; null before its Hello. */
    public PeerId remote() {
        return theirs == null ? null : theirs.peerId();
    }
}
