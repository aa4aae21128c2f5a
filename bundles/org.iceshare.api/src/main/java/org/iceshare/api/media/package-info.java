/**
 * The MediaFormat SPI: recognises a content's format by probing its first bytes and cuts it into
 * pieces at boundaries a player can live with (whole Ogg pages, for example).
 *
 * <p>1.3: {@link org.iceshare.api.media.MediaFormat#startInPiece} and
 * {@link org.iceshare.api.media.PieceStart}, for time starts finer than a piece.
 */
@Export
@Version("1.3.0")
package org.iceshare.api.media;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
