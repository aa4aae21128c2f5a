package org.iceshare.transport.tls.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SelfSignedIdentityTest {

    @TempDir
    Path temp;

    @Test
    void generatedOnceThenReusedWithTheSameFingerprint() throws Exception {
        Path folder = temp.resolve("data/iceshare/tls");
        TlsIdentity first = SelfSignedIdentity.loadOrCreate(folder);
        byte[] storeBytes = Files.readAllBytes(folder.resolve(SelfSignedIdentity.KEYSTORE));
        TlsIdentity second = SelfSignedIdentity.loadOrCreate(folder);

        assertThat(second.fingerprint()).isEqualTo(first.fingerprint()).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
        assertThat(second.key()).isEqualTo(first.key());
        assertThat(second.certificate()).isEqualTo(first.certificate());
        assertThat(Files.readAllBytes(folder.resolve(SelfSignedIdentity.KEYSTORE))).isEqualTo(storeBytes);
        assertThat(first.origin()).isEqualTo("generated in " + folder);
        assertThat(first.certificate().getSubjectX500Principal().getName()).matches("CN=iceshare-[0-9a-f]{16}");
        assertThat(first.key().getAlgorithm()).isEqualTo("EC");
        try (var files = Files.list(folder)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("identity.p12",
                    "identity.password", "identity.crt", "identity.lock");
        }
    }

    @Test
    void theFilesAreAPkcs12StoreItsPasswordAndAPemCertificate() throws Exception {
        TlsIdentity identity = SelfSignedIdentity.loadOrCreate(temp);
        String password = Files.readString(temp.resolve("identity.password"), StandardCharsets.US_ASCII).strip();
        assertThat(password).matches("[A-Za-z0-9_-]{32}");

        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(temp.resolve("identity.p12"))) {
            store.load(in, password.toCharArray());
        }
        assertThat(java.util.Collections.list(store.aliases())).containsExactly("iceshare");
        assertThat(store.getCertificate("iceshare")).isEqualTo(identity.certificate());

        String pem = Files.readString(temp.resolve("identity.crt"), StandardCharsets.US_ASCII);
        assertThat(pem).startsWith("-----BEGIN CERTIFICATE-----\n").endsWith("-----END CERTIFICATE-----\n");
        assertThat(pem.lines().filter(l -> !l.startsWith("-----"))).allMatch(l -> l.length() <= 64);
        X509Certificate fromPem;
        try (InputStream in = Files.newInputStream(temp.resolve("identity.crt"))) {
            fromPem = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        assertThat(fromPem).isEqualTo(identity.certificate());
        fromPem.verify(fromPem.getPublicKey());
    }

    @Test
    void keyAndPasswordAreOwnerOnlyWherePosixPermissionsExist() throws Exception {
        assumeThat(temp.getFileSystem().supportedFileAttributeViews()).contains("posix");
        Path folder = temp.resolve("new/tls");
        SelfSignedIdentity.loadOrCreate(folder);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.resolve("identity.p12"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.resolve("identity.password"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.resolve("identity.crt"))))
                .isEqualTo("rw-r--r--");
    }

    @Test
    void aMissingCertificateFileIsWrittenAgain() throws Exception {
        TlsIdentity identity = SelfSignedIdentity.loadOrCreate(temp);
        Files.delete(temp.resolve("identity.crt"));
        assertThat(SelfSignedIdentity.loadOrCreate(temp).fingerprint()).isEqualTo(identity.fingerprint());
        assertThat(temp.resolve("identity.crt")).exists();
    }

    @Test
    void concurrentFirstStartsAgreeOnOneIdentity() throws Exception {
        Path folder = temp.resolve("race");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<TlsIdentity>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit((Callable<TlsIdentity>) () -> SelfSignedIdentity.loadOrCreate(folder)));
            }
            String fingerprint = results.get(0).get().fingerprint();
            for (Future<TlsIdentity> f : results) {
                assertThat(f.get().fingerprint()).isEqualTo(fingerprint);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anIdentityItCannotReadIsNeverOverwritten() throws Exception {
        TlsIdentity identity = SelfSignedIdentity.loadOrCreate(temp);
        Path password = temp.resolve("identity.password");
        Files.writeString(password, "not-the-password\n");
        assertThatThrownBy(() -> SelfSignedIdentity.loadOrCreate(temp))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("identityFolder: cannot load the generated identity in " + temp)
                .hasMessageContaining("wrong password")
                .hasMessageContaining("move identity.p12 and identity.password away to generate a new one");

        Files.delete(password);
        assertThatThrownBy(() -> SelfSignedIdentity.loadOrCreate(temp))
                .hasMessageContaining("exists but its password file")
                .hasMessageContaining("is missing");
        assertThat(temp.resolve("identity.p12")).exists();

        Files.move(temp.resolve("identity.p12"), temp.resolve("old.p12"));
        assertThat(SelfSignedIdentity.loadOrCreate(temp).fingerprint()).isNotEqualTo(identity.fingerprint());
    }

    @Test
    void aFileWhereTheFolderShouldBeIsRefused() throws Exception {
        Path file = Files.writeString(temp.resolve("tls"), "x");
        assertThatThrownBy(() -> SelfSignedIdentity.loadOrCreate(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("identityFolder: " + file);
        assertThatThrownBy(() -> SelfSignedIdentity.loadOrCreate(file.resolve("below")))
                .hasMessageStartingWith("identityFolder: cannot create " + file.resolve("below"));
    }

    @Test
    void aReadOnlyFolderWithAnIdentityIsReadWithoutALock() throws Exception {
        assumeThat(temp.getFileSystem().supportedFileAttributeViews()).contains("posix");
        assumeThat(System.getProperty("user.name")).isNotEqualTo("root"); // root writes anywhere
        Path folder = temp.resolve("provisioned");
        TlsIdentity identity = SelfSignedIdentity.loadOrCreate(folder);
        Files.delete(folder.resolve("identity.lock"));
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("r-x------"));
        try {
            assertThat(SelfSignedIdentity.loadOrCreate(folder).fingerprint()).isEqualTo(identity.fingerprint());
        } finally {
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void anEphemeralIdentitySaysSo() {
        TlsIdentity a = SelfSignedIdentity.ephemeral();
        assertThat(a.origin()).contains("temporary");
        assertThat(a.fingerprint()).isNotEqualTo(SelfSignedIdentity.ephemeral().fingerprint());
    }
}
