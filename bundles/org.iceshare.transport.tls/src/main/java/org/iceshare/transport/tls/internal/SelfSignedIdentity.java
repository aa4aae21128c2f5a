package org.iceshare.transport.tls.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The self-signed identity of a TLS transport without a configured keystore: generated on first start,
 * reused on every later one, so the certificate (and its fingerprint) stays the same across restarts.
 *
 * <p>In the identity folder:
 * <ul>
 * <li>{@value #KEYSTORE}: a PKCS12 keystore with one key entry, {@value #ALIAS}: an EC P-256 key and a
 * self-signed certificate {@code CN=iceshare-<16 hex digits>}, valid for about ten years
 * ({@link SelfSignedCertificate});</li>
 * <li>{@value #PASSWORD}: its random password (24 random bytes, base64url);</li>
 * <li>{@value #CERTIFICATE}: the certificate in PEM, to hand to operators whose truststores should
 * accept this side ({@code keytool -importcert -file identity.crt ...}); rewritten when missing.</li>
 * </ul>
 * Where the file system supports POSIX permissions, the folder is created {@code rwx------} and the key
 * and password files are {@code rw-------}. Files are written to a temporary name and moved into place,
 * under a lock file, so a crash or a second process never leaves a key without its password.
 *
 * <p><b>Threading:</b> thread-safe; blocks on file I/O (a few milliseconds; generating a key a few more).
 */
final class SelfSignedIdentity {

    static final String KEYSTORE = "identity.p12";
    static final String PASSWORD = "identity.password";
    static final String CERTIFICATE = "identity.crt";
    static final String ALIAS = "iceshare";
    private static final String LOCK = "identity.lock";

    private static final Logger LOG = LoggerFactory.getLogger(SelfSignedIdentity.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FOLDER = PosixFilePermissions.fromString("rwx------");
    /** In-process guard: a JVM cannot hold two file locks on one file. */
    private static final Object IN_PROCESS = new Object();

    private SelfSignedIdentity() {
    }

    /**
     * The identity kept in {@code folder}, generated there first if it holds none. Refuses, with a
     * message starting with {@code identityFolder}, a folder it cannot create or write, and an identity it
     * cannot read (it never overwrites one: move the files away to get a new identity).
     */
    static TlsIdentity loadOrCreate(Path folder) {
        synchronized (IN_PROCESS) {
            createFolder(folder);
            FileChannel lockFile;
            try {
                lockFile = FileChannel.open(folder.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            } catch (IOException e) {
                if (Files.isReadable(folder.resolve(KEYSTORE))) {
                    // a read-only folder with an identity in it (provisioned): reading needs no lock
                    return loadUnlocked(folder);
                }
                throw new IllegalArgumentException("identityFolder: cannot write in " + folder + ": " + e, e);
            }
            try (lockFile) {
                lockFile.lock(); // released when the channel closes
                return loadOrCreateLocked(folder);
            } catch (IOException e) {
                throw new IllegalArgumentException("identityFolder: cannot keep the identity in " + folder + ": " + e,
                        e);
            }
        }
    }

    private static TlsIdentity loadUnlocked(Path folder) {
        try {
            return loadOrCreateLocked(folder);
        } catch (IOException e) {
            throw new IllegalArgumentException("identityFolder: cannot read the identity in " + folder + ": " + e, e);
        }
    }

    private static TlsIdentity loadOrCreateLocked(Path folder) throws IOException {
        Path keystore = folder.resolve(KEYSTORE);
        Path password = folder.resolve(PASSWORD);
        if (Files.exists(keystore)) {
            if (!Files.exists(password)) {
                throw new IllegalArgumentException("identityFolder: " + keystore + " exists but its password file "
                        + password + " is missing; move " + KEYSTORE + " away to generate a new identity");
            }
            TlsIdentity identity;
            try {
                String pw = Files.readString(password, StandardCharsets.US_ASCII).strip();
                identity = TlsIdentity.fromKeyStore(keystore, pw, ALIAS);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("identityFolder: cannot load the generated identity in " + folder
                        + " (" + e.getMessage() + "); move " + KEYSTORE + " and " + PASSWORD
                        + " away to generate a new one", e);
            }
            identity = new TlsIdentity(identity.key(), identity.chain(), "generated in " + folder);
            if (!Files.exists(folder.resolve(CERTIFICATE))) {
                try {
                    writeCertificate(folder, identity.certificate());
                } catch (IOException e) {
                    LOG.warn("Cannot write {} in {}: {}", CERTIFICATE, folder, e.toString());
                }
            }
            LOG.debug("Reusing the TLS identity {}", identity.describe());
            return identity;
        }
        TlsIdentity identity = generate("generated in " + folder);
        String pw = newPassword();
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, identity.key(), pw.toCharArray(), identity.chain().toArray(Certificate[]::new));
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            store.store(bytes, pw.toCharArray());
            // the password first: a crash between the two leaves a stray password, which the next start overwrites
            writeAtomically(password, (pw + "\n").getBytes(StandardCharsets.US_ASCII), true);
            writeAtomically(keystore, bytes.toByteArray(), true);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot store a PKCS12 keystore: " + e, e);
        }
        writeCertificate(folder, identity.certificate());
        LOG.info("Generated the TLS identity {}", identity.describe());
        return identity;
    }

    /** A new key pair and self-signed certificate, kept nowhere. */
    static TlsIdentity generate(String origin) {
        try {
            KeyPair keys = SelfSignedCertificate.newKeyPair(RANDOM);
            X509Certificate certificate = SelfSignedCertificate.create(keys, SelfSignedCertificate.randomName(RANDOM),
                    RANDOM);
            return new TlsIdentity(keys.getPrivate(), List.of(certificate), origin);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java runtime cannot make an EC P-256 key or sign with "
                    + "SHA256withECDSA: " + e, e);
        }
    }

    /** An identity for this run only, when none can be kept: its fingerprint changes on every start. */
    static TlsIdentity ephemeral() {
        return generate("temporary, not saved: it changes on every start");
    }

    private static String newPassword() {
        byte[] secret = new byte[24];
        RANDOM.nextBytes(secret);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    private static boolean posix(Path folder) {
        return folder.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static void createFolder(Path folder) {
        try {
            if (Files.isDirectory(folder)) {
                return;
            }
            if (posix(folder)) {
                Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FOLDER));
            } else {
                Files.createDirectories(folder);
            }
        } catch (FileAlreadyExistsException e) {
            throw new IllegalArgumentException("identityFolder: " + folder + " exists and is not a folder", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("identityFolder: cannot create " + folder + ": " + e, e);
        }
    }

    static void writeCertificate(Path folder, X509Certificate certificate) throws IOException {
        try {
            String pem = "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
            writeAtomically(folder.resolve(CERTIFICATE), pem.getBytes(StandardCharsets.US_ASCII), false);
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode " + certificate.getSubjectX500Principal(), e);
        }
    }

    /** Writes a temporary file next to {@code target} and moves it into place. */
    private static void writeAtomically(Path target, byte[] content, boolean ownerOnly) throws IOException {
        Path folder = target.getParent();
        FileAttribute<?>[] attributes = ownerOnly && posix(folder)
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE)}
                : new FileAttribute<?>[0];
        Path temporary = Files.createTempFile(folder, "." + target.getFileName(), ".tmp", attributes);
        try {
            Files.write(temporary, content);
            if (!ownerOnly && posix(folder)) {
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
            }
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
