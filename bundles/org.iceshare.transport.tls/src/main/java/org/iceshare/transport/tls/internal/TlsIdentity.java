package org.iceshare.transport.tls.internal;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

import javax.crypto.BadPaddingException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * This side's TLS identity: a private key and its certificate chain (end entity first), with a note of
 * where they came from.
 *
 * @param origin for messages: {@code "keystore /path (alias x)"}, {@code "generated in /folder"}
 */
public record TlsIdentity(PrivateKey key, List<X509Certificate> chain, String origin) {

    /** Key algorithms TLS 1.3 signs with. DSA, for one, it cannot use. */
    static final Set<String> TLS13_KEY_ALGORITHMS = Set.of("EC", "RSA", "RSASSA-PSS", "EdDSA", "Ed25519", "Ed448");

    public TlsIdentity {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(origin, "origin");
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a TLS identity needs a certificate");
        }
    }

    /** The end-entity certificate. */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** The SHA-256 fingerprint of {@link #certificate()}: upper-case hex pairs joined by colons. */
    public String fingerprint() {
        return fingerprint(certificate());
    }

    public static String fingerprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint " + certificate.getSubjectX500Principal(), e);
        }
    }

    /** True when the end-entity certificate is valid at {@code now}. */
    public boolean validAt(Instant now) {
        X509Certificate c = certificate();
        return !now.isBefore(c.getNotBefore().toInstant()) && !now.isAfter(c.getNotAfter().toInstant());
    }

    /** For the log: subject, fingerprint, expiry and origin. */
    public String describe() {
        X509Certificate c = certificate();
        return c.getSubjectX500Principal().getName() + ", SHA-256 " + fingerprint() + ", valid until "
                + c.getNotAfter().toInstant() + ", " + origin;
    }

    @Override
    public String toString() {
        return "TlsIdentity[" + describe() + "]";
    }

    /**
     * Reads a key entry from a PKCS12 (or JKS) keystore; the key's password is the keystore's, as PKCS12
     * wants it. The messages name the property at fault: {@code keyStore}, {@code .keyStorePassword} or
     * {@code keyAlias}.
     *
     * @param alias the key entry; empty when the keystore holds exactly one
     */
    public static TlsIdentity fromKeyStore(Path path, String password, String alias) {
        KeyStore store = load(path, password, "keyStore", ".keyStorePassword");
        char[] pw = password.toCharArray();
        try {
            String chosen = alias == null || alias.isBlank() ? onlyKeyEntry(store, path) : alias.trim();
            if (!store.containsAlias(chosen)) {
                throw new IllegalArgumentException("keyAlias: no entry '" + chosen + "' in keyStore " + path
                        + " (key entries: " + keyEntries(store) + ")");
            }
            if (!store.isKeyEntry(chosen)) {
                throw new IllegalArgumentException("keyAlias: entry '" + chosen + "' in keyStore " + path
                        + " is a certificate without a private key (key entries: " + keyEntries(store) + ")");
            }
            PrivateKey key;
            try {
                key = (PrivateKey) store.getKey(chosen, pw);
            } catch (UnrecoverableKeyException e) {
                throw new IllegalArgumentException(".keyStorePassword: the key '" + chosen + "' in keyStore " + path
                        + " does not open with the keystore password (the key must use the same password)", e);
            }
            if (!TLS13_KEY_ALGORITHMS.contains(key.getAlgorithm())) {
                throw new IllegalArgumentException("keyStore: the key '" + chosen + "' in " + path + " is "
                        + key.getAlgorithm() + ", which TLS 1.3 cannot use (use EC, RSA or EdDSA)");
            }
            List<X509Certificate> chain = new ArrayList<>();
            Certificate[] certificates = store.getCertificateChain(chosen);
            for (Certificate c : certificates == null ? new Certificate[0] : certificates) {
                if (!(c instanceof X509Certificate x)) {
                    throw new IllegalArgumentException("keyStore: the chain of '" + chosen + "' in " + path
                            + " holds a " + c.getType() + " certificate, not X.509");
                }
                chain.add(x);
            }
            if (chain.isEmpty()) {
                throw new IllegalArgumentException("keyStore: the key '" + chosen + "' in " + path
                        + " has no certificate");
            }
            return new TlsIdentity(key, chain, "keystore " + path + " (alias " + chosen + ")");
        } catch (KeyStoreException | NoSuchAlgorithmException e) {
            throw new IllegalArgumentException("keyStore: cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    private static String onlyKeyEntry(KeyStore store, Path path) throws KeyStoreException {
        List<String> keys = keyEntries(store);
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("keyStore: " + path + " holds no private key entry");
        }
        if (keys.size() > 1) {
            throw new IllegalArgumentException("keyAlias: keyStore " + path + " holds " + keys.size()
                    + " key entries " + keys + "; set keyAlias to one of them");
        }
        return keys.get(0);
    }

    private static List<String> keyEntries(KeyStore store) throws KeyStoreException {
        List<String> keys = new ArrayList<>();
        for (String a : Collections.list(store.aliases())) {
            if (store.isKeyEntry(a)) {
                keys.add(a);
            }
        }
        Collections.sort(keys);
        return keys;
    }

    /**
     * Loads a PKCS12 or JKS file (the JDK detects which) with clear messages.
     *
     * @param password empty for a store without one
     * @param property the setting that names the file, for messages
     * @param passwordProperty the setting that holds its password, for messages
     */
    static KeyStore load(Path path, String password, String property, String passwordProperty) {
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException(property + ": " + path
                    + (Files.exists(path) ? " is not a file" : " does not exist"));
        }
        if (!Files.isReadable(path)) {
            throw new IllegalArgumentException(property + ": cannot read " + path + " (permission denied)");
        }
        try {
            return KeyStore.getInstance(path.toFile(), password.isEmpty() ? null : password.toCharArray());
        } catch (IOException e) {
            // the JDK reports a wrong password as an IOException caused by UnrecoverableKeyException
            if (e.getCause() instanceof UnrecoverableKeyException || e.getCause() instanceof BadPaddingException
                    || String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("password")) {
                throw new IllegalArgumentException(passwordProperty + ": wrong password for " + property + " " + path,
                        e);
            }
            throw new IllegalArgumentException(property + ": cannot read " + path + ": " + e, e);
        } catch (KeyStoreException e) {
            throw new IllegalArgumentException(property + ": " + path + " is not a PKCS12 or JKS keystore ("
                    + e.getMessage() + ")", e);
        } catch (GeneralSecurityException | IllegalArgumentException | SecurityException e) {
            throw new IllegalArgumentException(property + ": cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * A key manager that presents this identity and nothing else, whatever CAs the other side names: the
     * other side decides whether it trusts it. Only for key types the key can sign with.
     */
    X509ExtendedKeyManager keyManager() {
        return new SingleKeyManager(this);
    }

    private static final class SingleKeyManager extends X509ExtendedKeyManager {
        private static final String ALIAS = "iceshare";
        private final TlsIdentity identity;

        SingleKeyManager(TlsIdentity identity) {
            this.identity = identity;
        }

        private String alias(String[] keyTypes) {
            if (keyTypes != null) {
                for (String type : keyTypes) {
                    if (alias(type) != null) {
                        return ALIAS;
                    }
                }
            }
            return null;
        }

        private String alias(String keyType) {
            return keyType != null && keyType.equalsIgnoreCase(identity.key().getAlgorithm()) ? ALIAS : null;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return alias(keyType) == null ? null : new String[] {ALIAS};
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return alias(keyType);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return alias(keyType);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return alias(keyType) == null ? null : new String[] {ALIAS};
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return alias(keyType);
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return alias(keyType);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return ALIAS.equals(alias) ? identity.chain().toArray(X509Certificate[]::new) : null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return ALIAS.equals(alias) ? identity.key() : null;
        }
    }
}
