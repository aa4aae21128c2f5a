/**
 * The PieceVerifier SPI: digests a piece so it can be checked against the tracker's authoritative
 * hash.
 */
@Export
@Version("1.0.0")
package org.iceshare.api.verify;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
