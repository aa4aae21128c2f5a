/**
 * The Transport SPI: how IceT messages travel between peers and the tracker. A transport frames
 * {@link org.iceshare.api.icet.IcetMessage messages} onto some byte stream (TCP, TLS, ...) with the
 * codec of {@code org.iceshare.api.codec}, enforces a maximum frame size, and turns decode failures
 * into a closed connection with a reason.
 *
 * <p>Transports are OSGi services with the property {@value org.iceshare.api.transport.Transport#NAME_PROPERTY}.
 */
@Export
@Version("1.3.0")
package org.iceshare.api.transport;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
