/**
 * The Netty TCP transport: {@link NettyTransport} (plain Java, usable without OSGi) and its DS wrapper
 * {@link TcpTransportComponent}. The IceT codec comes from {@code org.iceshare.icet.internal}, inlined
 * into this bundle. Nothing here is exported.
 */
package org.iceshare.transport.tcp.internal;
