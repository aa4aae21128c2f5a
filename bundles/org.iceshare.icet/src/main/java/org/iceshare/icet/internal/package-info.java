/**
 * The IceT wire codec for Netty, shared by every transport: {@link IcetFrameDecoder} (length-prefixed
 * frames with a maximum size), {@link IcetMessageDecoder} (frame to message, or an {@link InvalidFrame}
 * value), {@link IcetEncoder} (message to frame), {@link IcetHandshakeHandler} (the Hello exchange) and
 * {@link IcetPipeline}, which installs them in the same order on every channel.
 *
 * <p>The byte layout is specified in {@code docs/icet-protocol.md}. This package is not exported: each
 * transport bundle inlines it.
 */
package org.iceshare.icet.internal;
