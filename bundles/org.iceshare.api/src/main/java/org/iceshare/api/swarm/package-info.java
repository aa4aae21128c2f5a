/**
 * The swarm model: identifiers of contents and peers, pieces and their layout, bitfields,
 * {@code icet://} URLs, and the read-only {@link org.iceshare.api.swarm.SwarmView} that schedulers
 * work over.
 *
 * <p>All types here are values or read-only views. None of them does I/O.
 */
@Export
@Version("1.6.0")
package org.iceshare.api.swarm;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
