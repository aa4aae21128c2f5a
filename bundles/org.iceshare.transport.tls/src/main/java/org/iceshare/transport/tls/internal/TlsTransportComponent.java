package org.iceshare.transport.tls.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CompletionStage;

import org.iceshare.api.transport.Connection;
import org.iceshare.api.transport.ConnectionHandler;
import org.iceshare.api.transport.Listener;
import org.iceshare.api.transport.Transport;
import org.iceshare.icet.internal.NettyTransport;
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
 * The TLS transport as an OSGi service: a thin wrapper around a {@link NettyTransport} named
 * {@value #NAME} secured by a {@link TlsSecurity}.
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
public final class TlsTransportComponent implements Transport {

    public static final String PID = "org.iceshare.transport.tls";

    /** The transport's name and its {@value Transport#NAME_PROPERTY} service property. */
    public static final String NAME = "tls";

    private static final Logger LOG = LoggerFactory.getLogger(TlsTransportComponent.class);

    @ObjectClassDefinition(name = "IceShare TLS transport",
            description = "Carries IceT messages over TLS 1.3 (JDK provider; TLS 1.2 and plaintext peers are"
                    + " refused). Changes apply to new connections; open ones keep their settings. An invalid change"
                    + " is refused as a whole and logged; the running settings stay.")
    public @interface Config {
        @AttributeDefinition(name = "Maximum frame size",
                description = "Largest IceT frame accepted, in bytes. A larger one is answered with FRAME_TOO_LARGE"
                        + " and the connection is closed. At least 4 MiB + 1 KiB, so the largest piece fits.",
                min = "" + TransportSettings.MIN_MAX_FRAME_SIZE, max = "" + TransportSettings.MAX_MAX_FRAME_SIZE)
        int maxFrameSize() default TransportSettings.DEFAULT_MAX_FRAME_SIZE;

        @AttributeDefinition(name = "I/O threads",
                description = "Number of Netty I/O threads (they also encrypt and decrypt). Takes effect when the"
                        + " transport restarts.",
                min = "" + TransportSettings.MIN_IO_THREADS, max = "" + TransportSettings.MAX_IO_THREADS)
        int ioThreads() default TransportSettings.DEFAULT_IO_THREADS;

        @AttributeDefinition(name = "Handshake timeout (ms)",
                description = "A new connection whose TLS handshake and Hello are not done within this time is"
                        + " closed.",
                min = "" + TransportSettings.MIN_TIMEOUT_MILLIS, max = "" + TransportSettings.MAX_TIMEOUT_MILLIS)
        long handshakeTimeoutMillis() default TransportSettings.DEFAULT_HANDSHAKE_TIMEOUT_MILLIS;

        @AttributeDefinition(name = "Idle timeout (s)",
                description = "A connection that received nothing for this long is closed. Applications send"
                        + " Pings more often than this.",
                min = "" + TransportSettings.MIN_IDLE_SECONDS, max = "" + TransportSettings.MAX_IDLE_SECONDS)
        int idleTimeoutSeconds() default TransportSettings.DEFAULT_IDLE_TIMEOUT_SECONDS;

        @AttributeDefinition(name = "Write buffer low-water mark (bytes)",
                description = "A connection that stopped being writable becomes writable again when its queued"
                        + " output falls below this.",
                min = "" + TransportSettings.MIN_WATER_MARK, max = "" + TransportSettings.MAX_WATER_MARK)
        int writeBufferLowWaterMark() default TransportSettings.DEFAULT_WRITE_BUFFER_LOW_WATER_MARK;

        @AttributeDefinition(name = "Write buffer high-water mark (bytes)",
                description = "A connection stops being writable when its queued output rises above this;"
                        + " senders of pieces wait. Not below the low-water mark.",
                min = "" + TransportSettings.MIN_WATER_MARK, max = "" + TransportSettings.MAX_WATER_MARK)
        int writeBufferHighWaterMark() default TransportSettings.DEFAULT_WRITE_BUFFER_HIGH_WATER_MARK;

        @AttributeDefinition(name = "Connect timeout (ms)",
                description = "An outgoing connection not established within this time fails.",
                min = "" + TransportSettings.MIN_TIMEOUT_MILLIS, max = "" + TransportSettings.MAX_TIMEOUT_MILLIS)
        long connectTimeoutMillis() default TransportSettings.DEFAULT_CONNECT_TIMEOUT_MILLIS;

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

    private final NettyTransport transport;
    private final TlsSecurity security;

    @Activate
    public TlsTransportComponent(Config config) {
        TransportSettings socket;
        try {
            socket = socketSettings(config);
        } catch (IllegalArgumentException e) {
            LOG.error("Refusing configuration {}: {}. Using the default socket settings", PID, e.getMessage());
            socket = TransportSettings.DEFAULTS;
        }
        TlsSecurity s;
        try {
            s = TlsSecurity.of(tlsSettings(config, socket));
        } catch (IllegalArgumentException e) {
            s = fallback(config, socket, e.getMessage());
        }
        this.security = s;
        this.transport = new NettyTransport(NAME, socket, security);
        if (!security.identity().validAt(Instant.now())) {
            LOG.warn("The TLS certificate {} is not valid now: peers that check it will refuse this side",
                    security.identity().describe());
        }
        LOG.info("IceT over TLS: {}", security);
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
        try {
            TransportSettings socket = socketSettings(config);
            TlsSettings settings = tlsSettings(config, socket);
            TlsIdentity identity = settings.loadIdentity();
            TlsTrust trust = settings.loadTrust();
            security.reconfigure(identity, trust, socket.handshakeTimeoutMillis());
            transport.reconfigure(socket);
            LOG.info("IceT over TLS reconfigured: {}", security);
        } catch (IllegalArgumentException e) {
            LOG.error("Refusing configuration {}: {}. Keeping {}", PID, e.getMessage(), security);
        }
    }

    @Deactivate
    void deactivate() {
        transport.close();
    }

    static TransportSettings socketSettings(Config c) {
        return new TransportSettings(c.maxFrameSize(), c.ioThreads(), c.handshakeTimeoutMillis(),
                c.idleTimeoutSeconds(), c.writeBufferLowWaterMark(), c.writeBufferHighWaterMark(),
                c.connectTimeoutMillis());
    }

    /** The settings of {@code c}, checked as far as possible without reading files. */
    static TlsSettings tlsSettings(Config c, TransportSettings socket) {
        return new TlsSettings(socket, TlsSettings.path("keyStore", c.keyStore()), c._keyStorePassword(),
                c.keyAlias(), TlsSettings.identityFolder(c.identityFolder()), TlsSettings.Trust.parse(c.trust()),
                TlsSettings.path("trustStore", c.trustStore()), c._trustStorePassword());
    }

    NettyTransport transport() {
        return transport;
    }

    TlsSecurity security() {
        return security;
    }

    @Override
    public String name() {
        return transport.name();
    }

    @Override
    public Listener listen(InetSocketAddress local, ConnectionHandler.Factory handlers) throws IOException {
        return transport.listen(local, handlers);
    }

    @Override
    public CompletionStage<Connection> connect(InetSocketAddress remote, ConnectionHandler handler) {
        return transport.connect(remote, handler);
    }
}
