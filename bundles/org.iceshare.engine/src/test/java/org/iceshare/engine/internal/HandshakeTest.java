package org.iceshare.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.iceshare.api.icet.Auth;
import org.iceshare.api.icet.Hello;
import org.iceshare.api.icet.Role;
import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.swarm.PeerId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Identities and the version 3 handshake, both sides played in one test. */
class HandshakeTest {
    @TempDir
    Path tmp;

    @Test
    void bothSidesProveTheirKeysAndLearnTheOthersId() throws Handshake.Refused {
        Identity alice = Identity.generate();
        Identity tracker = Identity.generate();
        Handshake client = new Handshake(alice, Role.CLIENT, Role.TRACKER);
        Handshake server = new Handshake(tracker, Role.TRACKER, Role.CLIENT);
        Hello fromClient = client.hello("test", List.of(new Endpoint("tcp", 7741)));
        Hello fromServer = server.hello("tracker", List.of());
        assertThat(fromClient.peerId()).isEqualTo(alice.id()).isEqualTo(PeerId.ofPublicKey(alice.publicKey()));

        Auth clientProof = client.onHello(fromServer);
        Auth serverProof = server.onHello(fromClient);
        server.onAuth(clientProof);
        client.onAuth(serverProof);

        assertThat(server.authenticated()).isTrue();
        assertThat(client.authenticated()).isTrue();
        assertThat(server.remote()).isEqualTo(alice.id());
        assertThat(client.remote()).isEqualTo(tracker.id());
    }

    @Test
    void anotherKeysHelloCannotBeProven() throws Handshake.Refused {
        Identity victim = Identity.generate();
        Identity attacker = Identity.generate();
        Handshake server = new Handshake(Identity.generate(), Role.PEER, Role.PEER);
        server.hello("victim's peer", List.of());
        // the attacker sends the victim's key (seen in an earlier HELLO) and signs with its own
        Handshake fake = new Handshake(attacker, Role.PEER, Role.PEER);
        Hello claimed = Hello.of(Role.PEER, victim.publicKey(), new byte[32], "impostor", List.of());
        server.onHello(claimed);
        Auth own = fake.onHello(server.hello("x", List.of()));
        assertThatThrownBy(() -> server.onAuth(own)).isInstanceOf(Handshake.Refused.class)
                .hasMessageContaining("does not hold that id's private key");
        assertThat(server.authenticated()).isFalse();
    }

    @Test
    void aProofFromAnotherConnectionOrAnotherRoleIsUseless() throws Handshake.Refused {
        Identity alice = Identity.generate();
        Handshake first = new Handshake(Identity.generate(), Role.PEER, Role.PEER);
        Handshake aliceSide = new Handshake(alice, Role.PEER, Role.PEER);
        Hello aliceHello = aliceSide.hello("a", List.of());
        first.onHello(aliceHello);
        Auth recorded = aliceSide.onHello(first.hello("b", List.of()));
        first.onAuth(recorded);
        assertThat(first.authenticated()).isTrue();

        // replayed on a new connection, whose nonce differs
        Handshake second = new Handshake(Identity.generate(), Role.PEER, Role.PEER);
        second.hello("c", List.of());
        second.onHello(aliceHello);
        assertThatThrownBy(() -> second.onAuth(recorded)).isInstanceOf(Handshake.Refused.class);

        // a peer's signature does not pass as a client's
        Handshake tracker = new Handshake(Identity.generate(), Role.TRACKER, Role.CLIENT);
        Hello asClient = new Hello(aliceHello.version(), Role.CLIENT, aliceHello.peerId(), "", 0, "a", List.of(),
                aliceHello.publicKey(), aliceHello.nonce());
        tracker.onHello(asClient);
        Auth peerProof = new Handshake(alice, Role.PEER, Role.TRACKER).onHello(tracker.hello("t", List.of()));
        assertThatThrownBy(() -> tracker.onAuth(peerProof)).isInstanceOf(Handshake.Refused.class);
    }

    @Test
    void orderAndRolesAreEnforced() throws Handshake.Refused {
        Handshake peer = new Handshake(Identity.generate(), Role.PEER, Role.PEER);
        assertThatThrownBy(() -> peer.onAuth(new Auth(new byte[64]))).hasMessageContaining("Auth before Hello");
        Identity other = Identity.generate();
        assertThatThrownBy(() -> peer.onHello(Hello.of(Role.TRACKER, other.publicKey(), new byte[32], "t",
                List.of()))).hasMessageContaining("expected a peer");
        peer.onHello(Hello.of(Role.PEER, other.publicKey(), new byte[32], "p", List.of()));
        assertThatThrownBy(() -> peer.onHello(Hello.of(Role.PEER, other.publicKey(), new byte[32], "p", List.of())))
                .hasMessageContaining("second Hello");
    }

    @Test
    void anIdentityIsKeptOwnerOnlyAndADamagedKeyIsNeverReplaced() throws IOException {
        Path file = tmp.resolve("keys").resolve("peer.key");
        Identity made = Identity.loadOrCreate(file);
        assertThat(Identity.loadOrCreate(file).id()).isEqualTo(made.id());
        assertThat(Files.getPosixFilePermissions(file)).as("owner only").containsExactlyInAnyOrder(
                java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        byte[] message = "hello".getBytes();
        assertThat(Identity.verify(made.publicKey(), message, made.sign(message))).isTrue();
        assertThat(Identity.verify(made.publicKey(), "other".getBytes(), made.sign(message))).isFalse();
        assertThat(Identity.verify(new byte[5], message, made.sign(message))).isFalse();

        Files.writeString(file, "ed25519\nAAAA\nAAAA\n");
        assertThatThrownBy(() -> Identity.loadOrCreate(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("damaged");
        Files.writeString(file, "something else");
        assertThatThrownBy(() -> Identity.loadOrCreate(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("not an IceShare Ed25519 key");
    }
}
