package org.iceshare.transport.tls.internal;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.iceshare.icet.internal.TransportSettings;

/**
 * The settings of the TLS transport: the socket settings every IceT transport has, where the identity
 * comes from and whom to trust. Immutable. The constructor checks what can be checked without reading
 * files; {@link #loadIdentity()} and {@link #loadTrust()} read the key and trust stores. Every refusal is
 * an {@link IllegalArgumentException} whose message starts with the property at fault.
 *
 * @param socket the socket settings, as for the TCP transport
 * @param keyStore a PKCS12 (or JKS) keystore holding this side's key and certificate chain; null for the
 *        self-signed identity generated in {@code identityFolder}
 * @param keyStorePassword the password of {@code keyStore} and of its key
 * @param keyAlias the key entry to use; empty for the only one
 * @param identityFolder where the self-signed identity is generated and kept (see {@link SelfSignedIdentity})
 * @param trust whom to trust
 * @param trustStore for {@link Trust#TRUSTSTORE}: the certificates (or CAs) whose chains are accepted
 * @param trustStorePassword the password of {@code trustStore}; empty for none
 */
public record TlsSettings(TransportSettings socket, Path keyStore, String keyStorePassword, String keyAlias,
        Path identityFolder, Trust trust, Path trustStore, String trustStorePassword) {

    /** The default {@code identityFolder}: {@code ${karaf.data}} is expanded when the settings are read. */
    public static final String DEFAULT_IDENTITY_FOLDER = "${karaf.data}/iceshare/tls";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)\\}");

    /** Whom the TLS transport trusts. */
    public enum Trust {
        /**
         * Encrypt only: every certificate is accepted and no client certificate is asked for, so peers
         * stay anonymous. Content integrity does not rest on TLS: every piece is checked against the
         * tracker's SHA-256 hash.
         */
        ANY,
        /**
         * The other side's certificate chain must validate (PKIX) against the trust store, both ways: a
         * listener requires the client's certificate too. No host name check: peers are addressed by IP.
         */
        TRUSTSTORE;

        /** The configuration value: {@code any} or {@code truststore}. */
        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Case-insensitive; refuses anything else with a message naming {@code trust}. */
        public static Trust parse(String value) {
            String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
            for (Trust t : values()) {
                if (t.value().equals(v)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("trust must be 'any' or 'truststore', got '" + value + "'");
        }
    }

    public TlsSettings {
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(identityFolder, "identityFolder");
        Objects.requireNonNull(trust, "trust");
        keyStorePassword = keyStorePassword == null ? "" : keyStorePassword;
        keyAlias = keyAlias == null ? "" : keyAlias.trim();
        trustStorePassword = trustStorePassword == null ? "" : trustStorePassword;
        if (keyStore == null && !keyAlias.isEmpty()) {
            throw new IllegalArgumentException("keyAlias '" + keyAlias + "' is set but keyStore is empty");
        }
        if (trust == Trust.TRUSTSTORE && trustStore == null) {
            throw new IllegalArgumentException("trustStore must be set when trust is 'truststore'");
        }
    }

    /** The generated identity in {@code identityFolder}, trusting anyone (encrypt only). */
    public static TlsSettings generated(TransportSettings socket, Path identityFolder) {
        return new TlsSettings(socket, null, "", "", identityFolder, Trust.ANY, null, "");
    }

    public TlsSettings withKeyStore(Path path, String password, String alias) {
        return new TlsSettings(socket, path, password, alias, identityFolder, trust, trustStore, trustStorePassword);
    }

    public TlsSettings withTrustStore(Path path, String password) {
        return new TlsSettings(socket, keyStore, keyStorePassword, keyAlias, identityFolder, Trust.TRUSTSTORE, path,
                password);
    }

    public TlsSettings withSocket(TransportSettings newSocket) {
        return new TlsSettings(newSocket, keyStore, keyStorePassword, keyAlias, identityFolder, trust, trustStore,
                trustStorePassword);
    }

    /** Reads the configured keystore, or loads (first time: generates) the self-signed identity. */
    public TlsIdentity loadIdentity() {
        return keyStore != null ? TlsIdentity.fromKeyStore(keyStore, keyStorePassword, keyAlias)
                : SelfSignedIdentity.loadOrCreate(identityFolder);
    }

    /** Reads the trust store in {@link Trust#TRUSTSTORE} mode. */
    public TlsTrust loadTrust() {
        return trust == Trust.ANY ? TlsTrust.any() : TlsTrust.trustStore(trustStore, trustStorePassword);
    }

    /**
     * A path setting: {@code ${name}} placeholders are replaced by system properties (FileInstall expands
     * them in {@code .cfg} files, but not in values set through the console); blank is null.
     */
    public static Path path(String property, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Path.of(expand(property, value.trim()));
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(property + ": not a valid path: '" + value + "'", e);
        }
    }

    /** {@code identityFolder}: blank means {@value #DEFAULT_IDENTITY_FOLDER}. */
    public static Path identityFolder(String value) {
        Path p = path("identityFolder", value);
        return p != null ? p : path("identityFolder", DEFAULT_IDENTITY_FOLDER);
    }

    /** {@value #DEFAULT_IDENTITY_FOLDER}, resolved now. */
    public static Path defaultIdentityFolder() {
        return identityFolder("");
    }

    /**
     * Replaces {@code ${name}} by the system property. {@code karaf.data} is set in Karaf; in plain Java
     * use (tests, an embedding without Karaf) it falls back to {@code <java.io.tmpdir>/iceshare-<user.name>}.
     */
    static String expand(String property, String value) {
        Matcher m = PLACEHOLDER.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String v = System.getProperty(name);
            if ((v == null || v.isBlank()) && name.equals("karaf.data")) {
                v = Path.of(System.getProperty("java.io.tmpdir"), "iceshare-" + System.getProperty("user.name", "user"))
                        .toString();
            }
            if (v == null) {
                throw new IllegalArgumentException(property + ": unknown system property ${" + name + "} in '" + value
                        + "'");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Without the passwords. */
    @Override
    public String toString() {
        return "TlsSettings[" + socket + ", keyStore=" + (keyStore == null ? "(generated identity)" : keyStore)
                + (keyAlias.isEmpty() ? "" : ", keyAlias=" + keyAlias) + ", identityFolder=" + identityFolder
                + ", trust=" + trust.value() + (trustStore == null ? "" : ", trustStore=" + trustStore) + "]";
    }
}
