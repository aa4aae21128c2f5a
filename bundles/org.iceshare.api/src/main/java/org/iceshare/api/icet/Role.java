package org.iceshare.api.icet;

/** What the sender of a {@link Hello} is in this conversation. */
public enum Role {
    /** A peer talking to a tracker. */
    CLIENT(1),
    /** A peer talking to another peer. */
    PEER(2),
    /** The tracker answering a client. */
    TRACKER(3);

    private final int code;

    Role(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The role for a wire code, or null when unknown. */
    public static Role fromCode(int code) {
        for (Role r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        return null;
    }
}
