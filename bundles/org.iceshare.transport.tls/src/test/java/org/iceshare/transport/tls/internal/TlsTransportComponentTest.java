package org.iceshare.transport.tls.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.iceshare.transport.tls.internal.TlsTestSupport.CLIENT_HELLO;
import static org.iceshare.transport.tls.internal.TlsTestSupport.SERVER_HELLO;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.iceshare.api.icet.Ping;
import org.iceshare.api.transport.Connection;
import org.iceshare.api.transport.Listener;
import org.iceshare.api.transport.Transport;
import org.iceshare.icet.internal.NettyTransport;
import org.iceshare.icet.internal.TransportSettings;
import org.iceshare.testkit.RecordingHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsTransportComponentTest {

    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @TempDir
    Path temp;

    /** A Config as SCR would build it: the given values, the annotation's defaults for the rest. */
    static TlsTransportComponent.Config config(Map<String, Object> values) {
        return (TlsTransportComponent.Config) Proxy.newProxyInstance(TlsTransportComponentTest.class.getClassLoader(),
                new Class<?>[] {TlsTransportComponent.Config.class}, (proxy, method, args) -> {
                    if (method.getName().equals("annotationType")) {
                        return TlsTransportComponent.Config.class;
                    }
                    Object v = values.get(method.getName());
                    return v != null ? v : method.getDefaultValue();
                });
    }

    /** {@code values} plus an identity folder in the test's temporary folder. */
    private TlsTransportComponent.Config config(Object... keysAndValues) {
        Map<String, Object> values = new HashMap<>();
        values.put("identityFolder", temp.resolve("identity").toString());
        for (int i = 0; i < keysAndValues.length; i += 2) {
            values.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return config(values);
    }

    /** Reads what bnd generated from the annotations (in target/classes, on the test class path). */
    @Test
    void registersAsTheTlsTransportWithRanking50AndDescribedSettings() throws Exception {
        String component = resource("OSGI-INF/" + TlsTransportComponent.class.getName() + ".xml");
        assertThat(component)
                .contains("configuration-pid=\"org.iceshare.transport.tls\"")
                .contains("<provide interface=\"org.iceshare.api.transport.Transport\"/>")
                .contains("<property name=\"transport.name\" type=\"String\" value=\"tls\"/>")
                .contains("<property name=\"service.ranking\" type=\"Integer\" value=\"50\"/>")
                // the passwords are private properties: not published with the service
                .contains("<property name=\".keyStorePassword\"").contains("<property name=\".trustStorePassword\"")
                .doesNotContain("name=\"keyStorePassword\"");
        String metatype = resource("OSGI-INF/metatype/" + TlsTransportComponent.Config.class.getName() + ".xml");
        assertThat(metatype)
                .contains("<Designate pid=\"org.iceshare.transport.tls\">")
                .contains("id=\"maxFrameSize\"").contains("min=\"4195328\"").contains("default=\"8388608\"")
                .contains("id=\"ioThreads\"").contains("id=\"handshakeTimeoutMillis\"")
                .contains("id=\"idleTimeoutSeconds\"").contains("id=\"writeBufferLowWaterMark\"")
                .contains("id=\"writeBufferHighWaterMark\"").contains("id=\"connectTimeoutMillis\"")
                .contains("id=\"keyStore\"").contains("id=\".keyStorePassword\" type=\"Password\"")
                .contains("id=\"keyAlias\"").contains("id=\"identityFolder\"")
                .contains("default=\"${karaf.data}/iceshare/tls\"")
                .contains("id=\"trust\"").contains("<Option label=\"any (encrypt only)\" value=\"any\"/>")
                .contains("value=\"truststore\"/>").contains("id=\"trustStore\"")
                .contains("id=\".trustStorePassword\" type=\"Password\"")
                .contains("SHA-256")
                .contains("id=\"maxConnections\"").contains("id=\"maxConnectionsPerAddress\"")
                .contains("id=\"maxBufferedFrameBytes\"").contains("id=\"frameTimeoutSeconds\"")
                .contains("id=\"minFrameRate\"");
        // the OCD's own description and one per attribute
        assertThat(metatype.split("description=")).hasSize(1 + 1 + 20);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = TlsTransportComponentTest.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void defaultsGenerateTheIdentityUnderKarafDataAndTrustAnyone() {
        String old = System.getProperty("karaf.data");
        System.setProperty("karaf.data", temp.resolve("data").toString());
        TlsTransportComponent component = new TlsTransportComponent(config(Map.of()));
        try {
            assertThat(component.name()).isEqualTo("tls");
            assertThat(component.transport().settings()).isEqualTo(TransportSettings.DEFAULTS);
            assertThat(component.security().identity().origin())
                    .isEqualTo("generated in " + temp.resolve("data/iceshare/tls"));
            assertThat(temp.resolve("data/iceshare/tls/identity.p12")).exists();
            assertThat(component.security().trust().isAnonymous()).isTrue();
        } finally {
            component.deactivate();
            if (old == null) {
                System.clearProperty("karaf.data");
            } else {
                System.setProperty("karaf.data", old);
            }
        }
    }

    @Test
    void theGeneratedIdentitySurvivesARestart() {
        TlsTransportComponent first = new TlsTransportComponent(config());
        String fingerprint = first.security().identity().fingerprint();
        first.deactivate();
        TlsTransportComponent second = new TlsTransportComponent(config());
        try {
            assertThat(second.security().identity().fingerprint()).isEqualTo(fingerprint);
        } finally {
            second.deactivate();
        }
    }

    @Test
    void aConfiguredKeystoreIsUsed() throws Exception {
        TlsIdentity mine = SelfSignedIdentity.generate("mine");
        Path store = TlsTestSupport.keyStore(temp.resolve("mine.p12"), "secret", List.of("node"), List.of(mine));
        TlsTransportComponent component = new TlsTransportComponent(config("keyStore", store.toString(),
                "_keyStorePassword", "secret"));
        try {
            assertThat(component.security().identity().fingerprint()).isEqualTo(mine.fingerprint());
            assertThat(temp.resolve("identity")).doesNotExist(); // nothing generated
        } finally {
            component.deactivate();
        }
    }

    @Test
    void invalidChangesAreRefusedAndTheRunningSettingsKept() throws Exception {
        TlsIdentity mine = SelfSignedIdentity.generate("mine");
        Path store = TlsTestSupport.keyStore(temp.resolve("mine.p12"), "secret", List.of("node"), List.of(mine));
        TlsTransportComponent component = new TlsTransportComponent(config("idleTimeoutSeconds", 30));
        try {
            String generated = component.security().identity().fingerprint();
            assertThat(component.transport().settings().idleTimeoutSeconds()).isEqualTo(30);

            // a socket value out of range
            component.configure(config("idleTimeoutSeconds", 45, "maxFrameSize", 1024));
            // a wrong keystore password, an unreadable keystore
            component.configure(config("idleTimeoutSeconds", 45, "keyStore", store.toString(), "_keyStorePassword", "x"));
            component.configure(config("idleTimeoutSeconds", 45, "keyStore", temp.resolve("gone.p12").toString()));
            // an unknown trust mode, truststore mode without a trust store, a trust store that is not there
            component.configure(config("idleTimeoutSeconds", 45, "trust", "pkix"));
            component.configure(config("idleTimeoutSeconds", 45, "trust", "truststore"));
            component.configure(config("idleTimeoutSeconds", 45, "trust", "truststore", "trustStore",
                    temp.resolve("nothing.p12").toString()));
            assertThat(component.transport().settings().idleTimeoutSeconds()).isEqualTo(30);
            assertThat(component.security().identity().fingerprint()).isEqualTo(generated);
            assertThat(component.security().trust().isAnonymous()).isTrue();

            component.configure(config("idleTimeoutSeconds", 45, "keyStore", store.toString(), "_keyStorePassword",
                    "secret"));
            assertThat(component.transport().settings().idleTimeoutSeconds()).isEqualTo(45);
            assertThat(component.security().identity().fingerprint()).isEqualTo(mine.fingerprint());

            Path trust = TlsTestSupport.trustStore(temp.resolve("trust.p12"), "PKCS12", "pw", mine.certificate());
            component.configure(config("trust", "truststore", "trustStore", trust.toString(), "_trustStorePassword",
                    "pw"));
            assertThat(component.security().trust().isAnonymous()).isFalse();
            assertThat(component.security().trust().toString()).contains(trust.toString());
            assertThat(component.security().identity().fingerprint()).isEqualTo(generated);
        } finally {
            component.deactivate();
        }
    }

    @Test
    void anInvalidKeystoreAtActivationFallsBackToTheGeneratedIdentity() throws Exception {
        TlsIdentity mine = SelfSignedIdentity.generate("mine");
        Path store = TlsTestSupport.keyStore(temp.resolve("mine.p12"), "secret", List.of("node"), List.of(mine));
        TlsTransportComponent component = new TlsTransportComponent(config("keyStore", store.toString(),
                "_keyStorePassword", "wrong", "ioThreads", 0));
        try {
            assertThat(component.transport().settings()).isEqualTo(TransportSettings.DEFAULTS);
            assertThat(component.security().identity().origin()).isEqualTo("generated in " + temp.resolve("identity"));
            assertThat(component.security().trust().isAnonymous()).isTrue(); // 'any' was asked for and is valid
        } finally {
            component.deactivate();
        }
    }

    @Test
    void anInvalidTrustConfigurationAtActivationTrustsNobodyUntilFixed() throws Exception {
        TlsTransportComponent server = new TlsTransportComponent(config("trust", "truststore", "trustStore",
                temp.resolve("missing.p12").toString()));
        NettyTransport client = new NettyTransport("tls", TransportSettings.DEFAULTS,
                new TlsSecurity(SelfSignedIdentity.generate("client"), TlsTrust.any(), 5_000));
        try {
            assertThat(server.security().trust().toString()).startsWith("nobody (configuration "
                    + "org.iceshare.transport.tls is invalid: trustStore: " + temp.resolve("missing.p12")
                    + " does not exist)");
            Listener listener = server.listen(ANY_LOOPBACK_PORT, () -> new RecordingHandler(SERVER_HELLO));
            RecordingHandler refusedHandler = new RecordingHandler(CLIENT_HELLO);
            CompletableFuture<Connection> refused = client.connect(listener.localAddress(), refusedHandler)
                    .toCompletableFuture();
            // refused: the connect fails, or (TLS 1.3 client authentication comes last) it closes unused
            try {
                refused.get(30, TimeUnit.SECONDS);
                assertThat(refusedHandler.closeReason()).isNotNull();
            } catch (ExecutionException expected) {
                assertThat(expected.getCause()).hasMessageStartingWith("TLS handshake failed: ");
            }
            assertThat(refusedHandler.received).isEmpty();

            server.configure(config("trust", "any"));
            RecordingHandler handler = new RecordingHandler(CLIENT_HELLO);
            client.connect(listener.localAddress(), handler).toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertThat(handler.next()).isEqualTo(SERVER_HELLO);
        } finally {
            client.close();
            server.deactivate();
        }
    }

    @Test
    void anUnknownTrustModeAtActivationTrustsNobody() {
        TlsTransportComponent component = new TlsTransportComponent(config("trust", "everyone"));
        try {
            assertThat(component.security().trust().isAnonymous()).isFalse();
            assertThat(component.security().trust().toString())
                    .contains("trust must be 'any' or 'truststore', got 'everyone'");
        } finally {
            component.deactivate();
        }
    }

    @Test
    void anUnusableIdentityFolderAtActivationGivesATemporaryIdentity() throws Exception {
        Path file = java.nio.file.Files.writeString(temp.resolve("a-file"), "x");
        TlsTransportComponent component = new TlsTransportComponent(config("identityFolder", file.toString()));
        try {
            assertThat(component.security().identity().origin()).contains("temporary");
            assertThat(component.security().trust().isAnonymous()).isTrue();
        } finally {
            component.deactivate();
        }
    }

    @Test
    void reconfiguringKeepsOpenConnectionsAndDeactivationClosesThem() throws Exception {
        TlsTransportComponent component = new TlsTransportComponent(config());
        NettyTransport client = new NettyTransport("tls", TransportSettings.DEFAULTS,
                new TlsSecurity(SelfSignedIdentity.generate("client"), TlsTrust.any(), 5_000));
        try {
            RecordingHandler server = new RecordingHandler(SERVER_HELLO);
            Transport transport = component;
            Listener listener = transport.listen(ANY_LOOPBACK_PORT, () -> server);
            assertThat(listener.transport()).isEqualTo("tls");
            RecordingHandler peer = new RecordingHandler(CLIENT_HELLO);
            Connection c = client.connect(listener.localAddress(), peer).toCompletableFuture().get(5,
                    TimeUnit.SECONDS);
            assertThat(server.next()).isEqualTo(CLIENT_HELLO);

            TlsIdentity other = SelfSignedIdentity.generate("other");
            Path store = TlsTestSupport.keyStore(temp.resolve("other.p12"), "pw", List.of("o"), List.of(other));
            component.configure(config("maxFrameSize", 16 << 20, "keyStore", store.toString(), "_keyStorePassword",
                    "pw"));
            assertThat(component.transport().settings().maxFrameSize()).isEqualTo(16 << 20);
            assertThat(component.security().identity().fingerprint()).isEqualTo(other.fingerprint());

            c.send(new Ping(11));
            assertThat(server.next()).isEqualTo(new Ping(11));
            assertThat(c.isOpen()).isTrue();

            component.deactivate();
            assertThat(server.closeReason()).isEqualTo("closed locally: transport closed");
            assertThat(peer.closeReason()).isEqualTo("closed by peer");
        } finally {
            client.close();
            component.deactivate();
        }
    }
}
