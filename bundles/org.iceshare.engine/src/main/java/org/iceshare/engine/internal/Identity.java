package org.iceshare.engine.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import org.iceshare.api.swarm.PeerId;
import org.iceshare.api.swarm.Signatures;

/**
 * An Ed25519 key pair and the peer id derived from it: what a peer, a live source or a tracker is. It
 * signs; {@link #verify} checks anyone's signature from their raw public key. The JDK provides Ed25519
 * (JDK 15 and later), so no other library is involved.
 *
 * <p>On disk ({@link #loadOrCreate}) the key is a small text file readable and writable by its owner only:
 * a first line {@code ed25519}, then the PKCS#8 private key and the X.509 public key in Base64, one per
 * line. A file that is damaged is refused with the reason, never replaced silently: replacing it would
 * change the peer's id and lose what the tracker keeps under it.
 *
 * <p><b>Threading:</b> immutable and thread-safe.
 */
public final class Identity {
    /** The X.509 SubjectPublicKeyInfo header of an Ed25519 key: the raw 32 bytes follow it. */
    private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
    private static final String HEADER = "ed25519";

    private final PrivateKey privateKey;
    private final byte[] publicKey;
    private final PeerId id;

    private Identity(PrivateKey privateKey, byte[] rawPublicKey) {
        this.privateKey = privateKey;
        this.publicKey = rawPublicKey.clone();
        this.id = PeerId.ofPublicKey(rawPublicKey);
    }

    /** A fresh key pair, kept in memory only (a tracker without storage, tests). */
    public static Identity generate() {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            return new Identity(pair.getPrivate(), raw(pair.getPublic()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no Ed25519", e);
        }
    }

    /**
     * The identity stored in {@code file}, made (and stored, readable by its owner only) when there is
     * none.
     *
     * @throws IOException when the file cannot be read or written, or is not a key this class wrote
     */
    public static Identity loadOrCreate(Path file) throws IOException {
        if (Files.exists(file)) {
            return load(file);
        }
        Identity made = generate();
        made.store(file);
        return made;
    }

    private static Identity load(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        if (lines.size() < 3 || !lines.get(0).trim().equals(HEADER)) {
            throw new IOException("the key file " + file + " is not an IceShare Ed25519 key (first line '" + HEADER
                    + "' and two Base64 lines expected); move it away to make a new identity");
        }
        try {
            KeyFactory kf = KeyFactory.getInstance("Ed25519");
            PrivateKey priv = kf.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(lines.get(1)
                    .trim())));
            PublicKey pub = kf.generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(lines.get(2)
                    .trim())));
            Identity id = new Identity(priv, raw(pub));
            byte[] probe = "IceShare key check".getBytes(StandardCharsets.US_ASCII);
            if (!verify(id.publicKey, probe, id.sign(probe))) {
                throw new IOException("the key file " + file + " holds a private and a public key that do not match");
            }
            return id;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("the key file " + file + " is damaged: " + e.getMessage(), e);
        }
    }

    private void store(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".new");
        String text = HEADER + "\n" + Base64.getEncoder().encodeToString(privateKey.getEncoded()) + "\n"
                + Base64.getEncoder().encodeToString(x509(publicKey)) + "\n";
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp); // not a POSIX file system: the folder's own protection applies
        }
        Files.writeString(tmp, text, StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    public PeerId id() {
        return id;
    }

    /** The raw 32-byte public key. */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** An Ed25519 signature (64 bytes) of {@code message}. */
    public byte[] sign(byte[] message) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(privateKey);
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with Ed25519", e);
        }
    }

    /** True when {@code signature} is the signature of {@code message} by the raw public key; false for any bad input. */
    public static boolean verify(byte[] rawPublicKey, byte[] message, byte[] signature) {
        return Signatures.verify(rawPublicKey, message, signature);
    }

    /**
     * Checks RFC 8032's first Ed25519 test vector (an empty message), so that the JDK's provider is loaded
     * and its code has run once. A short-lived program (the listener's client) calls it on a spare thread
     * while it starts: its first handshake with a tracker then does not wait for that. True when the vector
     * checks, as it must.
     */
    public static boolean warmUp() {
        return verify(HexFormat.of().parseHex(RFC8032_TEST1_KEY), new byte[0],
                HexFormat.of().parseHex(RFC8032_TEST1_SIGNATURE));
    }

    private static final String RFC8032_TEST1_KEY = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    private static final String RFC8032_TEST1_SIGNATURE = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e0652249"
            + "01555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

    private static byte[] raw(PublicKey key) {
        byte[] encoded = key.getEncoded();
        if (encoded.length != X509_PREFIX.length + 32
                || !Arrays.equals(encoded, 0, X509_PREFIX.length, X509_PREFIX, 0, X509_PREFIX.length)) {
            throw new IllegalStateException("unexpected Ed25519 public key encoding");
        }
        return Arrays.copyOfRange(encoded, X509_PREFIX.length, encoded.length);
    }

    private static byte[] x509(byte[] raw) {
        byte[] out = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + raw.length);
        System.arraycopy(raw, 0, out, X509_PREFIX.length, raw.length);
        return out;
    }

    @Override
    public String toString() {
        return "Identity[" + id + "]";
    }
}
