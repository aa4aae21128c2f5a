package org.iceshare.transport.tls.internal;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;

/**
 * Makes a self-signed X.509 v3 certificate for an EC P-256 key, with the JDK alone: the JDK has no public
 * API to build certificates and BouncyCastle is not in the distribution, so the TBSCertificate (RFC 5280
 * 4.1) is encoded here with {@link Der} and signed with {@code SHA256withECDSA}.
 *
 * <p>The certificate is an end-entity certificate for both TLS roles: subject and issuer
 * {@code CN=<name>}; basic constraints {@code cA=false} and key usage {@code digitalSignature} (both
 * critical); extended key usage {@code serverAuth, clientAuth}. The serial number is 127 random bits.
 *
 * <p><b>Threading:</b> stateless and thread-safe.
 */
final class SelfSignedCertificate {

    /** How long a generated certificate is valid: about ten years. */
    static final long VALIDITY_DAYS = 3652;

    static final String EC_PUBLIC_KEY = "1.2.840.10045.2.1";
    static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
    static final String COMMON_NAME = "2.5.4.3";
    static final String BASIC_CONSTRAINTS = "2.5.29.19";
    static final String KEY_USAGE = "2.5.29.15";
    static final String EXTENDED_KEY_USAGE = "2.5.29.37";
    static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    private SelfSignedCertificate() {
    }

    /** A new EC key pair on curve P-256 (secp256r1). */
    static KeyPair newKeyPair(SecureRandom random) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), random);
        return generator.generateKeyPair();
    }

    /** {@code iceshare-} and 16 random hex digits. */
    static String randomName(SecureRandom random) {
        byte[] id = new byte[8];
        random.nextBytes(id);
        return "iceshare-" + HexFormat.of().formatHex(id);
    }

    /**
     * A certificate for {@code keys}, valid from an hour ago (clocks differ) for {@value #VALIDITY_DAYS}
     * days.
     */
    static X509Certificate create(KeyPair keys, String commonName, SecureRandom random)
            throws GeneralSecurityException {
        Instant notBefore = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(1, ChronoUnit.HOURS);
        return create(keys, commonName, new BigInteger(127, random).setBit(0), notBefore,
                notBefore.plus(VALIDITY_DAYS, ChronoUnit.DAYS));
    }

    /**
     * @param keys an EC key pair; the private key signs the certificate of the public one
     * @param serial a positive serial number of at most 20 bytes
     */
    static X509Certificate create(KeyPair keys, String commonName, BigInteger serial, Instant notBefore,
            Instant notAfter) throws GeneralSecurityException {
        if (!"EC".equals(keys.getPublic().getAlgorithm())) {
            throw new IllegalArgumentException("an EC key pair is needed, got " + keys.getPublic().getAlgorithm());
        }
        if (serial.signum() <= 0 || serial.toByteArray().length > 20) {
            throw new IllegalArgumentException("the serial number must be positive and at most 20 bytes");
        }
        if (!notAfter.isAfter(notBefore)) {
            throw new IllegalArgumentException("notAfter must be after notBefore");
        }
        byte[] tbs = tbsCertificate(keys, commonName, serial, notBefore, notAfter);
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(keys.getPrivate());
        signer.update(tbs);
        byte[] signature = signer.sign(); // DER ECDSA-Sig-Value, as X.509 wants it
        byte[] certificate = Der.sequence(tbs, signatureAlgorithm(), Der.bitString(signature));
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(certificate));
    }

    /** The TBSCertificate, RFC 5280 4.1.2. */
    static byte[] tbsCertificate(KeyPair keys, String commonName, BigInteger serial, Instant notBefore,
            Instant notAfter) {
        byte[] name = name(commonName);
        return Der.sequence(
                Der.explicit(0, Der.integer(2)), // version v3
                Der.integer(serial),
                signatureAlgorithm(),
                name, // issuer: self-signed
                Der.sequence(Der.time(notBefore), Der.time(notAfter)),
                name, // subject
                keys.getPublic().getEncoded(), // SubjectPublicKeyInfo, already DER (X.509 encoding)
                Der.explicit(3, Der.sequence(
                        extension(BASIC_CONSTRAINTS, true, Der.sequence()), // cA FALSE (the default, omitted)
                        extension(KEY_USAGE, true, Der.bitString(new byte[] {(byte) 0x80}, 7)), // digitalSignature
                        extension(EXTENDED_KEY_USAGE, false,
                                Der.sequence(Der.oid(SERVER_AUTH), Der.oid(CLIENT_AUTH))))));
    }

    /** ecdsa-with-SHA256; RFC 5758 3.2: the parameters are absent. */
    private static byte[] signatureAlgorithm() {
        return Der.sequence(Der.oid(ECDSA_WITH_SHA256));
    }

    /** {@code CN=<commonName>}: one RDN with one attribute, a UTF8String. */
    static byte[] name(String commonName) {
        if (commonName.isEmpty() || commonName.length() > 64) {
            throw new IllegalArgumentException("a common name has 1..64 characters: '" + commonName + "'");
        }
        return Der.sequence(Der.set(Der.sequence(Der.oid(COMMON_NAME), Der.utf8String(commonName))));
    }

    private static byte[] extension(String oid, boolean critical, byte[] value) {
        return critical
                ? Der.sequence(Der.oid(oid), Der.bool(true), Der.octetString(value))
                : Der.sequence(Der.oid(oid), Der.octetString(value)); // FALSE is the default: omitted in DER
    }
}
