package org.iceshare.transport.tls.internal;

import java.nio.file.Path;
import java.time.Instant;

import org.iceshare.api.transport.Transport;
import org.iceshare.icet.internal.NettyTransport;
import org.iceshare.icet.internal.SocketTransportComponent;
import org.iceshare.icet.internal.SocketTransportComponent.Form;
import org.iceshare.icet.internal.TransportSettings;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS transport as an OSGi service: a {@link NettyTransport} named {@value #NAME} secured by a
 * {@link TlsSecurity}, with what every socket transport's component shares ({@link SocketTransportComponent}).
 *
 * <p>Configuration PID {@value #PID}. The passwords are the private properties {@code .keyStorePassword}
 * and {@code .trustStorePassword}: the leading dot keeps them out of the service's properties, which any
 * bundle can read.
 *
 * <p>A configuration change applies to connections set up after it; open connections keep their
 * settings and their TLS session. An invalid change (a value out of range, an unreadable keystore or
 * trust store, a wrong password, an unknown trust mode) is refused as a whole: the error, naming the
 * property, is logged and the running settings are kept.
 *
 * <p>An invalid configuration at activation does not stop the transport, and never makes it trust more
 * than asked: socket values out of range fall back to their defaults, the identity falls back to the
 * generated one in {@code identityFolder} (or, if that folder is unusable, a temporary one), and the
 * trust falls back to {@link TlsTrust#nobody nobody} (every handshake fails, with the error as the
 * reason) unless {@code trust} is {@code any} and valid. Fixing the configuration applies at once.
 *
 * <p><b>Threading:</b> as {@link NettyTransport}; SCR serialises activate, modified and deactivate.
 * Activation and modification read key files (milliseconds; the first start also generates a key).
 */
@Component(service = Transport.class, configurationPid = TlsTransportComponent.PID,
        property = {Transport.NAME_PROPERTY + "=" + TlsTransportComponent.NAME, "service.ranking:Integer=50"})
@Designate(ocd = TlsTransportComponent.Config.class)
public final class TlsTransportComponent extends SocketTransportComponent<TlsSecurity> {

    public static final String PID = "org.iceshare.transport.tls";

    /** The transport's name and its {@value Transport#NAME_PROPERTY} service property. */
    public static final String NAME = "tls";

    private static final Logger LOG = LoggerFactory.getLogger(TlsTransportComponent.class);

    @ObjectClassDefinition(name = "IceShare TLS transport",
            description = "Carries IceT messages over TLS 1.3 (JDK provider; TLS 1.2 and plaintext peers are"
                    + " refused). Changes apply to new connections; open ones keep their settings. An invalid change"
                    + " is refused as a whole and logged; the running settings stay.")
    public @interface Config {
        @AttributeDefinition(name = Form.MAX_FRAME_SIZE, description = Form.MAX_FRAME_SIZE_TEXT,
                min = Form.MAX_FRAME_SIZE_MIN, max = Form.MAX_FRAME_SIZE_MAX)
        int maxFrameSize() default TransportSettings.DEFAULT_MAX_FRAME_SIZE;

        @AttributeDefinition(name = Form.IO_THREADS,
                description = "Number of Netty I/O threads (they also encrypt and decrypt). Takes effect when the"
                        + " transport restarts.",
                min = Form.IO_THREADS_MIN, max = Form.IO_THREADS_MAX)
        int ioThreads() default TransportSettings.DEFAULT_IO_THREADS;

        @AttributeDefinition(name = Form.HANDSHAKE_TIMEOUT,
                description = "A new connection whose TLS handshake and Hello are not done within this time is"
                        + " closed.",
                min = Form.TIMEOUT_MIN, max = Form.TIMEOUT_MAX)
        long handshakeTimeoutMillis() default TransportSettings.DEFAULT_HANDSHAKE_TIMEOUT_MILLIS;

        @AttributeDefinition(name = Form.IDLE_TIMEOUT, description = Form.IDLE_TIMEOUT_TEXT,
                min = Form.IDLE_TIMEOUT_MIN, max = Form.IDLE_TIMEOUT_MAX)
        int idleTimeoutSeconds() default TransportSettings.DEFAULT_IDLE_TIMEOUT_SECONDS;

        @AttributeDefinition(name = Form.LOW_WATER_MARK, description = Form.LOW_WATER_MARK_TEXT,
                min = Form.WATER_MARK_MIN, max = Form.WATER_MARK_MAX)
        int writeBufferLowWaterMark() default TransportSettings.DEFAULT_WRITE_BUFFER_LOW_WATER_MARK;

        @AttributeDefinition(name = Form.HIGH_WATER_MARK, description = Form.HIGH_WATER_MARK_TEXT,
                min = Form.WATER_MARK_MIN, max = Form.WATER_MARK_MAX)
        int writeBufferHighWaterMark() default TransportSettings.DEFAULT_WRITE_BUFFER_HIGH_WATER_MARK;

        @AttributeDefinition(name = Form.CONNECT_TIMEOUT, description = Form.CONNECT_TIMEOUT_TEXT,
                min = Form.TIMEOUT_MIN, max = Form.TIMEOUT_MAX)
        long connectTimeoutMillis() default TransportSettings.DEFAULT_CONNECT_TIMEOUT_MILLIS;

        @AttributeDefinition(name = Form.MAX_CONNECTIONS, description = Form.MAX_CONNECTIONS_TEXT,
                min = Form.CONNECTIONS_MIN, max = Form.CONNECTIONS_MAX)
        int maxConnections() default TransportSettings.DEFAULT_MAX_CONNECTIONS;

        @AttributeDefinition(name = Form.MAX_CONNECTIONS_PER_ADDRESS, description = Form.MAX_CONNECTIONS_PER_ADDRESS_TEXT,
                min = Form.CONNECTIONS_MIN, max = Form.CONNECTIONS_MAX)
        int maxConnectionsPerAddress() default TransportSettings.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;

        @AttributeDefinition(name = Form.MAX_BUFFERED_FRAME_BYTES, description = Form.MAX_BUFFERED_FRAME_BYTES_TEXT,
                max = Form.MAX_BUFFERED_FRAME_BYTES_MAX)
        long maxBufferedFrameBytes() default TransportSettings.DEFAULT_MAX_BUFFERED_FRAME_BYTES;

        @AttributeDefinition(name = Form.FRAME_TIMEOUT, description = Form.FRAME_TIMEOUT_TEXT,
                min = Form.FRAME_TIMEOUT_MIN, max = Form.FRAME_TIMEOUT_MAX)
        int frameTimeoutSeconds() default TransportSettings.DEFAULT_FRAME_TIMEOUT_SECONDS;

        @AttributeDefinition(name = Form.MIN_FRAME_RATE, description = Form.MIN_FRAME_RATE_TEXT, min = "0",
                max = Form.MIN_FRAME_RATE_MAX)
        int minFrameRate() default TransportSettings.DEFAULT_MIN_FRAME_RATE;

        @AttributeDefinition(name = Form.BIND_ADDRESS, description = Form.BIND_ADDRESS_TEXT, required = false)
        String bindAddress() default "";

        @AttributeDefinition(name = "Keystore",
                description = "Path of a PKCS12 (or JKS) keystore with this side's private key and certificate"
                        + " chain (EC, RSA or EdDSA). Empty: use the self-signed identity generated in the identity"
                        + " folder. Read when the configuration changes; after replacing the file, save the"
                        + " configuration again.")
        String keyStore() default "";

        /** The keystore password, as the private property {@code .keyStorePassword}. */
        @AttributeDefinition(name = "Keystore password", type = AttributeType.PASSWORD,
                description = "Password of the keystore and of its key (PKCS12 uses one for both); key"
                        + " .keyStorePassword (private: not published with the service).")
        String _keyStorePassword() default "";

        @AttributeDefinition(name = "Key alias",
                description = "The key entry of the keystore to use. Empty: the only key entry (a keystore with"
                        + " several needs this).")
        String keyAlias() default "";

        @AttributeDefinition(name = "Identity folder",
                description = "Where the self-signed identity (EC P-256, CN=iceshare-<random>, valid about ten"
                        + " years) is generated on first start and reused afterwards: identity.p12, its random"
                        + " password in identity.password (both owner-only), and identity.crt, the certificate to"
                        + " give to other operators. ${karaf.data} is the Karaf data folder (in plain Java without"
                        + " Karaf: <java.io.tmpdir>/iceshare-<user>). Unused while a keystore is set.")
        String identityFolder() default TlsSettings.DEFAULT_IDENTITY_FOLDER;

        @AttributeDefinition(name = "Trust",
                description = "any: encrypt only. Every certificate is accepted and clients are not asked for one:"
                        + " connections are private from eavesdroppers, but peers are anonymous and a man in the"
                        + " middle is not detected. Content stays safe because every piece is verified against the"
                        + " tracker's SHA-256 hash. truststore: the other side's certificate chain must validate"
                        + " (PKIX) against the trust store, in both directions (listeners require client"
                        + " certificates); no host-name check.",
                options = {@Option(label = "any (encrypt only)", value = "any"),
                        @Option(label = "truststore (PKIX, both directions)", value = "truststore")})
        String trust() default "any";

        @AttributeDefinition(name = "Trust store",
                description = "Path of a PKCS12 (or JKS) trust store with the certificates (of peers or of their"
                        + " CA) to accept, as keytool -importcert makes them. Required when trust is truststore.")
        String trustStore() default "";

        /** The trust store password, as the private property {@code .trustStorePassword}. */
        @AttributeDefinition(name = "Trust store password", type = AttributeType.PASSWORD,
                description = "Password of the trust store; empty for none. Key .trustStorePassword (private).")
        String _trustStorePassword() default "";
    }

    @Activate
    public TlsTransportComponent(Config config) {
        super(PID, NAME, () -> socketSettings(config), socket -> security(config, socket));
        if (!security().identity().validAt(Instant.now())) {
            LOG.warn("The TLS certificate {} is not valid now: peers that check it will refuse this side",
                    security().identity().describe());
        }
        LOG.info("IceT over TLS: {}", security());
    }

    /** The security the configuration asks for, or, when it is invalid, {@link #fallback}. */
    private static TlsSecurity security(Config config, TransportSettings socket) {
        try {
            return TlsSecurity.of(tlsSettings(config, socket));
        } catch (IllegalArgumentException e) {
            return fallback(config, socket, e.getMessage());
        }
    }

    /** What runs when the configuration at activation is invalid: never more trusting than it asked. */
    private static TlsSecurity fallback(Config config, TransportSettings socket, String error) {
        TlsSettings parsed = null;
        try {
            parsed = tlsSettings(config, socket);
        } catch (IllegalArgumentException ignored) {
            // the error is the one being reported
        }
        TlsTrust trust;
        try {
            trust = parsed != null ? parsed.loadTrust()
                    : TlsSettings.Trust.parse(config.trust()) == TlsSettings.Trust.ANY ? TlsTrust.any() : null;
        } catch (IllegalArgumentException e) {
            trust = null;
        }
        if (trust == null) {
            trust = TlsTrust.nobody("configuration " + PID + " is invalid: " + error);
        }
        Path folder;
        try {
            folder = parsed != null ? parsed.identityFolder() : TlsSettings.identityFolder(config.identityFolder());
        } catch (IllegalArgumentException e) {
            folder = TlsSettings.defaultIdentityFolder();
        }
        TlsIdentity identity;
        try {
            identity = parsed != null && parsed.keyStore() == null ? parsed.loadIdentity()
                    : SelfSignedIdentity.loadOrCreate(folder);
        } catch (IllegalArgumentException e) {
            LOG.error("TLS transport: {}", e.getMessage());
            identity = SelfSignedIdentity.ephemeral();
        }
        LOG.error("Refusing configuration {}: {}. Starting with the identity {} and trusting {}", PID, error,
                identity.describe(), trust);
        return new TlsSecurity(identity, trust, socket.handshakeTimeoutMillis());
    }

    /**
     * Applies a changed configuration to new connections, or refuses it as a whole (logged, naming the
     * property) and keeps the running settings.
     */
    @Modified
    void configure(Config config) {
        reconfigure(() -> {
            TransportSettings socket = socketSettings(config);
            TlsSettings settings = tlsSettings(config, socket);
            security().reconfigure(settings.loadIdentity(), settings.loadTrust(), socket.handshakeTimeoutMillis());
            return socket;
        });
    }

    @Deactivate
    void deactivate() {
        stop();
    }

    static TransportSettings socketSettings(Config c) {
        return new TransportSettings(c.maxFrameSize(), c.ioThreads(), c.handshakeTimeoutMillis(),
                c.idleTimeoutSeconds(), c.writeBufferLowWaterMark(), c.writeBufferHighWaterMark(),
                c.connectTimeoutMillis(), c.maxConnections(), c.maxConnectionsPerAddress(),
                TransportSettings.frameBudget(c.maxBufferedFrameBytes(), c.maxFrameSize()), c.frameTimeoutSeconds(),
                c.minFrameRate(), TransportSettings.bindAddress(c.bindAddress()));
    }

    /** The settings of {@code c}, checked as far as possible without reading files. */
    static TlsSettings tlsSettings(Config c, TransportSettings socket) {
        return new TlsSettings(socket, TlsSettings.path("keyStore", c.keyStore()), c._keyStorePassword(),
                c.keyAlias(), TlsSettings.identityFolder(c.identityFolder()), TlsSettings.Trust.parse(c.trust()),
                TlsSettings.path("trustStore", c.trustStore()), c._trustStorePassword());
    }
}
