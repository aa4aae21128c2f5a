/**
 * The IceT protocol's messages, as immutable values. They carry no Netty types: a transport
 * turns them into frames and back (see {@code docs/icet-protocol.md} for the wire format).
 *
 * <p>Three conversations use them: client to tracker ({@code Hello, Publish, Join, Verified,
 * BadPiece, FetchFailed, Leave, Seek, Announce, Metadata}), tracker to client ({@code Hello, Published, Joined, Assign, Peers,
 * Announce, Metadata, Revoke}) and peer to peer ({@code Hello, Request, Piece, Reject, Cancel}). {@code ErrorReport},
 * {@code Ping} and {@code Pong} go anywhere.
 */
@Export
@Version("1.8.0")
package org.iceshare.api.icet;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
