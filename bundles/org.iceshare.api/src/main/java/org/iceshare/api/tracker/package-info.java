/**
 * The IceTracker service: registers contents and peers, holds the authoritative piece hashes, and
 * orchestrates who fetches which piece from whom.
 */
@Export
@Version("1.4.0")
package org.iceshare.api.tracker;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
