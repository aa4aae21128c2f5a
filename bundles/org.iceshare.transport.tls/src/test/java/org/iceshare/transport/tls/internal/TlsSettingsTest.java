package org.iceshare.transport.tls.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.iceshare.icet.internal.TransportSettings;
import org.junit.jupiter.api.Test;

class TlsSettingsTest {

    @Test
    void trustModesParseCaseInsensitivelyAndNothingElse() {
        assertThat(TlsSettings.Trust.parse("any")).isEqualTo(TlsSettings.Trust.ANY);
        assertThat(TlsSettings.Trust.parse(" TrustStore ")).isEqualTo(TlsSettings.Trust.TRUSTSTORE);
        assertThatThrownBy(() -> TlsSettings.Trust.parse("pkix"))
                .hasMessage("trust must be 'any' or 'truststore', got 'pkix'");
        assertThatThrownBy(() -> TlsSettings.Trust.parse(""))
                .hasMessage("trust must be 'any' or 'truststore', got ''");
    }

    @Test
    void placeholdersAreSystemProperties() {
        String old = System.getProperty("iceshare.test.dir");
        System.setProperty("iceshare.test.dir", "/srv/ice");
        try {
            assertThat(TlsSettings.path("keyStore", " ${iceshare.test.dir}/keys/${iceshare.test.dir}.p12 "))
                    .isEqualTo(Path.of("/srv/ice/keys/srv/ice.p12"));
        } finally {
            if (old == null) {
                System.clearProperty("iceshare.test.dir");
            } else {
                System.setProperty("iceshare.test.dir", old);
            }
        }
        assertThat(TlsSettings.path("keyStore", "  ")).isNull();
        assertThat(TlsSettings.path("keyStore", null)).isNull();
        assertThatThrownBy(() -> TlsSettings.path("trustStore", "${no.such.property}/t.p12"))
                .hasMessage("trustStore: unknown system property ${no.such.property} in '${no.such.property}/t.p12'");
    }

    @Test
    void theIdentityFolderDefaultsToKarafDataOrATemporaryFolderOutsideKaraf() {
        String old = System.getProperty("karaf.data");
        try {
            System.setProperty("karaf.data", "/opt/iceshare/data");
            assertThat(TlsSettings.defaultIdentityFolder()).isEqualTo(Path.of("/opt/iceshare/data/iceshare/tls"));
            assertThat(TlsSettings.identityFolder("")).isEqualTo(Path.of("/opt/iceshare/data/iceshare/tls"));
            assertThat(TlsSettings.identityFolder("/etc/ice")).isEqualTo(Path.of("/etc/ice"));
            System.clearProperty("karaf.data");
            assertThat(TlsSettings.defaultIdentityFolder()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir"),
                    "iceshare-" + System.getProperty("user.name"), "iceshare", "tls"));
        } finally {
            if (old == null) {
                System.clearProperty("karaf.data");
            } else {
                System.setProperty("karaf.data", old);
            }
        }
    }

    @Test
    void inconsistentSettingsAreRefusedByName() {
        Path folder = Path.of("/tmp/x");
        TlsSettings generated = TlsSettings.generated(TransportSettings.DEFAULTS, folder);
        assertThatThrownBy(() -> new TlsSettings(TransportSettings.DEFAULTS, null, "", "", folder,
                TlsSettings.Trust.TRUSTSTORE, null, "")).hasMessage("trustStore must be set when trust is 'truststore'");
        assertThatThrownBy(() -> new TlsSettings(TransportSettings.DEFAULTS, null, "", "me", folder,
                TlsSettings.Trust.ANY, null, "")).hasMessage("keyAlias 'me' is set but keyStore is empty");
        assertThat(generated.withTrustStore(Path.of("/t.p12"), "pw").trust()).isEqualTo(TlsSettings.Trust.TRUSTSTORE);
    }

    @Test
    void passwordsStayOutOfToString() {
        TlsSettings s = TlsSettings.generated(TransportSettings.DEFAULTS, Path.of("/tmp/x"))
                .withKeyStore(Path.of("/k.p12"), "key-secret", "me").withTrustStore(Path.of("/t.p12"), "trust-secret");
        assertThat(s.toString()).contains("/k.p12").contains("keyAlias=me").contains("trust=truststore")
                .contains("/t.p12").doesNotContain("key-secret").doesNotContain("trust-secret");
    }
}
