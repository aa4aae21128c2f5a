package org.iceshare.api.icet;

/** An IceT protocol message. Every implementation is an immutable record in this package. */
public sealed interface IcetMessage permits Hello, Auth, ErrorReport, Ping, Pong, Publish, Published, Join, Joined,
        Assign, Peers, Verified, BadPiece, FetchFailed, Leave, Revoke, Seek, Announce, Rates, Metadata, Request, Piece, Reject, Cancel {

    /**
     * The current protocol version, sent in every {@link Hello}. Version 3 added identities: a HELLO
     * carries the sender's public key and a fresh nonce, and each side then proves its key with an
     * {@link Auth}. Version 4 added publisher signatures: a manifest carries its publisher's key and
     * signature, and a live stream's announced pieces and links carry the source's signatures. Version 5
     * added a request's priority: a REQUEST may end with a {@code u8} priority ({@link Request}), sent only
     * on connections both sides opened with version 5 or later. Version 6 added {@link Metadata} (timed title
     * changes of a live stream), sent only on connections both sides opened with version 6 or later.
     */
    int PROTOCOL_VERSION = 6;

    /** Longest string field (UTF-8 bytes) any message carries. */
    int MAX_STRING = 1024;

    MessageType type();

    /** Checks a string field: not null and at most {@link #MAX_STRING} UTF-8 bytes. */
    static String text(String s, String what) {
        if (s == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        if (s.length() > MAX_STRING || s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_STRING) {
            throw new IllegalArgumentException(what + " longer than " + MAX_STRING + " bytes");
        }
        return s;
    }
}
