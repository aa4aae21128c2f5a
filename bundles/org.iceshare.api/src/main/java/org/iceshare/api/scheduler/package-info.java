/**
 * The PieceScheduler SPI: which missing piece to request next, and from which assigned peer.
 * Schedulers are pure policy over a read-only {@link org.iceshare.api.swarm.SwarmView}; the core
 * owns all swarm state, so a scheduler can be swapped mid-transfer without losing anything.
 */
@Export
@Version("1.1.0")
package org.iceshare.api.scheduler;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
