package org.iceshare.source.internal;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * Decodes the head of a source client's request ({@code PUT /live.ogg HTTP/1.1} or the legacy
 * {@code SOURCE /live.ogg HTTP/1.0}, then header lines, then an empty line) into one
 * {@link SourceRequest}, then removes itself: the bytes after the head (the stream) pass on
 * unchanged. Netty's HTTP codec is not used because a source body usually has neither a length nor
 * chunked framing: it simply runs until the connection closes.
 *
 * <p>Limits: the head may be at most {@value #MAX_HEAD_BYTES} bytes with at most
 * {@value #MAX_HEADERS} header lines. A longer head is answered with 431; a malformed request line
 * or header line with 400; an unknown protocol with 505. Either way the decoder emits an invalid
 * {@link SourceRequest} value and removes itself.
 *
 * <p><b>Threading:</b> one instance per connection, on its event loop.
 */
final class SourceRequestDecoder extends ByteToMessageDecoder {
    static final int MAX_HEAD_BYTES = 8192;
    static final int MAX_HEADERS = 64;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int end = headEnd(in);
        if (end < 0) {
            if (in.readableBytes() > MAX_HEAD_BYTES) {
                in.skipBytes(in.readableBytes());
                out.add(SourceRequest.invalid(431, "request head longer than " + MAX_HEAD_BYTES + " bytes"));
                ctx.pipeline().remove(this);
            }
            return;
        }
        int length = end - in.readerIndex();
        if (length > MAX_HEAD_BYTES) {
            in.skipBytes(in.readableBytes());
            out.add(SourceRequest.invalid(431, "request head longer than " + MAX_HEAD_BYTES + " bytes"));
            ctx.pipeline().remove(this);
            return;
        }
        String head = in.readCharSequence(length, StandardCharsets.ISO_8859_1).toString();
        // skip the empty line: "\r\n\r\n" or "\n\n" (the first line break is part of the head)
        while (in.isReadable() && (in.getByte(in.readerIndex()) == '\r' || in.getByte(in.readerIndex()) == '\n')) {
            byte b = in.readByte();
            if (b == '\n') {
                break;
            }
        }
        out.add(parse(head));
        ctx.pipeline().remove(this);
    }

    /**
     * The index just after the head's last header line (where the empty line begins), or -1 when
     * the empty line has not arrived.
     */
    private static int headEnd(ByteBuf in) {
        int from = in.readerIndex();
        int to = in.writerIndex();
        for (int i = from; i < to; i++) {
            if (in.getByte(i) != '\n') {
                continue;
            }
            int j = i + 1;
            if (j < to && in.getByte(j) == '\r') {
                j++;
            }
            if (j < to && in.getByte(j) == '\n') {
                return i + 1;
            }
        }
        return -1;
    }

    /** Parses a head (request line and header lines, each ending in a line break). */
    static SourceRequest parse(String head) {
        String[] lines = head.split("\r?\n", -1);
        String[] requestLine = lines[0].split(" ", -1);
        if (requestLine.length != 3 || requestLine[0].isEmpty() || requestLine[1].isEmpty()) {
            return SourceRequest.invalid(400, "malformed request line: " + printable(lines[0]));
        }
        String method = requestLine[0];
        for (int i = 0; i < method.length(); i++) {
            char c = method.charAt(i);
            if (c < 'A' || c > 'Z') {
                return SourceRequest.invalid(400, "malformed method: " + printable(method));
            }
        }
        String version = requestLine[2];
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0") && !version.equals("ICE/1.0")) {
            return SourceRequest.invalid(505, "unsupported protocol " + printable(version)
                    + " (HTTP/1.1, HTTP/1.0 or ICE/1.0)");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        int count = 0;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                continue;
            }
            if (++count > MAX_HEADERS) {
                return SourceRequest.invalid(431, "more than " + MAX_HEADERS + " header lines");
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t' || line.charAt(colon - 1) == ' ') {
                return SourceRequest.invalid(400, "malformed header line: " + printable(line));
            }
            String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            headers.merge(name, value, (a, b) -> a + ", " + b);
        }
        return SourceRequest.valid(method, requestLine[1], version, headers);
    }

    private static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        StringBuilder b = new StringBuilder();
        for (char c : cut.toCharArray()) {
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }
}
