package org.iceshare.api.codec;

import java.util.Objects;

import org.iceshare.api.icet.ErrorCode;
import org.iceshare.api.icet.ErrorReport;
import org.iceshare.api.icet.IcetMessage;

/**
 * What decoding input gives: a {@link Decoded message}, or an {@link Invalid} value saying what is
 * wrong with the input. Decoding never throws for bad input.
 */
public sealed interface DecodeResult {

    /** A frame that decoded to a message. */
    record Decoded(IcetMessage message) implements DecodeResult {
        public Decoded {
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * Input the codec refused. The receiver answers it with {@link #toErrorReport()} and closes the
     * connection with {@link #detail()} as the reason (sections 2 and 7 of the protocol).
     *
     * @param code {@link ErrorCode#MALFORMED} or {@link ErrorCode#FRAME_TOO_LARGE}
     * @param detail what is wrong, for the peer and the logs, for example
     *        {@code "frame too large: 9000000 > 8388608"} or {@code "truncated PING: need 8 bytes for nonce, 4 left"}
     */
    record Invalid(ErrorCode code, String detail) implements DecodeResult {
        public Invalid {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(detail, "detail");
        }

        /** The report to send to the peer before closing. */
        public ErrorReport toErrorReport() {
            return ErrorReport.of(code, detail);
        }
    }
}
