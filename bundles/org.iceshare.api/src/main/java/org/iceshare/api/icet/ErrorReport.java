package org.iceshare.api.icet;

import java.util.Objects;

/** Reports a refusal or a failure. After MALFORMED, FRAME_TOO_LARGE or UNSUPPORTED_VERSION the sender closes. */
public record ErrorReport(ErrorCode code, String message) implements IcetMessage {
    public ErrorReport {
        Objects.requireNonNull(code, "code");
        IcetMessage.text(message, "message");
    }

    /** Builds a report, cutting an overlong message to fit. */
    public static ErrorReport of(ErrorCode code, String message) {
        String m = message == null ? "" : message;
        if (m.length() > 300) {
            m = m.substring(0, 300) + "...";
        }
        return new ErrorReport(code, m);
    }

    @Override
    public MessageType type() {
        return MessageType.ERROR;
    }
}
