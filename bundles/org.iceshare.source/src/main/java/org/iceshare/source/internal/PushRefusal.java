package org.iceshare.source.internal;

import java.util.Map;

/** A push is refused: the HTTP status and reason to answer with, and any extra header fields. */
final class PushRefusal extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient Map<String, String> headers;

    PushRefusal(int status, String reason) {
        this(status, reason, Map.of());
    }

    PushRefusal(int status, String reason, Map<String, String> headers) {
        super(reason);
        this.status = status;
        this.headers = Map.copyOf(headers);
    }

    int status() {
        return status;
    }

    Map<String, String> headers() {
        return headers;
    }
}
