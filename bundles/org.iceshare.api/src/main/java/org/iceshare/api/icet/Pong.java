package org.iceshare.api.icet;

/** The answer to a {@link Ping}. */
public record Pong(long nonce) implements IcetMessage {
    @Override
    public MessageType type() {
        return MessageType.PONG;
    }
}
