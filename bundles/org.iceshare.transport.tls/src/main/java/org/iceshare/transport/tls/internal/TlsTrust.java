package org.iceshare.transport.tls.internal;

import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Collections;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

import io.netty.handler.ssl.ClientAuth;

/**
 * Whom a TLS transport accepts on the other side, and whether a listener asks clients for a
 * certificate. Immutable. Three kinds:
 * <ul>
 * <li>{@link #any()}: encrypt only. Every certificate is accepted, clients are not asked for one. This
 * protects against eavesdropping, not against a man in the middle, and admits anyone;</li>
 * <li>{@link #trustStore}: PKIX validation of the other side's chain against a trust store, in both
 * directions (a listener requires the client's certificate). There is no host-name check: peers are
 * reached by the address the tracker gives, and what counts is holding a trusted key;</li>
 * <li>{@link #nobody}: every handshake fails with the given reason. What an invalid trust configuration
 * falls back to at start-up, so a mistake never admits more than the operator asked for.</li>
 * </ul>
 *
 * <p><b>Threading:</b> immutable; the trust managers are thread-safe.
 */
public final class TlsTrust {

    private final X509ExtendedTrustManager manager;
    private final ClientAuth clientAuth;
    private final String description;

    private TlsTrust(X509ExtendedTrustManager manager, ClientAuth clientAuth, String description) {
        this.manager = manager;
        this.clientAuth = clientAuth;
        this.description = description;
    }

    /** Encrypt only: accept any certificate, ask clients for none. */
    public static TlsTrust any() {
        return new TlsTrust(new Checking(null), ClientAuth.NONE, "any (encrypt only, peers are anonymous)");
    }

    /** Refuse every handshake with {@code reason}. */
    public static TlsTrust nobody(String reason) {
        return new TlsTrust(new Checking(reason), ClientAuth.REQUIRE, "nobody (" + reason + ")");
    }

    /**
     * PKIX validation against the certificates of a PKCS12 or JKS trust store (trusted-certificate
     * entries, as {@code keytool -importcert} makes them, and the certificates of key entries).
     * Messages name {@code trustStore} or {@code .trustStorePassword}.
     *
     * @param password empty for a store without a password
     */
    public static TlsTrust trustStore(Path path, String password) {
        KeyStore store = TlsIdentity.load(path, password, "trustStore", ".trustStorePassword");
        int certificates = 0;
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (store.isCertificateEntry(alias) || store.isKeyEntry(alias)) {
                    certificates++;
                }
            }
        } catch (KeyStoreException e) {
            throw new IllegalArgumentException("trustStore: cannot read " + path + ": " + e.getMessage(), e);
        }
        if (certificates == 0) {
            throw new IllegalArgumentException("trustStore: " + path
                    + " holds no certificate (add one with keytool -importcert)");
        }
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(store);
            for (TrustManager m : factory.getTrustManagers()) {
                if (m instanceof X509ExtendedTrustManager x) {
                    return new TlsTrust(x, ClientAuth.REQUIRE, "truststore " + path + " (" + certificates
                            + " certificate" + (certificates == 1 ? "" : "s") + ", PKIX, both directions)");
                }
            }
            throw new IllegalArgumentException("trustStore: the PKIX trust manager factory made no X.509 trust "
                    + "manager");
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("trustStore: cannot use " + path + ": " + e.getMessage(), e);
        }
    }

    X509ExtendedTrustManager manager() {
        return manager;
    }

    /** What a listener asks of clients: nothing in {@link #any()} mode, a trusted certificate otherwise. */
    ClientAuth clientAuth() {
        return clientAuth;
    }

    public boolean isAnonymous() {
        return clientAuth == ClientAuth.NONE;
    }

    @Override
    public String toString() {
        return description;
    }

    /** Accepts any non-empty chain ({@code refusal == null}) or refuses every one with {@code refusal}. */
    private static final class Checking extends X509ExtendedTrustManager {
        private static final X509Certificate[] NONE = new X509Certificate[0];
        private final String refusal;

        Checking(String refusal) {
            this.refusal = refusal;
        }

        private void check(X509Certificate[] chain) throws CertificateException {
            if (refusal != null) {
                throw new CertificateException(refusal);
            }
            if (chain == null || chain.length == 0) {
                throw new CertificateException("no certificate");
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return NONE;
        }
    }
}
