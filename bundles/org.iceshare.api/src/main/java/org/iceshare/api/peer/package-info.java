/**
 * The Peer service: one IceShare client with its own port, storage and player endpoint. It
 * publishes files, fetches {@code icet://} URLs and reports on its swarms.
 */
@Export
@Version("1.5.0")
package org.iceshare.api.peer;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
