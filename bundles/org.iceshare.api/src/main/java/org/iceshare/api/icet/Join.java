package org.iceshare.api.icet;

/** Client to tracker: "I want the content of this name." Answered by {@link Joined} or an error. */
public record Join(String name) implements IcetMessage {
    public Join {
        IcetMessage.text(name, "name");
    }

    @Override
    public MessageType type() {
        return MessageType.JOIN;
    }
}
