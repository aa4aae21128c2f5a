/**
 * The TLS transport: IceT over TLS 1.3. {@link TlsSecurity} (a {@code ChannelSecurity} for the shared
 * {@code NettyTransport}), {@link TlsSettings}, {@link TlsIdentity} with the self-signed identity of
 * {@link SelfSignedIdentity} (certificates made by {@link SelfSignedCertificate} with the DER encoder
 * {@link Der}), {@link TlsTrust}, and the DS component {@link TlsTransportComponent}, which adds the TLS
 * settings to what it shares with the TCP component ({@code SocketTransportComponent}). Plain classes,
 * usable without OSGi. The socket machinery comes from {@code org.iceshare.icet.internal}, inlined into
 * this bundle; the codec is the API's {@code org.iceshare.api.codec}. Nothing here is exported.
 */
package org.iceshare.transport.tls.internal;
