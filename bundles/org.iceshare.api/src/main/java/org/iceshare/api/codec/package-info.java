/**
 * The IceT wire codec in plain Java, for anyone writing a transport: {@link IcetCodec} turns an
 * {@link org.iceshare.api.icet.IcetMessage} into one frame and one frame back into a message,
 * {@link Framing} holds the rules of the length field a byte-stream transport splits frames by, and
 * {@link StreamDecoder} does that splitting incrementally for a transport that has no framing library
 * of its own. The byte layout is specified in {@code docs/icet-protocol.md}.
 *
 * <p>Nothing here does I/O, depends on a network library or keeps state between calls, except
 * {@link StreamDecoder}, which holds one partial frame. Bad input never throws: it comes back as a
 * {@link DecodeResult.Invalid} value naming the {@link org.iceshare.api.icet.ErrorCode} to report and
 * the reason to close with.
 */
@Export
@Version("1.0.0")
package org.iceshare.api.codec;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
