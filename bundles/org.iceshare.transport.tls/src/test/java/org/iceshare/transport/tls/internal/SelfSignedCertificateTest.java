package org.iceshare.transport.tls.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.SignatureException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The certificates are parsed back with the JDK's own CertificateFactory, as a TLS peer would. */
class SelfSignedCertificateTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    private static X509Certificate parse(byte[] der) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }

    @Test
    void aGeneratedCertificateParsesAndVerifiesWithItsOwnKey() throws Exception {
        KeyPair keys = SelfSignedCertificate.newKeyPair(RANDOM);
        String name = SelfSignedCertificate.randomName(RANDOM);
        X509Certificate cert = SelfSignedCertificate.create(keys, name, RANDOM);
        X509Certificate parsed = parse(cert.getEncoded());

        assertThat(name).matches("iceshare-[0-9a-f]{16}");
        assertThat(parsed.getVersion()).isEqualTo(3);
        assertThat(parsed.getSubjectX500Principal().getName()).isEqualTo("CN=" + name);
        assertThat(parsed.getIssuerX500Principal()).isEqualTo(parsed.getSubjectX500Principal());
        assertThat(parsed.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(parsed.getSigAlgOID()).isEqualTo("1.2.840.10045.4.3.2");
        assertThat(parsed.getSigAlgParams()).isNull();
        assertThat(parsed.getPublicKey()).isEqualTo(keys.getPublic());
        assertThat(((ECPublicKey) parsed.getPublicKey()).getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
        parsed.verify(keys.getPublic());
        parsed.checkValidity(); // now
        parsed.checkValidity(Date.from(Instant.now().plus(Duration.ofDays(9 * 365))));
        assertThat(Duration.between(parsed.getNotBefore().toInstant(), parsed.getNotAfter().toInstant()).toDays())
                .isEqualTo(SelfSignedCertificate.VALIDITY_DAYS);
        assertThat(parsed.getSerialNumber()).isPositive();
        assertThat(parsed.getSerialNumber().bitLength()).isLessThanOrEqualTo(127);

        assertThat(parsed.getBasicConstraints()).isEqualTo(-1); // not a CA
        assertThat(parsed.getKeyUsage()).startsWith(true).containsOnlyOnce(true); // digitalSignature only
        assertThat(parsed.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(parsed.getCriticalExtensionOIDs()).containsExactlyInAnyOrder("2.5.29.19", "2.5.29.15");
        assertThat(parsed.getNonCriticalExtensionOIDs()).containsExactly("2.5.29.37");
    }

    @Test
    void theEncodingIsExactlyTheDerWeBuilt() throws Exception {
        KeyPair keys = SelfSignedCertificate.newKeyPair(RANDOM);
        Instant from = Instant.parse("2030-06-01T12:00:00Z");
        Instant to = Instant.parse("2060-06-01T12:00:00Z"); // GeneralizedTime
        X509Certificate cert = SelfSignedCertificate.create(keys, "iceshare-test", BigInteger.valueOf(0x1234), from, to);
        byte[] tbs = SelfSignedCertificate.tbsCertificate(keys, "iceshare-test", BigInteger.valueOf(0x1234), from, to);

        assertThat(cert.getTBSCertificate()).isEqualTo(tbs);
        assertThat(parse(cert.getEncoded()).getEncoded()).isEqualTo(cert.getEncoded());
        assertThat(cert.getNotBefore().toInstant()).isEqualTo(from);
        assertThat(cert.getNotAfter().toInstant()).isEqualTo(to);
        assertThat(cert.getSerialNumber()).isEqualTo(BigInteger.valueOf(0x1234));
        cert.verify(keys.getPublic());
    }

    @Test
    void anotherKeyDoesNotVerifyIt() throws Exception {
        X509Certificate cert = SelfSignedCertificate.create(SelfSignedCertificate.newKeyPair(RANDOM), "a", RANDOM);
        KeyPair other = SelfSignedCertificate.newKeyPair(RANDOM);
        assertThatThrownBy(() -> cert.verify(other.getPublic())).isInstanceOf(SignatureException.class);
    }

    @Test
    void nonsenseIsRefused() throws Exception {
        KeyPair keys = SelfSignedCertificate.newKeyPair(RANDOM);
        Instant now = Instant.parse("2030-01-01T00:00:00Z");
        assertThatThrownBy(() -> SelfSignedCertificate.create(keys, "x", BigInteger.ZERO, now, now.plusSeconds(1)))
                .hasMessageContaining("serial");
        assertThatThrownBy(() -> SelfSignedCertificate.create(keys, "x", BigInteger.ONE.shiftLeft(160), now,
                now.plusSeconds(1))).hasMessageContaining("serial");
        assertThatThrownBy(() -> SelfSignedCertificate.create(keys, "x", BigInteger.ONE, now, now))
                .hasMessageContaining("notAfter");
        assertThatThrownBy(() -> SelfSignedCertificate.create(keys, "", BigInteger.ONE, now, now.plusSeconds(1)))
                .hasMessageContaining("common name");
        java.security.KeyPairGenerator rsa = java.security.KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair rsaKeys = rsa.generateKeyPair();
        assertThatThrownBy(() -> SelfSignedCertificate.create(rsaKeys, "x", RANDOM)).hasMessageContaining("EC key");
    }

    @Test
    void namesAndSerialsDifferEveryTime() throws Exception {
        KeyPair keys = SelfSignedCertificate.newKeyPair(RANDOM);
        List<X509Certificate> certs = List.of(SelfSignedCertificate.create(keys, SelfSignedCertificate.randomName(RANDOM),
                RANDOM), SelfSignedCertificate.create(keys, SelfSignedCertificate.randomName(RANDOM), RANDOM));
        assertThat(certs.get(0).getSubjectX500Principal()).isNotEqualTo(certs.get(1).getSubjectX500Principal());
        assertThat(certs.get(0).getSerialNumber()).isNotEqualTo(certs.get(1).getSerialNumber());
    }
}
