package org.iceshare.source.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A source client on a raw socket, as old Icecast clients are: writes a request head and stream
 * bytes and reads the answer, so the tests control every byte and every disconnect.
 */
final class RawSource implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    RawSource(InetSocketAddress server) throws IOException {
        this(server, null);
    }

    /** A client whose socket is bound to {@code local} (another loopback address, say 127.0.0.2). */
    RawSource(InetSocketAddress server, java.net.InetAddress local) throws IOException {
        socket = new Socket();
        if (local != null) {
            socket.bind(new InetSocketAddress(local, 0));
        }
        socket.connect(server, 5000);
        socket.setSoTimeout(10_000);
        out = socket.getOutputStream();
        in = socket.getInputStream();
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Writes a head: the request line and the given header lines, then the empty line. */
    RawSource head(String requestLine, String... headers) throws IOException {
        StringBuilder b = new StringBuilder(requestLine).append("\r\n");
        for (String h : headers) {
            b.append(h).append("\r\n");
        }
        b.append("\r\n");
        out.write(b.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    /** A legacy SOURCE push head with the right headers for an Ogg stream. */
    RawSource source(String mount, String password) throws IOException {
        return head("SOURCE " + mount + " HTTP/1.0", "Authorization: " + basic("source", password),
                "Content-Type: audio/ogg", "Ice-Name: test");
    }

    RawSource send(byte[] bytes, int from, int to) throws IOException {
        out.write(bytes, from, to - from);
        out.flush();
        return this;
    }

    /** Reads one answer's status line and headers; returns them as text (empty when the server closed). */
    String answer() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int last4 = 0;
        while (true) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            b.write(c);
            last4 = last4 << 8 | c;
            if (last4 == 0x0d0a0d0a) {
                break;
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** The status code of the next answer, or -1 when the server closed first. */
    int status() throws IOException {
        String a = answer();
        if (a.isEmpty()) {
            return -1;
        }
        return Integer.parseInt(a.split(" ")[1]);
    }

    /** Whether the server closed the connection (reads until the end, up to the socket timeout). */
    boolean closedByServer() throws IOException {
        try {
            byte[] buf = new byte[4096];
            while (true) {
                int n = in.read(buf);
                if (n < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
