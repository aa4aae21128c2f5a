package org.iceshare.icet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Arrays;

import org.iceshare.api.codec.DecodeResult;
import org.iceshare.api.codec.IcetCodec;
import org.iceshare.api.icet.ErrorReport;
import org.iceshare.api.icet.Hello;
import org.iceshare.api.icet.IcetMessage;
import org.iceshare.api.transport.Listener;

/** A client without Netty, speaking IceT with the API codec alone over a plain socket. */
final class RawClient implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    RawClient(Listener listener) throws IOException {
        this(listener, null);
    }

    /** A client whose socket is bound to {@code local} (a loopback address other than 127.0.0.1, say). */
    RawClient(Listener listener, InetAddress local) throws IOException {
        socket = new Socket();
        if (local != null) {
            socket.bind(new InetSocketAddress(local, 0));
        }
        socket.connect(listener.localAddress(), 10_000);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    void send(IcetMessage message) throws IOException {
        ByteBuffer frame = IcetCodec.encode(message).copy();
        write(Arrays.copyOfRange(frame.array(), frame.position(), frame.limit()));
    }

    /** Reads one frame and decodes it. */
    IcetMessage read() throws IOException {
        int length = in.readInt();
        byte[] body = new byte[length];
        in.readFully(body);
        DecodeResult decoded = IcetCodec.decode(ByteBuffer.wrap(body));
        assertThat(decoded).isInstanceOf(DecodeResult.Decoded.class);
        return ((DecodeResult.Decoded) decoded).message();
    }

    /** Reads frames, skipping the server's Hello, until an ErrorReport. */
    ErrorReport readUntilError() throws IOException {
        while (true) {
            IcetMessage message = read();
            if (message instanceof ErrorReport report) {
                return report;
            }
            assertThat(message).isInstanceOf(Hello.class);
        }
    }

    boolean atEof() throws IOException {
        try {
            in.readByte();
            return false;
        } catch (EOFException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
