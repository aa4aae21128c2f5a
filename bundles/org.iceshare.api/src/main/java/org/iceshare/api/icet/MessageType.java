package org.iceshare.api.icet;

/** Every IceT message type with its one-byte wire code. */
public enum MessageType {
    HELLO(0x01),
    ERROR(0x02),
    PING(0x03),
    PONG(0x04),
    /** @since 1.5 */
    AUTH(0x05),
    PUBLISH(0x10),
    PUBLISHED(0x11),
    JOIN(0x12),
    JOINED(0x13),
    ASSIGN(0x14),
    PEERS(0x15),
    VERIFIED(0x16),
    BAD_PIECE(0x17),
    FETCH_FAILED(0x18),
    LEAVE(0x19),
    REVOKE(0x1A),
    /** @since 1.1 */
    SEEK(0x1B),
    /** @since 1.2 */
    ANNOUNCE(0x1C),
    /** @since 1.3 */
    RATES(0x1D),
    /** @since 1.8 */
    METADATA(0x1E),
    REQUEST(0x20),
    PIECE(0x21),
    REJECT(0x22),
    CANCEL(0x23);

    private static final MessageType[] BY_CODE = new MessageType[256];

    static {
        for (MessageType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;

    MessageType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The type for a wire code, or null when the code is unknown. */
    public static MessageType fromCode(int code) {
        return code >= 0 && code < 256 ? BY_CODE[code] : null;
    }
}
