package org.iceshare.api.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.util.Arrays;
import java.util.List;

import org.iceshare.api.icet.Announce;
import org.junit.jupiter.api.Test;

/** Publisher signatures (IceT 4): what is signed, and that any change breaks the signature. */
class SignaturesTest {
    private static final KeyPair PUBLISHER = keyPair();
    private static final KeyPair OTHER = keyPair();

    @Test
    void aSignedManifestChecksAndNamesItsPublisher() {
        Manifest m = sign(file("song.ogg", "piece 0", "piece 1"), PUBLISHER);
        assertThat(m.isSigned()).isTrue();
        assertThat(m.signatureValid()).isTrue();
        assertThat(m.publisher()).isEqualTo(PeerId.ofPublicKey(raw(PUBLISHER)));
        assertThat(file("song.ogg", "piece 0", "piece 1").signatureValid()).as("unsigned").isFalse();
        assertThat(file("song.ogg", "piece 0", "piece 1").publisher()).isNull();
    }

    @Test
    void aChangedPieceHashKeepingTheSignatureFailsTheCheck() {
        Manifest good = sign(file("song.ogg", "piece 0", "piece 1"), PUBLISHER);
        Manifest swapped = file("song.ogg", "piece 0", "evil piece").signed(good.publisherKey(), good.signature());
        assertThat(swapped.signatureValid()).isFalse();
        Manifest renamed = file("other.ogg", "piece 0", "piece 1").signed(good.publisherKey(), good.signature());
        assertThat(renamed.signatureValid()).isFalse();
    }

    @Test
    void aSignatureMovedToAnotherKeyFailsTheCheck() {
        Manifest good = sign(file("song.ogg", "piece 0", "piece 1"), PUBLISHER);
        // another key named with the publisher's signature: the key is part of the signed bytes
        assertThat(good.signed(raw(OTHER), good.signature()).signatureValid()).isFalse();
        // re-signed by someone else: valid, but its publisher is that someone else
        Manifest resigned = sign(good, OTHER);
        assertThat(resigned.signatureValid()).isTrue();
        assertThat(resigned.publisher()).isNotEqualTo(good.publisher());
    }

    @Test
    void liveManifestsAreSignedToo() {
        Manifest live = Manifest.live(ContentId.random(), "radio.ogg", "audio/ogg", "ogg", "sha-256", 30_000_000L);
        Manifest signed = sign(live, PUBLISHER);
        assertThat(signed.signatureValid()).isTrue();
        Manifest widened = Manifest.live(live.id(), "radio.ogg", "audio/ogg", "ogg", "sha-256", 60_000_000L)
                .signed(signed.publisherKey(), signed.signature());
        assertThat(widened.signatureValid()).isFalse();
    }

    @Test
    void sizesAreChecked() {
        Manifest m = file("song.ogg", "piece 0");
        assertThatThrownBy(() -> m.signed(new byte[31], new byte[64])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> m.signed(new byte[32], new byte[63])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("64 bytes");
        assertThat(Signatures.verify(new byte[32], new byte[] {1}, new byte[64])).isFalse();
        assertThat(Signatures.verify(null, new byte[] {1}, new byte[64])).isFalse();
    }

    @Test
    void announcedPiecesAndLinksCheckAgainstThePublisherKey() {
        ContentId stream = ContentId.random();
        PieceInfo piece = new PieceInfo(1200, 9_600_000L, 4096, sha256("page"), 0, 20_000, true, 3);
        Announce.Entry entry = new Announce.Entry(piece, 1L).signed(sign(PUBLISHER, Signatures.livePiece(stream,
                piece)));
        assertThat(entry.signatureValid(stream, raw(PUBLISHER))).isTrue();
        assertThat(entry.signatureValid(stream, raw(OTHER))).isFalse();
        assertThat(entry.signatureValid(ContentId.random(), raw(PUBLISHER))).as("another stream").isFalse();
        assertThat(new Announce.Entry(piece, 999L, entry.signature()).signatureValid(stream, raw(PUBLISHER)))
                .as("the cut time is not signed").isTrue();
        PieceInfo forged = new PieceInfo(1200, 9_600_000L, 4096, sha256("forged page"), 0, 20_000, true, 3);
        assertThat(new Announce.Entry(forged, 1L, entry.signature()).signatureValid(stream, raw(PUBLISHER)))
                .isFalse();
        assertThat(new Announce.Entry(piece, 1L).signatureValid(stream, raw(PUBLISHER))).as("unsigned").isFalse();

        ChainLink link = new ChainLink(3, 1200, 0, 0, -1, "vorbis");
        ByteBuffer headers = ByteBuffer.wrap("OggS headers".getBytes(StandardCharsets.US_ASCII));
        Announce.Link signed = new Announce.Link(link, headers).signed(sign(PUBLISHER, Signatures.liveLink(stream,
                link, headers)));
        assertThat(signed.signatureValid(stream, raw(PUBLISHER))).isTrue();
        assertThat(headers.position()).as("the headers are read, not consumed").isZero();
        Announce.Link otherHeaders = new Announce.Link(link, ByteBuffer.wrap("OggS evil".getBytes(
                StandardCharsets.US_ASCII)), signed.signature());
        assertThat(otherHeaders.signatureValid(stream, raw(PUBLISHER))).isFalse();
        assertThat(signed.withoutHeaders().signature()).isEqualTo(signed.signature());
        assertThat(signed.withoutHeaders().signatureValid(stream, raw(PUBLISHER)))
                .as("a link without headers cannot be checked on its own").isFalse();
    }

    @Test
    void eachKindOfSignedBytesHasItsOwnTag() {
        ContentId stream = ContentId.random();
        PieceInfo piece = new PieceInfo(0, 0, 1, new byte[] {1});
        assertThat(new String(Signatures.livePiece(stream, piece), 0, 18, StandardCharsets.US_ASCII))
                .isEqualTo("IceT live piece v4");
        assertThat(new String(Signatures.liveLink(stream, ChainLink.untimed(0, 0, 0), ByteBuffer.allocate(0)), 0,
                17, StandardCharsets.US_ASCII)).isEqualTo("IceT live link v4");
        Manifest m = file("song.ogg", "piece 0");
        assertThat(new String(m.signedBytes(raw(PUBLISHER)), 0, 16, StandardCharsets.US_ASCII))
                .isEqualTo("IceT manifest v4");
    }

    // ------------------------------------------------------------------ helpers

    static Manifest file(String name, String... pieceTexts) {
        List<PieceInfo> pieces = new java.util.ArrayList<>();
        for (int i = 0; i < pieceTexts.length; i++) {
            pieces.add(new PieceInfo(i, i * 10L, 10, sha256(pieceTexts[i])));
        }
        return Manifest.derived(name, "audio/ogg", "ogg", "sha-256", pieceTexts.length * 10L, 0, pieces);
    }

    static Manifest sign(Manifest m, KeyPair pair) {
        return m.signed(raw(pair), sign(pair, m.signedBytes(raw(pair))));
    }

    static KeyPair keyPair() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] raw(KeyPair pair) {
        byte[] x509 = pair.getPublic().getEncoded();
        return Arrays.copyOfRange(x509, x509.length - 32, x509.length);
    }

    static byte[] sign(KeyPair pair, byte[] message) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(pair.getPrivate());
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
