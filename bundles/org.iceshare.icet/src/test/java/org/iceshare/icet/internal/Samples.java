package org.iceshare.icet.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.iceshare.api.icet.Assign;
import org.iceshare.api.icet.ErrorCode;
import org.iceshare.api.icet.ErrorReport;
import org.iceshare.api.icet.Hello;
import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.icet.Joined;
import org.iceshare.api.icet.Piece;
import org.iceshare.api.icet.Ping;
import org.iceshare.api.icet.Role;
import org.iceshare.api.swarm.ContentId;
import org.iceshare.api.swarm.Endpoint;
import org.iceshare.api.swarm.Manifest;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.swarm.PieceInfo;

/**
 * A few messages of each shape for the Netty adapters' tests. The codec itself (every message type,
 * every malformed input) is tested in the API bundle, {@code org.iceshare.api.codec}.
 */
final class Samples {
    static final PeerId ALICE = PeerId.parse("a11ce000000000000000000000000001");
    static final PeerId BOB = PeerId.parse("b0b00000000000000000000000000002");

    /** Ten pieces of 64 KiB (made-up hashes), one header piece. */
    static final Manifest MANIFEST = manifest();
    static final ContentId CONTENT = MANIFEST.id();

    private Samples() {
    }

    private static Manifest manifest() {
        List<PieceInfo> pieces = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            byte[] hash = new byte[32];
            hash[0] = (byte) i;
            pieces.add(new PieceInfo(i, i * 65536L, 65536, hash));
        }
        Manifest m = Manifest.derived("concert.ogg", "audio/ogg", "ogg", "sha-256", 10 * 65536L, 1, pieces);
        // IceT 4 carries signed manifests only; the transports do not check signatures, so any 64 bytes do
        return m.signed(key("publisher"), java.util.Arrays.copyOf(key("signature"), 64));
    }

    /** 32 bytes from a seed: a public key (any 32 bytes do for the codec and the transports) or a nonce. */
    static byte[] key(String seed) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(seed.getBytes(
                    java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static ByteBuffer data(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return ByteBuffer.wrap(b);
    }

    /** Messages of every shape: fixed fields, strings and endpoints, a manifest, a list, piece data. */
    static List<IcetMessage> some() {
        return List.of(
                Hello.of(Role.CLIENT, key("IceShare/0.1.0"), key("nonce"), "IceShare/0.1.0", List.of(new Endpoint("tcp", 7741))),
                new ErrorReport(ErrorCode.UNKNOWN_CONTENT, "no content named 'concert-2023.ogg'"),
                new Ping(0x0123456789abcdefL),
                new Joined(MANIFEST),
                new Assign(CONTENT, List.of(new Assign.Entry(0, ALICE, 1), new Assign.Entry(1, BOB, 2))),
                new Piece(CONTENT, 4, data(65536, 4)),
                new Piece(CONTENT, 5, ByteBuffer.allocate(0)));
    }
}
