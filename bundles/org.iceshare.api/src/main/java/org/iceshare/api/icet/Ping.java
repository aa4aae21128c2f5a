package org.iceshare.api.icet;

/** Keeps a connection alive; the receiver answers with a {@link Pong} carrying the same nonce. */
public record Ping(long nonce) implements IcetMessage {
    @Override
    public MessageType type() {
        return MessageType.PING;
    }
}
