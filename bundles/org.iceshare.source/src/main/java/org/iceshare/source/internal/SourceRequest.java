package org.iceshare.source.internal;

import java.util.Locale;
import java.util.Map;

/**
 * The head of a source client's request (the request line and headers), or why it could not be
 * read: a decode failure is a value with an HTTP status, never an exception.
 *
 * @param method the method as sent ({@code PUT}, {@code SOURCE}, ...), empty when invalid
 * @param target the request target ({@code /live.ogg}), empty when invalid
 * @param version the protocol ({@code HTTP/1.1}, {@code HTTP/1.0} or {@code ICE/1.0}), empty when invalid
 * @param headers the header fields by lower-case name; repeated fields joined with ", "
 * @param status 0 for a valid head, else the HTTP status to answer with
 * @param problem what is wrong with an invalid head, empty when valid
 */
record SourceRequest(String method, String target, String version, Map<String, String> headers, int status,
        String problem) {

    SourceRequest {
        headers = Map.copyOf(headers);
    }

    static SourceRequest valid(String method, String target, String version, Map<String, String> headers) {
        return new SourceRequest(method, target, version, headers, 0, "");
    }

    static SourceRequest invalid(int status, String problem) {
        return new SourceRequest("", "", "HTTP/1.1", Map.of(), status, problem);
    }

    boolean isValid() {
        return status == 0;
    }

    /** A header's value by case-insensitive name, or null. */
    String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** The protocol to answer in: HTTP/1.0 to HTTP/1.0 and ICE clients, else HTTP/1.1. */
    String answerVersion() {
        return version.equals("HTTP/1.1") ? "HTTP/1.1" : "HTTP/1.0";
    }
}
