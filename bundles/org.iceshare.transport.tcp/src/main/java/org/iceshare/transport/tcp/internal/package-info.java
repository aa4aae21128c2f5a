/**
 * The TCP transport: {@link TcpTransportComponent}, the DS component of a plain
 * {@code NettyTransport}. The socket machinery and what the socket transports' components share come
 * from {@code org.iceshare.icet.internal}, inlined into this bundle; the codec is the API's
 * {@code org.iceshare.api.codec}. Nothing here is exported.
 */
package org.iceshare.transport.tcp.internal;
