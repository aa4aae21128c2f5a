/**
 * IceT over Netty, shared by every socket transport. The codec itself is the plain-Java
 * {@code org.iceshare.api.codec} of the API bundle; the classes here adapt it to Netty:
 * {@link IcetFrameDecoder} (length-prefixed frames with a maximum size), {@link IcetMessageDecoder}
 * (frame to message, or a {@code DecodeResult.Invalid} value), {@link IcetEncoder} (message to frame,
 * without copying), {@link IcetHandshakeHandler} (the Hello exchange) and {@link IcetPipeline}, which
 * installs them in the same order on every channel. {@link NettyTransport} is the socket machinery
 * around them, and {@link SocketTransportComponent} what the TCP and TLS components share.
 *
 * <p>The byte layout is specified in {@code docs/icet-protocol.md}. This package is not exported: each
 * transport bundle inlines it.
 */
package org.iceshare.icet.internal;
