package org.iceshare.core.internal.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;

import org.iceshare.api.swarm.Manifest;
import org.iceshare.core.internal.support.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PieceStoreTest {
    @TempDir
    Path tmp;

    private static byte[] data(int n) {
        byte[] b = new byte[n];
        new Random(7).nextBytes(b);
        return b;
    }

    private static ByteBuffer piece(byte[] data, Manifest m, int i) {
        return ByteBuffer.wrap(data, (int) m.piece(i).offset(), m.piece(i).length()).slice();
    }

    @Test
    void manifestRoundTripsThroughItsTextForm() throws IOException {
        Manifest m = Sha256.manifest("a.ogg", data(10_000), 3000);
        StringWriter w = new StringWriter();
        ManifestCodec.write(m, w);
        assertThat(ManifestCodec.read(new StringReader(w.toString()))).isEqualTo(m);
    }

    @Test
    void aSignedManifestKeepsItsPublisherInItsTextForm() throws IOException {
        org.iceshare.engine.internal.Identity publisher = org.iceshare.engine.internal.Identity.generate();
        Manifest plain = Sha256.manifest("a.ogg", data(10_000), 3000);
        Manifest m = plain.signed(publisher.publicKey(), publisher.sign(plain.signedBytes(publisher.publicKey())));
        StringWriter w = new StringWriter();
        ManifestCodec.write(m, w);
        Manifest back = ManifestCodec.read(new StringReader(w.toString()));
        assertThat(back).isEqualTo(m);
        assertThat(back.signatureValid()).isTrue();
        assertThat(back.publisher()).isEqualTo(publisher.id());
    }

    @Test
    void damagedManifestIsRefusedWithReason() {
        assertThatThrownBy(() -> ManifestCodec.read(new StringReader("hello\n"))).isInstanceOf(IOException.class)
                .hasMessageContaining("not an IceShare manifest");
        assertThatThrownBy(() -> ManifestCodec.read(new StringReader("iceshare-manifest 1\nid=00\npieces=1\n")))
                .isInstanceOf(IOException.class);
    }

    @Test
    void storesPiecesAndSurvivesReopen() throws IOException {
        byte[] d = data(100_000);
        Manifest m = Sha256.manifest("a.ogg", d, 16_384);
        Path dir = tmp.resolve("c");
        try (PieceStore s = PieceStore.create(dir, m)) {
            s.write(0, piece(d, m, 0));
            s.write(3, piece(d, m, 3));
            assertThat(s.has(0)).isTrue();
            assertThat(s.has(1)).isFalse();
            assertThat(s.verifiedCount()).isEqualTo(2);
            assertThat(s.read(3)).isEqualTo(piece(d, m, 3));
        }
        try (PieceStore s = PieceStore.open(dir, new Sha256())) {
            assertThat(s.manifest()).isEqualTo(m);
            assertThat(s.verified().toString()).isEqualTo("1001000");
            ByteBuffer dst = ByteBuffer.allocate(100);
            s.readAt(3 * 16_384 + 5, dst);
            assertThat(dst.array()).isEqualTo(java.util.Arrays.copyOfRange(d, 3 * 16_384 + 5, 3 * 16_384 + 105));
        }
    }

    @Test
    void reopenUnmarksPiecesWhoseBytesRotted() throws IOException {
        byte[] d = data(50_000);
        Manifest m = Sha256.manifest("a.ogg", d, 10_000);
        Path dir = tmp.resolve("c");
        try (PieceStore s = PieceStore.create(dir, m)) {
            for (int i = 0; i < m.pieceCount(); i++) {
                s.write(i, piece(d, m, i));
            }
            assertThat(s.isComplete()).isTrue();
        }
        try (FileChannel ch = FileChannel.open(dir.resolve(PieceStore.DATA), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {(byte) ~d[25_000]}), 25_000);
        }
        try (PieceStore s = PieceStore.open(dir, new Sha256())) {
            assertThat(s.verified().toString()).isEqualTo("11011");
        }
    }

    @Test
    void completeStoreFromAFileHoldsEveryPiece() throws IOException {
        byte[] d = data(30_000);
        Path file = tmp.resolve("in.bin");
        Files.write(file, d);
        Manifest m = Sha256.manifest("in.bin", d, 7_000);
        try (PieceStore s = PieceStore.createComplete(tmp.resolve("c"), m, file)) {
            assertThat(s.isComplete()).isTrue();
            assertThat(s.read(4)).isEqualTo(piece(d, m, 4));
        }
        try (PieceStore s = PieceStore.open(tmp.resolve("c"), new Sha256())) {
            assertThat(s.isComplete()).isTrue();
        }
    }

    @Test
    void writeRefusesAWrongLength() throws IOException {
        byte[] d = data(20_000);
        Manifest m = Sha256.manifest("a.ogg", d, 10_000);
        try (PieceStore s = PieceStore.create(tmp.resolve("c"), m)) {
            assertThatThrownBy(() -> s.write(0, ByteBuffer.allocate(5))).isInstanceOf(IllegalArgumentException.class);
            assertThat(s.has(0)).isFalse();
        }
    }

    @Test
    void storageKeepsThePeerKeyAndRemembersSwarms() throws IOException {
        Storage st = new Storage(tmp.resolve("peer"));
        var id = st.identity().id();
        assertThat(new Storage(tmp.resolve("peer")).identity().id()).isEqualTo(id);
        java.nio.file.Path key = tmp.resolve("peer").resolve("peer.key");
        assertThat(java.nio.file.Files.getPosixFilePermissions(key)).as("readable by its owner only")
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        java.nio.file.Files.writeString(key, "ed25519\nnot base64\n!!\n");
        assertThatThrownBy(() -> new Storage(tmp.resolve("peer")).identity()).as("a damaged key is never replaced")
                .isInstanceOf(IOException.class).hasMessageContaining("damaged");
        byte[] d = data(20_000);
        Manifest m = Sha256.manifest("a.ogg", d, 10_000);
        try (PieceStore s = PieceStore.create(st.contentDir(m.id()), m)) {
            st.remember(m.id(), org.iceshare.api.swarm.IcetUrl.parse("icet://127.0.0.1:7740/a.ogg"), false);
        }
        assertThat(st.storedSwarms()).singleElement().satisfies(s -> {
            assertThat(s.url().name()).isEqualTo("a.ogg");
            assertThat(s.source()).isFalse();
        });
    }
}
