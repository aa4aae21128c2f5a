package org.iceshare.icet.internal;

import java.util.Objects;

import org.iceshare.api.icet.ErrorCode;
import org.iceshare.api.icet.ErrorReport;

/**
 * What the decoders emit instead of a message when the input is wrong. It travels down the pipeline
 * like a message; the handler at the end answers it with {@link #toErrorReport()} and closes the
 * connection with {@link #detail()} as the reason.
 *
 * @param code {@link ErrorCode#MALFORMED} or {@link ErrorCode#FRAME_TOO_LARGE}
 * @param detail what is wrong, for the peer and the logs, for example {@code "frame too large: 9000000 > 8388608"}
 */
public record InvalidFrame(ErrorCode code, String detail) {
    public InvalidFrame {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(detail, "detail");
    }

    /** The report to send to the peer before closing. */
    public ErrorReport toErrorReport() {
        return ErrorReport.of(code, detail);
    }
}
