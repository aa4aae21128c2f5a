package org.iceshare.source.internal;

import java.io.ByteArrayOutputStream;

/**
 * How a push's request body is framed, and taking it apart: a body runs until the connection closes
 * (what Icecast clients do: ffmpeg, libshout), up to a {@code Content-Length}, or in chunks
 * ({@code Transfer-Encoding: chunked}, what {@code curl -T -} and ffmpeg's plain http output with
 * {@code -chunked_post 1} send).
 *
 * <p><b>Threading:</b> not thread-safe; one per connection, on its event loop.
 */
abstract class BodyFraming {
    /** A chunk-size line longer than this is malformed. */
    static final int MAX_SIZE_LINE = 256;

    /** Stream bytes found in {@code in[off, off+len)}; never null. */
    abstract byte[] unframe(byte[] in, int off, int len) throws MalformedBodyException;

    /** Whether the body is complete (its length reached, or the last chunk seen). */
    abstract boolean complete();

    static final class MalformedBodyException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedBodyException(String message) {
            super(message);
        }
    }

    /** Until the connection closes. */
    static BodyFraming untilClose() {
        return new BodyFraming() {
            @Override
            byte[] unframe(byte[] in, int off, int len) {
                byte[] out = new byte[len];
                System.arraycopy(in, off, out, 0, len);
                return out;
            }

            @Override
            boolean complete() {
                return false;
            }
        };
    }

    /** Exactly {@code length} bytes; anything after them is ignored. */
    static BodyFraming length(long length) {
        return new BodyFraming() {
            private long left = length;

            @Override
            byte[] unframe(byte[] in, int off, int len) {
                int n = (int) Math.min(len, left);
                left -= n;
                byte[] out = new byte[n];
                System.arraycopy(in, off, out, 0, n);
                return out;
            }

            @Override
            boolean complete() {
                return left == 0;
            }
        };
    }

    /** Chunked transfer coding (RFC 9112 section 7.1); extensions and trailers are skipped. */
    static BodyFraming chunked() {
        return new Chunked();
    }

    private static final class Chunked extends BodyFraming {
        private enum State { SIZE, DATA, DATA_END, TRAILER, DONE }

        private State state = State.SIZE;
        private final StringBuilder line = new StringBuilder();
        private long left;

        @Override
        byte[] unframe(byte[] in, int off, int len) throws MalformedBodyException {
            ByteArrayOutputStream out = new ByteArrayOutputStream(len);
            int i = off;
            int end = off + len;
            while (i < end && state != State.DONE) {
                switch (state) {
                    case SIZE, DATA_END, TRAILER -> {
                        byte b = in[i++];
                        if (b == '\n') {
                            endOfLine();
                        } else if (b != '\r') {
                            if (line.length() >= MAX_SIZE_LINE) {
                                throw new MalformedBodyException("chunk line longer than " + MAX_SIZE_LINE + " bytes");
                            }
                            line.append((char) (b & 0xff));
                        }
                    }
                    case DATA -> {
                        int n = (int) Math.min(end - i, left);
                        out.write(in, i, n);
                        i += n;
                        left -= n;
                        if (left == 0) {
                            state = State.DATA_END;
                        }
                    }
                    default -> throw new IllegalStateException(state.name());
                }
            }
            return out.toByteArray();
        }

        private void endOfLine() throws MalformedBodyException {
            String text = line.toString().trim();
            line.setLength(0);
            switch (state) {
                case SIZE -> {
                    int semi = text.indexOf(';');
                    String hex = (semi < 0 ? text : text.substring(0, semi)).trim();
                    // chunk-size = 1*HEXDIG: Long.parseLong alone would take a sign ("+5", "-5")
                    if (hex.isEmpty() || hex.length() > 15 || !hexDigits(hex)) {
                        throw new MalformedBodyException("malformed chunk size: " + text);
                    }
                    left = Long.parseLong(hex, 16);
                    state = left == 0 ? State.TRAILER : State.DATA;
                }
                case DATA_END -> {
                    if (!text.isEmpty()) {
                        throw new MalformedBodyException("chunk data longer than its size");
                    }
                    state = State.SIZE;
                }
                case TRAILER -> {
                    if (text.isEmpty()) {
                        state = State.DONE;
                    }
                }
                default -> throw new IllegalStateException(state.name());
            }
        }

        @Override
        boolean complete() {
            return state == State.DONE;
        }
    }

    /** Whether {@code s} is only ASCII digits of base {@code radix}: no sign, no space. */
    static boolean digits(String s, int radix) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0x7f || Character.digit(s.charAt(i), radix) < 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean hexDigits(String s) {
        return digits(s, 16);
    }
}
