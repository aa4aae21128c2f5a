package org.iceshare.transport.tls.internal;

import org.iceshare.api.swarm.Endpoint;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;

import org.iceshare.api.icet.Hello;
import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.icet.Role;
import org.iceshare.api.swarm.PeerId;
import org.iceshare.icet.internal.TransportSettings;

/** Key and trust stores written the way an operator's tools would, and the usual Hellos. */
final class TlsTestSupport {

    static final Hello SERVER_HELLO = Hello.of(Role.PEER, key("server"), key("nonce"), "server", List.of(new Endpoint("tcp", 7741)));
    static final Hello CLIENT_HELLO = Hello.of(Role.PEER, key("client"), key("nonce"), "client", List.of());

    /** 32 bytes from a seed: a public key (any 32 bytes do for the codec and the transports) or a nonce. */
    static byte[] key(String seed) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(seed.getBytes(
                    java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Quick socket settings for tests: a short handshake timeout keeps failures fast. */
    static TransportSettings socket(long handshakeTimeoutMillis) {
        return new TransportSettings(TransportSettings.DEFAULT_MAX_FRAME_SIZE, 1, handshakeTimeoutMillis, 90,
                TransportSettings.DEFAULT_WRITE_BUFFER_LOW_WATER_MARK,
                TransportSettings.DEFAULT_WRITE_BUFFER_HIGH_WATER_MARK, 5_000);
    }

    private TlsTestSupport() {
    }

    /** A PKCS12 keystore at {@code path} with one key entry per identity, named by {@code aliases}. */
    static Path keyStore(Path path, String password, List<String> aliases, List<TlsIdentity> identities)
            throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (int i = 0; i < aliases.size(); i++) {
            store.setKeyEntry(aliases.get(i), identities.get(i).key(), password.toCharArray(),
                    identities.get(i).chain().toArray(Certificate[]::new));
        }
        try (OutputStream out = Files.newOutputStream(path)) {
            store.store(out, password.toCharArray());
        }
        return path;
    }

    /** A trust store of the given type (PKCS12 or JKS) holding trusted-certificate entries, as keytool makes. */
    static Path trustStore(Path path, String type, String password, X509Certificate... trusted) throws Exception {
        KeyStore store = KeyStore.getInstance(type);
        store.load(null, null);
        for (int i = 0; i < trusted.length; i++) {
            store.setCertificateEntry("peer" + i, trusted[i]);
        }
        try (OutputStream out = Files.newOutputStream(path)) {
            store.store(out, password.toCharArray());
        }
        return path;
    }
}
