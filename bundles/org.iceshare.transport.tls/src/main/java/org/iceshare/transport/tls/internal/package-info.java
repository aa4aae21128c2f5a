/**
 * The TLS transport: IceT over TLS 1.3. {@link TlsSecurity} (a {@code ChannelSecurity} for the shared
 * {@code NettyTransport}), {@link TlsSettings}, {@link TlsIdentity} with the self-signed identity of
 * {@link SelfSignedIdentity} (certificates made by {@link SelfSignedCertificate} with the DER encoder
 * {@link Der}), {@link TlsTrust}, and the DS wrapper {@link TlsTransportComponent}. Plain classes, usable
 * without OSGi. The IceT codec and socket machinery come from {@code org.iceshare.icet.internal}, inlined
 * into this bundle. Nothing here is exported.
 */
package org.iceshare.transport.tls.internal;
