package org.iceshare.transport.tls.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsIdentityTest {

    @TempDir
    Path temp;

    private final TlsIdentity a = SelfSignedIdentity.generate("a");
    private final TlsIdentity b = SelfSignedIdentity.generate("b");

    @Test
    void theOnlyKeyEntryOfAKeystoreIsUsed() throws Exception {
        Path store = TlsTestSupport.keyStore(temp.resolve("peer.p12"), "secret", List.of("me"), List.of(a));
        TlsIdentity loaded = TlsIdentity.fromKeyStore(store, "secret", "");
        assertThat(loaded.fingerprint()).isEqualTo(a.fingerprint());
        assertThat(loaded.key()).isEqualTo(a.key());
        assertThat(loaded.origin()).isEqualTo("keystore " + store + " (alias me)");
        assertThat(loaded.describe()).contains(a.certificate().getSubjectX500Principal().getName())
                .contains(a.fingerprint());
    }

    @Test
    void severalKeyEntriesNeedAnAlias() throws Exception {
        Path store = TlsTestSupport.keyStore(temp.resolve("two.p12"), "secret", List.of("a", "b"), List.of(a, b));
        assertThatThrownBy(() -> TlsIdentity.fromKeyStore(store, "secret", ""))
                .hasMessage("keyAlias: keyStore " + store + " holds 2 key entries [a, b]; set keyAlias to one of them");
        assertThat(TlsIdentity.fromKeyStore(store, "secret", "b").fingerprint()).isEqualTo(b.fingerprint());
        assertThatThrownBy(() -> TlsIdentity.fromKeyStore(store, "secret", "c"))
                .hasMessage("keyAlias: no entry 'c' in keyStore " + store + " (key entries: [a, b])");
    }

    @Test
    void wrongPasswordsMissingFilesAndNonKeystoresAreRefusedByName() throws Exception {
        Path store = TlsTestSupport.keyStore(temp.resolve("peer.p12"), "secret", List.of("me"), List.of(a));
        assertThatThrownBy(() -> TlsIdentity.fromKeyStore(store, "wrong", ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(".keyStorePassword: wrong password for keyStore " + store);
        assertThatThrownBy(() -> TlsIdentity.fromKeyStore(temp.resolve("none.p12"), "secret", ""))
                .hasMessage("keyStore: " + temp.resolve("none.p12") + " does not exist");
        assertThatThrownBy(() -> TlsIdentity.fromKeyStore(temp, "secret", ""))
                .hasMessage("keyStore: " + temp + " is not a file");
        Path text = Files.writeString(temp.resolve("notes.txt"), "not a keystore at all");
        assertThatThrownBy(() -> TlsIdentity.fromKeyStore(text, "secret", ""))
                .hasMessageStartingWith("keyStore: ");
    }

    @Test
    void aTrustStoreWithoutKeysIsNoIdentity() throws Exception {
        Path store = TlsTestSupport.trustStore(temp.resolve("trust.p12"), "PKCS12", "secret", a.certificate());
        assertThatThrownBy(() -> TlsIdentity.fromKeyStore(store, "secret", ""))
                .hasMessage("keyStore: " + store + " holds no private key entry");
        assertThatThrownBy(() -> TlsIdentity.fromKeyStore(store, "secret", "peer0"))
                .hasMessageContaining("keyAlias: entry 'peer0'").hasMessageContaining("without a private key");
    }

    @Test
    void aJksKeystoreWorksToo() throws Exception {
        KeyStore jks = KeyStore.getInstance("JKS");
        jks.load(null, null);
        jks.setKeyEntry("me", a.key(), "secret".toCharArray(), new java.security.cert.Certificate[] {a.certificate()});
        Path path = temp.resolve("peer.jks");
        try (var out = Files.newOutputStream(path)) {
            jks.store(out, "secret".toCharArray());
        }
        assertThat(TlsIdentity.fromKeyStore(path, "secret", "").fingerprint()).isEqualTo(a.fingerprint());
        assertThatThrownBy(() -> TlsIdentity.fromKeyStore(path, "nope", ""))
                .hasMessage(".keyStorePassword: wrong password for keyStore " + path);
    }

    /** What an operator does: keytool -genkeypair, RSA. Skipped where the runtime has no keytool. */
    @Test
    void aKeytoolMadeRsaKeystoreIsUsable() throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        assumeThat(Files.isExecutable(keytool)).as("keytool in this runtime").isTrue();
        Path store = temp.resolve("operator.p12");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-keystore", store.toString(), "-storetype",
                "PKCS12", "-storepass", "changeit", "-alias", "node1", "-keyalg", "RSA", "-keysize", "2048",
                "-dname", "CN=node1.example.org", "-validity", "30").redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();

        TlsIdentity identity = TlsIdentity.fromKeyStore(store, "changeit", "");
        assertThat(identity.key().getAlgorithm()).isEqualTo("RSA");
        assertThat(identity.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=node1.example.org");
        new TlsSecurity(identity, TlsTrust.any(), 1_000); // contexts build
    }

    @Test
    void aDsaKeyIsRefusedBecauseTls13CannotSignWithIt() throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        assumeThat(Files.isExecutable(keytool)).as("keytool in this runtime").isTrue();
        Path store = temp.resolve("dsa.p12");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-keystore", store.toString(), "-storetype",
                "PKCS12", "-storepass", "changeit", "-alias", "old", "-keyalg", "DSA", "-keysize", "2048",
                "-dname", "CN=old", "-validity", "30").redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThatThrownBy(() -> TlsIdentity.fromKeyStore(store, "changeit", ""))
                .hasMessage("keyStore: the key 'old' in " + store
                        + " is DSA, which TLS 1.3 cannot use (use EC, RSA or EdDSA)");
    }
}
