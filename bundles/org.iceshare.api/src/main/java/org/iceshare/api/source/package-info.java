/**
 * Live sources: what feeds a live stream into IceShare (a file played out in real time, a pull from
 * an Icecast mount, an Icecast-compatible source push).
 */
@Export
@Version("1.1.0")
package org.iceshare.api.source;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
